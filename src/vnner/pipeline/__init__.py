"""Text handling shared by training and inference, one module per stage: ``text`` (normalised view and
the map back to the caller's offsets), ``segment`` (sentences, syllables, words), ``align`` (subwords),
``windows`` (model-sized windows), ``inputs`` (the stages chained per document) and ``decode``
(constrained BIO decoding to character spans, :class:`Entity`)."""

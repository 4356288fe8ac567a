"""Stage 3: words to subword ids with the checkpoint's own tokenizer.

PhoBERT ships only a slow tokenizer (``PhobertTokenizer``): no offsets, no
``word_ids``.  Rather than tokenizing whole sentences and guessing which pieces
belong to which word, every word is tokenized on its own.  PhoBERT's BPE never
merges across whitespace, so word-by-word pieces are exactly the pieces of the
whole sentence, and the word each piece belongs to is known by construction.
Words repeat a lot in news, so results are cached (bounded), which also makes
the slow tokenizer fast.  Fast tokenizers go through the same path, batched.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from vnner.pipeline.segment import Word

# Pieces kept per word.  Only the first piece carries the word's label; a "word"
# longer than this is a URL or garbage, and its tail pieces only waste window space.
MAX_PIECES_PER_WORD = 32
CACHE_LIMIT = 16_384


def word_text(text: str, word: Word, joiner: str) -> str:
    """The string the tokenizer sees for a word: syllables joined PhoBERT-style by "_"."""
    return joiner.join(text[s:e] for s, e in word.syllables)


class SubwordEncoder:
    """Encodes word strings to subword ids, caching per word (LRU, at most ``cache_limit`` words)."""

    def __init__(self, tokenizer, *, cache_limit: int = CACHE_LIMIT) -> None:
        if cache_limit < 0:
            raise ValueError(f"cache_limit must be >= 0, got {cache_limit}")
        self.tokenizer = tokenizer
        self.is_fast = bool(getattr(tokenizer, "is_fast", False))
        self.unk_id = tokenizer.unk_token_id if tokenizer.unk_token_id is not None else 0
        self.cache_limit = cache_limit
        self._cache: OrderedDict[str, list[int]] = OrderedDict()

    def _encode_uncached(self, words: list[str]) -> list[list[int]]:
        tok = self.tokenizer
        if self.is_fast:
            return tok(words, add_special_tokens=False)["input_ids"]
        return [tok.convert_tokens_to_ids(tok.tokenize(w)) for w in words]

    def encode(self, words: Sequence[str]) -> list[list[int]]:
        """Subword ids of each word; never empty (an unencodable word becomes ``<unk>``)."""
        cache = self._cache
        found: dict[str, list[int]] = {}
        missing: list[str] = []
        for w in dict.fromkeys(words):
            ids = cache.get(w)
            if ids is None:
                missing.append(w)
            else:
                found[w] = ids
                cache.move_to_end(w)
        if missing:
            fresh = self._encode_uncached(missing)
            if len(fresh) != len(missing):
                raise RuntimeError(f"the tokenizer returned {len(fresh)} encodings for {len(missing)} words")
            for w, ids in zip(missing, fresh, strict=True):
                found[w] = (list(ids) or [self.unk_id])[:MAX_PIECES_PER_WORD]
            # Remember the newest words only (a call with more distinct words than the limit keeps its tail).
            for w in missing[-self.cache_limit:] if self.cache_limit else ():
                cache[w] = found[w]
            while len(cache) > self.cache_limit:
                cache.popitem(last=False)
        return [found[w] for w in words]

"""Stages 1-4 chained: raw text to model windows, the one path for inference and training.

``NerModel.predict`` and ``training/`` both call :func:`iter_chunks`, so a
model is trained on exactly the inputs it will see at inference time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from vnner.pipeline.align import SubwordEncoder, word_text
from vnner.pipeline.segment import Sentence, Word, iter_sentences
from vnner.pipeline.text import TextView, normalize
from vnner.pipeline.windows import Window, make_windows

# Words per chunk: a document is processed this many words (whole sentences) at a time,
# which bounds memory however long the article is.
CHUNK_WORDS = 2048


@dataclass
class Chunk:
    """Consecutive sentences of one document, segmented and windowed.

    The model reads ``words``; it labels ``units``.  At word resolution the units are the
    words.  At syllable resolution (``slots`` > 1) they are the syllables, and syllable ``j``
    of a word reads slot ``min(j, slots - 1)`` of the word's first subword (see
    :func:`unit_slots`).  ``sentence_starts`` and ``probs`` are per unit.
    """

    doc: int
    view: TextView
    words: list[Word]
    sentence_starts: set[int]
    windows: list[Window]
    units: list[Word] = field(default_factory=list)
    unit_word: list[int] = field(default_factory=list)  # the word each unit belongs to
    unit_slot: list[int] = field(default_factory=list)  # the output slot each unit reads
    unit_beyond: list[bool] = field(default_factory=list)  # a syllable past the last slot (shares it)
    probs: object = field(default=None)  # filled by the model: (units, labels) array

    def original_span(self, first: int, last: int) -> tuple[int, int]:
        """Original-string span covering units ``first..last`` (inclusive)."""
        return self.view.to_original(self.units[first].start, self.units[last].end)


def unit_slots(words: list[Word], slots: int) -> tuple[list[Word], list[int], list[int], list[bool]]:
    """The units a model labels, with the word and output slot each reads.

    ``slots == 1``: one unit per word.  Otherwise one unit per syllable; a word with more
    syllables than slots gives the extra ones the last slot, flagged ``beyond`` (the decoder
    reads them as continuing the entity of the syllable before, never starting one).
    """
    if slots == 1:
        n = len(words)
        return list(words), list(range(n)), [0] * n, [False] * n
    units, unit_word, unit_slot, beyond = [], [], [], []
    for k, w in enumerate(words):
        for j, (s, e) in enumerate(w.syllables):
            units.append(Word(s, e, [(s, e)]))
            unit_word.append(k)
            unit_slot.append(min(j, slots - 1))
            beyond.append(j >= slots)
    return units, unit_word, unit_slot, beyond


def split_words_at(words: list[Word], boundaries: Collection[int]) -> tuple[list[Word], int]:
    """Split words whose syllables straddle a boundary (view offsets); returns (words, splits).

    Training uses this so that a gold entity boundary falling inside a segmented
    word ("Tỉnh uỷ Nghệ" joined wrongly) still gets its own word and label.
    """
    out: list[Word] = []
    splits = 0
    for w in words:
        cut = [k for k in range(1, len(w.syllables)) if w.syllables[k][0] in boundaries
               or w.syllables[k - 1][1] in boundaries]
        if not cut:
            out.append(w)
            continue
        splits += 1
        edges = [0, *cut, len(w.syllables)]
        for a, b in zip(edges, edges[1:]):
            syl = w.syllables[a:b]
            out.append(Word(syl[0][0], syl[-1][1], syl))
    return out, splits


def word_strings(text: str, *, units: str = "words") -> Iterator[str]:
    """The strings a model's tokenizer sees for ``text``, one per word (for tokenizer training)."""
    view = normalize(text)
    joiner = "_" if units == "words" else " "
    for sentence in iter_sentences(view.text, words=units == "words"):
        for w in sentence.words:
            yield word_text(view.text, w, joiner)


class InputBuilder:
    """Turns documents into :class:`Chunk` s for one tokenizer and input convention."""

    def __init__(self, tokenizer, *, units: str, max_length: int, slots: int = 1) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        self.encoder = SubwordEncoder(tokenizer)
        self.words_mode = units == "words"
        self.joiner = "_" if self.words_mode else " "
        self.max_length = max_length
        self.cls_id, self.sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
        self.boundary_splits = 0  # words split at gold boundaries so far (reported by training)

    def iter_chunks(self, doc: int, text: str, *, boundaries: Collection[int] | None = None,
                    chunk_words: int | None = None) -> Iterator[Chunk]:
        """Chunks of ``text``; with ``boundaries`` (original offsets of gold spans) words are split there.

        Only word-resolution training passes ``boundaries``: a syllable-resolution model keeps
        the segmenter's words, as at inference, and labels the syllables inside them.
        """
        view = normalize(text)
        view_cuts = _to_view_offsets(view, boundaries) if boundaries else None
        limit = chunk_words or CHUNK_WORDS
        sentences: list[Sentence] = []
        n_words = 0
        for sentence in iter_sentences(view.text, words=self.words_mode):
            sentences.append(sentence)
            n_words += len(sentence.words)
            if n_words >= limit:
                yield self._chunk(doc, view, sentences, view_cuts)
                sentences, n_words = [], 0
        if sentences:
            yield self._chunk(doc, view, sentences, view_cuts)

    def _chunk(self, doc: int, view: TextView, sentences: list[Sentence], cuts: set[int] | None) -> Chunk:
        words: list[Word] = []
        bounds: list[tuple[int, int]] = []
        for sentence in sentences:
            sw = list(sentence.words)
            if cuts:
                sw, n = split_words_at(sw, cuts)
                self.boundary_splits += n
            bounds.append((len(words), len(words) + len(sw)))
            words.extend(sw)
        pieces = self.encoder.encode([word_text(view.text, w, self.joiner) for w in words])
        windows = make_windows(pieces, bounds, max_length=self.max_length, cls_id=self.cls_id, sep_id=self.sep_id)
        units, unit_word, unit_slot, beyond = unit_slots(words, self.slots)
        first_unit = {}
        for u, k in enumerate(unit_word):
            first_unit.setdefault(k, u)
        starts = {first_unit[lo] for lo, hi in bounds if hi > lo}
        return Chunk(doc, view, words, starts, windows, units, unit_word, unit_slot, beyond)


def _to_view_offsets(view: TextView, offsets: Collection[int]) -> set[int]:
    """View positions whose original offset is one of ``offsets`` (for gold boundaries)."""
    wanted = set(offsets)
    if view.is_identity:
        return wanted
    found = {i for i in range(len(view.text)) if view.start_of(i) in wanted}
    if len(view.original) in wanted:
        found.add(len(view.text))
    found |= {i + 1 for i in range(len(view.text)) if view.end_of(i) in wanted}
    return found


def syllable_tokens(text: str) -> list[list[tuple[str, int, int]]]:
    """Every syllable token of ``text`` as the model's view spells it, with its original span,
    sentence by sentence: what syllable-level taggers (the CRF) read."""
    view = normalize(text)
    return [[(view.text[w.start:w.end], *view.to_original(w.start, w.end)) for w in sentence.words]
            for sentence in iter_sentences(view.text, words=False)]


def syllable_spans(text: str) -> list[list[tuple[int, int]]]:
    """Spans of every syllable token in ``text`` (original offsets), sentence by sentence."""
    return [[(s, e) for _, s, e in sentence] for sentence in syllable_tokens(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Spans (original offsets) of the words the segmenter makes of ``text``, for scoring what it splits."""
    view = normalize(text)
    return [view.to_original(w.start, w.end) for sentence in iter_sentences(view.text, words=True)
            for w in sentence.words]


def tag_syllables(sentences: list[list[tuple[int, int]]],
                  spans: list[tuple[int, int, str]]) -> tuple[list[list[tuple[int, int, str]]], int]:
    """IOB2 tag of every syllable for character ``spans``; segment once, tag any number of span sets.

    Returns ``([[(start, end, tag), ...] per sentence], conflicts)``; ``conflicts``
    counts spans whose edges fall inside a token (they are tagged from the token
    that holds their start).
    """
    ordered = sorted(spans)
    tagged: list[list[tuple[int, int, str]]] = []
    k = 0
    seen_start: set[int] = set()
    for sentence in sentences:
        rows = []
        for start, end in sentence:
            while k < len(ordered) and ordered[k][1] <= start:
                k += 1
            tag = "O"
            if k < len(ordered) and ordered[k][0] < end:
                s, _, label = ordered[k]
                tag = ("I-" if s in seen_start else "B-") + label
                seen_start.add(s)
            rows.append((start, end, tag))
        tagged.append(rows)
    starts = {s for sent in sentences for s, _ in sent}
    ends = {e for sent in sentences for _, e in sent}
    conflicts = sum(1 for s, e, _ in ordered if s not in starts or e not in ends)
    return tagged, conflicts


def syllable_tags(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[list[tuple[int, int, str]]], int]:
    """:func:`tag_syllables` over the syllables of ``text``."""
    return tag_syllables(syllable_spans(text), spans)

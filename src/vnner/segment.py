"""Stage 2: sentences, syllables and words, each with its character span in the view.

underthesea does the linguistics (its sentence splitter, its regex syllable
tokenizer and its CRF word segmenter, all offline).  Its public
``word_tokenize`` returns strings and may rewrite characters, so we call the
same three parts directly and keep spans: every syllable and word is a
``[start, end)`` slice of the view text, and no character is ever lost.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

# A sentence of more tokens than this is tagged in pieces, which bounds the CRF's memory on
# pathological input (a megabyte without a full stop); real sentences are far shorter.
MAX_TOKENS_PER_CRF_CALL = 1000


@dataclass(frozen=True, slots=True)
class Word:
    """A segmented word: its span and the spans of its syllables (view offsets)."""

    start: int
    end: int
    syllables: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    words: tuple[Word, ...]


# What segmentation uses, in an order that satisfies underthesea's internal circular imports
# (text_normalize and word_tokenize import each other).
_UNDERTHESEA_MODULES = ("pipeline.text_normalize", "pipeline.word_tokenize", "pipeline.word_tokenize.regex_tokenize",
                        "pipeline.sent_tokenize", "models.fast_crf_sequence_tagger")


@cache
def _underthesea() -> dict[str, types.ModuleType]:
    """underthesea's segmentation modules, imported without running ``underthesea/__init__.py``.

    That ``__init__`` eagerly imports every optional pipeline, translation included, which pulls
    in torch and transformers: seconds of start-up and hundreds of MB that segmentation does not
    need (and that the embedded ONNX model avoids). The submodules are loaded under a bare stand-in
    package and then taken out of ``sys.modules`` again (vnner keeps its references), so a later
    ``import underthesea`` by the caller imports the real package from scratch, as if vnner had
    never touched it.
    """
    if "underthesea" in sys.modules:
        return {name: importlib.import_module(f"underthesea.{name}") for name in _UNDERTHESEA_MODULES}
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("underthesea is not installed: pip install underthesea")
    stand_in = types.ModuleType("underthesea")
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__spec__ = spec
    sys.modules["underthesea"] = stand_in
    try:
        return {name: importlib.import_module(f"underthesea.{name}") for name in _UNDERTHESEA_MODULES}
    finally:
        for key in [k for k in sys.modules if k == "underthesea" or k.startswith("underthesea.")]:
            del sys.modules[key]


@cache
def _token_pattern() -> re.Pattern[str]:
    regex_tokenize = _underthesea()["pipeline.word_tokenize.regex_tokenize"]

    # Compile our own copy: underthesea rebinds its module-level pattern when called with fixed_words.
    return re.compile("(" + "|".join(regex_tokenize.regex_patterns) + ")", re.VERBOSE | re.UNICODE)


@cache
def _crf():
    tagger_module = _underthesea()["models.fast_crf_sequence_tagger"]
    wt = _underthesea()["pipeline.word_tokenize"]

    tagger = tagger_module.FastCRFSequenceTagger()
    tagger.load(os.path.join(os.path.dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727"))
    return tagger


def _sentence_splitter():
    return _underthesea()["pipeline.sent_tokenize"].sent_tokenize


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Syllable and punctuation tokens of ``text[start:end]`` as absolute spans."""
    end = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _token_pattern().finditer(text[start:end])]


def group_words(text: str, tokens: list[tuple[int, int]]) -> list[Word]:
    """Join syllable tokens into words with underthesea's CRF segmenter."""
    words: list[Word] = []
    tagger = _crf()
    for lo in range(0, len(tokens), MAX_TOKENS_PER_CRF_CALL):
        chunk = tokens[lo:lo + MAX_TOKENS_PER_CRF_CALL]
        tags = tagger.predict([[text[s:e]] for s, e in chunk])
        current: list[tuple[int, int]] = []
        for span, tag in zip(chunk, tags, strict=False):
            if current and tag != "I-W":
                words.append(Word(current[0][0], current[-1][1], tuple(current)))
                current = []
            current.append(span)
        if current:
            words.append(Word(current[0][0], current[-1][1], tuple(current)))
    return words


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans: every line break ends a sentence, then underthesea splits each line."""
    split = _sentence_splitter()
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            cursor = 0
            for sent in split(line):
                found = line.find(sent, cursor)
                if found < 0:  # splitter returned something that is not a slice: keep the rest whole
                    break
                yield line_start + found, line_start + found + len(sent)
                cursor = found + len(sent)
            rest = line[cursor:]
            if rest.strip():
                lead = len(rest) - len(rest.lstrip())
                yield line_start + cursor + lead, line_start + len(line.rstrip())
        line_start += len(line) + 1


def iter_sentences(text: str, *, words: bool = True) -> Iterator[Sentence]:
    """Segment ``text`` lazily, sentence by sentence.

    With ``words=False`` each syllable is its own word (for models whose tokenizer
    reads syllables rather than PhoBERT-style segmented words).
    """
    for s_start, s_end in sentence_spans(text):
        tokens = tokenize(text, s_start, s_end)
        if not tokens:
            continue
        units = group_words(text, tokens) if words else [Word(s, e, ((s, e),)) for s, e in tokens]
        yield Sentence(tokens[0][0], tokens[-1][1], tuple(units))


def segment(text: str, *, words: bool = True) -> list[Sentence]:
    return list(iter_sentences(text, words=words))

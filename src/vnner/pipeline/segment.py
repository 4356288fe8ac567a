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
# A sentence with a run of this many non-space characters is tokenized a bounded window at a
# time (see :func:`tokenize`); no real word comes close, long URLs do.
LONG_RUN = 64
TOKEN_WINDOW = 256

# underthesea's URL pattern (nltk's) nests quantifiers, ``(?:[^\s()<>{}\[\]]+|...)+`` followed
# by a closing character, and backtracks exponentially when that character is missing
# (``http://`` and 30 semicolons take minutes).  This is the same pattern with the inner run
# reduced to one character (the same language, tried in the same greedy order) and the two
# bracket alternatives made atomic (``(?=(?P<x>...))(?P=x)``: each matches its first way only),
# so one attempt costs time linear in what it scans.  On URLs with ordinary brackets it matches
# exactly what the original does.
_P1 = r"\([^\s()]*?\([^\s()]+\)[^\s()]*?\)"  # balanced brackets, one level deep: (...(...)...)
_P2 = r"\([^\s]+?\)"  # balanced brackets, non-recursive: (...)
_SAFE_URL = rf"""(?P<url>
  (?:
    (?:ftp|http)s?:(?:/{{1,3}}|[a-z0-9%])
    |
    [a-z0-9.\-]+[.](?:[a-z]{{2,13}})/
  )
  (?:
    [^\s()<>{{}}\[\]]
    |
    (?=(?P<vnner_p1>{_P1}))(?P=vnner_p1)
    |
    (?=(?P<vnner_p2>{_P2}))(?P=vnner_p2)
  )+
  (?:
    (?=(?P<vnner_p3>{_P1}))(?P=vnner_p3)
    |
    (?=(?P<vnner_p4>{_P2}))(?P=vnner_p4)
    |
    [^\s`!()\[\]{{}};:'".,<>?«»“”‘’]
  )
  |
  (?:
    (?<!@)
    [a-z0-9]+
    (?:[.\-][a-z0-9]+)*
    [.]
    (?:[a-z]{{2,13}})
    \b
    /?
    (?!@)
  )
)"""


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
    """underthesea's syllable tokenizer pattern, with its URL alternative replaced by :data:`_SAFE_URL`.

    Our own copy: underthesea rebinds its module-level pattern when called with fixed_words.
    """
    regex_tokenize = _underthesea()["pipeline.word_tokenize.regex_tokenize"]
    parts = [_SAFE_URL if p == regex_tokenize.url else p for p in regex_tokenize.regex_patterns]
    if _SAFE_URL not in parts:
        raise ImportError("this underthesea version's tokenizer has no URL pattern where vnner expects one")
    return re.compile("(" + "|".join(parts) + ")", re.VERBOSE | re.UNICODE)


_LONG_RUN = re.compile(rf"\S{{{LONG_RUN}}}")
_LONG_RUN_FULL = re.compile(rf"\S{{{LONG_RUN},}}")


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
    """Syllable and punctuation tokens of ``text[start:end]`` as absolute spans.

    Several of underthesea's alternatives scan to the end of the current run of non-space
    characters before failing (``[a-z0-9.\\-]+[.]...``, e-mail, domain names), and the
    tokenizer restarts after every short token, so a run of ``a.a.a.…`` costs time quadratic
    in its length.  A sentence holding a run of :data:`LONG_RUN` or more non-space characters is
    therefore tokenized one match at a time, each search confined to :data:`TOKEN_WINDOW`
    characters: linear time, the same tokens wherever a token is shorter than the window (a
    longer one, a URL of 300 characters, is cut into window-sized tokens).
    """
    end = len(text) if end is None else end
    piece = text[start:end]
    pattern = _token_pattern()
    if _LONG_RUN.search(piece) is None:
        return [(start + m.start(), start + m.end()) for m in pattern.finditer(piece)]
    spans = []
    pos, n = 0, len(piece)
    while pos < n:
        stop = min(n, pos + TOKEN_WINDOW)
        m = pattern.search(piece, pos, stop)
        if m is None:  # only whitespace up to stop
            pos = stop
            continue
        spans.append((start + m.start(), start + m.end()))
        pos = max(m.end(), m.start() + 1)
    return spans


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
    """Sentence spans: every line break ends a sentence, then underthesea splits each line.

    A run of :data:`LONG_RUN` or more non-space characters (URLs, hostile input) is cut out as
    sentences of at most :data:`TOKEN_WINDOW` characters: underthesea's splitter scans back over
    the run from every full stop in it, which is quadratic in the run's length.
    """
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            cursor = 0
            for m in _LONG_RUN_FULL.finditer(line):
                yield from _split_line(line[cursor:m.start()], line_start + cursor)
                for k in range(m.start(), m.end(), TOKEN_WINDOW):
                    yield line_start + k, line_start + min(k + TOKEN_WINDOW, m.end())
                cursor = m.end()
            yield from _split_line(line[cursor:], line_start + cursor)
        line_start += len(line) + 1


def _split_line(line: str, offset: int) -> Iterator[tuple[int, int]]:
    if not line.strip():
        return
    split = _sentence_splitter()
    cursor = 0
    for sent in split(line):
        found = line.find(sent, cursor)
        if found < 0:  # splitter returned something that is not a slice: keep the rest whole
            break
        yield offset + found, offset + found + len(sent)
        cursor = found + len(sent)
    rest = line[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        yield offset + cursor + lead, offset + len(line.rstrip())


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

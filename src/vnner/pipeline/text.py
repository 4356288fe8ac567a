"""Stage 1: the normalised view of a caller's text, with a map back to its offsets.

The caller's string is never altered.  The model sees a *view* of it in which

* every character is in NFC (5% of scraped Vietnamese news is decomposed, NFD);
* tone marks follow one convention, the one PhoBERT's vocabulary was built on
  ("uỷ", "hoá", "hoà": the mark on the second vowel of an open ``oa``/``oe``/``uy``
  syllable), so "Ủy ban" and "Uỷ ban" reach the model as the same pieces;
* zero-width, control and other format characters become plain spaces, and
  exotic spaces/line separators become " " / "\\n".

Only NFC composition changes the length of the text; all other steps replace one
character by one character.  So the map back is the identity for the common
already-NFC input and otherwise a short list of *segments*: runs that map
character to character, and the clusters NFC changed (see below).  Its size grows
with the number of changed clusters, not with the length of the text (a 5 MB
article with one decomposed letter keeps two segments, not two arrays of 5 million
offsets); the text is examined in blocks of about :data:`BLOCK` characters cut before
an ASCII space or line break (which never composes with what precedes it), and only
a block that is not already NFC is cut into clusters.

How the map is built when NFC changes the text: the original is cut into
*clusters* that normalise independently (a starter and the characters that attach
to it: combining marks, and starters that compose with it, such as Hangul jamo
or the Indic two-part vowels), so NFC of the whole text is the concatenation of
NFC of each cluster.  A cluster that NFC leaves alone maps character to character;
one that NFC changes (composes, reorders, expands like U+0958 -> U+0915 U+093C,
or composes only in part) maps every one of its view characters to the whole
original cluster.  A space or control character is always a cluster of its own (the
marks after it form the next one), so no span snaps outward onto whitespace.
The map is therefore non-decreasing, and a view span maps to an original span
that contains it, snapped outward to whole clusters.  Two view spans that are
disjoint but share an expanded cluster can map to overlapping original spans;
:func:`vnner.pipeline.decode.resolve_overlaps` settles that for entities.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_BLOCK_CUT = re.compile("[ \n]")
BLOCK = 4096  # characters examined together when the text is not all NFC (see the module docstring)

# Old-style ("ủy", "hòa") -> PhoBERT style ("uỷ", "hoà"), only where the vowel pair ends the
# syllable and is not "qu" + y ("quý" is written the same in both conventions).
_OLD_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌ][aAeE]|[ùúủũụÙÚỦŨỤ][yY])(?!\w)")


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1)
    base, mark = unicodedata.normalize("NFD", first)
    return base + unicodedata.normalize("NFC", second + mark)


def _neutral(ch: str) -> str:
    """What a single character becomes in the view (itself when harmless)."""
    if ch in "\n\t":
        return ch
    cat = unicodedata.category(ch)
    if cat in ("Zl", "Zp"):
        return "\n"
    if cat[0] in "CZ":  # control, format (zero-width, BOM, soft hyphen), surrogate, odd spaces
        return " "
    return ch


class _NeutralTable(dict):
    """``str.translate`` table filled lazily: each distinct character is classified once."""

    def __missing__(self, code: int) -> str:
        self[code] = value = _neutral(chr(code))
        return value


_NEUTRAL = _NeutralTable()


@dataclass(frozen=True)
class TextView:
    """A normalised view of ``original`` and the way back to its offsets.

    The map back is ``None`` (identity) or three parallel arrays, one entry per segment:
    ``_vpos`` where the segment starts in the view, ``_opos`` where it starts in the original,
    ``_oend`` ``-1`` for a run mapped character to character, else the end of the original
    cluster that each of its view characters stands for.
    """

    original: str
    text: str
    _vpos: array | None = None
    _opos: array | None = None
    _oend: array | None = None

    @property
    def is_identity(self) -> bool:
        return self._vpos is None

    def start_of(self, i: int) -> int:
        """Original offset of the first character view character ``i`` comes from."""
        if self._vpos is None:
            return i
        k = bisect_right(self._vpos, i) - 1
        return self._opos[k] + (i - self._vpos[k] if self._oend[k] < 0 else 0)

    def end_of(self, i: int) -> int:
        """Original offset just past the characters view character ``i`` comes from."""
        if self._vpos is None:
            return i + 1
        k = bisect_right(self._vpos, i) - 1
        return self._opos[k] + i - self._vpos[k] + 1 if self._oend[k] < 0 else self._oend[k]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty view span ``[start, end)`` to the original string."""
        if self._vpos is None:
            return start, end
        return self.start_of(start), self.end_of(end - 1)

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """The view span of the original span ``[start, end)``: the view characters that come from
        inside it, or, when it cuts through a changed cluster, the whole cluster (never empty for a
        non-empty span).  The inverse of :meth:`to_original` on spans at cluster edges."""
        if self._vpos is None:
            return start, end
        n = len(self.text)
        lo = min(bisect_right(range(n), start, key=self.end_of), n)  # first view char ending past start
        hi = bisect_left(range(n), end, key=self.start_of)  # first view char starting at or after end
        return (lo, lo) if end <= start else (lo, max(hi, min(lo + 1, n)))


def _attaches(ch: str) -> bool:
    """Whether ``ch`` always belongs to the cluster before it (a mark, or decomposes to one)."""
    if unicodedata.combining(ch):
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    return bool(unicodedata.combining(decomposed[0]))


def _clusters(text: str) -> list[int]:
    """Cut points ``[0, ..., len(text)]`` between clusters that NFC normalises independently."""
    nfc = unicodedata.normalize
    cuts = [0]
    i, n = 0, len(text)
    for j in range(1, n):
        ch = text[j]
        if ch < "\u0300":  # ASCII and Latin-1 never attach to what precedes them
            cuts.append(j)
            i = j
            continue
        if _attaches(ch):
            if j == i + 1 and _neutral(text[i]) != text[i] or text[i].isspace():
                # Marks on a space or control character start their own cluster: the view turns the
                # base into a plain space, and a span must never snap outward onto whitespace.
                cuts.append(j)
                i = j
            continue
        # A starter joins the cluster only if it composes with it (jamo, Indic two-part vowels).
        cluster = text[i:j]
        if nfc("NFC", cluster + ch) != nfc("NFC", cluster) + nfc("NFC", ch):
            continue
        cuts.append(j)
        i = j
    cuts.append(n)
    # Safety net for sequences the rules above misjudge: merge clusters until NFC agrees.
    while True:
        bad = next((k for k in range(1, len(cuts) - 1)
                    if nfc("NFC", text[cuts[k - 1]:cuts[k + 1]])
                    != nfc("NFC", text[cuts[k - 1]:cuts[k]]) + nfc("NFC", text[cuts[k]:cuts[k + 1]])), None)
        if bad is None:
            return cuts
        del cuts[bad]


def _blocks(text: str) -> list[int]:
    """Cut points about :data:`BLOCK` characters apart, each just before an ASCII space or line break."""
    cuts = [0]
    while cuts[-1] + BLOCK < len(text):
        # one search for either character: two str.find calls would each rescan to the end of a
        # text that lacks one of them, once per block
        m = _BLOCK_CUT.search(text, cuts[-1] + BLOCK)
        if m is None:
            break
        cuts.append(m.start())
    cuts.append(len(text))
    return cuts


def _compose(text: str) -> tuple[str, tuple[array, array, array] | None]:
    """NFC composition cluster by cluster, with the map back as segments (see the module docstring)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    vpos, opos, oend = array("q"), array("q"), array("q")
    v = 0  # view length so far

    def segment(o: int, o_end: int) -> None:
        vpos.append(v)
        opos.append(o)
        oend.append(o_end)

    def run(o: int) -> None:  # the next view characters map one to one from original offset o
        if not (vpos and oend[-1] < 0 and opos[-1] + v - vpos[-1] == o):  # unless the last run continues
            segment(o, -1)

    block_cuts = _blocks(text)
    for b0, b1 in zip(block_cuts, block_cuts[1:]):
        block = text[b0:b1]
        if unicodedata.is_normalized("NFC", block):
            run(b0)
            out.append(block)
            v += len(block)
            continue
        cuts = _clusters(block)
        for i, j in zip(cuts, cuts[1:]):
            piece = unicodedata.normalize("NFC", block[i:j])
            if piece == block[i:j]:  # unchanged: characters map one to one
                run(b0 + i)
            else:  # changed: every view character stands for the whole cluster
                segment(b0 + i, b0 + j)
            out.append(piece)
            v += len(piece)
    return "".join(out), (vpos, opos, oend)


def normalize(original: str) -> TextView:
    """Build the model's view of ``original`` (see the module docstring)."""
    text, segments = _compose(original)
    if not text.isascii():
        text = text.translate(_NEUTRAL)
        text = _OLD_STYLE.sub(_move_tone, text)
    elif not text.isprintable():
        text = text.translate(_NEUTRAL)
    return TextView(original, text, *(segments or ()))

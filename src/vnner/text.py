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
already-NFC input and two integer arrays otherwise.

How the map is built when NFC changes the text: the original is cut into
*clusters* that normalise independently (a starter and the characters that attach
to it: combining marks, and starters that compose with it, such as Hangul jamo
or the Indic two-part vowels), so NFC of the whole text is the concatenation of
NFC of each cluster.  A cluster that NFC leaves alone maps character to character;
one that NFC changes (composes, reorders, expands like U+0958 -> U+0915 U+093C,
or composes only in part) maps every one of its view characters to the whole
original cluster.  A space or control character is always a cluster of its own (the
marks after it form the next one), so no span snaps outward onto whitespace.
Both arrays are therefore non-decreasing, and a view span maps to an original span
that contains it, snapped outward to whole clusters.  Two view spans that are
disjoint but share an expanded cluster can map to overlapping original spans;
:func:`vnner.decode.resolve_overlaps` settles that for entities.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

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
    """A normalised view of ``original`` and the way back to its offsets."""

    original: str
    text: str
    _starts: array | None = None  # view index -> first original index it came from
    _ends: array | None = None  # view index -> original index just past it

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty view span ``[start, end)`` to the original string."""
        if self._starts is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


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


def _compose(text: str) -> tuple[str, array | None, array | None]:
    """NFC composition cluster by cluster, with the map back (see the module docstring)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None, None
    out: list[str] = []
    starts, ends = array("l"), array("l")
    cuts = _clusters(text)
    for i, j in zip(cuts, cuts[1:]):
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        if piece == text[i:j]:  # unchanged: characters map one to one
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
        else:  # changed: every output character stands for the whole cluster
            starts.extend([i] * len(piece))
            ends.extend([j] * len(piece))
    return "".join(out), starts, ends


def normalize(original: str) -> TextView:
    """Build the model's view of ``original`` (see the module docstring)."""
    text, starts, ends = _compose(original)
    if not text.isascii():
        text = text.translate(_NEUTRAL)
        text = _OLD_STYLE.sub(_move_tone, text)
    elif not text.isprintable():
        text = text.translate(_NEUTRAL)
    return TextView(original, text, starts, ends)

"""Stage 4: pack words into model-sized windows without ever dropping text.

Whole sentences are packed into a window while they fit.  A sentence longer
than a window is cut into overlapping windows; where two windows overlap, each
word's prediction is taken from the window in which it sits farther from the
edge (the overlap is split at its midpoint), so every word keeps context on
both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """Words ``[lo, hi)`` (global word indices) encoded as one model input.

    ``first`` gives, for each word of the window, the position of its first
    subword in ``input_ids``; predictions are read for words ``[own_lo, own_hi)``.
    """

    input_ids: list[int]
    first: list[int]
    lo: int
    hi: int
    own_lo: int
    own_hi: int


def _encode(pieces: Sequence[list[int]], lo: int, hi: int, own_lo: int, own_hi: int,
            cls_id: int, sep_id: int) -> Window:
    ids = [cls_id]
    first = []
    for k in range(lo, hi):
        first.append(len(ids))
        ids.extend(pieces[k])
    ids.append(sep_id)
    return Window(ids, first, lo, hi, own_lo, own_hi)


def _split_long(lengths: Sequence[int], lo: int, hi: int, budget: int, overlap: int) -> list[tuple[int, int]]:
    """Overlapping ``[a, b)`` ranges over words lo..hi, each within ``budget`` subwords."""
    ranges = []
    start = lo
    while True:
        end, used = start, 0
        while end < hi and used + lengths[end] <= budget:
            used += lengths[end]
            end += 1
        end = max(end, start + 1)  # a single word always fits (pieces are capped per word)
        ranges.append((start, end))
        if end >= hi:
            return ranges
        nxt, back = end, 0
        while nxt - 1 > start + 1 and back + lengths[nxt - 1] <= overlap:
            nxt -= 1
            back += lengths[nxt]
        start = nxt


def make_windows(pieces: Sequence[list[int]], sentence_bounds: Sequence[tuple[int, int]], *,
                 max_length: int, cls_id: int, sep_id: int, overlap: int | None = None) -> list[Window]:
    """Cover every word with windows of at most ``max_length`` ids (specials included).

    ``pieces[k]`` are the subword ids of word ``k``; ``sentence_bounds`` are the
    ``[lo, hi)`` word ranges of consecutive sentences.
    """
    budget = max_length - 2
    if budget < 1:
        raise ValueError(f"max_length {max_length} leaves no room between the special tokens")
    overlap = budget // 4 if overlap is None else overlap
    # A word longer than a whole window keeps its first pieces (its label sits on the first).
    pieces = [p if len(p) <= budget else p[:budget] for p in pieces]
    lengths = [len(p) for p in pieces]
    windows: list[Window] = []
    pack_lo = pack_hi = 0
    pack_len = 0

    def flush() -> None:
        nonlocal pack_lo, pack_len
        if pack_hi > pack_lo:
            windows.append(_encode(pieces, pack_lo, pack_hi, pack_lo, pack_hi, cls_id, sep_id))
        pack_lo, pack_len = pack_hi, 0

    for lo, hi in sentence_bounds:
        size = sum(lengths[lo:hi])
        if size > budget:
            flush()
            ranges = _split_long(lengths, lo, hi, budget, overlap)
            for i, (a, b) in enumerate(ranges):
                own_lo = a if i == 0 else (a + ranges[i - 1][1]) // 2
                own_hi = b if i == len(ranges) - 1 else (ranges[i + 1][0] + b) // 2
                windows.append(_encode(pieces, a, b, own_lo, own_hi, cls_id, sep_id))
            pack_lo = pack_hi = hi
            continue
        if pack_len + size > budget:
            flush()
        pack_hi = hi
        pack_len += size
    flush()
    return windows

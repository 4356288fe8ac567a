from hypothesis import given
from hypothesis import strategies as st

from vnner.pipeline.windows import make_windows


def _pieces(lengths):
    return [[10 + k] * n for k, n in enumerate(lengths)]


def test_short_sentences_are_packed_together():
    pieces = _pieces([2, 2, 2, 2])
    windows = make_windows(pieces, [(0, 2), (2, 4)], max_length=12, cls_id=0, sep_id=2)
    assert len(windows) == 1
    w = windows[0]
    assert w.input_ids[0] == 0 and w.input_ids[-1] == 2
    assert w.first == [1, 3, 5, 7] and (w.own_lo, w.own_hi) == (0, 4)


def test_sentences_are_not_split_when_they_fit_a_window_alone():
    windows = make_windows(_pieces([3] * 6), [(0, 3), (3, 6)], max_length=11, cls_id=0, sep_id=2)
    assert [(w.lo, w.hi) for w in windows] == [(0, 3), (3, 6)]


def test_long_sentence_gets_overlapping_windows_owned_once():
    windows = make_windows(_pieces([1] * 30), [(0, 30)], max_length=12, cls_id=0, sep_id=2, overlap=4)
    assert len(windows) > 1
    assert all(len(w.input_ids) <= 12 for w in windows)
    assert any(a.hi > b.lo for a, b in zip(windows, windows[1:], strict=False)), "windows should overlap"
    owned = [k for w in windows for k in range(w.own_lo, w.own_hi)]
    assert owned == list(range(30))
    for w in windows:  # owned words sit inside the window, away from a shared edge
        assert w.lo <= w.own_lo <= w.own_hi <= w.hi


@given(st.lists(st.lists(st.integers(1, 9), min_size=1, max_size=40), min_size=1, max_size=8),
       st.integers(4, 40))
def test_every_word_is_owned_exactly_once(sentences, max_length):
    lengths = [n for s in sentences for n in s]
    bounds, lo = [], 0
    for s in sentences:
        bounds.append((lo, lo + len(s)))
        lo += len(s)
    pieces = [[7] * min(n, max_length - 2) for n in lengths]
    windows = make_windows(pieces, bounds, max_length=max_length, cls_id=0, sep_id=2)
    owned = sorted(k for w in windows for k in range(w.own_lo, w.own_hi))
    assert owned == list(range(len(lengths)))
    assert all(len(w.input_ids) <= max_length for w in windows)

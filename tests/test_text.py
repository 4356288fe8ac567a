import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vnner.pipeline.text import normalize


def test_ascii_and_nfc_text_is_its_own_view():
    view = normalize("Sáng 2/3, Bí thư Tỉnh uỷ Nghệ An")
    assert view.text == view.original
    assert view.to_original(5, 8) == (5, 8)


def test_nfd_input_is_composed_and_maps_back():
    original = unicodedata.normalize("NFD", "Đồng chí Thái Thanh Quý")
    view = normalize(original)
    assert view.text == "Đồng chí Thái Thanh Quý"
    start = view.text.index("Thái")
    s, e = view.to_original(start, start + len("Thái Thanh Quý"))
    assert unicodedata.normalize("NFC", original[s:e]) == "Thái Thanh Quý"
    assert original[s:e] == unicodedata.normalize("NFD", "Thái Thanh Quý")


def test_old_style_tone_marks_follow_phobert_convention():
    view = normalize("Ủy ban, Tỉnh ủy, hòa giải, Thanh Hóa, thủy lợi, khỏe")
    assert view.text == "Uỷ ban, Tỉnh uỷ, hoà giải, Thanh Hoá, thuỷ lợi, khoẻ"
    assert len(view.text) == len(view.original)
    assert view.to_original(0, 6) == (0, 6)


def test_tone_marks_left_alone_where_both_conventions_agree():
    for word in ("quý", "Quỳnh", "hoàng", "thuyền", "Huế"):
        assert normalize(word).text == word


def test_zero_width_and_control_characters_become_spaces():
    original = "Bí\u200bthư\u00adTỉnh\ufeffuỷ\x07Nghệ\u2028An"
    view = normalize(original)
    assert view.text == "Bí thư Tỉnh uỷ Nghệ\nAn"
    assert len(view.text) == len(original)


@given(st.text(max_size=200))
def test_every_view_span_maps_inside_the_original_in_order(original):
    view = normalize(original)
    assert unicodedata.is_normalized("NFC", view.text)
    spans = [view.to_original(i, i + 1) for i in range(len(view.text))]
    assert all(0 <= s < e <= len(original) for s, e in spans)
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)
    if view.text:
        assert view.to_original(0, len(view.text)) == (0, len(original))


EXPANDING = ["\u0958", "\ufb1d", "\u2adc", "\u0344", "\u0f73", "a\u0301\u0323", "a\u0323\u0301\u0302\u0303",
             "\u1100\u1161\u11a8", "\u1100\u1161", "\u0b47\u0b3e", "e\u0302\u0301"]
tricky = st.one_of(st.sampled_from(EXPANDING + ["Tỉnh ủy", " ", "\u0301", "\u200b", "\u1161", "\u11a8", "\u0b3e"]),
                   st.text(max_size=8))


def test_characters_that_nfc_expands_map_to_their_whole_cluster():
    original = "Đức T\u0958rung"
    view = normalize(original)
    assert view.text == "Đức T\u0915\u093crung"
    k = view.text.index("\u0915")
    assert view.to_original(k, k + 1) == view.to_original(k + 1, k + 2) == (5, 6)
    assert view.to_original(0, k + 1) == (0, 6)  # an edge inside the cluster snaps outward
    assert view.to_original(k + 1, len(view.text)) == (5, len(original))


def test_nfd_hangul_is_composed():
    original = unicodedata.normalize("NFD", "한국 Hà Nội")
    view = normalize(original)
    assert view.text == "한국 Hà Nội"
    assert view.to_original(0, 2) == (0, len(unicodedata.normalize("NFD", "한국")))


def test_partly_composed_cluster_maps_every_piece_to_the_cluster():
    view = normalize("xa\u0301\u0323y")
    assert unicodedata.is_normalized("NFC", view.text) and len(view.text) == 4
    assert [view.to_original(i, i + 1) for i in range(4)] == [(0, 1), (1, 4), (1, 4), (4, 5)]


@given(st.lists(tricky, max_size=30).map("".join))
def test_map_is_monotone_and_clusters_are_whole(original):
    view = normalize(original)
    assert unicodedata.is_normalized("NFC", view.text)
    n = len(view.text)
    if view.is_identity:
        assert n == len(original)
        return
    starts, ends = [view.start_of(i) for i in range(n)], [view.end_of(i) for i in range(n)]
    assert len(starts) == len(ends) == n
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= s < e <= len(original) for s, e in zip(starts, ends))
    if n:
        assert starts[0] == 0 and ends[-1] == len(original)
    # Each original cluster is covered exactly: its view characters are as many as NFC makes of it
    # (the later steps replace one character by one).
    for s, e in sorted(set(zip(starts, ends))):
        mine = sum(1 for i in range(n) if (starts[i], ends[i]) == (s, e))
        assert mine == len(unicodedata.normalize("NFC", original[s:e])) or (mine == 1 and e - s == 1)


def test_long_text_is_composed_block_by_block_with_the_same_map(monkeypatch):
    """Blocks (cut before ASCII spaces) give the view and map that one pass over the whole text gives,
    and the map stays a few segments when little of a long text is decomposed."""
    from vnner.pipeline import text as text_module

    words = ["Tỉnh", unicodedata.normalize("NFD", "ủy"), "T\u0958rung", "x\u0301\u0323", "\u1100\u1161",
             "Nghệ\nAn", "\u0301", "hoà"] + ["Hà Nội"] * 40
    original = " ".join(words[i % len(words)] for i in range(3000))
    blocked = normalize(original)
    assert len(original) > 4 * text_module.BLOCK
    monkeypatch.setattr(text_module, "BLOCK", 10**9)
    whole = normalize(original)
    assert blocked.text == whole.text
    n = len(blocked.text)
    assert [blocked.start_of(i) for i in range(n)] == [whole.start_of(i) for i in range(n)]
    assert [blocked.end_of(i) for i in range(n)] == [whole.end_of(i) for i in range(n)]
    one_nfd = "Hà Nội " * 100_000 + unicodedata.normalize("NFD", "ủy")
    view = normalize(one_nfd)
    assert len(view._vpos) == 3  # the run before, the composed cluster, the run after
    assert view.to_original(0, len(view.text)) == (0, len(one_nfd))


def test_from_original_finds_the_view_span_of_an_original_span():
    plain = "Ông Thái Thanh Quý, Chủ tịch Ủy ban"
    original = unicodedata.normalize("NFD", plain)
    view = normalize(original)
    for word in ("Ông", "Thái Thanh Quý", "Chủ tịch", "Ủy ban"):
        i = plain.index(word)
        start = len(unicodedata.normalize("NFD", plain[:i]))
        end = start + len(unicodedata.normalize("NFD", word))
        s, e = view.from_original(start, end)
        assert view.text[s:e] == normalize(word).text
        assert view.to_original(s, e) == (start, end)
    assert view.from_original(3, 3)[0] == view.from_original(3, 3)[1]  # empty stays empty
    identity = normalize(plain)
    assert identity.from_original(4, 18) == (4, 18)


@given(st.lists(tricky, max_size=30).map("".join))
def test_from_original_inverts_to_original_on_view_spans(original):
    view = normalize(original)
    n = len(view.text)
    for i in range(n):
        for j in range(i + 1, min(n, i + 4) + 1):
            s, e = view.to_original(i, j)
            a, b = view.from_original(s, e)
            assert view.to_original(a, b) == (s, e) and a <= i and b >= j

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vnner.text import normalize


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

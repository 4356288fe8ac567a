import pytest

from training.corpus.markup import check_against_source, parse_markup, render_markup
from vnner.formats.standoff import FormatError, Span

TEXT = "Sáng 2/3, Bí thư Tỉnh uỷ Nghệ An dự họp."
MARKED = "[[Sáng 2/3|DATE]], [[Bí thư|POSITION]] [[Tỉnh uỷ Nghệ An|ORGANIZATION]] dự họp."


def test_parse_and_render_round_trip():
    plain, spans = parse_markup(MARKED)
    assert plain == TEXT
    assert [(TEXT[s.start:s.end], s.label) for s in spans] == [
        ("Sáng 2/3", "DATE"), ("Bí thư", "POSITION"), ("Tỉnh uỷ Nghệ An", "ORGANIZATION")]
    assert render_markup(plain, spans) == MARKED
    assert render_markup(TEXT, list(reversed(spans))) == MARKED


def test_unknown_label_names_line_and_column():
    with pytest.raises(FormatError, match=r"line 2, column 1: unknown label 'PER'"):
        parse_markup("a\n[[Ông A|PER]]")


def test_malformed_markup_is_refused():
    with pytest.raises(FormatError, match="malformed markup"):
        parse_markup("[[Bí thư|POSITION]")
    with pytest.raises(FormatError, match="malformed markup"):
        parse_markup("[[Bí [[thư|POSITION]]|POSITION]]")


def test_text_that_departs_from_the_source_is_refused():
    plain, _ = parse_markup(MARKED.replace("uỷ", "ủy"))
    with pytest.raises(FormatError, match=r"line 1, column 23"):
        check_against_source(plain, TEXT, where="f.txt")
    check_against_source(TEXT, TEXT, where="f.txt")
    with pytest.raises(FormatError):
        check_against_source(TEXT + "\n", TEXT, where="f.txt")


def test_spans_are_character_offsets():
    _, spans = parse_markup("ab [[cd|DATE]]")
    assert spans == [Span(3, 5, "DATE")]

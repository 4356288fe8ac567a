import pytest

from training.corpus.validate import validate_document
from vnner.formats.standoff import Document, Span, text_sha256

TEXT = "Bí thư Tỉnh uỷ Nghệ An, đạt 15%."


def problems(*spans, text=TEXT, sha=None):
    return validate_document(Document("train/1", text, list(spans), sha256=sha or text_sha256(text)), text)


def test_clean_document():
    assert problems(Span(0, 6, "POSITION"), Span(7, 22, "ORGANIZATION"), Span(28, 31, "QUANTITY")) == []


@pytest.mark.parametrize("span, message", [
    (Span(0, 6, "PER"), "unknown label"),
    (Span(30, 99, "DATE"), "outside the text"),
    (Span(6, 6, "DATE"), "start must be below end"),
    (Span(6, 14, "ORGANIZATION"), "whitespace or punctuation"),
    (Span(7, 23, "ORGANIZATION"), "whitespace or punctuation"),
    (Span(1, 6, "POSITION"), "syllable boundary"),
    (Span(7, 10, "ORGANIZATION"), "syllable boundary"),
])
def test_each_rule_has_its_failure(span, message):
    found = problems(span)
    assert any(message in p for p in found), found


def test_overlap_and_line_break_and_hash():
    assert any("overlaps" in p for p in problems(Span(0, 14, "POSITION"), Span(7, 22, "ORGANIZATION")))
    assert any("line break" in p for p in problems(Span(0, 8, "DATE"), text="Sáng\n2/3"))
    assert any("sha256" in p for p in problems(sha="0" * 64))

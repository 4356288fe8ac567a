"""vnner.formats: every format round-trips, is detected, and refuses bad files naming file, line and document."""

import json

import pytest

from vnner.formats import (
    Document,
    FormatError,
    PositionRecord,
    Span,
    detect_format,
    labels_of,
    read_documents,
    write_documents,
)
from vnner.formats.tags import tag_spans

TEXT = "Ông Thái Thanh Quý, Bí thư Tỉnh uỷ Nghệ An, dự lễ kết nạp 152 đảng viên ngày 2/3."


def doc(with_relations: bool = True) -> Document:
    spans = [Span(4, 18, "PERSON"), Span(20, 26, "POSITION"), Span(27, 42, "ORGANIZATION"),
             Span(58, 71, "QUANTITY"), Span(72, 80, "DATE")]
    rels = [PositionRecord((4, 18), (20, 26), (27, 42))] if with_relations else None
    return Document("d1", TEXT, spans, rels)


def surfaces(d: Document) -> list[tuple[str, str]]:
    return [(d.text[s.start:s.end], s.label) for s in d.entities]


def test_the_fixture_is_what_it_says():
    assert surfaces(doc()) == [("Thái Thanh Quý", "PERSON"), ("Bí thư", "POSITION"),
                               ("Tỉnh uỷ Nghệ An", "ORGANIZATION"), ("152 đảng viên", "QUANTITY"),
                               ("ngày 2/3", "DATE")]


@pytest.mark.parametrize("fmt, name", [("jsonl", "a.jsonl"), ("label-studio", "a.json"), ("doccano", "a.jsonl")])
def test_text_formats_round_trip_exactly_with_relations(tmp_path, fmt, name):
    path = tmp_path / name
    write_documents(path, [doc()], fmt)
    assert detect_format(path) == fmt
    (back,) = read_documents(path)
    assert back.text == TEXT and back.entities == doc().entities and back.positions_held == doc().positions_held


@pytest.mark.parametrize("fmt, name", [("conll", "a.conll"), ("wordtags", "a.jsonl")])
def test_token_formats_keep_every_entity(tmp_path, fmt, name):
    path = tmp_path / name
    write_documents(path, [doc()], fmt)
    assert detect_format(path) == fmt
    back = read_documents(path)
    assert [x for d in back for x in surfaces(d)] == surfaces(doc())
    write_documents(tmp_path / f"again.{name}", back, fmt)  # a second round trip changes nothing
    assert [x for d in read_documents(tmp_path / f"again.{name}", fmt) for x in surfaces(d)] == surfaces(doc())


@pytest.mark.parametrize("fmt, name", [("conll", "a.conll"), ("wordtags", "a.jsonl")])
def test_token_formats_never_cut_an_entity_at_a_sentence_break(tmp_path, fmt, name):
    # The splitter ends a sentence after the initials "T.B."; the photo credit "T.B. D" is one PERSON.
    text = "Ông An dự lễ. Ảnh: T.B. Dũng. Ông Bình phát biểu."
    credit = Document("d", text, [Span(19, 28, "PERSON"), Span(34, 38, "PERSON")])
    assert surfaces(credit) == [("T.B. Dũng", "PERSON"), ("Bình", "PERSON")]
    write_documents(tmp_path / name, [credit], fmt)
    assert [x for d in read_documents(tmp_path / name, fmt) for x in surfaces(d)] == surfaces(credit)


def test_conll_reads_iob1_iobes_word_level_and_document_markers(tmp_path):
    path = tmp_path / "x.iob"
    path.write_text("-DOCSTART- -X- O O\n\nÔng O\nThái_Thanh_Quý I-PER\n, O\nBí_thư S-POS\n\n"
                    "# id = second\nTỉnh B-ORG\nuỷ I-ORG\nNghệ E-ORG\nAn\tS-LOC\n", encoding="utf-8")
    first, second = read_documents(path)
    assert surfaces(first) == [("Thái Thanh Quý", "PER"), ("Bí thư", "POS")]
    assert second.id == "second" and surfaces(second) == [("Tỉnh uỷ Nghệ", "ORG"), ("An", "LOC")]
    assert labels_of([first, second]) == ["LOC", "ORG", "PER", "POS"]


def test_tag_schemes():
    assert tag_spans(["B-A", "I-A", "B-A", "O", "I-B", "I-B", "E-B", "S-C", "U-C"]) == [
        (0, 2, "A"), (2, 3, "A"), (4, 7, "B"), (7, 8, "C"), (8, 9, "C")]


def test_spacy_spans_and_user_labels(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"text": "Ở Hà Nội", "spans": [{"start": 2, "end": 8, "label": "LOCATION",
                                                              "text": "Hà Nội"}]}, ensure_ascii=False) + "\n")
    (d,) = read_documents(path)
    assert d.id == "s:1" and surfaces(d) == [("Hà Nội", "LOCATION")]


def test_label_studio_takes_the_latest_completed_annotation_and_predictions_import(tmp_path):
    def result(start, end, label):
        return {"type": "labels", "value": {"start": start, "end": end, "labels": [label]}}

    tasks = [{"id": 7, "data": {"text": "Quốc hội họp"}, "annotations": [
        {"updated_at": "2026-01-02", "result": [result(0, 8, "ORGANIZATION")]},
        {"updated_at": "2026-01-03", "was_cancelled": True, "result": []},
        {"updated_at": "2026-01-01", "result": [result(0, 5, "PERSON")]}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False))
    (d,) = read_documents(path)
    assert surfaces(d) == [("Quốc hội", "ORGANIZATION")]
    from vnner.formats.labelstudio import task

    pre = task(d, predictions=True)
    assert "annotations" not in pre and pre["predictions"][0]["result"][0]["value"]["text"] == "Quốc hội"


def test_label_studio_unannotated_tasks_fail_unless_skipped(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 3, "data": {"text": "x"}, "annotations": []}]))
    with pytest.raises(FormatError, match="task 3.*no completed annotation"):
        read_documents(path)
    assert read_documents(path, skip_unannotated=True) == []


def test_doccano_label_form(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": 5, "text": "Bộ Y tế", "label": [[0, 7, "ORGANIZATION"]]}) + "\n")
    (d,) = read_documents(path)
    assert d.id == "5" and surfaces(d) == [("Bộ Y tế", "ORGANIZATION")]


BAD = [
    ("jsonl", "a.jsonl", '{"id": "ok", "text": "ab", "entities": []}\n{"id": "x", "text": "ab", "entities": '
                         '[{"start": 0, "end": 9, "label": "A"}]}\n', ["a.jsonl:2", "document x", "outside the text"]),
    ("jsonl", "a.jsonl", '{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 2, "label": "A"}, '
                         '{"start": 1, "end": 3, "label": "B"}]}\n', ["a.jsonl:1", "overlaps"]),
    ("jsonl", "a.jsonl", '{"id": "x", "text": "ab", "entities": [{"start": true, "end": 2, "label": "A"}]}\n',
     ["a.jsonl:1", "must be integers"]),
    ("jsonl", "a.jsonl", '{"id": "x", "text": "ab", "entities": [{"start": 0, "end": 2, "label": ""}]}\n',
     ["empty label"]),
    ("jsonl", "a.jsonl", '{"id": "x", "text": "ab", "entities": [{"start": 0, "end": 2, "label": "A", '
                         '"text": "zz"}]}\n', ["the file says 'zz'"]),
    ("doccano", "a.jsonl", '{"id": 1, "text": "ab", "label": [[2, 1, "A"]]}\n', ["a.jsonl:1", "document 1",
                                                                               "start must be below end"]),
    ("conll", "a.conll", "# id = d9\nHà B-LOC\nNội\n", ["a.conll:3", "expected a token and a tag"]),
    ("conll", "a.conll", "Hà B-LOC\nNội X-LOC\n", ["a.conll:2", "not O or a B-/I-"]),
    ("wordtags", "a.jsonl", '{"words": ["Hà", "Nội"], "tags": ["B-LOC"]}\n', ["a.jsonl:1", "2 words but 1 tags"]),
    ("label-studio", "a.json", '[{"id": 4, "data": {"text": "ab"}, "annotations": [{"result": [{"type": '
                               '"labels", "value": {"start": 0, "end": 2, "labels": ["A", "B"]}}]}]}]',
     ["task 4", "exactly one label"]),
]


@pytest.mark.parametrize("fmt, name, content, needles", BAD)
def test_bad_files_name_file_line_and_document(tmp_path, fmt, name, content, needles):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_documents(path, fmt)
    for needle in needles:
        assert needle in str(info.value), (needle, str(info.value))


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{oops\n{"id": "x", "text": "ab", "entities": 3}\n\xff\n{"text": 1}\n')
    with pytest.raises(FormatError) as info:
        read_documents(path, "jsonl")
    message = str(info.value)
    assert message.startswith("4 problem(s)") and all(f"a.jsonl:{n}" in message for n in (1, 2, 3, 4))


def test_detection_needs_a_name_when_unsure(tmp_path):
    path = tmp_path / "a.xyz"
    path.write_text("x")
    with pytest.raises(FormatError, match="name the format"):
        read_documents(path)
    with pytest.raises(FileNotFoundError):
        read_documents(tmp_path / "missing.jsonl")


def test_allowed_labels_are_enforced_when_given(tmp_path):
    path = tmp_path / "a.jsonl"
    write_documents(path, [doc(False)])
    with pytest.raises(FormatError, match="unknown label 'DATE'"):
        read_documents(path, labels=["PERSON", "POSITION", "ORGANIZATION", "QUANTITY"])


def test_relations_must_link_entities_of_the_right_label(tmp_path):
    path = tmp_path / "a.jsonl"
    record = doc().to_json()
    record["positions_held"][0]["person"] = [20, 26]
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    with pytest.raises(FormatError, match="person \\[20, 26\\] is a POSITION entity"):
        read_documents(path)

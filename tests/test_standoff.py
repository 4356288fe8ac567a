import json
import lzma

import pytest

from vnner.formats.standoff import (
    Document,
    FormatError,
    Span,
    iter_corpus,
    load_texts,
    materialize,
    read_records,
    record_json,
    text_sha256,
)
from vnner.formats.standoff import write as write_standoff

SEG = ('Bí_thư Tỉnh_uỷ Nghệ_An thăm " Nhà_văn_hoá " xã\n\n'
       'Sáng 2/3 , đồng_chí Thái_Thanh_Quý ( Bí_thư ) kết_nạp 152 đảng_viên , đạt 15 % …\n'
       'Ảnh : V.Nỷ')


def test_materialize_restores_spacing_and_keeps_paragraphs():
    assert materialize(SEG) == (
        'Bí thư Tỉnh uỷ Nghệ An thăm "Nhà văn hoá" xã\n\n'
        "Sáng 2/3, đồng chí Thái Thanh Quý (Bí thư) kết nạp 152 đảng viên, đạt 15%…\n"
        "Ảnh: V.Nỷ")


def write_corpus(folder, docs):
    folder.mkdir(parents=True, exist_ok=True)
    with lzma.open(folder / "train.jsonl.xz", "wt", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return folder


def test_bundled_jsonl_and_repository_clone_give_the_same_text(tmp_path):
    corpus = write_corpus(tmp_path / "bundle", {"train/000001": SEG, "train/000002": "Quốc_hội"})
    clone = tmp_path / "clone" / "data" / "train_tokenized"
    clone.mkdir(parents=True)
    (clone / "000001.txt.seg").write_text(SEG, encoding="utf-8")
    a = load_texts(corpus, ["train/000001"])
    b = load_texts(tmp_path / "clone", ["train/000001"])
    assert a == b and a["train/000001"].startswith("Bí thư")
    assert dict(iter_corpus(corpus)).keys() == {"train/000001", "train/000002"}


def test_missing_document_and_missing_corpus(tmp_path):
    corpus = write_corpus(tmp_path, {"train/000001": SEG})
    with pytest.raises(FormatError, match="train/000009"):
        load_texts(corpus, ["train/000009"])
    with pytest.raises(FormatError, match="does not exist"):
        load_texts(tmp_path / "nowhere", ["train/000001"])


def test_malformed_corpus_line_names_file_and_line(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text('{"id": "train/1", "text": "a"}\n{"id": "train/2"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"train.jsonl:2"):
        list(iter_corpus(path))


def test_annotation_round_trip(tmp_path):
    doc = Document("train/000001", "x", [Span(0, 1, "DATE")], sha256=text_sha256("x"))
    write_standoff(tmp_path / "a.jsonl", [doc])
    (back,) = read_records(tmp_path / "a.jsonl")
    assert record_json(back) == record_json(doc) and back.text is None


@pytest.mark.parametrize("line, message", [
    ("{oops", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"sha256": "' + "0" * 64 + '", "entities": []}', "'id'"),
    ('{"id": "train/1", "sha256": "abc", "entities": []}', "sha256"),
    ('{"id": "train/1", "sha256": "' + "0" * 64 + '", "entities": [{"start": 1}]}', "entity #0"),
    ('{"id": "train/1", "sha256": "' + "0" * 64 + '", "entities": [{"start": "1", "end": 2, "label": "DATE"}]}',
     "non-integer"),
])
def test_bad_annotation_lines_name_file_line_and_document(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "train/0", "sha256": "' + "0" * 64 + '", "entities": []}\n' + line + "\n")
    with pytest.raises(FormatError, match=message) as err:
        read_records(path)
    assert f"{path}:2" in str(err.value)

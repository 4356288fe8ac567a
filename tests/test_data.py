"""The corpus command line on a tiny corpus written by the test."""

import json

import pytest
from test_standoff import write_corpus

from training.data import main

SEG = "Sáng 2/3 , Bí_thư Tỉnh_uỷ Nghệ_An kết_nạp 152 đảng_viên .\nẢnh : V.Nỷ"
MARKED = ("[[Sáng 2/3|DATE]], [[Bí thư|POSITION]] [[Tỉnh uỷ Nghệ An|ORGANIZATION]] kết nạp "
          "[[152 đảng viên|QUANTITY]].\nẢnh: [[V.Nỷ|PERSON]]")


@pytest.fixture
def corpus(tmp_path):
    return str(write_corpus(tmp_path / "corpus", {"train/000001": SEG}))


def markup_file(tmp_path, text=MARKED, name="train_000001.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_markup_to_standoff_validate_stats_and_export(tmp_path, corpus, capsys):
    ann = tmp_path / "ann" / "train.jsonl"
    assert main(["--corpus", corpus, "check-markup", markup_file(tmp_path)]) == 0
    assert "5 entities" in capsys.readouterr().out
    assert main(["--corpus", corpus, "from-markup", markup_file(tmp_path), "--out", str(ann)]) == 0
    record = json.loads(ann.read_text())
    assert record["id"] == "train/000001" and len(record["entities"]) == 5
    assert main(["--corpus", corpus, "validate", str(ann)]) == 0
    assert main(["--corpus", corpus, "stats", str(ann)]) == 0
    assert "| train | 1 | 1 | 1 | 1 | 1 | 1 | 5 |" in capsys.readouterr().out
    assert main(["--corpus", corpus, "export", str(ann), "--format", "conll", "--out", str(tmp_path / "x")]) == 0
    conll = (tmp_path / "x" / "train.conll").read_text(encoding="utf-8")
    assert conll == (
        "# id = train/000001\n"
        "Sáng\tB-DATE\n2/3\tI-DATE\n,\tO\nBí\tB-POSITION\nthư\tI-POSITION\nTỉnh\tB-ORGANIZATION\n"
        "uỷ\tI-ORGANIZATION\nNghệ\tI-ORGANIZATION\nAn\tI-ORGANIZATION\nkết\tO\nnạp\tO\n152\tB-QUANTITY\n"
        "đảng\tI-QUANTITY\nviên\tI-QUANTITY\n.\tO\n\nẢnh\tO\n:\tO\nV.Nỷ\tB-PERSON\n\n")
    assert main(["--corpus", corpus, "export", str(ann), "--format", "jsonl", "--out", str(tmp_path / "y")]) == 0
    row = json.loads((tmp_path / "y" / "train.jsonl").read_text())
    assert row["text"][row["entities"][0]["start"]:row["entities"][0]["end"]] == "Sáng 2/3"
    assert main(["--corpus", corpus, "to-markup", str(ann), "--out", str(tmp_path / "z")]) == 0
    assert (tmp_path / "z" / "train_000001.txt").read_text(encoding="utf-8") == MARKED


def test_check_markup_refuses_changed_text_and_bad_spans(tmp_path, corpus, capsys):
    assert main(["--corpus", corpus, "check-markup", markup_file(tmp_path, MARKED.replace("uỷ", "ủy"))]) == 1
    assert "differs from the source" in capsys.readouterr().err
    bad = MARKED.replace("[[Bí thư|POSITION]] ", "[[Bí thư |POSITION]]")
    assert main(["--corpus", corpus, "check-markup", markup_file(tmp_path, bad)]) == 1
    assert "whitespace or punctuation" in capsys.readouterr().err


def test_validate_reports_hash_mismatch_with_file_and_document(tmp_path, corpus, capsys):
    ann = tmp_path / "train.jsonl"
    ann.write_text(json.dumps({"id": "train/000001", "sha256": "0" * 64, "entities": []}) + "\n")
    assert main(["--corpus", corpus, "validate", str(ann)]) == 1
    err = capsys.readouterr().err
    assert f"{ann}:1 (document train/000001): sha256" in err


def test_duplicate_document_across_files_is_an_error(tmp_path, corpus, capsys):
    ann = tmp_path / "a.jsonl"
    assert main(["--corpus", corpus, "from-markup", markup_file(tmp_path), "--out", str(ann)]) == 0
    (tmp_path / "b.jsonl").write_text(ann.read_text())
    assert main(["--corpus", corpus, "validate", str(ann), str(tmp_path / "b.jsonl")]) == 1
    assert "also in" in capsys.readouterr().err


def test_agreement_table(tmp_path, corpus, capsys):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    main(["--corpus", corpus, "from-markup", markup_file(tmp_path), "--out", str(first)])
    other = MARKED.replace("[[V.Nỷ|PERSON]]", "V.Nỷ")
    other = other.replace("[[152 đảng viên|QUANTITY]]", "[[152|QUANTITY]] đảng viên")
    (tmp_path / "o").mkdir()
    main(["--corpus", corpus, "from-markup", markup_file(tmp_path / "o", other), "--out", str(second)])
    capsys.readouterr()
    assert main(["agreement", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "| PERSON | 1 | 0 | 0 | 0.000 |" in out
    assert "| QUANTITY | 1 | 1 | 0 | 0.000 |" in out
    assert "| micro | 5 | 4 | 3 | 0.667 |" in out


def test_dataset_dict(tmp_path, corpus):
    from training.corpus.dataset import load_gold_dataset

    ann = tmp_path / "train.jsonl"
    main(["--corpus", corpus, "from-markup", markup_file(tmp_path), "--out", str(ann)])
    dd = load_gold_dataset({"train": ann}, corpus)
    row = dd["train"][0]
    assert row["id"] == "train/000001" and len(row["entities"]) == 5
    assert row["text"].startswith("Sáng 2/3, Bí thư")


def test_split_is_by_article_and_seeded(tmp_path, capsys):
    from vnner.formats.standoff import Document, read_records
    from vnner.formats.standoff import write as write_standoff

    docs = [Document(f"train/{i:06d}", None, [], sha256="0" * 64) for i in range(20)]
    write_standoff(tmp_path / "all.jsonl", docs)
    for out in ("a", "b"):
        assert main(["split", str(tmp_path / "all.jsonl"), "--out", str(tmp_path / out)]) == 0
    sizes = {s: len(read_records(tmp_path / "a" / f"{s}.jsonl")) for s in ("train", "dev", "test")}
    assert sizes == {"train": 14, "dev": 3, "test": 3}
    for s in ("train", "dev", "test"):
        assert (tmp_path / "a" / f"{s}.jsonl").read_text() == (tmp_path / "b" / f"{s}.jsonl").read_text()

"""``vnner positions`` (json, jsonl, csv) and ``vnner predict --format html``, with the default model."""

import csv
import io
import json

from vnner.cli import main

TEXT = "Đồng chí Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An, dự lễ kết nạp đảng viên mới."
EXPECTED = ("Thái Thanh Quý", "Bí thư", "Tỉnh ủy Nghệ An")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_positions_json(capsys, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "positions", str(a), "--no-progress")
    assert code == 0
    (record,) = json.loads(out)
    assert record["id"] == str(a)
    (rel,) = record["positions_held"]
    assert (rel["person"]["text"], rel["position"]["text"], rel["organization"]["text"]) == EXPECTED
    assert TEXT[rel["person"]["start"]:rel["person"]["end"]] == "Thái Thanh Quý" and rel["former"] is False


def test_positions_jsonl_from_jsonl_input(capsys, tmp_path):
    src = tmp_path / "docs.jsonl"
    docs = ({"id": "d1", "text": TEXT}, {"id": "d2", "text": "Không có ai."})
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in docs), encoding="utf-8")
    code, out, _ = run(capsys, "positions", "--jsonl", str(src), "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["d1", "d2"]
    assert [len(r["positions_held"]) for r in records] == [1, 0]


def test_positions_csv(capsys):
    code, out, _ = run(capsys, "positions", TEXT, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "person", "position", "organization", "former", "person_start", "person_end",
                       "position_start", "position_end", "organization_start", "organization_end"]
    (row,) = rows[1:]
    assert row[0] == "text1" and tuple(row[1:4]) == EXPECTED and row[4] == "false"
    assert TEXT[int(row[9]):int(row[10])] == "Tỉnh ủy Nghệ An"


def test_positions_usage_error_before_model(capsys):
    code, _, err = run(capsys, "positions", "no-such-file.txt")
    assert code == 2 and "no-such-file.txt" in err


def test_predict_html_page(capsys):
    code, out, _ = run(capsys, "predict", TEXT, "<script>alert(1)</script> và Hà Nội", "--format", "html")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "<script" not in out and "&lt;script&gt;" in out
    assert '<a href="#doc-1">text2</a>' in out and '<table class="ph">' in out
    assert ">Thái Thanh Quý</a></td>" in out  # the positions table links the person's mention

import io
import json

import pytest
from conftest import save_constant_model

from vnner.cli import main


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return str(save_constant_model(tmp_path_factory.mktemp("cli"), "B-ORGANIZATION"))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_argument_prints_json(capsys, model_dir):
    code, out, _ = run(capsys, "predict", "Tỉnh uỷ Nghệ An", "--model", model_dir)
    assert code == 0
    assert [e["text"] for e in json.loads(out)] == ["Tỉnh uỷ", "Nghệ An"]


def test_files_and_jsonl_output(capsys, model_dir, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Quốc hội", encoding="utf-8")
    b.write_text("", encoding="utf-8")
    code, out, _ = run(capsys, "predict", str(a), str(b), "--model", model_dir, "--format", "jsonl", "--no-progress")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [str(a), str(b)]
    assert [len(r["entities"]) for r in records] == [1, 0]


def test_jsonl_input_and_conll_output(capsys, model_dir, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": "Bí thư Tỉnh uỷ."}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir, "--format", "conll")
    assert code == 0
    assert out.splitlines()[:5] == ["# id = d1", "Bí\tB-ORGANIZATION", "thư\tI-ORGANIZATION",
                                    "Tỉnh\tB-ORGANIZATION", "uỷ\tI-ORGANIZATION"]


def test_stdin(capsys, model_dir, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Chính phủ"))
    code, out, _ = run(capsys, "predict", "-", "--model", model_dir)
    assert code == 0 and json.loads(out)[0]["text"] == "Chính phủ"


def test_bad_jsonl_line_names_file_and_line(capsys, model_dir, tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": 1, "text": "a"}\n{oops\n', encoding="utf-8")
    code, _, err = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir)
    assert code == 2 and f"{src}:2" in err


def test_missing_file_and_missing_model(capsys, model_dir, tmp_path):
    code, _, err = run(capsys, "predict", str(tmp_path / "nope.txt"), "--model", model_dir)
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "predict", "xin chào", "--model", str(tmp_path / "no-model"))
    assert code == 1 and "does not exist" in err


def test_text_with_slashes_is_text_not_a_path(capsys, model_dir):
    code, out, _ = run(capsys, "predict", "Sáng 2/3, Bí thư Tỉnh ủy Nghệ An.", "--model", model_dir)
    assert code == 0 and json.loads(out)[0]["text"] == "Sáng"
    code, _, err = run(capsys, "predict", "docs/article.txt", "--model", model_dir)
    assert code == 2 and "no such file" in err


def test_nothing_to_read(capsys, model_dir):
    code, _, err = run(capsys, "predict", "--model", model_dir)
    assert code == 2 and "nothing to read" in err

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
    (record,) = json.loads(out)  # one shape whatever the number of inputs: a list of {id, entities}
    assert record["id"] == "text1"
    assert [e["text"] for e in record["entities"]] == ["Tỉnh uỷ", "Nghệ An"]


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
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Chính phủ".encode())))
    code, out, _ = run(capsys, "predict", "-", "--model", model_dir)
    assert code == 0 and json.loads(out)[0]["entities"][0]["text"] == "Chính phủ"


def test_bad_jsonl_line_names_file_and_line(capsys, model_dir, tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": 1, "text": "a"}\n{oops\n', encoding="utf-8")
    code, _, err = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir)
    assert code == 2 and f"{src}:2" in err


def test_missing_file_and_missing_model(capsys, model_dir, tmp_path):
    code, _, err = run(capsys, "predict", str(tmp_path / "nope.txt"), "--model", model_dir)
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "predict", "xin chào", "--model", str(tmp_path / "no-model"))
    assert code == 2 and "does not exist" in err  # a missing local model path is the user's input


def test_text_with_slashes_is_text_not_a_path(capsys, model_dir):
    code, out, _ = run(capsys, "predict", "Sáng 2/3, Bí thư Tỉnh ủy Nghệ An.", "--model", model_dir)
    assert code == 0 and json.loads(out)[0]["entities"][0]["text"] == "Sáng"
    code, _, err = run(capsys, "predict", "docs/article.txt", "--model", model_dir)
    assert code == 2 and "no such file" in err


def test_nothing_to_read(capsys, model_dir):
    code, _, err = run(capsys, "predict", "--model", model_dir)
    assert code == 2 and "nothing to read" in err


def test_usage_errors_exit_2_before_any_model_loads(capsys, tmp_path, monkeypatch):
    import vnner

    def boom(*a, **k):
        raise AssertionError("model loaded")

    monkeypatch.setattr(vnner, "load_model", boom)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    cases = {"nope": ["predict", "nope"],  # no whitespace, no such file: not silently tagged as text
             "--jsonl reads": ["predict", "--jsonl", str(tmp_path / "a.txt"), str(tmp_path / "a.txt")],
             "no *.txt": ["predict", str(tmp_path / "empty")]}
    for message, argv in cases.items():
        code, _, err = run(capsys, *argv)
        assert code == 2 and message in err and err.count("\n") == 1, (argv, err)


def test_batch_size_zero_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["predict", "--batch-size", "0", "x y"])
    assert info.value.code == 2 and "--batch-size" in capsys.readouterr().err


def test_bad_record_mid_stream_keeps_earlier_output_or_is_skipped(capsys, model_dir, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_bytes(b'{"id": "a", "text": "Qu\xe1\xbb\x91c h\xe1\xbb\x99i"}\n{oops\n'
                    b'{"id": "b", "text": "x"}\n\xff\xfe bad\n{"id": "c", "text": "y"}\n')
    code, out, err = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir, "--format", "jsonl")
    assert code == 2 and f"{src}:2" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a"]  # written before the stop
    code, out, err = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir, "--format", "jsonl",
                         "--skip-bad")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b", "c"]
    assert f"{src}:2" in err and f"{src}:4" in err and "not utf-8" in err.lower()


def test_json_list_stays_valid_when_a_later_record_is_bad(capsys, model_dir, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n[1]\n', encoding="utf-8")
    code, out, _ = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir)
    assert code == 2 and [r["id"] for r in json.loads(out)] == ["a"]


def test_lone_surrogate_is_written_escaped(capsys, model_dir, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text('{"id": "s", "text": "Qu\\ud800c h\\u1ed9i"}\n', encoding="utf-8")
    code, out, _ = run(capsys, "predict", "--jsonl", str(src), "--model", model_dir, "--format", "jsonl")
    assert code == 0 and json.loads(out)["id"] == "s"


def test_files_are_read_exactly_crlf_and_bom(capsys, model_dir, tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes("\ufeffQuốc hội\r\nChính phủ\r\n".encode())
    code, out, _ = run(capsys, "predict", str(path), "--model", model_dir)
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    ents = json.loads(out)[0]["entities"]
    assert code == 0 and ents and all(text[e["start"]:e["end"]] == e["text"] for e in ents)
    assert text[ents[-1]["start"]:ents[-1]["end"]] == "Chính phủ"


def test_binary_and_foreign_encodings(capsys, model_dir, tmp_path):
    binary = tmp_path / "x.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    code, _, err = run(capsys, "predict", str(binary), "--model", model_dir)
    assert code == 2 and "binary" in err and str(binary) in err
    latin = tmp_path / "l.txt"
    latin.write_bytes("Quốc hội".encode("utf-16"))
    code, _, err = run(capsys, "predict", str(latin), "--model", model_dir)
    assert code == 2 and "--encoding" in err
    code, out, _ = run(capsys, "predict", str(latin), "--model", model_dir, "--encoding", "utf-16")
    assert code == 0 and json.loads(out)[0]["entities"][0]["text"] == "Quốc hội"


def test_folders_are_read_and_recursion_is_asked_for(capsys, model_dir, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Quốc hội", encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_text("Chính phủ", encoding="utf-8")
    code, out, _ = run(capsys, "predict", str(tmp_path), "--model", model_dir, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1
    code, out, _ = run(capsys, "predict", "-r", str(tmp_path), "--model", model_dir, "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 2


def test_closed_pipe_and_interrupt_end_quietly(capsys, model_dir, tmp_path, monkeypatch):
    import vnner.cli.predict as cli_predict

    texts = [f"Quốc hội {i}" for i in range(3)]
    monkeypatch.setattr(cli_predict, "GROUP_DOCS", 1)

    class ClosedPipe(io.StringIO):
        def write(self, s):
            raise BrokenPipeError

    monkeypatch.setattr(cli_predict, "_quiet_stdout", lambda: None)
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["predict", "--text", *texts, "--model", model_dir]) == 0
    monkeypatch.undo()

    calls = {"n": 0}
    original = cli_predict.Writer.write

    def interrupt_second(self, *a):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(self, *a)

    monkeypatch.setattr(cli_predict, "GROUP_DOCS", 1)
    monkeypatch.setattr(cli_predict.Writer, "write", interrupt_second)
    code, out, _ = run(capsys, "predict", "--text", *texts, "--model", model_dir)
    assert code == 130 and [r["id"] for r in json.loads(out)] == ["text1"]  # the partial list is valid JSON


def test_label_studio_and_doccano_output(capsys, model_dir):
    code, out, _ = run(capsys, "predict", "Quốc hội họp", "--model", model_dir, "--format", "label-studio")
    (task,) = json.loads(out)
    result = task["predictions"][0]["result"]
    assert code == 0 and task["data"]["text"] == "Quốc hội họp" and result[0]["value"]["labels"] == ["ORGANIZATION"]
    code, out, _ = run(capsys, "predict", "Quốc hội họp", "--model", model_dir, "--format", "doccano")
    assert code == 0 and json.loads(out)["label"][0][2] == "ORGANIZATION"

"""The benchmark end to end on a tiny dataset: a vnner model, the CRF and underthesea in one run."""

import json

from conftest import save_tiny_model
from test_train import tiny_project  # noqa: F401  (fixture)

from training.evaluate import benchmark, markdown, underthesea_spans


def test_benchmark_reports_accuracy_and_speed(tiny_project, tmp_path):  # noqa: F811
    root, corpus = tiny_project
    model = save_tiny_model(tmp_path / "model")
    report = benchmark([str(model)], root / "dev.jsonl", train=root / "train.jsonl", baselines=["underthesea"],
                       corpus=str(corpus), out_dir=tmp_path / "bench", warmup=1)
    assert set(report["systems"]) == {"model", "crf", "underthesea-ner"}
    crf = report["systems"]["crf"]
    # The CRF is trained and scored on the same three articles: it should fit them well.
    assert crf["char_spans"]["micro"]["f1"] > 0.8
    for row in report["systems"].values():
        sp = row["speed"]
        assert sp["words_per_s"] > 0 and sp["cold_start_s"] > 0 and sp["peak_rss_mb"] > 0
        assert 0.0 <= row["char_spans"]["micro"]["f1"] <= 1.0
    ud = report["systems"]["underthesea-ner"]["char_spans"]
    assert ud["POSITION"]["tp"] == 0 and ud["DATE"]["tp"] == 0  # labels it does not have score as missed
    saved = json.loads((tmp_path / "bench" / "benchmark-dev.json").read_text())
    assert saved["documents"] == 3 and sorted(p.name for p in (tmp_path / "bench").iterdir()) == [
        "benchmark-dev.json", "benchmark-dev.md"]  # nothing large is written
    assert "| crf |" in markdown(report)
    # where each system fails: every gold span the CRF missed is in exactly one error class
    errors = crf["errors"]
    missed = crf["char_spans"]["micro"]["fn"]
    assert sum(errors["all"][k] for k in errors["all"] if k != "spurious") == missed
    assert "Where each system fails" in markdown(report) and "segmentation_bound" in crf


def test_no_crf_without_a_train_file_and_strict_figures_match_vnner_evaluate(
        tiny_project, tmp_path, capsys):  # noqa: F811
    from vnner.cli import main as vnner_main
    from vnner.formats import read_documents, write_documents

    root, corpus = tiny_project
    gold = tmp_path / "gold.conll"  # a user's own file in another format
    write_documents(gold, read_documents(root / "dev.jsonl", corpus=corpus))
    model = save_tiny_model(tmp_path / "model")
    report = benchmark([str(model)], gold, baselines=[], warmup=0)
    assert set(report["systems"]) == {"model"}
    capsys.readouterr()
    assert vnner_main(["evaluate", "--gold", str(gold), "--model", str(model), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["models"][str(model)]["strict"]
    assert cli == report["systems"]["model"]["char_spans"]
    # --model given twice scores both models (not only the last one named)
    other = save_tiny_model(tmp_path / "other")
    assert vnner_main(["evaluate", "--gold", str(gold), "--model", str(model), "--model", str(other), "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)["models"]) == [str(model), str(other)]


def test_underthesea_spans_index_the_original_text():
    text = "Ông Nguyễn Văn An làm việc với Bộ Y tế tại Hà Nội, Tỉnh uỷ Nghệ An."
    for s, e, label in underthesea_spans(text):
        assert label in ("PERSON", "ORGANIZATION")
        assert text[s:e].strip() == text[s:e] != ""

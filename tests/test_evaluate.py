"""The benchmark end to end on a tiny dataset: a vnner model, the CRF and underthesea in one run."""

import json

from conftest import save_tiny_model
from test_train import tiny_project  # noqa: F401  (fixture)

from training.evaluate import benchmark, markdown, underthesea_spans


def test_benchmark_reports_accuracy_and_speed(tiny_project, tmp_path):  # noqa: F811
    root, corpus = tiny_project
    data_dir = tmp_path / "ann"
    data_dir.mkdir()
    for split in ("train", "dev"):
        (data_dir / f"{split}.jsonl").write_text((root / f"{split}.jsonl").read_text())
    model = save_tiny_model(tmp_path / "model")
    report = benchmark([str(model)], "dev", baselines=["crf", "underthesea"], corpus=str(corpus),
                       out_dir=tmp_path / "bench", data_dir=data_dir, warmup=1)
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
    assert saved["documents"] == 3
    assert "| crf |" in markdown(report)


def test_underthesea_spans_index_the_original_text():
    text = "Ông Nguyễn Văn An làm việc với Bộ Y tế tại Hà Nội, Tỉnh uỷ Nghệ An."
    for s, e, label in underthesea_spans(text):
        assert label in ("PERSON", "ORGANIZATION")
        assert text[s:e].strip() == text[s:e] != ""

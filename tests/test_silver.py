import json

import pytest
from test_standoff import write_corpus
from test_train import ARTICLES

from training.corpus.silver import main as silver_main
from training.data import main as data_main

DOMAIN = "Bí_thư Tỉnh_uỷ Hà_Tĩnh Lê_Văn_Cường họp với UBND tỉnh và HĐND tỉnh ngày 9/9 ."


def test_silver_articles_exclude_gold_and_are_valid(tmp_path):
    docs = {k: v[0] for k, v in ARTICLES.items()} | {"train/000009": DOMAIN}
    corpus = write_corpus(tmp_path / "corpus", docs)
    markup = tmp_path / "m"
    markup.mkdir()
    for doc_id, (_, marked) in ARTICLES.items():
        (markup / f"{doc_id.replace('/', '_')}.txt").write_text(marked, encoding="utf-8")
    gold = tmp_path / "train.jsonl"
    assert data_main(["--corpus", str(corpus), "from-markup", *map(str, markup.glob("*.txt")), "--out", str(gold)]) == 0
    out = tmp_path / "silver.jsonl"
    assert silver_main(["--corpus", str(corpus), "--gold", str(gold), "--out", str(out), "-n", "10",
                        "--min-words", "1", "--min-distinct", "1", "--min-density", "0"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["train/000009"]  # gold articles never become silver
    assert data_main(["--corpus", str(corpus), "validate", str(out)]) == 0


def run_silver_with_a_tagger(tmp_path, *extra: str):
    """silver.py over the test articles + one domain article, tagged by a model that says B-PERSON."""
    from conftest import save_constant_model

    docs = {k: v[0] for k, v in ARTICLES.items()} | {"train/000009": DOMAIN}
    corpus = write_corpus(tmp_path / "corpus", docs)
    gold = tmp_path / "train.jsonl"
    gold.write_text("")
    model_dir = save_constant_model(tmp_path / "model", "B-PERSON", max_positions=64)
    out = tmp_path / "silver.jsonl"
    assert silver_main(["--corpus", str(corpus), "--gold", str(gold), "--tagger", str(model_dir), *extra,
                        "--out", str(out), "-n", "10", "--min-words", "1", "--min-distinct", "1",
                        "--min-density", "0"]) == 0
    return corpus, model_dir, out


def test_silver_from_a_model_tagger_keeps_its_entities(tmp_path):
    from training.corpus.validate import validate_document
    from vnner import load_model
    from vnner.formats.standoff import Document, Span, load_texts, text_sha256

    corpus, model_dir, out = run_silver_with_a_tagger(tmp_path)
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert "train/000009" in rows
    texts = load_texts(str(corpus), list(rows))
    model = load_model(str(model_dir))
    for doc_id, row in rows.items():
        text = texts[doc_id]
        predicted = [Span(e.start, e.end, e.label) for e in model.predict(text)]
        # the model tags punctuation too; silver keeps exactly the spans that pass validation
        sha = text_sha256(text)
        valid = [s for s in predicted if not validate_document(Document(doc_id, text, [s], sha256=sha), text)]
        assert [Span(e["start"], e["end"], e["label"]) for e in row["entities"]] == valid
        assert 0 < len(valid) < len(predicted)


def test_soft_targets_reach_the_student_rows(tmp_path):
    """silver --soft writes the teacher's distributions; build_features attaches them to word-first pieces."""
    import numpy as np
    from conftest import LABELS

    from training.corpus.dataset import load_gold_dataset
    from training.modeling.features import SoftTargets, build_features
    from vnner import load_model
    from vnner.pipeline.inputs import InputBuilder

    corpus, teacher, out = run_silver_with_a_tagger(tmp_path, "--soft")
    npz = np.load(tmp_path / "silver.soft.npz")
    assert [str(x) for x in npz["labels"]] == LABELS
    silver = load_gold_dataset({"s": str(out)}, str(corpus))["s"]
    model = load_model(str(teacher))
    builder = InputBuilder(model.tokenizer, units="words", max_length=62)
    rows = build_features(silver, builder, {lab: i for i, lab in enumerate(LABELS)},
                          soft=SoftTargets([str(tmp_path / "silver.soft.npz")], LABELS))
    labelled = sum(sum(1 for x in r["labels"] if x != -100) for r in rows)
    assert sum(len(r["soft_pos"]) for r in rows) == labelled  # every word found its teacher unit
    first = np.array(rows[0]["soft_probs"][:len(LABELS)])
    assert first.argmax() == LABELS.index("B-PERSON") and abs(first.sum() - 1) < 1e-2
    with pytest.raises(ValueError, match="differ"):
        SoftTargets([str(tmp_path / "silver.soft.npz")], list(reversed(LABELS)))

"""End to end on a tiny dataset written by the test: tokenizer, training, loading, predicting, scoring."""

import json
import shutil

import pytest
from test_standoff import write_corpus

from training.data import main as data_main

ARTICLES = {
    "train/000001": ("Bí_thư Tỉnh_uỷ Nghệ_An Thái_Thanh_Quý dự hội_nghị ngày 2/3 .",
                     "[[Bí thư|POSITION]] [[Tỉnh uỷ Nghệ An|ORGANIZATION]] [[Thái Thanh Quý|PERSON]] "
                     "dự hội nghị [[ngày 2/3|DATE]]."),
    "train/000002": ("Chủ_tịch UBND tỉnh Nguyễn_Văn_An kết_nạp 152 đảng_viên .",
                     "[[Chủ tịch|POSITION]] [[UBND tỉnh|ORGANIZATION]] [[Nguyễn Văn An|PERSON]] kết nạp "
                     "[[152 đảng viên|QUANTITY]]."),
    "train/000003": ("Phó Bí_thư Thành_uỷ Lê_Văn_Bình họp ngày 5/6 với 20 đảng_viên .",
                     "[[Phó Bí thư|POSITION]] [[Thành uỷ|ORGANIZATION]] [[Lê Văn Bình|PERSON]] họp "
                     "[[ngày 5/6|DATE]] với [[20 đảng viên|QUANTITY]]."),
}


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    corpus = write_corpus(root / "corpus", {k: v[0] for k, v in ARTICLES.items()})
    (root / "markup").mkdir()
    for doc_id, (_, marked) in ARTICLES.items():
        (root / "markup" / f"{doc_id.replace('/', '_')}.txt").write_text(marked, encoding="utf-8")
    files = sorted(str(p) for p in (root / "markup").glob("*.txt"))
    for split in ("train", "dev"):
        assert data_main(["--corpus", str(corpus), "from-markup", *files, "--out", str(root / f"{split}.jsonl")]) == 0
    return root, corpus


def test_train_scratch_model_then_load_and_predict(tiny_project):
    from training.modeling.build_tokenizer import corpus_texts, train_tokenizer
    from training.modeling.config import load_config
    from training.train import train
    from vnner import load_model

    root, corpus = tiny_project
    tokenizer = train_tokenizer(corpus_texts(str(corpus), None), vocab_size=200, min_frequency=1)
    tokenizer.save_pretrained(root / "tok")
    config_path = root / "tiny.yaml"
    config_path.write_text(f"""
model_name_or_path: scratch
tokenizer: {root / 'tok'}
init: scratch
output_dir: {root / 'model'}
max_length: 8
scratch: {{hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64,
          max_position_embeddings: 40}}
data: {{train: {root / 'train.jsonl'}, dev: {root / 'dev.jsonl'}, corpus: {corpus}}}
training: {{num_train_epochs: 2, per_device_train_batch_size: 4, learning_rate: 0.001, logging_steps: 1}}
""", encoding="utf-8")
    results = train(load_config(config_path))
    out = root / "model"
    for name in ("model.safetensors", "config.json", "tokenizer.json", "metrics.json", "README.md",
                 "vnner_config.yaml"):
        assert (out / name).is_file(), name
    assert json.loads((out / "config.json").read_text())["vnner_units"] == "words"
    # Sentences of ~10 words in 8-position windows: several windows per document.
    assert results["feature_stats"]["train"]["windows"] > 3
    assert "micro" in results["dev_char_spans"]
    assert "| micro |" in (out / "README.md").read_text()
    model = load_model(str(out), device="cpu")
    assert model.max_length == 8  # inference windows no longer than the training ones
    text = ARTICLES["train/000001"][1].replace("[[", "").replace("]]", "")
    for e in model.predict(text):
        assert text[e.start:e.end] == e.text


def test_pretrain_from_scratch_then_resume(tiny_project, tmp_path):
    from training.modeling.build_tokenizer import corpus_texts, train_tokenizer
    from training.modeling.pretrain import main as pretrain_main

    root, corpus = tiny_project
    tok = tmp_path / "tok"
    train_tokenizer(corpus_texts(str(corpus), None), vocab_size=200, min_frequency=1).save_pretrained(tok)
    sizes = tmp_path / "sizes.yaml"
    sizes.write_text("scratch: {hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, "
                     "intermediate_size: 32, max_position_embeddings: 40}\n")
    args = ["--corpus", str(corpus / "train.jsonl.xz"), "--seg", "--tokenizer", str(tok), "--scratch",
            "--scratch-config", str(sizes), "--max-length", "12", "--batch-size", "2", "--save-steps", "1",
            "--out", str(tmp_path / "mlm")]
    assert pretrain_main([*args, "--max-steps", "2"]) == 0
    assert (tmp_path / "mlm" / "model.safetensors").is_file()
    assert (tmp_path / "mlm" / "checkpoints" / "checkpoint-2").is_dir()
    assert pretrain_main([*args, "--max-steps", "3"]) == 0  # resumes from checkpoint-2
    state = json.loads((tmp_path / "mlm" / "checkpoints" / "checkpoint-3" / "trainer_state.json").read_text())
    assert state["global_step"] == 3


def test_fine_tune_a_phobert_style_checkpoint_with_its_slow_tokenizer(tiny_project, tmp_path):
    """The path Hugging Face's example refuses: a checkpoint whose only tokenizer is PhobertTokenizer."""
    from conftest import save_tiny_model

    from training.modeling.config import load_config
    from training.train import train
    from vnner import load_model

    root, corpus = tiny_project
    base = save_tiny_model(tmp_path / "phobert-style", labels=["O", "B-X", "I-X"])  # different head: replaced
    config_path = tmp_path / "ft.yaml"
    config_path.write_text(f"""
model_name_or_path: {base}
output_dir: {tmp_path / 'out'}
data: {{train: {root / 'train.jsonl'}, dev: {root / 'dev.jsonl'}, corpus: {corpus}}}
training: {{num_train_epochs: 1, per_device_train_batch_size: 2, learning_rate: 0.001}}
""", encoding="utf-8")
    results = train(load_config(config_path))
    model = load_model(str(tmp_path / "out"), device="cpu")
    assert type(model.tokenizer).__name__ == "PhobertTokenizer"
    assert len(model.labels) == 11 and model.max_length == 32
    assert results["feature_stats"]["train"]["windows"] >= 3


def test_distillation_from_a_teacher_on_syllables(tiny_project, tmp_path):
    """Soft targets from a syllable-level teacher reach a word-level student's loss, and training runs."""
    import numpy as np
    import torch
    from conftest import LABELS

    from training.modeling.build_tokenizer import corpus_texts, train_tokenizer
    from training.modeling.config import load_config
    from training.train import Collator, train, vnner_trainer
    from vnner.pipeline.inputs import InputBuilder

    root, corpus = tiny_project
    tokenizer = train_tokenizer(corpus_texts(str(corpus), None), vocab_size=200, min_frequency=1)
    tokenizer.save_pretrained(tmp_path / "tok")
    # A "teacher" file: every syllable of the train articles gets a distribution peaked on B-PERSON.
    from training.corpus.dataset import load_gold_dataset

    train_docs = load_gold_dataset({"t": str(root / "train.jsonl")}, str(corpus))["t"]
    arrays = {}
    syllables = InputBuilder(tokenizer, units="syllables", max_length=8)
    for doc in train_docs:
        starts = [c.original_span(k, k)[0] for c in syllables.iter_chunks(0, doc["text"]) for k in range(len(c.words))]
        probs = np.full((len(starts), len(LABELS)), 0.01, dtype=np.float16)
        probs[:, LABELS.index("B-PERSON")] = 0.9
        arrays[f"{doc['id']}.starts"], arrays[f"{doc['id']}.probs"] = np.array(starts), probs
    np.savez(tmp_path / "t.soft.npz", labels=np.array(LABELS), **arrays)
    config_path = tmp_path / "soft.yaml"
    config_path.write_text(f"""
model_name_or_path: scratch
tokenizer: {tmp_path / 'tok'}
init: scratch
output_dir: {tmp_path / 'model'}
max_length: 8
scratch: {{hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64,
          max_position_embeddings: 40}}
data: {{train: {root / 'train.jsonl'}, dev: {root / 'dev.jsonl'}, corpus: {corpus},
        soft_targets: [{tmp_path / 't.soft.npz'}]}}
training: {{num_train_epochs: 1, per_device_train_batch_size: 4, learning_rate: 0.001, soft_weight: 1.0}}
""", encoding="utf-8")
    results = train(load_config(config_path))
    stats = results["feature_stats"]["train"]
    # every word found the teacher unit it starts with (words in two overlapping windows count twice)
    assert stats["soft_words"] >= stats["words"] > 0

    # The loss: with w = 1 it is the cross-entropy to the teacher's distribution, nothing else.
    class Out:
        def __init__(self, logits):
            self.logits, self.loss = logits, torch.tensor(123.0)

    logits = torch.randn(1, 3, len(LABELS))
    trainer = object.__new__(vnner_trainer(object, len(LABELS), 1.0))
    targets = torch.zeros(1, 3, len(LABELS))
    targets[0, 1, 2] = 1.0
    batch = {"input_ids": torch.zeros(1, 3, dtype=torch.long), "soft_targets": targets,
             "soft_mask": torch.tensor([[False, True, False]]), "labels": torch.tensor([[0, 1, 2]])}
    loss = trainer.compute_loss(lambda **kw: Out(logits), batch)
    torch.testing.assert_close(loss, -torch.log_softmax(logits[0, 1], -1)[2])
    # With w = 0.5 the hard part is the cross-entropy to the tags (ignored positions skipped).
    trainer = object.__new__(vnner_trainer(object, len(LABELS), 0.5))
    batch = {"input_ids": torch.zeros(1, 3, dtype=torch.long), "soft_targets": targets,
             "soft_mask": torch.tensor([[False, True, False]]), "labels": torch.tensor([[0, -100, 2]])}
    hard = -(torch.log_softmax(logits[0, 0], -1)[0] + torch.log_softmax(logits[0, 2], -1)[2]) / 2
    loss = trainer.compute_loss(lambda **kw: Out(logits), batch)
    torch.testing.assert_close(loss, 0.5 * hard - 0.5 * torch.log_softmax(logits[0, 1], -1)[2])
    # The collator pads per-slot labels and places teacher rows at flat position * slots + slot.
    padded = Collator(tokenizer, 2, slots=2, soft=True)(
        [{"input_ids": [5, 6], "labels": [[0, 1], [-100, 1]], "soft_pos": [3], "soft_probs": [0.25, 0.75]},
         {"input_ids": [5], "labels": [[1, -100]], "soft_pos": [], "soft_probs": []}])
    assert padded["labels"].tolist() == [[[0, 1], [-100, 1]], [[1, -100], [-100, -100]]]
    assert padded["attention_mask"].tolist() == [[1, 1], [1, 0]]
    assert padded["soft_mask"].tolist() == [[False, False, False, True], [False] * 4]
    assert padded["soft_targets"][0, 3].tolist() == [0.25, 0.75]


@pytest.fixture(scope="module")
def tiny_tokenizer(tiny_project):
    from training.modeling.build_tokenizer import corpus_texts, train_tokenizer

    root, corpus = tiny_project
    path = root / "tok-own"
    train_tokenizer(corpus_texts(str(corpus), None), vocab_size=200, min_frequency=1).save_pretrained(path)
    return path


def _tiny_config(root, tok, out, data: str, labels: str = ""):
    path = root / f"{out.name}.yaml"
    path.write_text(f"""
model_name_or_path: scratch
tokenizer: {tok}
init: scratch
output_dir: {out}
max_length: 16
{labels}
scratch: {{hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32,
          max_position_embeddings: 40}}
data: {data}
training: {{num_train_epochs: 1, per_device_train_batch_size: 4, learning_rate: 0.001, logging_steps: 1}}
""", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt, suffix", [("jsonl", "jsonl"), ("conll", "conll"), ("wordtags", "jsonl"),
                                         ("label-studio", "json"), ("doccano", "jsonl")])
def test_training_reads_every_format_with_the_data_labels(tiny_project, tiny_tokenizer, tmp_path, fmt, suffix):
    """A user's own file, own label (LOCATION) and no dev file: a held-out fraction is split off."""
    from training.modeling.config import load_config
    from training.train import train
    from vnner.formats import Document, Span, read_documents, write_documents

    root, corpus = tiny_project
    docs = read_documents(root / "train.jsonl", corpus=corpus)
    docs = [Document(d.id, d.text, [Span(s.start, s.end, "LOCATION" if s.label == "ORGANIZATION" else s.label)
                                    for s in d.entities]) for d in docs]
    own = tmp_path / f"own.{suffix}"
    write_documents(own, docs, fmt)
    out = tmp_path / "model"
    results = train(load_config(_tiny_config(root, tiny_tokenizer, out,
                                             f"{{train: {own}, dev: null, dev_fraction: 0.34}}")))
    assert "LOCATION" in results["labels"] and "ORGANIZATION" not in results["labels"]
    assert results["data"]["train"]["documents"] == 2 and results["data"]["dev"]["documents"] == 1
    card = (out / "README.md").read_text()
    assert str(own) in card and "LOCATION" in card and "VietNews" not in card
    config = json.loads((out / "config.json").read_text())
    assert "B-LOCATION" in config["label2id"]


def test_training_without_dev_and_with_config_labels(tiny_project, tiny_tokenizer, tmp_path):
    from training.modeling.config import load_config
    from training.train import train

    root, corpus = tiny_project
    out = tmp_path / "model"
    results = train(load_config(_tiny_config(root, tiny_tokenizer, out,
                                             f"{{train: {root / 'train.jsonl'}, dev: null, corpus: {corpus}}}",
                                             "labels: [PERSON, POSITION, ORGANIZATION, DATE, QUANTITY, EXTRA]")))
    assert results["labels"][-1] == "EXTRA" and "dev_char_spans" not in results
    assert (out / "model.safetensors").is_file()


def test_bad_paths_fail_before_anything_is_written(tiny_project, tiny_tokenizer, tmp_path):
    from training.modeling.config import ConfigError, load_config
    from training.train import train

    root, corpus = tiny_project
    out = tmp_path / "never"
    with pytest.raises(ConfigError, match="tokenizer.*does not exist.*no Hub request"):
        load_config(_tiny_config(root, tmp_path / "runs" / "missing-tok", out, f"{{train: {root / 'train.jsonl'}}}"))
    assert not out.exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "ab", "entities": [{"start": 0, "end": 5, "label": "A"}]}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        train(load_config(_tiny_config(root, tiny_tokenizer, out, f"{{train: {bad}, dev: null}}")))
    assert not out.exists()  # a failed run leaves no empty output directory


def test_phobert_recipe_with_syllable_slots_finds_an_edge_inside_a_segmented_word(tmp_path):
    """configs/phobert-base.yaml's code path on a tiny PhoBERT-style checkpoint: the segmenter fuses
    "Trưởng đoàn" into one word, and the syllable-resolution head still tags [Trưởng] [đoàn ... tỉnh]."""
    from pathlib import Path

    from conftest import save_tiny_model

    from training.modeling.config import load_config
    from training.train import train
    from vnner import load_model
    from vnner.pipeline.inputs import word_spans

    text = "Ông Hùng, Trưởng đoàn đại biểu Quốc hội tỉnh phát biểu."
    cut = text.index("đoàn")
    assert any(s < cut < e for s, e in word_spans(text))  # the edge really is inside a segmenter word
    gold = [(text.index("Hùng"), text.index(","), "PERSON"), (text.index("Trưởng"), cut - 1, "POSITION"),
            (cut, text.index(" phát"), "ORGANIZATION")]
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps({"id": f"d{i}", "text": text, "entities": [
        {"start": s, "end": e, "label": lab} for s, e, lab in gold]}, ensure_ascii=False) + "\n" for i in range(8)),
        encoding="utf-8")
    base = save_tiny_model(tmp_path / "phobert-style")
    config = load_config(Path(__file__).resolve().parents[1] / "configs" / "phobert-base.yaml", [
        "--model_name_or_path", str(base), "--output_dir", str(tmp_path / "out"), "--data.train", str(data),
        "--data.dev", "null", "--data.corpus", "null", "--training.num_train_epochs", "60",
        "--training.learning_rate", "0.01", "--training.per_device_train_batch_size", "8",
        "--training.warmup_ratio", "0.0"])
    assert config.syllable_slots > 1
    train(config)
    model = load_model(str(tmp_path / "out"), device="cpu")
    assert model.slots == config.syllable_slots
    found = [(e.start, e.end, e.label) for e in model.predict(text)]
    assert (text.index("Trưởng"), cut - 1, "POSITION") in found
    assert (cut, text.index(" phát"), "ORGANIZATION") in found


def test_accelerate_launches_training_on_two_cpu_processes(tiny_project, tiny_tokenizer, tmp_path):
    """The distributed code path without a GPU: `accelerate launch --multi_gpu --num_processes 2` starts two
    processes (torchrun), which train.py joins as CPU workers over gloo; a few steps, one writer."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root, corpus = tiny_project
    out = tmp_path / "ddp"
    config = _tiny_config(root, tiny_tokenizer, out, f"{{train: {root / 'train.jsonl'}, dev: {root / 'dev.jsonl'}, "
                                                     f"corpus: {corpus}}}")
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(repo), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "training.train",
           "--config", str(config), "--training.max_steps", "3"]
    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["processes"] == 2 and done.stdout.count("[vnner] saved to") == 1
    assert metrics["window_seqeval_dev"]["epoch"] > 0 and (out / "model.safetensors").is_file()


def test_crf_and_weight_chosen_on_dev_then_kept_by_a_fine_tune(tiny_project, tiny_tokenizer, tmp_path):
    """crf_weight: auto tries no CRF and a trained one at each weight on dev and keeps the best; a model
    fine-tuned from that folder with crf: source carries the same CRF file and weight over."""
    from training.modeling.config import ConfigError, load_config
    from training.train import train
    from vnner import load_model
    from vnner.crf import CRF_FILE

    root, corpus = tiny_project
    data = f"{{train: {root / 'train.jsonl'}, dev: {root / 'dev.jsonl'}, corpus: {corpus}}}"
    first = tmp_path / "first"
    results = train(load_config(_tiny_config(root, tiny_tokenizer, first, data, "crf_weight: auto")))
    table = results["crf"]["dev_table"]
    assert table[0] == {"crf": None, "weight": 0.0, "f1": table[0]["f1"]}
    assert {row["weight"] for row in table[1:]} == {0.3, 0.5, 0.6, 0.7, 0.8}
    best = max(table, key=lambda row: row["f1"])
    assert (results["crf"]["crf"], results["crf"]["weight"]) == (best["crf"], best["weight"])
    config = json.loads((first / "config.json").read_text())
    assert (first / CRF_FILE).is_file() == (best["crf"] is not None)
    assert config.get("vnner_crf_weight", 0.0) == best["weight"]
    model = load_model(str(first))
    assert model.crf_weight == best["weight"]
    # The dev figure printed in the table is the saved model's own.
    assert round(results["dev_char_spans"]["micro"]["f1"], 4) == best["f1"]

    # A fine-tune keeps its source's CRF as it is (crf: source, fixed weight: nothing to choose).
    source = tmp_path / "source"
    train(load_config(_tiny_config(root, tiny_tokenizer, source, data, "crf_weight: 0.4")))
    second = tmp_path / "second"
    path = _tiny_config(root, tiny_tokenizer, second, data, "crf: source\ncrf_weight: 0.6")
    text = path.read_text().replace("model_name_or_path: scratch", f"model_name_or_path: {source}")
    path.write_text(text.replace("init: scratch", "init: pretrained"))
    results = train(load_config(path))
    assert results["crf"] == {"crf": "source", "weight": 0.6}
    assert (second / CRF_FILE).read_bytes() == (source / CRF_FILE).read_bytes()
    assert "the starting model's own" in (second / "README.md").read_text()
    # crf: source from a model without a CRF is refused, naming why.
    bare = tmp_path / "bare"
    shutil.copytree(source, bare)
    (bare / CRF_FILE).unlink()
    path.write_text(text.replace("init: scratch", "init: pretrained").replace(str(source), str(bare))
                    .replace(str(second), str(tmp_path / "third")))
    with pytest.raises(ConfigError, match="'crf' is 'source', but .*bare has no crf.crfsuite"):
        train(load_config(path))
    assert not (tmp_path / "third").exists()

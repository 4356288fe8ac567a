"""End to end on a tiny dataset written by the test: tokenizer, training, loading, predicting, scoring."""

import json

import pytest
from test_corpus import write_corpus

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
    from training.build_tokenizer import corpus_texts, train_tokenizer
    from training.config import load_config
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
    text = ARTICLES["train/000001"][1].replace("[[", "").replace("]]", "")
    for e in model.predict(text):
        assert text[e.start:e.end] == e.text


def test_pretrain_from_scratch_then_resume(tiny_project, tmp_path):
    from training.build_tokenizer import corpus_texts, train_tokenizer
    from training.pretrain import main as pretrain_main

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

    from training.config import load_config
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

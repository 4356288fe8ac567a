"""Fixtures built by the tests themselves: a tiny PhoBERT-style tokenizer and random models."""

from __future__ import annotations

from pathlib import Path

import pytest

LABELS = ["O"] + [f"{p}-{lab}" for lab in ("PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY")
                  for p in ("B", "I")]
SHARED = Path(__file__).resolve().parents[2] / "shared"

# Characters the tiny tokenizer knows; anything else becomes <unk>.
_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
ALPHABET = _LOWER + _LOWER.upper() + "0123456789.,;:!?()/-%_\"'"
MERGES = [("n", "g</w>"), ("n", "h"), ("c", "h"), ("t", "h"), ("B", "í"), ("_", "t")]


def write_phobert_style_tokenizer(folder: Path) -> Path:
    """vocab.txt + bpe.codes in PhoBERT's format: every character, with and without '@@'."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for ch in ALPHABET:
        entries += [ch, ch + "@@"]
    for a, b in MERGES:
        merged = a + b.replace("</w>", "")
        entries += [merged, merged + "@@"]
    (folder / "vocab.txt").write_text("".join(f"{e} 1\n" for e in dict.fromkeys(entries)), encoding="utf-8")
    (folder / "bpe.codes").write_text("#version: 0.2\n" + "".join(f"{a} {b} 1\n" for a, b in MERGES),
                                      encoding="utf-8")
    return folder


def make_tokenizer(folder: Path):
    from transformers import PhobertTokenizer

    write_phobert_style_tokenizer(folder)
    return PhobertTokenizer(str(folder / "vocab.txt"), str(folder / "bpe.codes"), model_max_length=32)


def save_tiny_model(folder: Path, *, max_positions: int = 32, labels: list[str] = LABELS, seed: int = 0,
                    vocab_size: int | None = None) -> Path:
    """A random RobertaForTokenClassification + tokenizer saved with safetensors."""
    import torch
    from transformers import RobertaConfig, RobertaForTokenClassification

    tokenizer = make_tokenizer(folder / "_tok")
    config = RobertaConfig(
        vocab_size=vocab_size or len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=max_positions + 2, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = RobertaForTokenClassification(config)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.model_max_length = max_positions
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    from vnner import load_model

    return load_model(str(tiny_model_dir), device="cpu")


def save_constant_model(folder: Path, tag: str, **kwargs) -> Path:
    """A model that tags every word ``tag`` (zero classifier weights, one large bias)."""
    import torch
    from transformers import AutoModelForTokenClassification

    save_tiny_model(folder, **kwargs)
    model = AutoModelForTokenClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-5.0)
        model.classifier.bias[model.config.label2id[tag]] = 5.0
    model.save_pretrained(folder, safe_serialization=True)
    return folder

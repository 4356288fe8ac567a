"""training.modeling.package_model + vnner.onnx_model: the exported default runs without torch and predicts the same."""

from __future__ import annotations

import subprocess
import sys

import pytest

from training.modeling.build_tokenizer import train_tokenizer
from training.modeling.package_model import agreement
from training.modeling.package_model import main as package_main

TEXTS = ["Bí_thư Tỉnh_uỷ Nghệ_An Thái_Thanh_Quý dự hội_nghị ngày 2/3 .",
         "Chủ_tịch UBND tỉnh Nguyễn_Văn_An kết_nạp 152 đảng_viên ."] * 2


@pytest.fixture(scope="module")
def fast_model_dir(tmp_path_factory):
    """A tiny random RoBERTa with a fast BPE tokenizer (the shape of the shipped student)."""
    import torch
    from conftest import LABELS
    from transformers import RobertaConfig, RobertaForTokenClassification

    folder = tmp_path_factory.mktemp("fast-model")
    tok = train_tokenizer(TEXTS, vocab_size=150, min_frequency=1, max_length=62)
    config = RobertaConfig(vocab_size=len(tok), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                           intermediate_size=32, max_position_embeddings=64, pad_token_id=tok.pad_token_id,
                           id2label=dict(enumerate(LABELS)), label2id={lab: i for i, lab in enumerate(LABELS)})
    torch.manual_seed(4)
    RobertaForTokenClassification(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_export_predicts_like_its_source(fast_model_dir, tmp_path, precision):
    import numpy as np

    from vnner import NerModel

    out = tmp_path / "default_model"
    assert package_main([str(fast_model_dir), "--out", str(out), "--precision", precision]) == 0
    assert {p.name for p in out.iterdir()} >= {"model.onnx", "config.json", "tokenizer.json"}
    assert not list(out.glob("*.safetensors"))
    source, exported = NerModel.from_pretrained(fast_model_dir, device="cpu"), NerModel.from_pretrained(out)
    assert type(exported.model).__name__ == "OnnxTokenClassifier"
    text = "Sáng 2/3, Bí thư Tỉnh uỷ Nghệ An Thái Thanh Quý kết nạp 152 đảng viên mới."
    ours, theirs = exported.predict(text), source.predict(text)
    spans = [(e.start, e.end, e.label) for e in ours]
    if precision == "fp32":
        assert spans == [(e.start, e.end, e.label) for e in theirs]
        assert [e.score for e in ours] == pytest.approx([e.score for e in theirs], abs=1e-5)
    else:  # int8 weights may move a low-confidence tag of a random model; most must agree
        assert agreement([theirs], [ours]) >= 0.8
    ids = np.array([[0, 7, 9, 11, 2, 1]], dtype=np.int64)
    mask = np.array([[1, 1, 1, 1, 1, 0]], dtype=np.int64)
    tolerance = 1e-4 if precision == "fp32" else 0.1
    np.testing.assert_allclose(exported._logits(ids, mask)[:, :5], source._logits(ids, mask)[:, :5], atol=tolerance)


def test_exported_model_runs_without_torch(fast_model_dir, tmp_path):
    out = tmp_path / "default_model"
    assert package_main([str(fast_model_dir), "--out", str(out)]) == 0
    code = ("import sys; from vnner import load_model; "
            f"m = load_model({str(out)!r}); ents = m.predict('Bí thư Tỉnh uỷ Nghệ An dự họp ngày 2/3.'); "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, "
            "sorted(k for k in sys.modules if k.split('.')[0] in ('torch', 'transformers'))[:5]; "
            "print(len(ents))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_exported_model_refuses_gpu(fast_model_dir, tmp_path):
    from vnner import ModelError, NerModel

    out = tmp_path / "default_model"
    assert package_main([str(fast_model_dir), "--out", str(out), "--precision", "fp32"]) == 0
    with pytest.raises(ModelError, match="CPU only"):
        NerModel.from_pretrained(out, device="cuda")


def test_not_a_checkpoint_is_an_error(tmp_path, capsys):
    assert package_main([str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "no config.json" in capsys.readouterr().err

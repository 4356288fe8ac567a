"""The embedded ONNX model's weights come back as a transformers checkpoint that predicts the same entities."""

import pytest

from training.modeling.recover_checkpoint import recover_checkpoint
from vnner.model import DEFAULT_MODEL_DIR

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "model.onnx").is_file(), reason="no embedded model")

TEXT = ("Sáng 2/3, đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An, "
        "dự lễ kết nạp 152 đảng viên mới tại Đảng bộ huyện Nam Đàn.")


def test_recovered_default_model_matches_the_onnx_one(tmp_path):
    from vnner import load_model

    out = recover_checkpoint("default", tmp_path / "recovered")  # also checks logits' argmax against ONNX
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        assert (out / name).is_file()
    onnx = [(e.text, e.label) for e in load_model(None).predict(TEXT)]
    torch_model = [(e.text, e.label) for e in load_model(str(out), device="cpu").predict(TEXT)]
    assert onnx == torch_model and ("Thái Thanh Quý", "PERSON") in onnx


def test_missing_onnx_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.onnx"):
        recover_checkpoint(tmp_path, tmp_path / "out")

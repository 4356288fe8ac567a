"""A transformers checkpoint recovered from an exported (int8 ONNX) vnner model.

The embedded default model ships as ONNX only (14 MB instead of 52 MB of float
weights).  To fine-tune it, its weights are read back out of the ONNX graph:
every float initializer keeps its PyTorch name; every int8 weight is
dequantised (``(w - zero_point) * scale``); a quantised embedding table keeps
its name with ``_quantized``/``_scale``/``_zero_point`` suffixes; a linear
layer's weight is found through the ``MatMul``/``MatMulInteger`` node that uses
it, whose output name carries the module path (``/roberta/encoder/layer.0/
attention/self/query/MatMul...``), and is transposed back to ``[out, in]``.
The result loads with ``from_pretrained`` and matches the ONNX model's outputs
up to int8 rounding (checked by :func:`recover_checkpoint`).

    python -m training.modeling.recover_checkpoint default --out runs/default-recovered
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np

DEFAULT = "default"


def _module_path(output_name: str) -> str | None:
    """``/roberta/encoder/layer.0/attention/self/query/MatMul_output_0...`` -> ``roberta.encoder....query``."""
    parts = output_name.strip("/").split("/")
    if len(parts) < 2 or not parts[-1].startswith("MatMul"):
        return None
    return ".".join(parts[:-1])


def onnx_state_dict(onnx_path: str | Path) -> dict[str, np.ndarray]:
    """Float32 PyTorch-named tensors of a vnner ONNX export (float, dynamic-int8 or QDQ weights)."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    dequantized: dict[str, np.ndarray] = {}  # output name of a DequantizeLinear over an initializer -> float
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in inits:
            w, scale = inits[node.input[0]], inits[node.input[1]]
            zero = inits[node.input[2]] if len(node.input) > 2 and node.input[2] else np.zeros_like(scale)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * w.ndim
            if np.ndim(scale):
                shape[axis] = -1
            dequantized[node.output[0]] = ((w.astype(np.float32) - np.reshape(zero, shape).astype(np.float32))
                                           * np.reshape(scale, shape).astype(np.float32))
    state: dict[str, np.ndarray] = {}
    for name, value in inits.items():
        if name.endswith("_quantized") and f"{name[:-10]}_scale" in inits and not name.startswith("onnx::"):
            base = name[: -len("_quantized")]
            zero = inits.get(f"{base}_zero_point", np.zeros((), np.float32))
            state[base] = (value.astype(np.float32) - zero.astype(np.float32)) * inits[f"{base}_scale"]
        elif value.dtype == np.float32 and "." in name and not name.startswith(("onnx::", "/")) and value.ndim >= 1:
            state[name] = value
    for node in graph.node:
        if node.op_type not in ("MatMul", "MatMulInteger"):
            continue
        module = _module_path(node.output[0])
        weight_name = node.input[1]
        if module is None:
            continue
        if node.op_type == "MatMulInteger":
            base = weight_name[: -len("_quantized")]
            zero = inits[node.input[3]].astype(np.float32)
            w = (inits[weight_name].astype(np.float32) - zero) * inits[f"{base}_scale"]
        elif weight_name in dequantized:
            w = dequantized[weight_name]
        elif weight_name in inits:
            w = inits[weight_name].astype(np.float32)
        else:
            continue  # an activation x activation product (attention scores)
        state[f"{module}.weight"] = np.ascontiguousarray(w.T)
    return state


def recover_checkpoint(model_dir: str | Path, out: str | Path, *, check: bool = True) -> Path:
    """Write a float transformers checkpoint (safetensors, config, tokenizer) for an ONNX vnner model."""
    import torch
    from transformers import AutoConfig, AutoModelForTokenClassification

    model_dir = Path(model_dir)
    if str(model_dir) == DEFAULT:
        from vnner.model import DEFAULT_MODEL_DIR

        model_dir = DEFAULT_MODEL_DIR
    onnx_path = model_dir / "model.onnx"
    if not onnx_path.is_file():
        raise FileNotFoundError(f"{onnx_path} does not exist (expected an exported vnner model directory)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    config = AutoConfig.from_pretrained(str(model_dir))
    model = AutoModelForTokenClassification.from_config(config)
    state = {k: torch.from_numpy(np.array(v)) for k, v in onnx_state_dict(onnx_path).items()}
    if "lm_head.decoder.weight" not in state and getattr(config, "tie_word_embeddings", False):
        state.pop("lm_head.decoder.weight", None)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state and not k.endswith("position_ids")]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise ValueError(f"{onnx_path}: cannot map the ONNX weights onto {config.model_type}: "
                         f"missing {missing[:5]}, unexpected {unexpected[:5]}")
    for key, value in state.items():
        if tuple(value.shape) != tuple(expected[key].shape):
            raise ValueError(f"{onnx_path}: {key} has shape {tuple(value.shape)}, the model expects "
                             f"{tuple(expected[key].shape)}")
    model.load_state_dict(state, strict=False)
    model.save_pretrained(str(out))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (model_dir / name).is_file():
            shutil.copy(model_dir / name, out / name)
    (out / "recovered_from.json").write_text(json.dumps({"onnx": str(onnx_path)}, indent=2))
    if check:
        _check_against_onnx(onnx_path, model)
    return out


def _check_against_onnx(onnx_path: Path, model) -> None:
    """The recovered model must agree with the ONNX one on the argmax tag of almost every position."""
    import onnxruntime as ort
    import torch

    rng = np.random.default_rng(0)
    ids = rng.integers(5, model.config.vocab_size, size=(2, 40))
    ids[:, 0], ids[:, -1] = model.config.bos_token_id or 0, model.config.eos_token_id or 2
    mask = np.ones_like(ids)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}
    feed = {k: v for k, v in {"input_ids": ids, "attention_mask": mask}.items() if k in names}
    onnx_logits = session.run(None, feed)[0]
    with torch.no_grad():
        torch_logits = model.eval()(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
    agree = float((onnx_logits.argmax(-1) == torch_logits.numpy().argmax(-1)).mean())
    if agree < 0.9:
        raise ValueError(f"recovered weights disagree with {onnx_path} on {1 - agree:.0%} of positions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.modeling.recover_checkpoint",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="an exported model directory (model.onnx + config), or 'default'")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    path = recover_checkpoint(args.model, args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

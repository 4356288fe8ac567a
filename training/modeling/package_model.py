"""Export a trained model into the package as the embedded default (``src/vnner/default_model``).

    python -m training.modeling.package_model runs/student --out src/vnner/default_model

The embedded model runs on ONNX Runtime (:mod:`vnner.onnx_model`), so ``predict`` with the default
model imports neither torch nor transformers. This writes ``model.onnx`` (int8 embedding tables and
linear layers, see ``vnner.onnx_model``; ``--precision fp32`` keeps everything float32),
``config.json``, the tokenizer files and the model's CRF if it has one (``crf.crfsuite``), then
runs the source and the exported model on sample sentences and reports how far they agree, so a
broken export fails here, not in a user's hands.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

SAMPLES = [
    "Sáng 2/3, đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An "
    "dự lễ kết nạp 152 đảng viên mới.",
    "Chiều 15/8, Thường trực HĐND tỉnh Hà Tĩnh tổ chức phiên họp thường kỳ tháng 8 dưới sự chủ trì của "
    "ông Hoàng Trung Dũng, Chủ tịch HĐND tỉnh; tổng vốn đầu tư gần 25 tỉ đồng.",
]
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "crf.crfsuite")
MIN_AGREEMENT = 0.9  # entity F1 between source and export on SAMPLES; int8 may move a rare boundary


def export_onnx(model, path: Path, vocab_size: int) -> None:
    import torch

    ids = torch.randint(5, vocab_size, (2, 12))
    mask = torch.ones_like(ids)
    axes = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
            "logits": {0: "batch", 1: "length"}}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's tracer warnings
        torch.onnx.export(model, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes=axes, opset_version=17, dynamo=False)


def agreement(a: list, b: list) -> float:
    """Entity-level F1 of ``b`` against ``a`` (1.0 when both are empty)."""
    sa = {(e.start, e.end, e.label) for ents in a for e in ents}
    sb = {(e.start, e.end, e.label) for ents in b for e in ents}
    return 1.0 if not sa and not sb else 2 * len(sa & sb) / (len(sa) + len(sb))


def package(source: Path, out: Path, precision: str = "int8") -> dict:
    import torch
    from transformers import AutoModelForTokenClassification

    from vnner import NerModel

    if not (source / "tokenizer.json").is_file():
        raise SystemExit(f"error: {source}: no tokenizer.json; the embedded runtime reads fast tokenizers only")
    model = AutoModelForTokenClassification.from_pretrained(source, dtype=torch.float32).eval()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        export_onnx(model, fp32, model.config.vocab_size)
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # int8 embedding tables and int8 linear layers with one scale per output column (see
            # vnner.onnx_model: per-column scales keep dev F1, per-matrix ones cost up to 10 points);
            # activations are quantised per row at run time, so no row depends on its batch.
            quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul", "Gather"])
        else:
            shutil.copy2(fp32, out / "model.onnx")
    model.config.to_json_file(out / "config.json")
    for name in TOKENIZER_FILES:  # and the CRF whose marginals the model mixes in, if it has one
        if (source / name).is_file():
            shutil.copy2(source / name, out / name)
    before = NerModel.from_pretrained(source, device="cpu").predict(SAMPLES)
    after = NerModel.from_pretrained(out).predict(SAMPLES)
    size = sum(f.stat().st_size for f in out.iterdir()) / 2**20
    return {"size_mb": round(size, 1), "entities": sum(map(len, after)), "agreement": agreement(before, after)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=Path, help="trained checkpoint directory (training/train.py output)")
    p.add_argument("--out", type=Path, default=Path("src/vnner/default_model"))
    p.add_argument("--precision", choices=["int8", "fp32"], default="int8")
    args = p.parse_args(argv)
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model}: no config.json (not a trained checkpoint)", file=sys.stderr)
        return 1
    report = package(args.model, args.out, args.precision)
    print(f"wrote {args.out} ({report['size_mb']} MB, {args.precision}); on {len(SAMPLES)} sample sentences "
          f"{report['entities']} entities, agreement with the source model F1 {report['agreement']:.3f}",
          file=sys.stderr)
    if report["agreement"] < MIN_AGREEMENT:
        print(f"error: the export disagrees with its source (F1 < {MIN_AGREEMENT})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

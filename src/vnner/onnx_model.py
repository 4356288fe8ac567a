"""Stage 5, light runtime: an exported checkpoint run by ONNX Runtime, without torch or transformers.

Importing torch and transformers alone takes two to three seconds on a laptop CPU and some 400 MB
of memory, more than everything else ``predict`` does on a typical article. The embedded default
model is therefore exported (``training/package_model.py``): ``model.onnx`` (int8 embeddings),
``tokenizer.json`` (read by the ``tokenizers`` library) and ``config.json``. These two small classes
stand in for the transformers model and tokenizer, offering exactly what vnner's pipeline reads.

How ``model.onnx`` stores the weights
-------------------------------------
Activations are always float32, so a row's logits never depend on the other rows of its batch
(ONNX Runtime's *dynamic* quantisation quantises each activation tensor with one scale for the
whole batch: the same text could get other entities alone than inside a list).

* The embedding tables (``roberta.embeddings.{word,position,token_type}_embeddings.weight``) are
  uint8 with one scale and zero point each: ``<name>_quantized``, ``<name>_scale``,
  ``<name>_zero_point``, read by ``Gather`` then ``DequantizeLinear``.  They hold about half the
  parameters and lose nothing measurable to int8.
* The linear layers are float32 ``MatMul(activation, W)`` with ``W`` the transpose of the torch
  ``Linear.weight``; biases and LayerNorm weights keep their checkpoint names.  (int8 with one scale
  per matrix cost a syllable-slot model ten points of dev F1; see ``training/package_model.py``.)
* Older exports hold int8 linear layers as ``DequantizeLinear(<name>_quantized) -> MatMul``
  (:func:`weight_only_int8`); graphs that still quantise activations per batch are rewritten to
  that form at load time.

``training/recover_checkpoint.py`` reads every one of these forms back into a torch checkpoint.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ONNX_FILE = "model.onnx"
# The op that makes a graph's answers depend on the batch (see the module docstring).
_BATCH_DEPENDENT_OP = b"DynamicQuantizeLinear"


class OnnxTokenizer:
    """The part of a transformers fast tokenizer the pipeline uses, over ``tokenizers.Tokenizer``."""

    is_fast = True

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        settings_file = folder / "tokenizer_config.json"
        settings = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
        self.model_max_length = int(settings.get("model_max_length") or 512)
        for role, default in (("cls", "<s>"), ("sep", "</s>"), ("pad", "<pad>"), ("unk", "<unk>")):
            token = settings.get(f"{role}_token") or default
            if isinstance(token, dict):  # older tokenizer_config files store AddedToken dicts
                token = token.get("content", default)
            setattr(self, f"{role}_token_id", self._tok.token_to_id(token))

    def __len__(self) -> int:
        return self._tok.get_vocab_size(with_added_tokens=True)

    def __call__(self, texts: list[str], add_special_tokens: bool = False) -> dict[str, list[list[int]]]:
        encodings = self._tok.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings]}


class OnnxTokenClassifier:
    """Logits from an exported token-classification graph (inputs ``input_ids``, ``attention_mask``).

    A graph with dynamic (per-batch) activation quantisation is rewritten to weight-only int8 in
    memory when the ``onnx`` package is installed (:func:`weight_only_int8`), so that no row's
    answer depends on the others; without ``onnx`` it runs as it is, with a warning.
    A file ONNX Runtime cannot read raises ``ValueError`` naming it.
    """

    def __init__(self, folder: Path, *, threads: int | None = None) -> None:
        import onnxruntime as ort

        folder = Path(folder)
        raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        raw["id2label"] = {int(i): lab for i, lab in raw.get("id2label", {}).items()}
        self.config = SimpleNamespace(**raw)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise to users
        if threads is not None:  # default: ONNX Runtime's own choice (one per physical core)
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        path = folder / ONNX_FILE
        data = path.read_bytes()
        if not data:
            raise ValueError(f"{path} is empty (0 bytes): not an ONNX model")
        if _BATCH_DEPENDENT_OP in data:
            data = _without_dynamic_quantization(data, path)
        try:
            self.session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own classes (InvalidProtobuf, Fail, ...)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{path} is not a loadable ONNX model (truncated or corrupt?): {first}") from exc
        names = {o.name for o in self.session.get_outputs()}
        if "logits" not in names:
            raise ValueError(f"{path} has no output named 'logits' (outputs: {sorted(names)})")

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})[0]


def _without_dynamic_quantization(data: bytes, path: Path) -> bytes:
    try:
        import onnx
    except ImportError:
        warnings.warn(f"{path} quantises activations per batch, so results can depend on the other texts "
                      "of a batch; pip install onnx to rewrite it at load time", stacklevel=3)
        return data
    try:
        model = onnx.load_from_string(data)
    except Exception:  # let onnxruntime report the broken file
        return data
    try:
        return weight_only_int8(model).SerializeToString()
    except Exception as exc:  # an unforeseen graph shape: run it as it is rather than not at all
        warnings.warn(f"{path}: could not rewrite its per-batch activation quantisation ({exc}); results can "
                      "depend on the other texts of a batch", stacklevel=3)
        return data


def _weight_name(output: str, fallback: str) -> str:
    """The checkpoint name of a MatMul's weight, from the output name the exporter gave the MatMul.

    ``/roberta/encoder/layer.0/attention/self/query/MatMul_output_0`` gives
    ``roberta.encoder.layer.0.attention.self.query.weight``.
    """
    m = re.fullmatch(r"/(.+)/MatMul(?:_\d+)?_output_0", output)
    return m.group(1).replace("/", ".") + ".weight" if m else fallback


def weight_only_int8(model):
    """Rewrite ONNX Runtime's dynamic int8 graph (``quantize_dynamic``) to weight-only int8.

    Each ``DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scale)`` becomes
    ``DequantizeLinear(int8 weight) -> MatMul`` on the float activation; the int8 weights, their
    scales and zero points are kept bit for bit and renamed after the checkpoint parameter
    (see the module docstring).  Modifies and returns ``model`` (an ``onnx.ModelProto``).
    """
    from onnx import helper

    graph = model.graph
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    inits = {t.name: t for t in graph.initializer}
    replace: dict[int, list] = {}
    drop: set[int] = set()
    renamed: dict[str, str] = {}
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        if len(node.input) != 4:
            continue
        a_q, w_q, _, w_zp = node.input
        dql = producer.get(a_q)
        after = consumers.get(node.output[0], [])
        cast = after[0] if len(after) == 1 and after[0].op_type == "Cast" else None
        after = consumers.get(cast.output[0], []) if cast is not None else []
        mul = after[0] if len(after) == 1 and after[0].op_type == "Mul" else None
        if dql is None or dql.op_type != "DynamicQuantizeLinear" or mul is None or w_q not in inits:
            continue  # not activation quantisation (e.g. a quantised embedding fed straight in): batch-independent
        scales = producer.get(next(i for i in mul.input if i != cast.output[0]))
        w_scales = [i for i in scales.input if i in inits] if scales is not None and scales.op_type == "Mul" else []
        if len(w_scales) != 1:
            continue
        (w_scale,) = w_scales
        name = _weight_name(mul.output[0], w_q.removesuffix("_quantized"))
        for old, suffix in ((w_q, "_quantized"), (w_scale, "_scale"), (w_zp, "_zero_point")):
            renamed[old] = name + suffix
        replace[id(node)] = [
            helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"],
                             [name + "_dequantized"], name=name + "_DequantizeLinear"),
            helper.make_node("MatMul", [dql.input[0], name + "_dequantized"], [mul.output[0]], name=name + "_MatMul"),
        ]
        drop.update({id(cast), id(mul), id(scales)})
    if not replace:
        return model
    kept = [n for n in graph.node if id(n) not in drop]
    used = {i for n in kept if id(n) not in replace and n.op_type != "DynamicQuantizeLinear" for i in n.input}
    used |= {i for new in replace.values() for n in new for i in n.input}
    nodes = []
    for n in kept:
        if id(n) in replace:
            nodes.extend(replace[id(n)])
        elif n.op_type != "DynamicQuantizeLinear" or any(o in used for o in n.output):
            nodes.append(n)
    del graph.node[:]
    graph.node.extend(nodes)
    for t in graph.initializer:
        t.name = renamed.get(t.name, t.name)
    needed = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    keep_inits = [t for t in graph.initializer if t.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(keep_inits)
    return model

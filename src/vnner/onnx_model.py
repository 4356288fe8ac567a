"""Stage 5, light runtime: an exported checkpoint run by ONNX Runtime, without torch or transformers.

Importing torch and transformers alone takes two to three seconds on a laptop CPU and some 400 MB
of memory, more than everything else ``predict`` does on a typical article. The embedded default
model is therefore exported (``training/modeling/package_model.py``): ``model.onnx`` (int8 embeddings),
``tokenizer.json`` (read by the ``tokenizers`` library) and ``config.json``. These two small classes
stand in for the transformers model and tokenizer, offering exactly what vnner's pipeline reads.

How ``model.onnx`` stores the weights, and why each row runs alone
-----------------------------------------------------------------
``training/modeling/package_model.py`` writes ONNX Runtime's dynamic int8 graph (``quantize_dynamic``):

* The embedding tables (``roberta.embeddings.*``) are uint8 with one scale and zero point each
  (``<name>_quantized``, ``<name>_scale``, ``<name>_zero_point``), read by ``Gather`` then
  ``DequantizeLinear``.  They hold about half the parameters and lose nothing measurable to int8.
* Every linear layer is ``DynamicQuantizeLinear(activation) -> MatMulInteger(int8 W)`` with one
  scale per output column of ``W`` (``W`` is the transpose of the torch ``Linear.weight``), found
  through the MatMul's output name, which carries the module path.  One scale per *matrix* cost a
  syllable-slot model 0.7 to 10 points of dev F1; one per column loses nothing measurable, and
  int8 products run about 1.7 times as fast as float ones on AVX-512 VNNI CPUs.
* ``DynamicQuantizeLinear`` gives a whole input tensor one scale, so in a padded batch each row's
  answer would depend on its neighbours.  :class:`OnnxTokenClassifier` therefore runs every row on
  its own, cut to its length: a text gets the same entities alone, inside any list and at any
  ``batch_size``, and no time is spent on padding.  Float graphs (``--precision fp32``) and other
  graphs without activation quantisation run batched.

``training/modeling/recover_checkpoint.py`` reads these graphs (and the older float/QDQ ones) back into a
torch checkpoint.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ONNX_FILE = "model.onnx"
# The op that would make a row's answer depend on the rest of its batch (see the module docstring).
_PER_TENSOR_ACTIVATION_OP = b"DynamicQuantizeLinear"


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

    A graph that quantises activations runs one row at a time (see the module docstring).
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
        self.row_by_row = _PER_TENSOR_ACTIVATION_OP in data
        try:
            self.session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own classes (InvalidProtobuf, Fail, ...)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{path} is not a loadable ONNX model (truncated or corrupt?): {first}") from exc
        names = {o.name for o in self.session.get_outputs()}
        if "logits" not in names:
            raise ValueError(f"{path} has no output named 'logits' (outputs: {sorted(names)})")

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        if not self.row_by_row or not len(input_ids):
            return self._run(input_ids, attention_mask)
        out = None
        for row in range(len(input_ids)):
            # the row cut after its last real token: padding never enters the quantisation scale
            real = np.flatnonzero(attention_mask[row])
            n = int(real[-1]) + 1 if len(real) else input_ids.shape[1]
            logits = self._run(input_ids[row:row + 1, :n], attention_mask[row:row + 1, :n])[0]
            if out is None:
                out = np.zeros((*input_ids.shape, logits.shape[-1]), dtype=logits.dtype)
            out[row, :n] = logits
        return out

    def _run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})[0]

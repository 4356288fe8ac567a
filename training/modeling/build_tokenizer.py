"""Train a BPE tokenizer for compact models on text segmented by vnner's own pipeline.

    python -m training.modeling.build_tokenizer --corpus ../shared/corpora/vietnews/train.jsonl.xz \
        --max-docs 20000 --vocab-size 16000 --out runs/tokenizer

Words are PhoBERT-style ("Bí_thư"), normalised exactly as at inference, and each
word is a pre-token, so pieces never cross words; the result is a fast
(``tokenizers``) tokenizer saved with RoBERTa's special tokens.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from tqdm.auto import tqdm

from vnner.formats.standoff import iter_corpus, materialize
from vnner.pipeline.inputs import word_strings

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def corpus_texts(source: str, max_docs: int | None, exclude: set[str] = frozenset()) -> Iterator[str]:
    n = 0
    for doc_id, seg in iter_corpus(source):
        if doc_id in exclude:
            continue
        yield materialize(seg)
        n += 1
        if max_docs and n >= max_docs:
            return


def train_tokenizer(texts, *, vocab_size: int, min_frequency: int = 2, max_length: int = 256):
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>", continuing_subword_prefix="##"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIALS,
                                  continuing_subword_prefix="##", show_progress=False)

    def lines():
        for text in texts:
            yield " ".join(word_strings(text))

    tok.train_from_iterator(lines(), trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>",
        pad_token="<pad>", unk_token="<unk>", mask_token="<mask>", model_max_length=max_length)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.modeling.build_tokenizer",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="../shared/corpora/vietnews/train.jsonl.xz")
    parser.add_argument("--max-docs", type=int, default=20000)
    parser.add_argument("--vocab-size", type=int, default=16000)
    parser.add_argument("--min-frequency", type=int, default=2)
    parser.add_argument("--exclude", nargs="*", default=[], help="annotation JSONL files whose articles to skip")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    from vnner.formats.standoff import read_records

    exclude = {d.id for p in args.exclude for d in read_records(p)}
    texts = tqdm(corpus_texts(args.corpus, args.max_docs, exclude), total=args.max_docs, desc="tokenizer", unit="doc")
    tokenizer = train_tokenizer(texts, vocab_size=args.vocab_size, min_frequency=args.min_frequency)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(args.out)
    print(f"saved a {len(tokenizer)}-piece tokenizer to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

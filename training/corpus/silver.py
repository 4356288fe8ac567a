"""Silver-labelled articles: domain articles outside the gold corpus, tagged by a trained tagger.

    python -m training.corpus.silver -n 1600 --out runs/silver/silver.jsonl                 # CRF tagger
    python -m training.corpus.silver -n 1600 --tagger runs/e5-teacher --out runs/silver-e5/silver.jsonl

The tagger is the CRF baseline trained on the gold *train* split only, or a trained vnner model
(``--tagger``: the e5 teacher of issue #6, itself trained on gold train only); dev and test never
leak in.  Articles are proposed by the same domain filter as the
gold ones (looser thresholds) and exclude every gold article.  The output is
stand-off JSONL in the gold format, so ``data.extra_train`` in a training config
can name it; spans that break a validation rule are dropped and counted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm.auto import tqdm

from training.corpus.select_articles import propose
from training.corpus.validate import validate_document
from vnner.formats.standoff import Document, Span, load_texts, read_records, text_sha256
from vnner.formats.standoff import write as write_standoff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus.silver", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="../shared/corpora/vietnews")
    parser.add_argument("--gold", nargs="*", default=[f"data/annotations/{s}.jsonl" for s in ("train", "dev", "test")])
    parser.add_argument("--crf", help="a trained CRF model file (default: train one on the gold train split)")
    parser.add_argument("--tagger", help="a trained vnner model directory to tag with instead of the CRF")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per forward pass (--tagger)")
    parser.add_argument("--soft", action="store_true",
                        help="also write the tagger's per-unit distributions to OUT.soft.npz (for distillation)")
    parser.add_argument("-n", type=int, default=1600)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--min-words", type=int, default=150)
    parser.add_argument("--max-words", type=int, default=800)
    parser.add_argument("--min-distinct", type=int, default=4, help="distinct domain keywords an article needs")
    parser.add_argument("--min-density", type=float, default=0.03, help="domain keyword hits per word")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    from training.corpus.dataset import load_gold_dataset
    from vnner.crf import CrfTagger, train_crf

    if args.soft and not args.tagger:
        parser.error("--soft needs --tagger (the CRF gives no distributions)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # tag_many: texts -> per text (spans, (unit starts, unit distributions) or None for the CRF)
    if args.tagger:
        from vnner import load_model

        model = load_model(args.tagger)

        def tag_many(batch: list[str]) -> list[tuple[list[tuple[int, int, str]], tuple | None]]:
            return [([(e.start, e.end, e.label) for e in ents], (starts, probs.astype("float16")))
                    for ents, starts, probs in model.unit_probabilities(batch, batch_size=args.batch_size)]
    else:
        crf_path = args.crf
        if crf_path is None:
            train = load_gold_dataset({"train": args.gold[0]}, args.corpus)["train"]
            crf_path = train_crf([dict(r) for r in train], out.with_suffix(".crfsuite"))
        crf = CrfTagger(crf_path)

        def tag_many(batch: list[str]) -> list[tuple[list[tuple[int, int, str]], tuple | None]]:
            return [(crf.predict_spans(text), None) for text in batch]
    gold_ids = {d.id for p in args.gold for d in read_records(p)}
    ids = propose(args.corpus, n=args.n, min_words=args.min_words, max_words=args.max_words,
                  min_distinct=args.min_distinct, min_density=args.min_density, seed=args.seed, exclude=gold_ids)
    texts = load_texts(args.corpus, ids)
    docs, dropped, soft = [], 0, {}
    bar = tqdm(total=len(ids), desc="silver", unit="doc")
    for i in range(0, len(ids), 16):  # a few articles per call: their windows share batches
        batch_ids = ids[i : i + 16]
        for doc_id, (found, dist) in zip(batch_ids, tag_many([texts[d] for d in batch_ids])):
            text = texts[doc_id]
            sha = text_sha256(text)
            spans = [Span(s, e, lab) for s, e, lab in found]
            keep = [s for s in spans if not validate_document(Document(doc_id, text, [s], sha256=sha), text)]
            dropped += len(spans) - len(keep)
            docs.append(Document(doc_id, text, keep, sha256=sha))
            if args.soft:
                soft[f"{doc_id}.starts"], soft[f"{doc_id}.probs"] = dist
        bar.update(len(batch_ids))
    bar.close()
    if args.soft:
        import numpy as np

        soft_file = out.with_suffix(".soft.npz")
        np.savez_compressed(soft_file, labels=np.array(model.labels), **soft)
        print(f"wrote teacher distributions of {len(docs)} articles to {soft_file}", file=sys.stderr)
    write_standoff(out, docs)
    n_ent = sum(len(d.entities) for d in docs)
    print(f"wrote {len(docs)} silver articles, {n_ent} entities ({dropped} invalid spans dropped) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

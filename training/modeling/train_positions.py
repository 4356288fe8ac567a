"""Train the positions-held pair classifier of :mod:`vnner.positions` (issue #14).

    python -m training.modeling.train_positions            # train split -> src/vnner/positions_weights.json
    python -m training.modeling.train_positions --train data/annotations/train.jsonl --dev data/annotations/dev.jsonl
    python -m training.modeling.train_positions --cv 5    # k-fold cross-validation on the train file, writes nothing
    # the shipped weights: gold train + the three silver relation rounds, C=1 (chosen on CV and dev)
    python -m training.modeling.train_positions --c 1 --extra data/silver/relations.jsonl \
        data/silver/relations-2.jsonl data/silver/relations-3.jsonl

Every (PERSON, title) pair inside one sentence of a gold document with ``positions_held`` is an
example (positive when the gold relations link that person mention to that POSITION mention);
features come from :func:`vnner.positions.pair_features`, the model is an L2 logistic regression
(scikit-learn), and its non-zero weights are written as JSON so that inference needs nothing
beyond the standard library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "vnner" / "positions_weights.json"


def examples(docs):
    """``(features, label)`` for every candidate pair of the documents that carry relations."""
    from vnner.pipeline.decode import Entity
    from vnner.positions import _candidates, _sentences, in_view, pair_features

    X, y = [], []
    for d in docs:
        if d.positions_held is None:
            continue
        gold = {(r.person, r.position) for r in d.positions_held}
        ents = [Entity(d.text[s.start:s.end], s.label, s.start, s.end, 1.0) for s in d.entities]
        text, ents, back = in_view(d.text, ents)  # what link_positions reads at inference
        for sent in _sentences(text, ents):
            nodes, pairs = _candidates(text, sent)
            for p, t, rule in pairs:
                X.append(pair_features(text, sent, nodes, p, t, rule))
                person, pos = back[nodes[p]], back[nodes[t].position]
                y.append(((person.start, person.end), (pos.start, pos.end)) in gold)
    return X, y


def train(docs, *, c: float = 2.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y = examples(docs)
    if len(set(y)) < 2:
        raise ValueError(f"{len(y)} candidate pairs ({sum(y)} linked): training needs both linked and unlinked "
                         "person-title pairs; are positions_held annotated in these documents?")
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(vec.fit_transform(X), y)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])
               if abs(w) >= 1e-3}
    return weights, round(float(clf.intercept_[0]), 4), len(y), sum(y)


def cross_validate(docs, *, folds: int = 5, c: float = 2.0, seed: int = 0, extra=()) -> dict[str, float]:
    """Positions-held scores from gold entities over ``folds`` folds of ``docs`` (documents shuffled with
    ``seed``): each fold linked with weights trained on the others and on ``extra`` (documents that only
    ever train, e.g. relations annotated over machine-tagged entities).  This is how the linker's features,
    :data:`vnner.positions.THRESHOLD` and :data:`vnner.positions.COORD_THRESHOLD` were chosen, so that the
    dev and test splits are only scored."""
    import random

    from vnner.evaluation import _entities, _Record
    from vnner.positions import link_positions
    from vnner.scoring import position_triples, positions_held_scores

    docs = [d for d in docs if d.positions_held is not None]
    random.Random(seed).shuffle(docs)
    gold, pred = [], []
    for k in range(folds):
        weights, bias, *_ = train([d for i, d in enumerate(docs) if i % folds != k] + list(extra), c=c)
        for d in docs[k::folds]:
            ents = _entities(d.text, [(s.start, s.end, s.label) for s in d.entities])
            links = link_positions(d.text, ents, _weights=(weights, bias))
            gold.append(position_triples(d.text, d.positions_held))
            pred.append(position_triples(d.text, [_Record(r) for r in links]))
    return positions_held_scores(gold, pred)


def write_weights(weights: dict, bias: float, path: Path = OUT, note: str = "") -> None:
    import json

    payload = {"note": note or "Weights of the positions-held pair classifier (vnner.positions).",
               "bias": bias, "weights": dict(sorted(weights.items()))}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    from vnner.formats import read_documents

    ap = argparse.ArgumentParser(prog="python -m training.modeling.train_positions",
                                     description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", default=str(ROOT / "data" / "annotations" / "train.jsonl"))
    ap.add_argument("--extra", nargs="*", default=[], metavar="FILE",
                    help="more training documents, never scored by --cv (e.g. data/silver/relations*.jsonl: "
                         "relations over machine-tagged entities, reviewed; see data/README.md)")
    ap.add_argument("--dev", default=None, help="score linking from gold entities on this file afterwards")
    ap.add_argument("--c", type=float, default=2.0,
                    help="inverse L2 strength (2.0 chosen on 5-fold CV and dev for gold train alone; "
                         "1.0 with the three silver rounds as --extra: the shipped weights)")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="report K-fold cross-validation on --train (gold entities) instead of training")
    args = ap.parse_args(argv)
    docs = read_documents(args.train)
    extra = [d for path in args.extra for d in read_documents(path)]
    if args.cv:
        s = cross_validate(docs, folds=args.cv, c=args.c, extra=extra)
        print(f"{args.cv}-fold CV on {Path(args.train).name}, gold entities: precision {s['precision']:.4f} "
              f"recall {s['recall']:.4f} F1 {s['f1']:.4f} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
        return 0
    weights, bias, n, npos = train(docs + extra, c=args.c)
    names = " + ".join(Path(p).name for p in [args.train, *args.extra])
    write_weights(weights, bias, Path(args.out), f"Trained on {names}: {n} candidate pairs, {npos} linked; C={args.c}.")
    print(f"{n} pairs ({npos} positive), {len(weights)} weights -> {args.out}", file=sys.stderr)
    if args.dev:  # with the weights just trained, wherever --out put them
        from vnner.evaluation import positions_scores, positions_table

        print(positions_table(positions_scores(read_documents(args.dev), _weights=(weights, bias))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

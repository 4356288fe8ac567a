"""Train the positions-held pair classifier of :mod:`vnner.positions` (issue #14).

    python -m training.modeling.train_positions            # train split -> src/vnner/positions_weights.json
    python -m training.modeling.train_positions --train data/annotations/train.jsonl --dev data/annotations/dev.jsonl

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
    from vnner.positions import _candidates, _sentences, pair_features

    X, y = [], []
    for d in docs:
        if d.positions_held is None:
            continue
        gold = {(r.person, r.position) for r in d.positions_held}
        ents = [Entity(d.text[s.start:s.end], s.label, s.start, s.end, 1.0) for s in d.entities]
        for sent in _sentences(d.text, ents):
            nodes, pairs = _candidates(d.text, sent)
            for p, t, rule in pairs:
                X.append(pair_features(d.text, sent, nodes, p, t, rule))
                pos = nodes[t].position
                y.append(((nodes[p].start, nodes[p].end), (pos.start, pos.end)) in gold)
    return X, y


def train(docs, *, c: float = 1.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y = examples(docs)
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(vec.fit_transform(X), y)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])
               if abs(w) >= 1e-3}
    return weights, round(float(clf.intercept_[0]), 4), len(y), sum(y)


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
    ap.add_argument("--dev", default=None, help="score linking from gold entities on this file afterwards")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    docs = read_documents(args.train)
    weights, bias, n, npos = train(docs, c=args.c)
    write_weights(weights, bias, Path(args.out),
                 f"Trained on {Path(args.train).name}: {n} candidate pairs, {npos} linked; C={args.c}.")
    print(f"{n} pairs ({npos} positive), {len(weights)} weights -> {args.out}", file=sys.stderr)
    if args.dev:
        from vnner.evaluation import positions_scores, positions_table
        from vnner.positions import _learned_weights

        _learned_weights.cache_clear()
        print(positions_table(positions_scores(read_documents(args.dev))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

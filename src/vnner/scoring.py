"""Strict span-level precision, recall and F1 from character spans.

An entity counts as correct only when its start, end and label all match a gold
entity exactly.  Scoring on characters (not tokens) makes figures comparable
across models with different segmenters and tokenizers.  Duplicated predictions
are scored as spans, once each: a duplicate is a false positive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

Spans = Iterable[tuple[int, int, str]]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def span_scores(gold: Sequence[Spans], predicted: Sequence[Spans],
                labels: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Per-label and ``"micro"`` scores over documents (``gold[i]`` pairs with ``predicted[i]``)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    tp, fp, fn = Counter(), Counter(), Counter()
    for g_doc, p_doc in zip(gold, predicted):
        g = Counter(tuple(s) for s in g_doc)
        p = Counter(tuple(s) for s in p_doc)
        for span, n in p.items():
            hit = min(n, g.get(span, 0))
            tp[span[2]] += hit
            fp[span[2]] += n - hit
        for span, n in g.items():
            fn[span[2]] += n - min(n, p.get(span, 0))
    names = list(labels) if labels is not None else sorted(set(tp) | set(fp) | set(fn))
    scores = {lab: _prf(tp[lab], fp[lab], fn[lab]) for lab in names}
    scores["micro"] = _prf(sum(tp[lab] for lab in names), sum(fp[lab] for lab in names),
                           sum(fn[lab] for lab in names))
    return scores

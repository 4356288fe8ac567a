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


def partial_scores(gold: Sequence[Spans], predicted: Sequence[Spans],
                   labels: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Same-label partial overlap: a prediction is right if it shares a character with a gold span of its
    label (precision over predictions), a gold span is found if a prediction of its label overlaps it
    (recall over gold).  Beside the strict figure it shows how much of the error is boundaries."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    hit_p, n_p, hit_g, n_g = Counter(), Counter(), Counter(), Counter()
    for g_doc, p_doc in zip(gold, predicted):
        g_doc, p_doc = list(g_doc), list(p_doc)
        for s, e, lab in p_doc:
            n_p[lab] += 1
            hit_p[lab] += any(lab == gl and s < ge and gs < e for gs, ge, gl in g_doc)
        for s, e, lab in g_doc:
            n_g[lab] += 1
            hit_g[lab] += any(lab == pl and s < pe and ps < e for ps, pe, pl in p_doc)
    names = list(labels) if labels is not None else sorted(set(n_p) | set(n_g))

    def prf(hp, np_, hg, ng):
        p = hp / np_ if np_ else 0.0
        r = hg / ng if ng else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": ng}

    scores = {lab: prf(hit_p[lab], n_p[lab], hit_g[lab], n_g[lab]) for lab in names}
    scores["micro"] = prf(sum(hit_p[lab] for lab in names), sum(n_p[lab] for lab in names),
                          sum(hit_g[lab] for lab in names), sum(n_g[lab] for lab in names))
    return scores


def _collapse(text: str) -> str:
    return " ".join(text.split())


def position_triples(text: str, records) -> set[tuple[str, str, str]]:
    """The shared guideline's unit of scoring: distinct (person, position, organisation or "") strings as
    written, spaces collapsed.  ``records`` hold ``person``/``position``/``organization`` (start, end) spans."""
    out = set()
    for r in records:
        org = r.organization
        out.add((_collapse(text[r.person[0]:r.person[1]]), _collapse(text[r.position[0]:r.position[1]]),
                 _collapse(text[org[0]:org[1]]) if org else ""))
    return out


def positions_held_scores(gold: Sequence[set], predicted: Sequence[set]) -> dict[str, float]:
    """Micro precision, recall and F1 over documents' triple sets (``former`` is not scored)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    return _prf(tp, sum(len(p) for p in predicted) - tp, sum(len(g) for g in gold) - tp)


ERROR_CLASSES = ("wrong_label", "too_long", "too_short", "shifted", "label_and_boundary", "missed", "spurious")


def error_classes(gold: Sequence[Spans], predicted: Sequence[Spans],
                  labels: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """Counts of each kind of error per label (and ``"all"``), for spans that are not exact matches.

    A gold span without an exact match is classed by the prediction overlapping it most: same span,
    other label (``wrong_label``); same label and the prediction covers it (``too_long``), lies
    inside it (``too_short``) or crosses one edge (``shifted``); other label and other edges
    (``label_and_boundary``); no overlapping prediction (``missed``).  These count under the gold
    label.  A prediction overlapping no gold span is ``spurious``, under its own label.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    counts: dict[str, Counter] = {}
    for g_doc, p_doc in zip(gold, predicted):
        g_set, p_set = {tuple(s) for s in g_doc}, {tuple(s) for s in p_doc}
        loose_p = sorted(p_set - g_set)
        for gs, ge, gl in sorted(g_set - p_set):
            over = [(min(ge, pe) - max(gs, ps), ps, pe, pl) for ps, pe, pl in loose_p if ps < ge and gs < pe]
            if not over:
                kind = "missed"
            else:
                _, ps, pe, pl = max(over)
                if (ps, pe) == (gs, ge):
                    kind = "wrong_label"
                elif pl != gl:
                    kind = "label_and_boundary"
                elif ps <= gs and pe >= ge:
                    kind = "too_long"
                elif ps >= gs and pe <= ge:
                    kind = "too_short"
                else:
                    kind = "shifted"
            counts.setdefault(gl, Counter())[kind] += 1
        for ps, pe, pl in loose_p:
            if not any(ps < ge and gs < pe for gs, ge, _ in g_set):
                counts.setdefault(pl, Counter())["spurious"] += 1
    names = list(labels) if labels is not None else sorted(counts)
    out = {lab: {k: counts.get(lab, Counter())[k] for k in ERROR_CLASSES} for lab in names}
    out["all"] = {k: sum(out[lab][k] for lab in names) for k in ERROR_CLASSES}
    return out


def bound_recall(gold: Sequence[Spans], predicted: Sequence[Spans], words: Sequence[Iterable[tuple[int, int]]],
                 ) -> dict[str, float]:
    """Recall on the gold spans with an edge strictly inside one of ``words`` (``words[i]``: the
    ``(start, end)`` spans a segmenter made of document i): the entities a model that labels whole
    words can never find.  ``{"recall", "support", "found"}``."""
    if not len(gold) == len(predicted) == len(words):
        raise ValueError(f"{len(gold)} gold, {len(predicted)} predicted and {len(words)} segmented documents")
    support = found = 0
    for g_doc, p_doc, w_doc in zip(gold, predicted, words):
        inside = {i for s, e in w_doc for i in range(s + 1, e)}
        p_set = {tuple(s) for s in p_doc}
        for span in {tuple(s) for s in g_doc}:
            if span[0] in inside or span[1] in inside:
                support += 1
                found += span in p_set
    return {"recall": found / support if support else 0.0, "support": support, "found": found}

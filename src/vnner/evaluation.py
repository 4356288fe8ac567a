"""Score a model on annotated documents: the one implementation behind ``vnner evaluate`` and the benchmark.

Strict character-span precision, recall and F1 per label and micro (start, end
and label must all match), with same-label partial overlap beside it.  Scoring
characters of the caller's text makes figures independent of any segmenter.
Where a model fails is shown by the error classes per label
(:func:`vnner.scoring.error_classes`) and by the recall on segmentation-bound
entities: those with an edge inside a word of vnner's segmenter.
"""

from __future__ import annotations

from collections.abc import Sequence

from vnner.formats import Document, labels_of
from vnner.scoring import bound_recall, error_classes, partial_scores, span_scores


def gold_spans(docs: Sequence[Document]) -> list[list[tuple[int, int, str]]]:
    return [[(s.start, s.end, s.label) for s in d.entities] for d in docs]


def score(docs: Sequence[Document], predicted: Sequence[Sequence[tuple[int, int, str]]],
          labels: Sequence[str] | None = None) -> dict:
    """``{"strict": {label: P/R/F1...}, "partial": {...}, "errors": {label: {class: n}},
    "segmentation_bound": {recall, support, found}, "labels": [...]}`` for predictions of ``docs``."""
    from vnner.pipeline.inputs import word_spans

    labels = list(labels) if labels is not None else labels_of(docs)
    gold = gold_spans(docs)
    predicted = [[tuple(p) for p in doc] for doc in predicted]
    return {"labels": labels, "documents": len(docs),
            "strict": span_scores(gold, predicted, labels), "partial": partial_scores(gold, predicted, labels),
            "errors": error_classes(gold, predicted, labels),
            "segmentation_bound": bound_recall(gold, predicted, [word_spans(d.text) for d in docs])}


def evaluate_model(model, docs: Sequence[Document], *, batch_size: int = 32, progress: bool = False) -> dict:
    """Run ``model`` (a :class:`vnner.NerModel`) over the documents' text and score it (with positions held
    when the documents carry them)."""
    results = model.predict([d.text for d in docs], batch_size=batch_size, progress=progress) if docs else []
    predicted = [[(e.start, e.end, e.label) for e in ents] for ents in results]
    report = score(docs, predicted)
    positions = positions_scores(docs, predicted)
    if positions is not None:
        report["positions_held"] = positions
    return report


def _entities(text: str, spans) -> list:
    from vnner.pipeline.decode import Entity

    return [Entity(text[s:e], label, s, e, 1.0) for s, e, label in spans]


def positions_scores(docs: Sequence[Document], predicted: Sequence[Sequence[tuple[int, int, str]]] | None = None,
                     *, _weights: tuple[dict[str, float], float] | None = None) -> dict | None:
    """Positions-held P/R/F1 (distinct triples per document, ``vnner.scoring``) on the documents that carry
    relations: ``{"documents", "gold_entities": {...}, "end_to_end": {...}}`` (``end_to_end`` only with
    ``predicted`` spans, one list per document of ``docs``); ``None`` when no document carries any.
    ``_weights`` links with weights just trained instead of the shipped ones (``train_positions --dev``)."""
    from vnner.positions import link_positions
    from vnner.scoring import position_triples, positions_held_scores

    if predicted is not None and len(predicted) != len(docs):
        raise ValueError(f"{len(docs)} gold documents but {len(predicted)} predicted")
    keep = [k for k, d in enumerate(docs) if d.positions_held is not None]
    if not keep:
        return None
    gold, from_gold, end_to_end = [], [], []
    for k in keep:
        d = docs[k]
        gold.append(position_triples(d.text, d.positions_held))
        links = link_positions(d.text, _entities(d.text, gold_spans([d])[0]), _weights=_weights)
        from_gold.append(position_triples(d.text, [_Record(r) for r in links]))
        if predicted is not None:
            links = link_positions(d.text, _entities(d.text, predicted[k]), _weights=_weights)
            end_to_end.append(position_triples(d.text, [_Record(r) for r in links]))
    ids = [docs[k].id for k in keep]
    out = {"documents": len(keep), "gold_entities": positions_held_scores(gold, from_gold)}
    out["gold_entities"]["errors"] = _triple_errors(ids, gold, from_gold)
    if predicted is not None:
        out["end_to_end"] = positions_held_scores(gold, end_to_end)
        out["end_to_end"]["errors"] = _triple_errors(ids, gold, end_to_end)
    return out


def _triple_errors(ids: Sequence[str], gold: Sequence[set], predicted: Sequence[set]) -> list[dict]:
    """Every missed and spurious triple, by document, so that a user can see what the linker got wrong."""
    out = []
    for doc_id, g, p in zip(ids, gold, predicted, strict=True):
        for kind, triples in (("missed", g - p), ("spurious", p - g)):
            out += [{"document": doc_id, "kind": kind, "person": t[0], "position": t[1], "organization": t[2]}
                    for t in sorted(triples)]
    return out


class _Record:
    """A :class:`vnner.positions.PositionHeld` as the (start, end) spans ``position_triples`` reads."""

    def __init__(self, r) -> None:
        self.person = (r.person.start, r.person.end)
        self.position = (r.position.start, r.position.end)
        self.organization = (r.organization.start, r.organization.end) if r.organization else None


def table(report: dict) -> str:
    """A Markdown table: strict P/R/F1 per label and micro, with the partial-overlap F1."""
    rows = ["| label | precision | recall | F1 | partial F1 | support |", "|---|---|---|---|---|---|"]
    for label in [*report["labels"], "micro"]:
        s, p = report["strict"][label], report["partial"][label]
        rows.append(f"| {label} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {p['f1']:.4f} "
                    f"| {s['support']} |")
    if report.get("errors"):
        rows += ["", errors_table(report)]
    if report.get("positions_held"):
        rows += ["", positions_table(report["positions_held"])]
    return "\n".join(rows)


def errors_table(report: dict) -> str:
    """Error classes per label (see :func:`vnner.scoring.error_classes`) and segmentation-bound recall."""
    from vnner.scoring import ERROR_CLASSES

    rows = ["| label | " + " | ".join(k.replace("_", " ") for k in ERROR_CLASSES) + " |",
            "|---" * (len(ERROR_CLASSES) + 1) + "|"]
    for label in [*report["labels"], "all"]:
        rows.append(f"| {label} | " + " | ".join(str(report["errors"][label][k]) for k in ERROR_CLASSES) + " |")
    sb = report.get("segmentation_bound")
    if sb:
        rows += ["", f"Segmentation-bound entities (an edge inside a segmenter word): recall {sb['recall']:.4f} "
                     f"({sb['found']} of {sb['support']})"]
    return "\n".join(rows)


def positions_table(ph: dict) -> str:
    """Positions held (distinct person-position-organisation triples) as a Markdown table."""
    rows = [f"Positions held ({ph['documents']} documents with relations; triples, former not scored):", "",
            "| linking from | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for key, name in (("gold_entities", "gold entities"), ("end_to_end", "model entities (end to end)")):
        if key in ph:
            s = ph[key]
            rows.append(f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['support']} |")
    rows += ["", "Each missed and spurious triple is listed by document under `errors` in the JSON report."]
    return "\n".join(rows)

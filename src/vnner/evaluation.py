"""Score a model on annotated documents: the one implementation behind ``vnner evaluate`` and the benchmark.

Strict character-span precision, recall and F1 per label and micro (start, end
and label must all match), with same-label partial overlap beside it.  Scoring
characters of the caller's text makes figures independent of any segmenter.
"""

from __future__ import annotations

from collections.abc import Sequence

from vnner.formats import Document, labels_of
from vnner.scoring import partial_scores, span_scores


def gold_spans(docs: Sequence[Document]) -> list[list[tuple[int, int, str]]]:
    return [[(s.start, s.end, s.label) for s in d.entities] for d in docs]


def score(docs: Sequence[Document], predicted: Sequence[Sequence[tuple[int, int, str]]],
          labels: Sequence[str] | None = None) -> dict:
    """``{"strict": {label: P/R/F1...}, "partial": {...}, "labels": [...]}`` for predictions of ``docs``."""
    labels = list(labels) if labels is not None else labels_of(docs)
    gold = gold_spans(docs)
    predicted = [[tuple(p) for p in doc] for doc in predicted]
    return {"labels": labels, "documents": len(docs),
            "strict": span_scores(gold, predicted, labels), "partial": partial_scores(gold, predicted, labels)}


def evaluate_model(model, docs: Sequence[Document], *, batch_size: int = 32, progress: bool = False) -> dict:
    """Run ``model`` (a :class:`vnner.NerModel`) over the documents' text and score it."""
    results = model.predict([d.text for d in docs], batch_size=batch_size, progress=progress) if docs else []
    return score(docs, [[(e.start, e.end, e.label) for e in ents] for ents in results])


def table(report: dict) -> str:
    """A Markdown table: strict P/R/F1 per label and micro, with the partial-overlap F1."""
    rows = ["| label | precision | recall | F1 | partial F1 | support |", "|---|---|---|---|---|---|"]
    for label in [*report["labels"], "micro"]:
        s, p = report["strict"][label], report["partial"][label]
        rows.append(f"| {label} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {p['f1']:.4f} "
                    f"| {s['support']} |")
    return "\n".join(rows)

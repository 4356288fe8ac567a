"""Strict IOB2 entity scores (seqeval), as an `evaluate` module loadable offline by path.

``evaluate.load("seqeval")`` fetches its script from the Hugging Face Hub; this
module lives in the repository so ``evaluate.load("metrics/seqeval_strict")``
works without a network.  It always scores in seqeval's *strict* mode with the
IOB2 scheme: an entity counts only if its type and both boundaries match, and
ill-formed tag sequences are not silently repaired.
"""

import datasets
import evaluate
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

_DESCRIPTION = "Strict IOB2 span precision, recall and F1 per entity type and overall (seqeval)."
_KWARGS = """
Args:
    predictions: list of tag sequences (e.g. [["B-PERSON", "I-PERSON", "O"]]).
    references: list of gold tag sequences of the same lengths.
Returns:
    dict with "overall_precision", "overall_recall", "overall_f1", "overall_accuracy"
    and, per entity type, {"precision", "recall", "f1", "number"}.
"""


class SeqevalStrict(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Hiroki Nakayama, seqeval: a Python framework for sequence labeling evaluation (2018).",
            inputs_description=_KWARGS,
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string")),
                "references": datasets.Sequence(datasets.Value("string")),
            }),
        )

    def _compute(self, predictions, references):
        report = classification_report(references, predictions, mode="strict", scheme=IOB2,
                                       output_dict=True, zero_division=0)
        scores = {}
        for name, row in report.items():
            if name in ("micro avg", "macro avg", "weighted avg"):
                continue
            scores[name] = {"precision": row["precision"], "recall": row["recall"], "f1": row["f1-score"],
                            "number": int(row["support"])}
        micro = report["micro avg"]
        total = sum(len(r) for r in references)
        correct = sum(p == r for ps, rs in zip(predictions, references) for p, r in zip(ps, rs))
        scores.update(overall_precision=micro["precision"], overall_recall=micro["recall"],
                      overall_f1=micro["f1-score"], overall_accuracy=correct / total if total else 0.0)
        return scores

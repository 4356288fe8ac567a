from pathlib import Path

import evaluate

METRIC = str(Path(__file__).resolve().parents[1] / "training" / "metrics" / "seqeval_strict")


def test_metric_loads_offline_by_path_and_is_strict():
    metric = evaluate.load(METRIC)
    refs = [["B-PERSON", "I-PERSON", "O", "B-DATE"]]
    preds = [["B-PERSON", "I-PERSON", "O", "I-DATE"]]  # an I- without B-: strict mode does not accept it
    scores = metric.compute(predictions=preds, references=refs)
    assert scores["PERSON"]["f1"] == 1.0
    assert scores["DATE"]["f1"] == 0.0
    assert abs(scores["overall_f1"] - 2 / 3) < 1e-9
    assert scores["overall_accuracy"] == 0.75

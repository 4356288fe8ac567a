"""vnner.crf: features, training, spans in the caller's string, marginals in a model's tag order."""

import numpy as np

from vnner.crf import CrfTagger, sentence_features, train_crf

TEXT = "Ông Nguyễn Văn Hùng, Bí thư Tỉnh uỷ, phát biểu."
SPANS = [(4, 19, "PERSON"), (21, 27, "POSITION"), (28, 35, "ORGANIZATION")]


def test_features_see_two_neighbours_each_side_and_the_bigrams():
    f = sentence_features(["Bí", "thư", "Tỉnh"])
    assert f[0]["w"] == "bí" and f[0]["w-1"] == "<pad>" and f[0]["w1"] == "thư" and f[0]["w2"] == "tỉnh"
    assert f[1]["bi-1"] == "bí thư" and f[1]["bi+1"] == "thư tỉnh" and f[2]["title"] == 1.0
    assert "bi-1" not in f[0] and "bi+1" not in f[2]
    assert [g["shape"] for g in sentence_features(["UBND", "2021", "Nam"])] == ["XX", "dd", "Xxx"]


def test_trained_crf_finds_its_spans_and_gives_marginals_per_syllable(tmp_path):
    path = train_crf([{"text": TEXT, "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in SPANS]}] * 5,
                     tmp_path / "crf.crfsuite")
    tagger = CrfTagger(path)
    assert tagger.predict_spans(TEXT) == SPANS
    assert tagger.predict_spans("  " + TEXT)[0] == (6, 21, "PERSON")  # offsets index the caller's string
    labels = ["O", "B-PERSON", "I-PERSON", "B-POSITION", "I-POSITION", "B-ORGANIZATION", "I-ORGANIZATION",
              "B-NEVER", "I-NEVER"]
    m = tagger.marginals(["Ông", "Nguyễn", "Văn"], labels)
    assert m.shape == (3, 9) and np.allclose(m.sum(axis=1), 1.0, atol=1e-4)
    assert m[1].argmax() == labels.index("B-PERSON") and (m[:, 7:] == 0).all()  # unseen tags: 0

from vnner.scoring import span_scores


def test_exact_match_counts_and_partial_overlap_does_not():
    gold = [[(0, 6, "POSITION"), (7, 22, "ORGANIZATION")]]
    pred = [[(0, 6, "POSITION"), (7, 14, "ORGANIZATION")]]
    s = span_scores(gold, pred)
    assert s["POSITION"]["f1"] == 1.0
    assert (s["ORGANIZATION"]["tp"], s["ORGANIZATION"]["fp"], s["ORGANIZATION"]["fn"]) == (0, 1, 1)
    assert s["micro"]["precision"] == 0.5 and s["micro"]["recall"] == 0.5


def test_wrong_label_is_a_false_positive_and_a_miss():
    s = span_scores([[(0, 4, "DATE")]], [[(0, 4, "QUANTITY")]], ["DATE", "QUANTITY"])
    assert s["DATE"]["fn"] == 1 and s["QUANTITY"]["fp"] == 1 and s["micro"]["f1"] == 0.0


def test_duplicates_count_as_errors():
    s = span_scores([[(0, 4, "DATE")]], [[(0, 4, "DATE"), (0, 4, "DATE")]])
    assert (s["DATE"]["tp"], s["DATE"]["fp"]) == (1, 1)
    assert abs(s["DATE"]["precision"] - 0.5) < 1e-9


def test_hand_computed_micro():
    gold = [[(0, 1, "A"), (2, 3, "A"), (4, 5, "B")], [(0, 2, "B")]]
    pred = [[(0, 1, "A"), (4, 5, "B"), (6, 7, "B")], []]
    s = span_scores(gold, pred)
    # tp=2, fp=1, fn=2 -> P=2/3, R=1/2, F=4/7
    assert abs(s["micro"]["f1"] - 4 / 7) < 1e-9
    assert s["B"]["support"] == 2

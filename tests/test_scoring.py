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


def test_error_classes_name_each_kind_of_miss():
    from vnner.scoring import error_classes

    gold = [[(0, 6, "POSITION"), (10, 20, "ORGANIZATION"), (30, 35, "PERSON"), (40, 45, "DATE"), (50, 55, "DATE"),
             (60, 70, "ORGANIZATION"), (80, 85, "PERSON")]]
    pred = [[(0, 6, "POSITION"),  # exact: no error
             (10, 15, "ORGANIZATION"),  # inside the gold span: too short
             (28, 35, "PERSON"),  # covers it: too long
             (40, 45, "QUANTITY"),  # same span, other label
             (52, 58, "DATE"),  # crosses one edge: shifted
             (65, 75, "PERSON"),  # other label, other edges
             (90, 95, "DATE")]]  # overlaps nothing: spurious; gold (80, 85) has no overlap: missed
    e = error_classes(gold, pred, ["PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY"])
    assert e["ORGANIZATION"] == {"wrong_label": 0, "too_long": 0, "too_short": 1, "shifted": 0,
                                 "label_and_boundary": 1, "missed": 0, "spurious": 0}
    assert (e["PERSON"]["too_long"], e["PERSON"]["missed"]) == (1, 1)
    assert (e["DATE"]["wrong_label"], e["DATE"]["shifted"], e["DATE"]["spurious"]) == (1, 1, 1)
    assert sum(e["all"].values()) == 7 and e["POSITION"] == dict.fromkeys(e["POSITION"], 0)


def test_bound_recall_counts_only_entities_cut_inside_a_word():
    from vnner.scoring import bound_recall

    # words: "Trưởng_ban" (0, 10) and "Dân_vận" (11, 18); gold POSITION "Trưởng" ends inside the first word
    gold = [[(0, 6, "POSITION"), (7, 18, "ORGANIZATION"), (11, 18, "X")]]
    words = [[(0, 10), (11, 18)]]
    assert bound_recall(gold, [[(0, 6, "POSITION")]], words) == {"recall": 0.5, "support": 2, "found": 1}
    assert bound_recall(gold, [[(0, 10, "POSITION")]], words)["found"] == 0

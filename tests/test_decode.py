from vnner.decode import bio_spans, split_tag


def test_split_tag():
    assert split_tag("B-PERSON") == ("B", "PERSON")
    assert split_tag("O") == ("O", "")


def test_plain_bio():
    tags = ["B-POSITION", "O", "B-ORGANIZATION", "I-ORGANIZATION", "I-ORGANIZATION", "O"]
    assert bio_spans(tags) == [(0, 1, "POSITION"), (2, 5, "ORGANIZATION")]


def test_i_without_b_starts_an_entity():
    assert bio_spans(["O", "I-DATE", "I-DATE"]) == [(1, 3, "DATE")]
    assert bio_spans(["I-PERSON"]) == [(0, 1, "PERSON")]


def test_label_change_inside_i_run_splits():
    assert bio_spans(["B-PERSON", "I-POSITION", "I-POSITION"]) == [(0, 1, "PERSON"), (1, 3, "POSITION")]


def test_adjacent_b_tags_are_separate_entities():
    assert bio_spans(["B-ORGANIZATION", "B-ORGANIZATION"]) == [(0, 1, "ORGANIZATION"), (1, 2, "ORGANIZATION")]


def test_entities_never_cross_sentences():
    assert bio_spans(["B-PERSON", "I-PERSON", "I-PERSON"], {2}) == [(0, 2, "PERSON"), (2, 3, "PERSON")]

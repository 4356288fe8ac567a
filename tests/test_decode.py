from hypothesis import given
from hypothesis import strategies as st

from vnner.decode import Entity, bio_spans, resolve_overlaps, split_tag


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


def test_resolve_overlaps_merges_same_label_and_keeps_the_stronger_otherwise():
    text = "Nguyễn Đức T\u0958rung, Bí thư"
    a = Entity(text[0:13], "PERSON", 0, 13, 0.9)
    b = Entity(text[12:18], "PERSON", 12, 18, 0.5)
    dup = Entity(text[12:13], "DATE", 12, 13, 0.95)
    c = Entity(text[20:26], "POSITION", 20, 26, 0.8)
    merged = resolve_overlaps([c, b, a], text)
    assert merged[0] == Entity(text[0:18], "PERSON", 0, 18, (0.9 * 13 + 0.5 * 6) / 19) and merged[1] == c
    assert resolve_overlaps([Entity(text[0:12], "PERSON", 0, 12, 0.4), dup, c], text) == [
        Entity(text[0:12], "PERSON", 0, 12, 0.4), dup, c]  # touching is not overlapping
    assert resolve_overlaps([a, dup], text) == [dup]
    assert resolve_overlaps([a, Entity(text[12:13], "DATE", 12, 13, 0.9)], text) == [a]  # tie: the earlier
    (twice,) = resolve_overlaps([a, a], text)
    assert (twice.start, twice.end, twice.label) == (0, 13, "PERSON") and abs(twice.score - 0.9) < 1e-12


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(["A", "B"]),
                          st.floats(0, 1)), max_size=12))
def test_resolve_overlaps_never_leaves_an_overlap(raw):
    text = "x" * 40
    ents = [Entity(text[s:s + n], lab, s, s + n, p) for s, n, lab, p in raw]
    out = resolve_overlaps(ents, text)
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    assert all(text[e.start:e.end] == e.text and 0 <= e.score <= 1 for e in out)
    assert resolve_overlaps(list(reversed(ents)), text) == out or len({(e.start, e.end) for e in ents}) < len(ents)

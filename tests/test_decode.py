from hypothesis import given
from hypothesis import strategies as st

from vnner.pipeline.decode import Entity, bio_spans, resolve_overlaps, split_tag, trim_edges


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


LABELS = ["O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG"]


def _probs(rows):
    import numpy as np

    return np.array(rows, dtype=np.float64)


def test_viterbi_never_lets_i_follow_o_or_another_label():
    from vnner.pipeline.decode import viterbi

    # argmax would read O, I-PERSON (an entity opened by I); the valid sequences weigh the two units jointly
    probs = _probs([[0.6, 0.35, 0.05, 0, 0], [0.1, 0.05, 0.85, 0, 0]])
    assert [LABELS[i] for i in viterbi(probs, LABELS)] == ["B-PERSON", "I-PERSON"]
    # B-ORG then I-PERSON is invalid: the second unit becomes the best valid tag
    probs = _probs([[0, 0, 0, 0.9, 0.1], [0.2, 0.1, 0.6, 0, 0.1]])
    assert [LABELS[i] for i in viterbi(probs, LABELS)] == ["B-ORG", "O"]


def test_viterbi_matches_brute_force_and_restarts_at_sentences():
    import itertools

    import numpy as np

    from vnner.pipeline.decode import allowed_transitions, viterbi

    rng = np.random.default_rng(0)
    start, step = allowed_transitions(LABELS)
    for _ in range(30):
        probs = rng.dirichlet(np.ones(len(LABELS)), size=4)
        best, best_score = None, -1.0
        for seq in itertools.product(range(len(LABELS)), repeat=4):
            if not start[seq[0]] or not all(step[a, b] for a, b in zip(seq, seq[1:])):
                continue
            p = float(np.prod([probs[k, t] for k, t in enumerate(seq)]))
            if p > best_score:
                best, best_score = list(seq), p
        assert viterbi(probs, LABELS).tolist() == best
    # a sentence may not open with I-: unit 2 starts one, so I-PERSON there is not allowed
    probs = _probs([[0, 0.9, 0.1, 0, 0], [0, 0.1, 0.9, 0, 0], [0, 0.3, 0.7, 0, 0]])
    assert [LABELS[i] for i in viterbi(probs, LABELS, {2})] == ["B-PERSON", "I-PERSON", "B-PERSON"]
    assert viterbi(_probs([]).reshape(0, 5), LABELS).tolist() == []


def test_trim_edges_drops_dashes_and_commas_a_tagger_let_in():
    text = "ông Bảo, Vụ trưởng Vụ Chính sách tiền tệ - Ngân hàng"
    start = text.index("Vụ Chính")
    end = text.index(" Ngân")
    assert text[slice(*trim_edges(text, start, end))] == "Vụ Chính sách tiền tệ"
    assert trim_edges(text, start, start + 2) == (start, start + 2)  # nothing to trim
    dash = text.index("-")
    a, b = trim_edges(text, dash - 1, dash + 2)  # " - " holds nothing else
    assert a == b

"""training.modeling.train_positions: the pair classifier's training, weights file and cross-validation."""

import json

from training.modeling.train_positions import cross_validate, main, train
from vnner.formats.document import Document, PositionRecord, Span

NAMES = ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Gấm"]


def _doc(k: int, name: str) -> Document:
    """``Ông NAME, Chủ tịch UBND tỉnh, gửi thư cảm ơn Thủ tướng.`` with its one record."""
    text = f"Ông {name}, Chủ tịch UBND tỉnh, gửi thư cảm ơn Thủ tướng."
    per = (4, 4 + len(name))
    pos = (per[1] + 2, per[1] + 2 + len("Chủ tịch"))
    org = (pos[1] + 1, pos[1] + 1 + len("UBND tỉnh"))
    pm = text.index("Thủ tướng")
    spans = [Span(*per, "PERSON"), Span(*pos, "POSITION"), Span(*org, "ORGANIZATION"),
             Span(pm, pm + len("Thủ tướng"), "POSITION")]
    return Document(f"train/{k:06d}", text, spans, [PositionRecord(per, pos, org, False)])


def test_train_learns_the_pairs_and_cross_validation_scores_them(tmp_path):
    docs = [_doc(k, n) for k, n in enumerate(NAMES * 2)]
    weights, bias, pairs, positive = train(docs)
    assert (pairs, positive) == (len(docs) * 2, len(docs))  # each person with each title of its document
    assert weights and isinstance(bias, float)
    scores = cross_validate(docs, folds=3)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (len(docs), 0, 0)
    with_extra = cross_validate(docs, folds=3, extra=[_doc(99, "Đỗ Văn Hải")])
    assert with_extra["support"] == len(docs)  # extra documents train every fold and are never scored


def test_training_without_both_kinds_of_pair_says_why():
    import pytest

    one = Document("train/000001", "Ông Nguyễn Văn An dự họp.", [Span(4, 17, "PERSON")], [])
    with pytest.raises(ValueError, match="linked and unlinked"):
        train([one])


def test_documents_without_a_relation_layer_are_left_out(tmp_path):
    docs = [_doc(k, n) for k, n in enumerate(NAMES)]
    bare = [Document(d.id + "x", d.text, d.entities, None) for d in docs]
    assert train(docs + bare)[2:] == train(docs)[2:]


def test_main_writes_a_weights_file(tmp_path, capsys):
    from vnner.formats import write_documents

    src = tmp_path / "train.jsonl"
    write_documents(src, [_doc(k, n) for k, n in enumerate(NAMES * 2)], "jsonl")
    out = tmp_path / "w.json"
    assert main(["--train", str(src), "--out", str(out), "--extra"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"note", "bias", "weights"} and data["weights"]
    assert main(["--train", str(src), "--cv", "2", "--extra", str(src)]) == 0  # extra documents train only
    assert "2-fold CV" in capsys.readouterr().out


def test_examples_read_the_normalised_view_as_inference_does():
    import unicodedata

    from training.modeling.train_positions import examples

    plain = _doc(1, "Nguyễn Văn An")
    text = unicodedata.normalize("NFD", plain.text)

    def nfd(i: int) -> int:
        return len(unicodedata.normalize("NFD", plain.text[:i]))

    spans = [Span(nfd(s.start), nfd(s.end), s.label) for s in plain.entities]
    rec = plain.positions_held[0]
    moved = PositionRecord(*[(nfd(a), nfd(b)) for a, b in (rec.person, rec.position, rec.organization)], False)
    decomposed = Document("train/000002", text, spans, [moved])
    assert text != plain.text
    assert examples([decomposed]) == examples([plain]) and sum(examples([plain])[1]) == 1


def test_dev_is_scored_with_the_weights_just_trained(tmp_path, capsys, monkeypatch):
    from vnner import positions
    from vnner.formats import write_documents

    src = tmp_path / "train.jsonl"
    write_documents(src, [_doc(k, n) for k, n in enumerate(NAMES * 2)], "jsonl")
    monkeypatch.setattr(positions, "WEIGHTS_FILE", tmp_path / "no-shipped-weights.json")
    positions._learned_weights.cache_clear()
    try:
        assert main(["--train", str(src), "--out", str(tmp_path / "w.json"), "--dev", str(src)]) == 0
    finally:
        positions._learned_weights.cache_clear()
    assert "| gold entities | 1.0000 | 1.0000 | 1.0000 |" in capsys.readouterr().out

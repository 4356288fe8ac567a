"""training.corpus.noise: noise goes between sentences, never into an entity, and is labelled as the guideline says."""

import random
import re

from training.corpus.noise import add_noise, noisy
from vnner.formats import Document, Span

TEXT = ("Sáng 2/3, Bí thư Tỉnh uỷ Nghệ An Thái Thanh Quý dự lễ. Hội nghị kết nạp 152 đảng viên mới.\n"
        "Ông Nguyễn Văn An phát biểu. Buổi lễ kết thúc lúc 11 giờ.")
SPANS = [Span(5, 8, "DATE"), Span(10, 16, "POSITION"), Span(17, 32, "ORGANIZATION"), Span(33, 47, "PERSON"),
         Span(72, 85, "QUANTITY"), Span(95, 108, "PERSON")]


def surfaces(doc):
    return [(doc.text[s.start:s.end], s.label) for s in doc.entities]


def test_every_entity_survives_and_only_names_in_credits_and_bylines_are_added():
    doc = Document("d", TEXT, SPANS)
    assert surfaces(doc)[3] == ("Thái Thanh Quý", "PERSON") and surfaces(doc)[5] == ("Nguyễn Văn An", "PERSON")
    for seed in range(30):
        out = add_noise(doc, random.Random(seed))
        assert out.id == "d#noise" and out.positions_held is None and len(out.text) > len(TEXT)
        got = surfaces(out)
        added = list(got)
        for item in surfaces(doc):
            added.remove(item)  # each original entity, in order, with its own text
        for text, label in added:
            assert label == "PERSON"
            line = next(seg for seg in out.text.split("\n") if text in seg)
            assert line.startswith(("Ảnh: ", text)) or f"Ảnh: {text}" in line
        # the original sentences are all there, whole and in order: noise went only between them
        at = 0
        for sentence in re.split(r"(?<=[.!?])[ \t]+|\n+", TEXT):
            at = out.text.index(sentence, at) + len(sentence)

def test_noise_is_seeded_and_applied_at_the_rate_asked():
    docs = [Document(f"d{i}", TEXT, SPANS) for i in range(40)]
    a, b = noisy(docs, 0.5, seed=7), noisy(docs, 0.5, seed=7)
    assert [d.text for d in a] == [d.text for d in b]
    assert 10 < sum(d.id.endswith("#noise") for d in a) < 30
    assert all(d.id.endswith("#noise") for d in noisy(docs, 1.0, seed=1))
    assert not any(d.id.endswith("#noise") for d in noisy(docs, 0.0, seed=1))

import unicodedata

from conftest import make_tokenizer

from vnner.pipeline.inputs import InputBuilder, split_words_at
from vnner.pipeline.segment import Word


def test_split_words_at_gold_boundaries():
    w = Word(0, 17, ((0, 4), (5, 7), (8, 12), (13, 17)))  # "Tỉnh uỷ Nghệ Anh" joined wrongly
    words, splits = split_words_at([w], {8})
    assert splits == 1
    assert [(x.start, x.end) for x in words] == [(0, 7), (8, 17)]
    assert split_words_at([w], {0, 17}) == ([w], 0)


def test_builder_splits_words_where_gold_spans_need_it(tmp_path):
    builder = InputBuilder(make_tokenizer(tmp_path), units="words", max_length=32)
    text = "Bí thư Tỉnh uỷ Nghệ An"
    plain = next(builder.iter_chunks(0, text))
    start = text.index("Nghệ")
    words = [text[w.start:w.end] for w in plain.words]
    assert "Nghệ An" in words
    split = next(builder.iter_chunks(0, text, boundaries={start + 2}))  # pretend a boundary inside "Nghệ An"?
    assert [text[w.start:w.end] for w in split.words] == words  # not a syllable boundary: nothing to split
    split = next(builder.iter_chunks(0, text, boundaries={text.index("An")}))
    assert [text[w.start:w.end] for w in split.words][-2:] == ["Nghệ", "An"]
    assert builder.boundary_splits == 1


def test_boundaries_are_mapped_through_the_view(tmp_path):
    builder = InputBuilder(make_tokenizer(tmp_path), units="words", max_length=32)
    text = unicodedata.normalize("NFD", "Ông Nguyễn Văn An")
    cut = text.index("An")
    chunk = next(builder.iter_chunks(0, text, boundaries={cut}))
    spans = [chunk.original_span(k, k) for k in range(len(chunk.words))]
    assert (cut, len(text)) in spans


def test_word_strings_are_what_the_tokenizer_sees():
    from vnner.pipeline.inputs import word_strings

    assert list(word_strings("Bí thư Tỉnh ủy Nghệ An.")) == ["Bí_thư", "Tỉnh_uỷ", "Nghệ_An", "."]
    assert list(word_strings("Bí thư.", units="syllables")) == ["Bí", "thư", "."]


def test_one_segmentation_tags_several_span_sets():
    from vnner.pipeline.inputs import syllable_spans, syllable_tags, tag_syllables

    text = "Bí thư Tỉnh uỷ."
    sylls = syllable_spans(text)
    assert [[text[s:e] for s, e in sent] for sent in sylls] == [["Bí", "thư", "Tỉnh", "uỷ", "."]]
    gold = [(0, 6, "POSITION")]
    assert tag_syllables(sylls, gold) == syllable_tags(text, gold)
    tags, conflicts = tag_syllables(sylls, [(1, 6, "POSITION")])  # starts inside a syllable
    assert conflicts == 1

from vnner.segment import iter_sentences, segment, sentence_spans, tokenize

TEXT = ("Đồng chí Thái Thanh Quý, Uỷ viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh uỷ Nghệ An. "
        "Sáng 2/3, TP. Vinh kết nạp 152 đảng viên mới.\n\nẢnh: V.Nỷ")


def test_sentences_split_at_full_stops_and_line_breaks():
    spans = list(sentence_spans(TEXT))
    assert [TEXT[s:e] for s, e in spans] == [
        "Đồng chí Thái Thanh Quý, Uỷ viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh uỷ Nghệ An.",
        "Sáng 2/3, TP. Vinh kết nạp 152 đảng viên mới.",
        "Ảnh: V.Nỷ",
    ]


def test_words_are_spans_of_the_text_with_their_syllables():
    sentences = segment(TEXT)
    words = [TEXT[w.start:w.end] for w in sentences[0].words]
    assert "Thái Thanh Quý" in words and "Bí thư" in words and "Nghệ An" in words
    for sentence in sentences:
        for w in sentence.words:
            assert w.syllables[0][0] == w.start and w.syllables[-1][1] == w.end
            assert all(TEXT[s:e].strip() == TEXT[s:e] != "" for s, e in w.syllables)


def test_no_character_is_lost():
    text = "Ông A (SN 1989) nói: “xin chào” — 25% ... https://x.vn/a?b=1 #tag 😀\tB\u00a0C"
    covered = {i for s in segment(text) for w in s.words for a, b in w.syllables for i in range(a, b)}
    assert covered == {i for i, ch in enumerate(text) if not ch.isspace()}


def test_syllable_mode_makes_each_syllable_a_word():
    sentence = next(iter_sentences("Bí thư Tỉnh uỷ", words=False))
    assert [len(w.syllables) for w in sentence.words] == [1, 1, 1, 1]


def test_tokenize_returns_absolute_spans():
    text = "xx Bí thư."
    assert [text[s:e] for s, e in tokenize(text, 3)] == ["Bí", "thư", "."]


def test_segmentation_skips_underthesea_init_and_leaves_it_importable():
    """No torch/transformers for segmenting; the caller's own ``import underthesea`` still works fully."""
    import subprocess
    import sys

    code = (
        "import sys; from vnner import segment; "
        "n = sum(len(s.words) for s in segment.iter_sentences('Bí thư Tỉnh uỷ Nghệ An dự họp. Tốt.')); "
        "heavy = [m for m in ('torch', 'transformers', 'underthesea') if m in sys.modules]; "
        "import underthesea; "
        "print(n, heavy, underthesea.pipeline.word_tokenize.__name__, underthesea.word_tokenize('Bí thư'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("[", 1)[1].startswith("]")  # nothing heavy was imported, not even the package
    assert "underthesea.pipeline.word_tokenize" in done.stdout

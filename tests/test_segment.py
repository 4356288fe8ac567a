import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnner.pipeline.segment import iter_sentences, segment, sentence_spans, tokenize

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
        "import sys; from vnner.pipeline import segment; "
        "n = sum(len(s.words) for s in segment.iter_sentences('Bí thư Tỉnh uỷ Nghệ An dự họp. Tốt.')); "
        "heavy = [m for m in ('torch', 'transformers', 'underthesea') if m in sys.modules]; "
        "import underthesea; "
        "print(n, heavy, underthesea.pipeline.word_tokenize.__name__, underthesea.word_tokenize('Bí thư'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("[", 1)[1].startswith("]")  # nothing heavy was imported, not even the package
    assert "underthesea.pipeline.word_tokenize" in done.stdout


SAMPLES = [
    TEXT,
    "Chiều 15/8, Thường trực HĐND tỉnh Hà Tĩnh tổ chức phiên họp thường kỳ tháng 8 dưới sự chủ trì của "
    "ông Hoàng Trung Dũng, Chủ tịch HĐND tỉnh; tổng vốn đầu tư gần 25 tỉ đồng (tăng 4.123,2 tỷ).",
    "Xem https://vnexpress.net/thoi-su/abc-123.html, http://www.chinhphu.vn/(x)/y. và vnexpress.net hay "
    "e-mail: a.b@gmail.com.",
    "Theo http://en.wikipedia.org/wiki/Foo_(bar) (nguồn) và www.x.com/a?b=(1)&c=2; https://t.co/x).",
    "TP. HCM, T.Ư, ThS. Nguyễn, v.v... 1.600m-2.000m, 43H-0530, NĐ-CP, 10:20:50, 4.123,2 :)) <3 ftp://a.b/c.",
    "Ông Y Ngông Niê Kdăm, H'Mông, xã N’Thôn Hạ, 3x4, 60.542.000 đồng, 02/05/2014, 03-5730-2357, 4K °C ==> ...",
]


def _original_tokens(text):
    from vnner.pipeline.segment import _underthesea

    rt = _underthesea()["pipeline.word_tokenize.regex_tokenize"]
    pattern = re.compile("(" + "|".join(rt.regex_patterns) + ")", re.VERBOSE | re.UNICODE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def test_tokens_of_ordinary_text_are_underthesea_s():
    for text in SAMPLES:
        for s, e in sentence_spans(text):
            assert tokenize(text, s, e) == [(s + a, s + b) for a, b in _original_tokens(text[s:e])]
    tokens = [SAMPLES[2][s:e] for s, e in tokenize(SAMPLES[2])]
    assert "https://vnexpress.net/thoi-su/abc-123.html" in tokens and "http://www.chinhphu.vn/(x)/y" in tokens


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="htp:/()a.;-_ @x1", max_size=14))
def test_safe_url_pattern_matches_like_the_original(text):
    assert tokenize(text) == _original_tokens(text)


@pytest.mark.parametrize("text", ["http://" + ";" * 40, "http://a" + "((a)" * 40 + ";", "a." * 5000, "a.b-" * 2500,
                                  "1." * 5000, "http://(" * 1250, "http://a(" + ")" * 10000, "x" * 10000],
                         ids=lambda text: f"{text[:10]!r}x{len(text)}")
def test_pathological_runs_tokenize_fast_and_lose_nothing(text):
    started = time.perf_counter()
    spans = tokenize(text)
    assert time.perf_counter() - started < 1.0
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:]))


def test_long_runs_keep_the_tokens_of_the_rest_of_the_sentence():
    text = "Bí thư Tỉnh uỷ Nghệ An, 4.123,2 tỷ, TP. Vinh " + "a." * 100 + " Nghệ An."
    spans = tokenize(text)
    assert [text[s:e] for s, e in spans[:12]] == [text[s:e] for s, e in _original_tokens(text)[:12]]
    assert [text[s:e] for s, e in spans[-3:]] == ["Nghệ", "An", "."]


def test_long_runs_without_spaces_are_cut_before_the_sentence_splitter():
    """underthesea's splitter scans back over a run from each full stop (quadratic): runs of 64+ non-space
    characters become sentences of at most TOKEN_WINDOW characters, the rest of the line splits as usual."""
    from vnner.pipeline.segment import TOKEN_WINDOW, sentence_spans

    text = "Bí thư Tỉnh uỷ phát biểu. Ông nói: " + "a." * 500 + " Hội nghị bế mạc."
    spans = list(sentence_spans(text))
    run_start = text.index("a.")
    inside = [(s, e) for s, e in spans if run_start <= s < run_start + 1000]
    assert inside and all(e - s <= TOKEN_WINDOW for s, e in inside)
    assert (inside[0][0], inside[-1][1]) == (run_start, run_start + 1000)
    assert text[spans[0][0]:spans[0][1]] == "Bí thư Tỉnh uỷ phát biểu."
    assert text[spans[-1][0]:spans[-1][1]] == "Hội nghị bế mạc."

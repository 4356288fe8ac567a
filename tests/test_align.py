import tempfile
from pathlib import Path

from conftest import make_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from vnner.pipeline.align import MAX_PIECES_PER_WORD, SubwordEncoder, word_text
from vnner.pipeline.segment import segment

_TOK = make_tokenizer(Path(tempfile.mkdtemp(prefix="vnner-align-")))


def test_word_by_word_pieces_equal_whole_sentence_pieces(tmp_path):
    tok = make_tokenizer(tmp_path)
    text = "Bí thư Tỉnh uỷ Nghệ An thăm 152 đảng viên."
    words = [word_text(text, w, "_") for s in segment(text) for w in s.words]
    pieces = SubwordEncoder(tok).encode(words)
    whole = tok.convert_tokens_to_ids(tok.tokenize(" ".join(words)))
    assert [i for p in pieces for i in p] == whole
    assert words[0] == "Bí_thư"


def test_unknown_and_overlong_words(tmp_path):
    tok = make_tokenizer(tmp_path)
    enc = SubwordEncoder(tok)
    (unk,), (long,) = enc.encode(["😀"]), enc.encode(["a" * 500])
    assert unk == [tok.unk_token_id]
    assert len(long) == MAX_PIECES_PER_WORD


def test_cache_returns_same_ids(tmp_path):
    enc = SubwordEncoder(make_tokenizer(tmp_path))
    first = enc.encode(["Nghệ_An", "Bí_thư"])
    assert enc.encode(["Bí_thư", "Nghệ_An"]) == first[::-1]


def test_cache_overflow_within_one_call_and_across_calls(tmp_path):
    tok = make_tokenizer(tmp_path)
    small, fresh = SubwordEncoder(tok, cache_limit=5), SubwordEncoder(tok, cache_limit=0)
    words = [f"x{i}." for i in range(23)] + ["Bí_thư"] * 3
    assert small.encode(words) == fresh.encode(words)  # more distinct words than the cache holds
    assert len(small._cache) == 5
    for start in range(0, 40, 3):  # the cache fills, evicts and refills, call after call
        chunk = [f"y{i}" for i in range(start, start + 7)] + words[:2]
        assert small.encode(chunk) == fresh.encode(chunk)
        assert len(small._cache) <= 5


def test_cache_is_least_recently_used(tmp_path):
    enc = SubwordEncoder(make_tokenizer(tmp_path), cache_limit=2)
    enc.encode(["a"])
    enc.encode(["b"])
    enc.encode(["a"])  # a is now the most recent
    enc.encode(["c"])
    assert list(enc._cache) == ["a", "c"]


@given(st.lists(st.sampled_from([f"w{i}" for i in range(12)]), max_size=30), st.integers(0, 6))
@settings(max_examples=60, deadline=None)
def test_cached_answers_equal_uncached_answers(words, limit):
    enc = SubwordEncoder(_TOK, cache_limit=limit)
    for k in range(0, len(words), 4):
        assert enc.encode(words[k:k + 7]) == [_TOK.convert_tokens_to_ids(_TOK.tokenize(w))[:MAX_PIECES_PER_WORD]
                                              for w in words[k:k + 7]]

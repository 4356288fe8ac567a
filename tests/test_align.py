from conftest import make_tokenizer

from vnner.align import MAX_PIECES_PER_WORD, SubwordEncoder, word_text
from vnner.segment import segment


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

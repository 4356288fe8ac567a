"""training.modeling.init_student: a word-level RoBERTa student built from a syllable-level BERT teacher."""

from __future__ import annotations

import pytest
import torch

from training.modeling.build_tokenizer import train_tokenizer
from training.modeling.init_student import build_student, piece_text, teacher_ids

TEXTS = ["Bí_thư Tỉnh_uỷ Nghệ_An Thái_Thanh_Quý dự hội_nghị ngày 2/3 ."] * 3


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory):
    tokenizers = pytest.importorskip("tokenizers")
    from transformers import BertConfig, BertModel, XLMRobertaTokenizerFast

    folder = tmp_path_factory.mktemp("teacher")
    pieces = ["▁Bí", "▁thư", "▁Tỉnh", "▁uỷ", "▁Nghệ", "▁An", "▁Thái", "▁Thanh", "▁Quý", "▁dự", "▁hội", "▁nghị",
              "▁ngày", "▁2", "/", "3", "▁.", "▁", "ư", "thư"]
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -float(i)) for i, p in enumerate(pieces, 1)] + [("<mask>", 0.0)]
    backend = tokenizers.Tokenizer(tokenizers.models.Unigram(vocab, unk_id=3))
    backend.pre_tokenizer = tokenizers.pre_tokenizers.Metaspace()
    tok = XLMRobertaTokenizerFast(tokenizer_object=backend, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                  pad_token="<pad>", mask_token="<mask>", cls_token="<s>", sep_token="</s>")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=3, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, pad_token_id=1)
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def student_tok_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student-tok")
    train_tokenizer(TEXTS, vocab_size=120, min_frequency=1, max_length=30).save_pretrained(folder)
    return folder


def test_piece_text_reads_joiners_and_continuations():
    assert piece_text("Bí_thư") == ("Bí thư", True)
    assert piece_text("##ư") == ("ư", False)
    assert piece_text("##_An") == (" An", False)


def test_student_copies_bottom_layers_and_averages_embeddings(teacher_dir, student_tok_dir):
    from transformers import AutoModel, AutoTokenizer

    student, s_tok, unmapped = build_student(str(teacher_dir), str(student_tok_dir), layers=2, max_positions=32)
    teacher = AutoModel.from_pretrained(teacher_dir)
    t_tok = AutoTokenizer.from_pretrained(teacher_dir)
    assert student.config.model_type == "roberta" and student.config.num_hidden_layers == 2
    for i in range(2):
        for name, value in teacher.encoder.layer[i].state_dict().items():
            torch.testing.assert_close(student.encoder.layer[i].state_dict()[name], value)
    t_emb, s_emb = teacher.embeddings.word_embeddings.weight, student.embeddings.word_embeddings.weight
    word = "Bí_thư"
    assert word in s_tok.get_vocab()  # a whole segmented word is one student piece
    expected = t_emb[t_tok.convert_tokens_to_ids(["▁Bí", "▁thư"])].mean(0)
    torch.testing.assert_close(s_emb[s_tok.convert_tokens_to_ids(word)], expected)
    torch.testing.assert_close(s_emb[s_tok.pad_token_id], t_emb[t_tok.pad_token_id])
    # RoBERTa positions start at padding_idx + 1 = 2; BERT's start at 0
    torch.testing.assert_close(student.embeddings.position_embeddings.weight[2:32],
                               teacher.embeddings.position_embeddings.weight[:30])
    # pieces the tiny teacher cannot spell (most single letters) fall back to its mean embedding
    t_vocab = t_tok.get_vocab()
    orphans = [p for p in s_tok.get_vocab() if p not in s_tok.all_special_tokens
               and not teacher_ids(t_tok, t_vocab, *piece_text(p))]
    assert unmapped == len(orphans) > 0
    torch.testing.assert_close(s_emb[s_tok.convert_tokens_to_ids(orphans[0])], t_emb.mean(0))


def test_continuation_piece_uses_bare_teacher_piece(teacher_dir):
    from transformers import AutoTokenizer

    t_tok = AutoTokenizer.from_pretrained(teacher_dir)
    vocab = t_tok.get_vocab()
    assert teacher_ids(t_tok, vocab, "thư", False) == [vocab["thư"]]
    assert teacher_ids(t_tok, vocab, "thư", True) == [vocab["▁thư"]]
    assert teacher_ids(t_tok, vocab, " An", False) == [vocab["▁An"]]


def test_too_many_layers_is_an_error(teacher_dir, student_tok_dir):
    with pytest.raises(SystemExit, match="3 layers"):
        build_student(str(teacher_dir), str(student_tok_dir), layers=4, max_positions=32)

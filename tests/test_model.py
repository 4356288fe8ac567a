import json
import unicodedata

import pytest
from conftest import save_constant_model, save_tiny_model

import vnner
from vnner import Entity, ModelError, load_model, predict
from vnner.model import NerModel

ARTICLE = ("Đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An dự hội nghị. "
           "Sáng 2/3, Đảng bộ tỉnh kết nạp 152 đảng viên mới, chi gần 25 tỉ đồng.\n\nẢnh: V.Nỷ")


def assert_guarantees(text, entities, labels=("PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY")):
    previous_end = 0
    for e in entities:
        assert isinstance(e, Entity)
        assert text[e.start:e.end] == e.text != ""
        assert e.text == e.text.strip()
        assert e.label in labels
        assert 0.0 <= e.score <= 1.0
        assert e.start >= previous_end, "entities must be sorted and never overlap"
        previous_end = e.end


def test_predict_guarantees_with_a_random_model(tiny_model):
    entities = tiny_model.predict(ARTICLE)
    assert_guarantees(ARTICLE, entities)


@pytest.fixture(scope="module")
def b_person(tmp_path_factory):
    return load_model(str(save_constant_model(tmp_path_factory.mktemp("bp"), "B-PERSON")), device="cpu")


@pytest.fixture(scope="module")
def i_org(tmp_path_factory):
    return load_model(str(save_constant_model(tmp_path_factory.mktemp("io"), "I-ORGANIZATION")), device="cpu")


def test_each_word_becomes_an_entity_when_every_word_is_tagged_b(b_person):
    texts = [e.text for e in b_person.predict("Bí thư Tỉnh ủy Nghệ An.")]
    assert texts == ["Bí thư", "Tỉnh ủy", "Nghệ An", "."]


def test_i_tags_are_repaired_into_one_entity_per_sentence(i_org):
    """A model that says I-ORGANIZATION everywhere: argmax + BIO repair and Viterbi (which must open each
    sentence with B-) both give one entity per sentence."""
    expected = [
        "Đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An dự hội nghị.",
        "Sáng 2/3, Đảng bộ tỉnh kết nạp 152 đảng viên mới, chi gần 25 tỉ đồng.",
        "Ảnh: V.Nỷ",
    ]
    try:
        i_org.decoding = "argmax"
        entities = i_org.predict(ARTICLE)
        assert [e.text for e in entities] == expected
        assert all(e.label == "ORGANIZATION" and e.score > 0.9 for e in entities)
    finally:
        i_org.decoding = "viterbi"
    assert [(e.text, e.label) for e in i_org.predict(ARTICLE)] == [(t, "ORGANIZATION") for t in expected]


def test_offsets_index_the_callers_nfd_string(b_person):
    text = unicodedata.normalize("NFD", "Ông Nguyễn Văn Hoà\u200b, Phó Chủ tịch UBND tỉnh")
    entities = b_person.predict(text)
    assert_guarantees(text, entities)
    assert unicodedata.normalize("NFC", entities[1].text) == "Nguyễn Văn Hoà"


def test_long_text_is_windowed_and_nothing_is_dropped(b_person):
    # The tiny model takes 32 positions: this sentence needs many overlapping windows.
    words = ["Nghệ An", "Hà Tĩnh", "Quảng Bình", "Thanh Hoá"] * 60
    text = " ".join(words)
    entities = b_person.predict(text)
    assert [e.text for e in entities] == words
    assert_guarantees(text, entities)


def test_list_input_keeps_length_and_order(b_person):
    texts = ["Bí thư", "", "   \n ", "Nghệ An"]
    results = b_person.predict(texts)
    assert [[e.text for e in r] for r in results] == [["Bí thư"], [], [], ["Nghệ An"]]
    assert b_person.predict([]) == []


@pytest.mark.parametrize("bad", [None, b"bytes", 3, 2.5, {"text": "x"}])
def test_non_text_input_is_a_type_error(tiny_model, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        tiny_model.predict(bad)


def test_type_error_names_the_position(tiny_model):
    with pytest.raises(TypeError, match=r"texts\[2\] is list"):
        tiny_model.predict(["a", "b", ["nested"]])
    with pytest.raises(TypeError, match=r"texts\[1\] is NoneType"):
        predict(["a", None], model=tiny_model)


def test_missing_model_path():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_model("./no/such/model")


def test_default_model_absent_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(vnner, "DEFAULT_MODEL_DIR", tmp_path / "none")
    with pytest.raises(ModelError, match="embeds no default model"):
        load_model()


def test_checkpoint_without_bio_labels(tmp_path):
    save_tiny_model(tmp_path, labels=["PER", "ORG", "O"])
    with pytest.raises(ModelError, match="not a BIO scheme"):
        NerModel.from_pretrained(tmp_path)


def test_tokenizer_that_does_not_match_the_model(tmp_path):
    save_tiny_model(tmp_path, vocab_size=50)
    with pytest.raises(ModelError, match="do not belong together"):
        NerModel.from_pretrained(tmp_path)


def test_directory_without_config(tmp_path):
    with pytest.raises(ModelError, match="no config.json"):
        load_model(str(tmp_path))


def test_bad_vnner_units_setting(tmp_path):
    save_tiny_model(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    config["vnner_units"] = "characters"
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="vnner_units"):
        NerModel.from_pretrained(tmp_path)


def test_syllable_units_label_each_syllable(tmp_path):
    save_constant_model(tmp_path, "B-DATE")
    config = json.loads((tmp_path / "config.json").read_text())
    config["vnner_units"] = "syllables"
    (tmp_path / "config.json").write_text(json.dumps(config))
    model = NerModel.from_pretrained(tmp_path, device="cpu")
    assert [e.text for e in model.predict("Sáng 2/3 năm")] == ["Sáng", "2/3", "năm"]


def test_long_article_streams_in_bounded_chunks(b_person, monkeypatch):
    """Memory stays bounded because a document is processed a chunk of sentences at a time.

    (The 1 MB figure itself is measured by training/bench/bench_predict.py, not by a timed test.)
    """
    import vnner.model as m
    from vnner.pipeline.segment import segment

    monkeypatch.setattr(m.inputs, "CHUNK_WORDS", 64)
    monkeypatch.setattr(m, "PENDING_WINDOWS", 4)
    seen = []
    original = m.NerModel._run

    def spy(self, chunks, batch_size):
        seen.append(sum(len(c.words) for c in chunks))
        return original(self, chunks, batch_size)

    monkeypatch.setattr(m.NerModel, "_run", spy)
    sentence = "Ban Thường vụ Tỉnh uỷ Nghệ An họp ngày 2/3. "
    text = sentence * 300
    entities = b_person.predict(text)
    assert len(seen) > 10 and max(seen) <= 64 * 4 + 8
    per_sentence = len(segment(sentence)[0].words)
    assert len(entities) == per_sentence * 300
    assert entities[-1].end == len(text.rstrip())
    assert_guarantees(text, entities, labels=("PERSON",))


EMBEDDED = vnner.DEFAULT_MODEL_DIR / "config.json"


@pytest.mark.skipif(not EMBEDDED.is_file(), reason="this build embeds no default model")
def test_embedded_default_model_tags_a_typical_sentence():
    """The shipped model, with no argument and no network: sane entities at the caller's offsets."""
    text = ("Sáng 2/3, đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An, "
            "dự lễ kết nạp 152 đảng viên mới.")
    entities = predict(text)
    assert all(text[e.start:e.end] == e.text for e in entities)
    assert type(load_model().model).__name__ == "OnnxTokenClassifier"
    found = {(e.text, e.label) for e in entities}
    # A trained tagger, not a random one: the obvious person is found, and the three main labels appear.
    assert ("Thái Thanh Quý", "PERSON") in found
    assert {lab for _, lab in found} >= {"PERSON", "POSITION", "ORGANIZATION"}


def test_tuples_and_other_sequences_are_accepted_iterators_are_not(b_person):
    assert b_person.predict(("Bí thư", "Nghệ An")) == b_person.predict(["Bí thư", "Nghệ An"])
    for bad in (iter(["Bí thư"]), {"Bí thư"}, bytearray(b"x")):
        with pytest.raises(TypeError, match=type(bad).__name__):
            b_person.predict(bad)
        with pytest.raises(TypeError, match=type(bad).__name__):
            predict(bad, model=b_person)


@pytest.mark.parametrize("bad", [1.5, "8", None, True, 0, -3])
def test_bad_batch_size_names_it(b_person, bad):
    error = ValueError if isinstance(bad, int) and not isinstance(bad, bool) else TypeError
    with pytest.raises(error, match="batch_size"):
        b_person.predict("Bí thư", batch_size=bad)
    with pytest.raises(error, match="batch_size"):
        predict(["Bí thư"], model=b_person, batch_size=bad)


def test_truncated_or_empty_onnx_file_is_a_model_error(tmp_path):
    import shutil

    for name, data in (("empty", b""), ("truncated", (vnner.DEFAULT_MODEL_DIR / "model.onnx").read_bytes()[:5000])):
        folder = tmp_path / name
        shutil.copytree(vnner.DEFAULT_MODEL_DIR, folder)
        (folder / "model.onnx").write_bytes(data)
        with pytest.raises(ModelError, match="model.onnx"):
            NerModel.from_pretrained(folder)


@pytest.fixture
def no_hub(monkeypatch):
    """Any Hugging Face Hub request fails the test."""
    import huggingface_hub

    def refuse(*args, **kwargs):
        raise AssertionError("the Hub was asked")

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", refuse)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", refuse)
    monkeypatch.setattr(huggingface_hub.file_download, "hf_hub_download", refuse)


@pytest.mark.parametrize("name", ["runs/compact", "./x", "~/no-such-model-dir", "a/b/c", "C:\\models\\x", "x/"])
def test_missing_local_looking_path_never_asks_the_hub(no_hub, tmp_path, monkeypatch, name):
    import time

    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    started = time.perf_counter()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_model(name)
    assert time.perf_counter() - started < 1.0


def test_hub_offline_is_honoured(no_hub, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE=1"):
        NerModel.from_pretrained("someone/no-such-vnner-model")


def test_unreachable_hub_is_one_line(monkeypatch, tmp_path):
    import huggingface_hub

    def unreachable(*args, **kwargs):
        raise ConnectionError("Failed to establish a new connection")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", unreachable)
    with pytest.raises(ModelError, match="cannot be reached") as info:
        NerModel.from_pretrained("someone/no-such-vnner-model")
    assert "\n" not in str(info.value)


def test_looks_local():
    from vnner.model import looks_local

    assert not looks_local("vinai/phobert-base") and not looks_local("bert-base-uncased")
    assert all(looks_local(s) for s in ("./m", "../m", "/abs", "~/m", "a/b/c", "a\\b", "x/", "a--b/c", ""))


@pytest.mark.skipif(not EMBEDDED.is_file(), reason="this build embeds no default model")
def test_default_is_the_embedded_model():
    assert load_model("default") is load_model()


def _slot_model(folder, slots, tags):
    """A model with ``slots`` syllable slots whose slot j always says ``tags[j]``."""
    import torch
    from conftest import LABELS
    from transformers import AutoModelForTokenClassification

    from vnner.model import slot_labels

    save_tiny_model(folder, labels=slot_labels(LABELS, slots))
    model = AutoModelForTokenClassification.from_pretrained(folder)
    model.config.vnner_syllable_slots = slots
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-8.0)
        for j, tag in enumerate(tags):
            model.classifier.bias[j * len(LABELS) + LABELS.index(tag)] = 8.0
    model.save_pretrained(folder, safe_serialization=True)
    return load_model(str(folder), device="cpu")


def test_syllable_slots_label_syllables_inside_a_segmented_word(tmp_path):
    """Slot 1 says POSITION, slot 2 ORGANIZATION: each two-syllable word is cut in two entities; a third
    syllable (past the last slot) continues the second, never starts one."""
    model = _slot_model(tmp_path / "m", 2, ["B-POSITION", "B-ORGANIZATION"])
    assert model.slots == 2 and len(model.labels) == 11
    text = "Trưởng đoàn Nguyễn Văn Hùng phát biểu."  # words: Trưởng_đoàn Nguyễn_Văn_Hùng phát_biểu .
    found = [(e.text, e.label) for e in model.predict(text)]
    assert found == [("Trưởng", "POSITION"), ("đoàn", "ORGANIZATION"), ("Nguyễn", "POSITION"),
                     ("Văn Hùng", "ORGANIZATION"), ("phát", "POSITION"), ("biểu", "ORGANIZATION"),
                     (".", "POSITION")]
    assert_guarantees(text, model.predict(text))
    assert model.predict([text, "", text])[2] == model.predict(text)


@pytest.mark.parametrize("names, slots, message", [
    (["O", "B-X", "I-X", "O@2", "B-X@2"], 2, "dividing"),
    (["O", "B-X", "I-X", "O", "B-X", "I-X"], 2, "expected 'O@2'"),
    (["O", "B-X", "I-X"], 0, "positive int"),
])
def test_bad_syllable_slot_labels_are_named(names, slots, message):
    from vnner.model import check_labels

    with pytest.raises(ModelError, match=message):
        check_labels(dict(enumerate(names)), "m", slots)
    assert check_labels(dict(enumerate(["O", "B-X", "I-X", "O@2", "B-X@2", "I-X@2"])), "m", 2) == ["O", "B-X", "I-X"]


def test_a_crf_beside_the_model_is_mixed_in(tmp_path):
    """With crf.crfsuite in the folder and vnner_crf_weight 1, the decoder reads the CRF's marginals alone:
    a random model then finds what the CRF learnt."""
    from vnner.crf import CRF_FILE, CrfTagger, train_crf

    text = "Ông Nguyễn Văn Hùng, Bí thư Tỉnh uỷ, phát biểu."
    spans = [(4, 19, "PERSON"), (21, 27, "POSITION"), (28, 35, "ORGANIZATION")]
    folder = save_tiny_model(tmp_path / "m")
    train_crf([{"text": text, "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}] * 5,
              folder / CRF_FILE)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(config | {"vnner_crf_weight": 1.0}))
    model = load_model(str(folder), device="cpu")
    assert isinstance(model.crf, CrfTagger) and model.crf_weight == 1.0
    assert [(e.start, e.end, e.label) for e in model.predict(text)] == spans
    (folder / CRF_FILE).write_bytes(b"not a crf")
    with pytest.raises(ModelError, match="not a CRFsuite model"):
        NerModel.from_pretrained(folder, device="cpu")

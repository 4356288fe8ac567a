"""Whatever the string, predict returns entities that honour every guarantee."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model import assert_guarantees

VIET = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
pieces = st.one_of(
    st.text(alphabet=VIET + VIET.upper() + " ,.:;()/-%\n", min_size=1, max_size=40),
    st.sampled_from(["Tỉnh ủy", "Uỷ ban", "uỷ", "\u200b", "\u0301", "😀", "\x00", "\r\n", "\ud800", "Ảnh: V.Nỷ",
                     "2/3/2020", "25 tỉ đồng", "中文", "العربية", "\ufeff", "\u2028", "...", "“", "  ",
                     # NFC expands these, composes them only in part, or composes across starters
                     "T\u0958rung", "\ufb1d", "\u2adc", "a\u0301\u0323", "a\u0323\u0301\u0302\u0303", "\u0f73",
                     "\u1100\u1161\u11a8", "\u0b47\u0b3e", "http://" + ";" * 40, "http://x" + "((a)" * 20]),
    st.text(max_size=20),
)


@pytest.fixture(scope="module")
def models(tiny_model, tmp_path_factory):
    from conftest import save_constant_model

    from vnner import load_model

    i_tags = load_model(str(save_constant_model(tmp_path_factory.mktemp("prop"), "I-QUANTITY")), device="cpu")
    return [tiny_model, i_tags]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(pieces, max_size=30).map("".join))
def test_predict_never_raises_and_keeps_guarantees(models, text):
    for model in models:
        assert_guarantees(text, model.predict(text))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(pieces, min_size=200, max_size=400).map("".join))
def test_long_strings(models, text):
    assert_guarantees(text, models[1].predict(text))

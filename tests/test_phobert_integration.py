"""The real PhoBERT-base tokenizer and architecture (random weights) through load_model."""

import pytest
from conftest import SHARED
from test_model import assert_guarantees

PHOBERT = SHARED / "phobert-base"
pytestmark = pytest.mark.skipif(not (PHOBERT / "bpe.codes").is_file(),
                                reason=f"PhoBERT-base tokenizer files not found at {PHOBERT} (../shared absent)")

ARTICLE = """Nghệ An: Kết nạp 152 đảng viên mới trong quý I

Sáng 2/3, Ban Thường vụ Tỉnh ủy Nghệ An tổ chức hội nghị sơ kết công tác xây dựng Đảng. Đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An chủ trì hội nghị. Dự hội nghị có đồng chí Nguyễn Văn Thông, Phó Bí thư Thường trực Tỉnh ủy; đồng chí Nguyễn Đức Trung, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh cùng lãnh đạo các sở, ban, ngành.

Theo báo cáo của Ban Tổ chức Tỉnh ủy, trong quý I năm 2021, toàn Đảng bộ tỉnh đã kết nạp 152 đảng viên mới, thành lập 4 tổ chức cơ sở đảng, kiện toàn 64 tổ chức đảng trực thuộc. Ủy ban Kiểm tra Tỉnh ủy đã kiểm tra 15 tổ chức đảng và 27 đảng viên khi có dấu hiệu vi phạm, thi hành kỷ luật 6 đảng viên. Tổng kinh phí hỗ trợ cho công tác xây dựng Đảng ở cơ sở là gần 25 tỉ đồng, tăng 15% so với cùng kỳ năm 2020.

Phát biểu kết luận, đồng chí Bí thư Tỉnh ủy yêu cầu các cấp ủy tiếp tục quán triệt Nghị quyết Trung ương 4 khóa XII, Chỉ thị 05-CT/TW của Bộ Chính trị; chuẩn bị tốt Đại hội đại biểu Đảng bộ tỉnh lần thứ XIX, nhiệm kỳ 2020 - 2025 và bầu cử đại biểu Quốc hội khóa XV, đại biểu HĐND các cấp nhiệm kỳ 2021 - 2026. Ngày 17-1, Thường trực Tỉnh ủy đã làm việc với Đảng ủy Khối Các cơ quan tỉnh về kế hoạch giai đoạn 2021-2025, trong đó có 31 ha đất dành cho các công trình phúc lợi.

Chiều 14/1, Hội đồng nhân dân tỉnh khai mạc kỳ họp thứ 17. Ông Nguyễn Xuân Sơn, Chủ tịch HĐND tỉnh cho biết, năm 2020 tổng thu ngân sách nhà nước trên địa bàn đạt hơn 16.000 tỷ đồng; tỉnh đã hỗ trợ 700 hộ nghèo xây nhà mới, mỗi hộ 40 triệu đồng. Đại tá Nguyễn Hữu Cầu, Giám đốc Công an tỉnh Nghệ An báo cáo tình hình an ninh trật tự: lực lượng công an đã triệt phá 45 đường dây ma túy, thu giữ hơn 700kg ma túy đá. Báo Nghệ An, Đài Phát thanh và Truyền hình tỉnh đã đăng tải hàng trăm tin, bài về kỳ họp.

Ảnh: Thanh Lê
V.Nỷ"""


@pytest.fixture(scope="module")
def phobert_dir(tmp_path_factory):
    import torch
    from conftest import LABELS
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    out = tmp_path_factory.mktemp("phobert-random")
    config = AutoConfig.from_pretrained(PHOBERT, id2label=dict(enumerate(LABELS)),
                                        label2id={lab: i for i, lab in enumerate(LABELS)})
    torch.manual_seed(0)
    AutoModelForTokenClassification.from_config(config).save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(PHOBERT).save_pretrained(out)
    return out


def test_real_phobert_checkpoint_predicts_on_a_long_article(phobert_dir):
    from vnner import load_model
    from vnner.pipeline.inputs import InputBuilder

    model = load_model(str(phobert_dir), device="cpu")
    assert type(model.tokenizer).__name__ == "PhobertTokenizer"
    assert model.max_length == 256
    chunks = list(InputBuilder(model.tokenizer, units="words", max_length=256).iter_chunks(0, ARTICLE))
    n_subwords = sum(len(w.input_ids) for c in chunks for w in c.windows)
    assert n_subwords > 256 and sum(len(c.windows) for c in chunks) > 1
    assert all(len(w.input_ids) <= 256 for c in chunks for w in c.windows)
    entities = model.predict(ARTICLE)
    assert_guarantees(ARTICLE, entities)
    assert model.predict([ARTICLE, ""])[0] == entities

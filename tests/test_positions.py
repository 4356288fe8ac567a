"""Positions held (issue #14): the linker on the guideline's examples, and the model-backed API."""

import re

import pytest

from vnner.pipeline.decode import Entity
from vnner.positions import PositionHeld, link_positions, positions_held

LABELS = {"PER": "PERSON", "POS": "POSITION", "ORG": "ORGANIZATION", "DATE": "DATE", "QTY": "QUANTITY"}


def marked(source: str) -> tuple[str, list[Entity]]:
    """``"[Thái Thanh Quý|PER], [Bí thư|POS]"`` -> the plain text and its entities."""
    text, ents, cursor = [], [], 0
    for m in re.finditer(r"\[([^\]|]+)\|(\w+)\]", source):
        text.append(source[cursor:m.start()])
        start = sum(map(len, text))
        text.append(m.group(1))
        ents.append(Entity(m.group(1), LABELS[m.group(2)], start, start + len(m.group(1)), 1.0))
        cursor = m.end()
    text.append(source[cursor:])
    return "".join(text), ents


def triples(source: str, method: str = "learned") -> set[tuple[str, str, str | None, bool]]:
    text, ents = marked(source)
    out = link_positions(text, ents, method=method)
    for r in out:
        assert isinstance(r, PositionHeld)
        for e in (r.person, r.position, r.organization):
            assert e is None or text[e.start:e.end] == e.text
    return {(r.person.text, r.position.text, r.organization.text if r.organization else None, r.former)
            for r in out}


METHODS = ["learned", "rules"]


@pytest.mark.parametrize("method", METHODS)
def test_apposition_name_first(method):
    assert triples("Đồng chí [Thái Thanh Quý|PER], [Bí thư|POS] [Tỉnh ủy Nghệ An|ORG] phát biểu.", method) == {
        ("Thái Thanh Quý", "Bí thư", "Tỉnh ủy Nghệ An", False)}


@pytest.mark.parametrize("method", METHODS)
def test_apposition_title_first(method):
    assert triples("[Bí thư|POS] [Tỉnh ủy Nghệ An|ORG] [Thái Thanh Quý|PER] dự lễ.", method) == {
        ("Thái Thanh Quý", "Bí thư", "Tỉnh ủy Nghệ An", False)}


@pytest.mark.parametrize("method", METHODS)
def test_dash_apposition(method):
    assert triples("Ông [Nguyễn Nam Đình|PER] – [Ủy viên|POS] [Ban Thường vụ Tỉnh ủy|ORG] chủ trì.", method) == {
        ("Nguyễn Nam Đình", "Ủy viên", "Ban Thường vụ Tỉnh ủy", False)}


@pytest.mark.parametrize("method", METHODS)
def test_list_items_separated_by_semicolons(method):
    got = triples("Dự hội nghị có các đồng chí: [Nguyễn Văn An|PER], [Phó Bí thư|POS] [Tỉnh ủy|ORG]; "
                  "[Lê Thị Bình|PER], [Chủ tịch|POS] [UBND tỉnh|ORG].", method)
    assert got == {("Nguyễn Văn An", "Phó Bí thư", "Tỉnh ủy", False), ("Lê Thị Bình", "Chủ tịch", "UBND tỉnh", False)}


@pytest.mark.parametrize("method", METHODS)
def test_two_titles_one_person(method):
    got = triples("Đồng chí [Thái Thanh Quý|PER], [Ủy viên|POS] [Ban Chấp hành Trung ương Đảng|ORG], "
                  "[Bí thư|POS] [Tỉnh ủy|ORG] phát biểu.", method)
    assert got == {("Thái Thanh Quý", "Ủy viên", "Ban Chấp hành Trung ương Đảng", False),
                   ("Thái Thanh Quý", "Bí thư", "Tỉnh ủy", False)}


@pytest.mark.parametrize("method", METHODS)
def test_nguyen_marks_former(method):
    assert triples("Ông [Trần Văn Cường|PER], nguyên [Chủ tịch|POS] [UBND tỉnh|ORG], đã nghỉ hưu.", method) == {
        ("Trần Văn Cường", "Chủ tịch", "UBND tỉnh", True)}


@pytest.mark.parametrize("method", METHODS)
def test_elected_to_office(method):
    assert triples("Ông [Lê Văn Dũng|PER] được bầu giữ chức [Chủ tịch|POS] [UBND tỉnh|ORG] nhiệm kỳ mới.",
                   method) == {("Lê Văn Dũng", "Chủ tịch", "UBND tỉnh", False)}


@pytest.mark.parametrize("method", METHODS)
def test_place_after_title_is_no_organization(method):
    assert triples("Ông [Phạm Văn Em|PER], [Bí thư|POS] quận Hải Châu, phát biểu.", method) == {
        ("Phạm Văn Em", "Bí thư", None, False)}


@pytest.mark.parametrize("method", METHODS)
def test_no_link_across_sentences(method):
    assert triples("Đồng chí [Bí thư|POS] [Tỉnh ủy|ORG] phát biểu chỉ đạo. Ông [Nguyễn Văn Hải|PER] dự họp.",
                   method) == set()


def test_title_given_to_a_list_of_persons():
    got = triples("Hội đồng miễn nhiệm chức [Phó Chủ tịch|POS] [HĐND tỉnh|ORG] đối với bà [Nguyễn Thị Hồng|PER], "
                  "ông [Hứa Ngọc Thuận|PER] và ông [Nguyễn Hữu Tín|PER] để nghỉ hưu.")
    assert got == {(p, "Phó Chủ tịch", "HĐND tỉnh", False) for p in ("Nguyễn Thị Hồng", "Hứa Ngọc Thuận",
                                                                          "Nguyễn Hữu Tín")}
    assert triples("Hai ông [Hứa Kỳ Lượng|PER] và [Trương Hựu Hiệp|PER] giữ chức [Phó Chủ tịch|POS] "
                   "[Ủy ban Quân sự Trung ương|ORG].") == {
        ("Hứa Kỳ Lượng", "Phó Chủ tịch", "Ủy ban Quân sự Trung ương", False),
        ("Trương Hựu Hiệp", "Phó Chủ tịch", "Ủy ban Quân sự Trung ương", False)}


def test_title_given_to_list_items_with_their_own_titles():
    got = triples("Phó Thủ tướng trao quyết định phê chuẩn chức danh [Ủy viên|POS] [UBND thành phố|ORG] đối với "
                  "ông [Võ Văn Hoan|PER] - [Chánh Văn phòng|POS] [UBND thành phố|ORG]; ông [Sử Ngọc Anh|PER] - "
                  "[Giám đốc|POS] [Sở Kế hoạch và Đầu tư|ORG] và bà [Phan Thị Thắng|PER] - [Giám đốc|POS] "
                  "[Sở Tài chính|ORG].")
    shared = {(p, "Ủy viên", "UBND thành phố", False) for p in ("Võ Văn Hoan", "Sử Ngọc Anh", "Phan Thị Thắng")}
    own = {("Võ Văn Hoan", "Chánh Văn phòng", "UBND thành phố", False),
           ("Sử Ngọc Anh", "Giám đốc", "Sở Kế hoạch và Đầu tư", False),
           ("Phan Thị Thắng", "Giám đốc", "Sở Tài chính", False)}
    assert got == shared | own  # and no person's own title handed on to the next item


def test_list_items_with_their_own_titles_before_the_shared_one():
    got = triples("Các ông [Nguyễn Doãn Toản|PER] ([Giám đốc|POS] [Sở Tài chính|ORG]); [Ngô Văn Quý|PER] "
                  "([Giám đốc|POS] [Sở Kế hoạch và Đầu tư|ORG]) được giới thiệu để vào vị trí [Phó chủ tịch|POS] "
                  "thành phố.")
    assert got == {("Nguyễn Doãn Toản", "Giám đốc", "Sở Tài chính", False),
                   ("Ngô Văn Quý", "Giám đốc", "Sở Kế hoạch và Đầu tư", False),
                   ("Nguyễn Doãn Toản", "Phó chủ tịch", None, False), ("Ngô Văn Quý", "Phó chủ tịch", None, False)}


def test_list_items_with_a_parenthesis_of_their_own():
    got = triples("HĐND đồng ý miễn nhiệm chức vụ [Phó chủ tịch|POS] thành phố đối với các ông [Vũ Hồng Khanh|PER] "
                  "(vừa được bầu giữ chức [Chủ tịch|POS] [Uỷ ban Mặt trận Tổ quốc|ORG]), ông [Trần Xuân Việt|PER], "
                  "[Lê Văn Hoạt|PER] và [Nguyễn Văn Nam|PER].")
    assert {p for p, t, *_ in got if t == "Phó chủ tịch"} == {"Vũ Hồng Khanh", "Trần Xuân Việt", "Lê Văn Hoạt",
                                                               "Nguyễn Văn Nam"}
    assert ("Vũ Hồng Khanh", "Chủ tịch", "Uỷ ban Mặt trận Tổ quốc", False) in got


def test_apposed_titles_do_not_spread_to_a_second_person():
    got = triples("[Bí thư|POS] [Tỉnh ủy|ORG] [Nguyễn Văn An|PER], ông [Lê Văn Bình|PER] và ông [Trần Văn Cư|PER] "
                  "dự lễ khánh thành.")
    assert ("Nguyễn Văn An", "Bí thư", "Tỉnh ủy", False) in got
    assert all(p == "Nguyễn Văn An" for p, *_ in got)


def test_nothing_without_person_or_title():
    assert link_positions("", []) == []
    text, ents = marked("[Bí thư|POS] [Tỉnh ủy|ORG] phát biểu.")
    assert link_positions(text, ents) == []
    with pytest.raises(ValueError):
        link_positions(text, ents, method="magic")


def test_positions_held_with_the_default_model():
    text = "Đồng chí Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An, dự lễ kết nạp đảng viên mới."
    one = positions_held(text)
    assert [(r.person.text, r.position.text, r.organization.text) for r in one] == [
        ("Thái Thanh Quý", "Bí thư", "Tỉnh ủy Nghệ An")]
    many = positions_held([text, ""])
    assert many == [one, []]
    with pytest.raises(TypeError):
        positions_held([text, b"bytes"])


def test_evaluation_scores_positions_only_on_documents_with_relations():
    from vnner.evaluation import positions_scores, positions_table, score
    from vnner.formats.document import Document, PositionRecord, Span

    text, ents = marked("Ông [Nguyễn Văn An|PER], [Chủ tịch|POS] [UBND tỉnh|ORG], phát biểu.")
    spans = [Span(e.start, e.end, e.label) for e in ents]
    rec = PositionRecord((ents[0].start, ents[0].end), (ents[1].start, ents[1].end), (ents[2].start, ents[2].end))
    with_rel = Document("a", text, spans, [rec])
    without = Document("b", text, spans, None)
    assert positions_scores([without]) is None
    wrong_org = [(s.start, s.end, s.label) for s in spans[:2]]  # the model missed the organisation
    ph = positions_scores([with_rel, without], [wrong_org, wrong_org])
    assert ph["documents"] == 1
    assert ph["gold_entities"]["f1"] == 1.0
    assert (ph["end_to_end"]["tp"], ph["end_to_end"]["fp"], ph["end_to_end"]["fn"]) == (0, 1, 1)
    assert ph["gold_entities"]["errors"] == []
    who = {"document": "a", "person": "Nguyễn Văn An", "position": "Chủ tịch"}
    assert ph["end_to_end"]["errors"] == [{**who, "kind": "missed", "organization": "UBND tỉnh"},
                                          {**who, "kind": "spurious", "organization": ""}]
    assert "| gold entities | 1.0000 |" in positions_table(ph)
    assert "positions_held" not in score([with_rel], [wrong_org])  # entity scores untouched


@pytest.mark.parametrize("form", ["NFD", "old tone marks"])
def test_decomposed_or_old_style_text_links_like_its_normalised_form(form):
    import unicodedata

    from vnner.pipeline.text import normalize

    source = ("Dự có các đồng chí: [Nguyễn Văn An|PER], [Phó Bí thư|POS] [Tỉnh uỷ|ORG]; [Lê Thị Bình|PER], "
              "[Chủ tịch|POS] [Uỷ ban Mặt trận Tổ quốc tỉnh|ORG]. Sau đó, ông [Trần Văn Cường|PER] được bầu "
              "giữ chức [Phó chủ tịch|POS] [HĐND tỉnh Khánh Hoà|ORG].")
    variant = (unicodedata.normalize("NFD", source) if form == "NFD"
               else source.replace("uỷ", "ủy").replace("Uỷ", "Ủy").replace("Hoà", "Hòa"))
    assert variant != source
    text, ents = marked(variant)
    got = link_positions(text, ents)
    assert all(r.person in ents and r.position in ents and r.organization in ents for r in got)  # caller's own

    def norm(s):
        return normalize(s).text

    expected = triples(source)
    assert len(expected) == 3
    assert {(norm(r.person.text), norm(r.position.text), norm(r.organization.text), r.former) for r in got} == {
        (norm(p), norm(t), norm(o), f) for p, t, o, f in expected}


def test_entities_of_another_text_are_refused_with_their_index():
    text, ents = marked("Ông [Nguyễn Văn An|PER], [Chủ tịch|POS] [UBND tỉnh|ORG].")
    shifted = [ents[0], Entity("Chủ tịch", "POSITION", 40, 48, 1.0)]
    with pytest.raises(ValueError, match=r"entities\[1\] \(POSITION 'Chủ tịch'\) spans 40-48, outside"):
        link_positions(text, shifted)
    moved = [Entity("Chủ tịch", "POSITION", 0, 8, 1.0)]
    with pytest.raises(ValueError, match=r"entities\[0\].*reads 'Ông Nguy'"):
        link_positions(text, moved)
    with pytest.raises(TypeError, match=r"entities\[0\] is tuple"):
        link_positions(text, [(4, 17, "PERSON")])
    with pytest.raises(TypeError, match="text must be a str"):
        link_positions(b"bytes", ents)
    assert link_positions(text, ()) == []

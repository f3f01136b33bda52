"""The program catalogue: every seed's programs, in order, with sources; lookups."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.text import fold
from subsidy_rules.programs import FundItem, catalogue

SEED_000 = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6a8f6a9cdbfd8f54.txt"

# Seed 000 附件2, column 项目资金名称, rows 1–41, as printed.
WUHAN_41 = [
    "省大学生创业项目资助", "市大学生创业项目资助", "区大学生创业项目资助", "技能强省项目资助",
    "省就业见习补贴", "市就业见习补贴", "区就业见习补贴", "实习实训补贴", "青年见习补贴", "顶岗实习补贴",
    "武汉工匠一次性奖励", "高技能人才培训基地补助", "市级技能大师工作室补助", "区级技能大师工作室补助",
    "人力资源服务产业园区建设补贴", "人力资源服务业领军企业奖励", "人力资源服务诚信示范机构奖励",
    "人力资源服务业星级机构奖励", "人力资源服务业创新创业项目奖励", "人力资源服务行业研究项目资助",
    "武汉户籍外出务工农民意外伤害保险费", "世界技能大赛市选拔赛竞赛补助", "武汉市职业技能竞赛补贴",
    "公益性岗位补贴和社保补贴", "返乡创业园区场租水电费补贴", "创业孵化示范基地奖补",
    "大中专毕业生一次性求职创业补贴", "充分就业社区奖励资金", "贫困劳动力转移就业交通补助",
    "企业吸纳贫困劳动力就业奖补", "大学生创业学院创业活动补贴", "就业技能培训补贴", "创业培训补贴",
    "岗前培训补贴", "技师培训补贴", "新型学徒制培训补贴", "项目制培训补贴", "职业技能鉴定补贴",
    "就业困难人员社会保险补贴", "高校毕业生社会保险补贴", "其他",
]


def test_the_embedded_list_is_the_seed_letter_for_letter() -> None:
    if not SEED_000.exists():
        pytest.skip("shared/seeds not beside the checkout")
    rows = dict(re.findall(r"^(\d{1,2})\t(\S+)", SEED_000.read_text("utf-8"), flags=re.M))
    assert [rows[str(i)] for i in range(1, 42)] == WUHAN_41


def test_all_41_wuhan_rows_are_found_by_name_and_code_in_seed_order() -> None:
    cat = catalogue()
    listed = cat.programs_in("wuhan-2022")
    assert [p.name_zh for p in listed] == WUHAN_41
    for row, (name, program) in enumerate(zip(WUHAN_41, listed, strict=True), start=1):
        assert cat.lookup(name) is program
        assert cat.get(program.code) is program
        src = program.source_in("wuhan-2022")
        assert src is not None
        assert (src.row, src.text, src.seed) == (row, name, "000_6a8f6a9cdbfd8f54.txt")
        assert src.document_key == "seed-000"
        assert any(c.document_number == "武人社办函〔2022〕10号" and f"第{row}行" in (c.article or "")
                   for c in program.citations)


@pytest.mark.parametrize(
    ("catalogue_id", "names", "seed"),
    [
        ("chongqing-2023", ["灵活就业社会保险补贴", "公益性岗位社会保险补贴"], "002_5b3d2877a453d94f.txt"),
        (
            "tongchuan-2021",
            ["残联专职委员补贴", "残疾人自主创业补助", "残疾人公益性岗位补贴"],
            "003_744609e8b39f4e34.txt",
        ),
    ],
)
def test_the_programs_of_seeds_002_and_003_are_there_with_their_sources(
    catalogue_id: str, names: list[str], seed: str
) -> None:
    listed = catalogue().programs_in(catalogue_id)
    assert [p.name_zh for p in listed] == names
    for p in listed:
        src = p.source_in(catalogue_id)
        assert src is not None and src.seed == seed


def test_the_subsidies_named_in_seed_004_are_there_with_their_sources() -> None:
    names = {p.name_zh for p in catalogue().programs_in("inner-mongolia-2023")}
    assert {
        "企业吸纳就业社会保险补贴", "一次性吸纳就业补贴", "就业见习补贴", "一次性创业补贴", "社会保险补贴",
        "公益性岗位补贴", "求职创业补贴", "失业保险稳岗返还", "职业培训补贴",
    } <= names
    for p in catalogue().programs_in("inner-mongolia-2023"):
        src = p.source_in("inner-mongolia-2023")
        assert src is not None and src.seed == "004_caeca58e37d9acba.txt"


def test_a_program_named_by_two_documents_is_one_program_with_both_sources() -> None:
    p = catalogue().lookup("职业技能鉴定补贴")
    assert {s.document_key for s in p.sources} == {"seed-000", "caishe-2017-164", "caishe-2023-181"}
    assert catalogue().lookup("职业技能评价补贴") is p
    post = catalogue().lookup("公益性岗位补贴")
    assert {s.catalogue for s in post.sources} == {"national-fund-items", "inner-mongolia-2023"}


def test_the_national_fund_items_cover_164_and_181() -> None:
    items = {p.name_zh for p in catalogue().programs_in("national-fund-items")}
    assert {"职业培训补贴", "职业技能鉴定补贴", "社会保险补贴", "公益性岗位补贴", "创业补贴", "就业见习补贴",
            "求职创业补贴", "一次性求职补贴", "公共就业服务能力建设补助"} <= items


def test_combined_rows_name_their_parts_and_every_part_exists() -> None:
    cat = catalogue()
    assert cat.get("public-welfare-post-subsidy-and-si").parts == (
        "public-welfare-post-subsidy", "public-welfare-post-si-subsidy")
    for p in cat:
        for part in p.parts:
            assert cat.get(part).fund_item in FundItem


def test_every_program_has_a_source_and_a_citation_and_a_unique_ascii_code() -> None:
    codes = [p.code for p in catalogue()]
    assert len(codes) == len(set(codes))
    for p in catalogue():
        assert p.sources and p.citations, p.code
        assert re.fullmatch(r"[a-z0-9-]+", p.code)


@pytest.mark.parametrize(
    "typed",
    [
        "市就业见习补贴",
        " 市就业见习补贴 ",
        "市\u3000就业见习补贴",
        "市就业\n见习补贴",
        "市就业\r\n见习\t补贴",
        "wh-internship-subsidy",
        "WH-INTERNSHIP-SUBSIDY",
    ],
)
def test_a_name_typed_or_pasted_from_a_cell_still_finds_the_program(typed: str) -> None:
    assert catalogue().lookup(typed).code == "wh-internship-subsidy"


def test_quote_styles_and_full_width_forms_fold_together() -> None:
    assert fold("违规代管「一卡通」数量") == fold("违规代管“一卡通”数量")
    assert fold('违规代管"一卡通"数量') == fold("违规代管『一卡通』数量")
    assert fold("ＡＢＣ１２３") == "abc123"
    assert fold("①") != fold("1")


def test_normalisation_never_merges_province_city_and_district_programs() -> None:
    cat = catalogue()
    codes = {cat.lookup(f"{level}就业见习补贴").code for level in "省市区"}
    assert len(codes) == 3
    keys = [fold(p.name_zh) for p in cat]
    assert len(keys) == len(set(keys))


def test_an_unknown_name_gets_up_to_three_suggestions() -> None:
    with pytest.raises(UnknownCodeError) as info:
        catalogue().lookup("市就业实习补贴")
    assert 1 <= len(info.value.suggestions) <= 3
    assert info.value.suggestions[0] == "市就业见习补贴"
    with pytest.raises(KeyError):
        catalogue().get("no-such-code")
    with pytest.raises(UnknownCodeError, match="unknown catalogue"):
        catalogue().programs_in("wuhan-2021")


def test_find_returns_every_program_whose_name_contains_the_text() -> None:
    found = [m.program.name_zh for m in catalogue().find("见习")]
    assert found[:3] == ["省就业见习补贴", "市就业见习补贴", "区就业见习补贴"]
    assert all(m.how == "contains" for m in catalogue().find("见习"))
    assert catalogue().find("   ") == []
    assert [m.how for m in catalogue().find("其他")] == ["name"]

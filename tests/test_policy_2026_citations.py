"""Issue 18, citations and the catalogue: what the sources attest, and nothing more.

Hand-written expectations (from shared/policy-facts.md, "Checked against sources, December 2026"):

* retirement: 《国务院关于渐进式延迟法定退休年龄的办法》第一条 and 附件1–3, approved by item 四 of the
  NPCSC decision of 2024-09-13, at the three official addresses — not "决定 附件";
* 人社部发〔2019〕124号 and 国办发〔2020〕27号: number and title attested, content not confirmed; 27号's
  article 二（四） and its quote unverified; 181号's "毕业年度或" disputed; 181号 at gov.cn;
* 一次性扩岗补助: at most 1,500 元 per hire, ended 2025-12-31; a payment after it is a lead;
  小微企业吸纳高校毕业生社会保险补贴: the employer's share, at most 12 months.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subsidy_rules.core.citation import document
from subsidy_rules.core.errors import NoValueInForceError
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import national
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility import FLEXIBLE, decide, rules
from subsidy_rules.programs.eligibility.case import Case, Person
from subsidy_rules.programs.retirement import RetirementGroup, retirement


def test_the_reform_cites_article_1_and_annexes_1_to_3_of_the_measures_with_official_addresses() -> None:
    r = retirement(Month(1965, 1), RetirementGroup.MALE, law_date=date(2025, 6, 1))
    assert (r.retirement_month, r.citation.document_key) == (Month(2025, 2), "guowuyuan-2024-retirement-measures")
    assert r.citation.article is not None and r.citation.article.startswith("第一条")
    assert "每四个月延迟一个月" in (r.citation.quote or "")
    doc = document("guowuyuan-2024-retirement-measures")
    assert doc.url == "https://www.gov.cn/yaowen/liebiao/202409/content_6974294.htm"
    assert set(doc.also_at) == {
        "https://www.npc.gov.cn/npc/c2/kgfb/202409/t20240913_439534.html",
        "https://www.mohrss.gov.cn/SYrlzyhshbzb/ztzl/zt202409/qwfb/202409/t20240913_525781.html",
    }
    assert doc.note_zh is not None and "第四项" in doc.note_zh and not doc.confirmed
    tables = {
        national().resolve(f"retirement.{g}.first_affected_birth_month", date(2025, 1, 1)).citation.article
        for g in ("male", "female_55", "female_50")
    }
    assert all(t is not None and t.startswith("附件1–3") for t in tables)
    basis = rules()[FLEXIBLE].condition("before-retirement").basis
    assert [(c.document_key, c.article) for c in basis][1:] == [
        ("guowuyuan-2024-retirement-measures", "第一条；附件1–3"),
        ("npcsc-2024-retirement", "四（批准《国务院关于渐进式延迟法定退休年龄的办法》）"),
    ]


def test_the_two_attested_documents_stay_unconfirmed_with_their_notes_in_chinese() -> None:
    post = document("renshebufa-2019-124")
    assert (post.attested, post.confirmed) == (True, False)
    assert post.note_zh is not None and "粤人社规〔2025〕15号" in post.note_zh and "成文日期未查到" in post.note_zh
    assert "https://hrss.gd.gov.cn/zwgk/xxgkml/bmwj/gfxwj/content/post_4705144.html" in post.also_at
    flexible = document("guobanfa-2020-27")
    assert (flexible.attested, flexible.confirmed) == (True, False)
    assert flexible.note_zh is not None and "二（四）" in flexible.note_zh and "未经核实" in flexible.note_zh
    window = rules()["graduate-flexible-employment-si-subsidy"].condition("graduate-window").basis
    cited = {c.document_key: c for c in window}
    assert "未经核实" in (cited["guobanfa-2020-27"].article or "")
    assert "有争议" in (cited["caishe-2023-181"].article or "")
    value = national().resolve("ssi.graduate.window_months", date(2021, 1, 1))
    assert (value.citation.document_number, value.confirmed) == ("国办发〔2020〕27号", False)


def test_181_has_its_official_address_and_its_disputed_wording_noted() -> None:
    doc = document("caishe-2023-181")
    assert doc.url == "https://www.gov.cn/zhengce/zhengceku/202401/content_6926462.htm" and not doc.confirmed
    assert doc.note_zh is not None and "毕业年度或" in doc.note_zh and "争议" in doc.note_zh
    assert doc.note_en is not None and "disputed" in doc.note_en


def test_every_condition_citing_181_also_cites_2026_as_carried_over() -> None:
    for spec in rules().values():
        for c in spec.conditions:
            keys = [x.document_key for x in c.basis]
            if "caishe-2023-181" in keys:
                carried = [x for x in c.basis if x.document_key == "caishe-2026-1"]
                assert carried, c.id
                assert all("尚未与2026年文本核对" in (x.article or "") and not x.confirmed for x in carried)


def test_the_job_expansion_subsidy_ended_on_2025_12_31_and_a_later_payment_is_a_lead() -> None:
    cat = catalogue()
    p = cat.get("one-off-job-expansion-subsidy")
    assert (p.name_zh, p.ends_on, p.fund is not None and p.fund.value) == (
        "一次性扩岗补助",
        date(2025, 12, 31),
        "unemployment-insurance-fund",
    )
    assert p.note_zh is not None and "1500元" in p.note_zh and "1000元" in p.note_zh and "就业补助资金支出" in p.note_zh
    assert cat.ended("one-off-job-expansion-subsidy", date(2025, 12, 31)) is None
    assert cat.ended("one-off-job-expansion-subsidy", date(2026, 1, 15)) is p
    assert cat.match("一次性扩岗补助") is not None
    assert cat.end_dates()["one-off-job-expansion-subsidy"][0] == date(2025, 12, 31)
    assert cat.ended(FLEXIBLE, date(2030, 1, 1)) is None  # no end date: never a lead
    ps = national()
    assert ps.value_at("expansion_subsidy.max_per_hire", date(2025, 6, 1)) == Decimal(1500)
    with pytest.raises(NoValueInForceError):
        ps.resolve("expansion_subsidy.max_per_hire", date(2026, 1, 1))
    assert any("tanghe.gov.cn" in (c.url or "") for c in p.citations)


def test_the_small_enterprise_graduate_subsidy_pays_the_employers_share_for_at_most_a_year() -> None:
    p = catalogue().get("small-enterprise-graduate-si-subsidy")
    assert (p.name_zh, p.ends_on) == ("小微企业吸纳高校毕业生社会保险补贴", None)
    assert p.beneficiary is not None and p.beneficiary.value == "employer"
    assert any("不包括个人缴纳部分" in (c.quote or "") for c in p.citations)
    assert national().value_at("small_enterprise_graduate_si.max_months", date(2023, 1, 1)) == 12


def test_a_decision_shows_the_regime_of_a_case_without_payments_too() -> None:
    case = Case(case_id="none", person=Person(birth_month=Month(1975, 1), group=RetirementGroup.MALE))
    d = decide(case, FLEXIBLE, date(2026, 3, 1))
    assert not d.eligible and d.regimes == () and d.notices_zh == ()

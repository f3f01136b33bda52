"""Issue 18, the 2026 revision of the fund rules and the per-layer regime anchors.

Hand-computed expectations (written before the code ran):

* 财社〔2026〕1号 is dated 2026-01-09; a month is judged by the text in force on its first day, so
  2026-01 is still 181号 and 2026-02 onwards is 2026年1号, whose articles were not read: every value
  dated from it repeats 181号's and says "沿用财社〔2023〕181号，尚未与财社〔2026〕1号文本核对".
* Liaoning adopted 181号 on 2024-09-18 (辽财社规〔2024〕8号): 2024-05 is 164号, 2024-10 is 181号.
  Shandong's 鲁财社〔2024〕56号 is dated 2024-12-30: 2024-12-29 is 164号, 2024-12-30 is 181号.
  Hubei has only a draft (2024-07): 181号 from the national 2024-01-01, cited to the draft.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from subsidy_rules.core.citation import document
from subsidy_rules.core.month import Month
from subsidy_rules.io.eligibility import decision_to_json
from subsidy_rules.parameters import jurisdiction, national
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    FLEXIBLE,
    Case,
    Contribution,
    Insurance,
    Payer,
    Person,
    Spell,
    decide,
    decision_text,
)
from subsidy_rules.programs.retirement import RetirementGroup
from subsidy_rules.programs.standards import fund_regime, regime_rows


def _flex(jurisdiction_id: str = "wuhan", as_of: date = date(2026, 3, 31)) -> Case:
    contributions = []
    for i in range(6):
        m = Month(2025, 10) + i
        contributions.append(Contribution(m, Insurance.PENSION, Payer.FLEXIBLE_WORKER, Decimal("900.00")))
        contributions.append(Contribution(m, Insurance.MEDICAL, Payer.FLEXIBLE_WORKER, Decimal("300.00")))
    return Case(
        case_id="r26",
        jurisdiction=jurisdiction_id,
        person=Person(birth_month=Month(1975, 1), group=RetirementGroup.MALE),
        difficulty=(CategorySpell("long-term-unemployed", date(2025, 9, 1)),),
        flexible_registrations=(Spell(date(2025, 9, 1)),),
        first_approval=date(2025, 10, 10),
        contributions=tuple(contributions),
        as_of=as_of,
    )


def test_a_decision_for_2026_months_names_the_2026_text_and_says_it_is_unverified() -> None:
    d = decide(_flex(), FLEXIBLE)
    regimes = {f.name: f.value for f in d.regimes}
    assert set(regimes) == {"2025-10..2026-01", "2026-02..2026-03"}
    assert "财社〔2023〕181号" in regimes["2025-10..2026-01"]
    assert "财社〔2026〕1号" in regimes["2026-02..2026-03"] and "尚未与2026年文本核对" in regimes["2026-02..2026-03"]
    assert any(n.startswith("2026-02..2026-03：本月适用财社〔2026〕1号") for n in d.notices_zh)
    assert any("沿用财社〔2023〕181号，尚未与财社〔2026〕1号文本核对" in n for n in d.notices_zh)
    text = decision_text(d)
    assert "适用的就业补助资金管理办法" in text and "尚未与财社〔2026〕1号文本核对" in text
    doc = decision_to_json(d)
    assert doc["notices_en"] and doc["regimes"][1]["name"] == "2026-02..2026-03"


def test_a_decision_wholly_before_2026_names_no_unverified_text() -> None:
    d = decide(_flex(as_of=date(2025, 12, 31)), FLEXIBLE)
    assert [f.name for f in d.regimes] == ["2025-10..2025-12"]
    assert not any("财社〔2026〕1号" in n for n in d.notices_zh)


def test_every_181_value_has_a_2026_successor_carried_over_and_unchanged() -> None:
    ps = national()
    checked = 0
    for pid in ps.ids:
        param = ps.definition(pid)
        if pid.startswith("regime.") or not any(v.citation.document_key == "caishe-2023-181" for v in param.values):
            continue  # the regime anchors date the texts; they are not values of them
        old = ps.resolve(pid, date(2025, 6, 1))
        new = ps.resolve(pid, date(2026, 2, 1))
        assert new.citation.document_number == "财社〔2026〕1号", pid
        assert new.carried_over_from == "caishe-2023-181" and not new.confirmed, pid
        assert new.value == old.value, pid
        assert new.carried_over_note_zh == "沿用财社〔2023〕181号，尚未与财社〔2026〕1号文本核对"
        checked += 1
    assert checked >= 10


def test_the_2026_document_is_recorded_attested_but_not_confirmed() -> None:
    doc = document("caishe-2026-1")
    assert (doc.number, doc.date, doc.confirmed, doc.attested) == ("财社〔2026〕1号", date(2026, 1, 9), False, True)
    assert doc.url == "http://www.sxcxldjy.com/show-73-33446-1.html"
    assert doc.note_zh is not None and "财社〔2023〕181号" in doc.note_zh and doc.note_en


def test_liaoning_is_judged_by_164_until_its_own_date_and_cites_its_provincial_text() -> None:
    ps = jurisdiction("liaoning")
    assert fund_regime(ps, date(2024, 5, 1)).number == "财社〔2017〕164号"
    later = fund_regime(ps, date(2024, 10, 1))
    assert (later.number, later.effective_from) == ("财社〔2023〕181号", date(2024, 9, 18))
    assert later.anchor is not None and later.anchor.citation.document_number == "辽财社规〔2024〕8号"
    assert ps.resolve("ssi.flexible.max_months", date(2024, 9, 17)).citation.document_number == "财社〔2017〕164号"
    assert ps.resolve("ssi.flexible.max_months", date(2024, 9, 18)).citation.document_number == "财社〔2023〕181号"


def test_shandong_switches_on_2024_12_30_and_henan_keeps_the_national_date_marked_unverified() -> None:
    sd = jurisdiction("shandong")
    assert fund_regime(sd, date(2024, 12, 29)).number == "财社〔2017〕164号"
    assert fund_regime(sd, date(2024, 12, 30)).number == "财社〔2023〕181号"
    henan = fund_regime(jurisdiction("henan"), date(2025, 3, 1))
    assert (henan.number, henan.effective_from) == ("财社〔2023〕181号", date(2024, 1, 1))
    assert henan.anchor is not None and henan.anchor.layer == "henan" and not henan.anchor.confirmed


def test_hubei_keeps_the_national_date_cited_to_its_2024_draft_and_2026_applies_everywhere() -> None:
    hubei = fund_regime(jurisdiction("wuhan"), date(2025, 3, 1))
    assert hubei.anchor is not None and hubei.anchor.citation.document_key == "hubei-employment-subsidy-fund-draft-2024"
    assert hubei.effective_from == date(2024, 1, 1)
    for layer in ("national", "wuhan", "liaoning", "shandong", "henan", "changzhou"):
        r = fund_regime(jurisdiction(layer), date(2026, 2, 1))
        assert (r.number, r.verified) == ("财社〔2026〕1号", False)
        assert "尚未与2026年文本核对" in r.note_zh and "not yet checked" in r.note_en


def test_regime_rows_give_any_detector_the_text_of_each_month() -> None:
    rows = regime_rows(jurisdiction("wuhan"), [Month(2023, 12), Month(2024, 1), Month(2026, 1), Month(2026, 2)])
    assert [(r["pm"] % 12 + 1, r["regime"], r["regime_verified"]) for r in rows] == [
        (12, "财社〔2017〕164号", True),
        (1, "财社〔2023〕181号", True),
        (1, "财社〔2023〕181号", True),
        (2, "财社〔2026〕1号", False),
    ]
    assert "尚未与2026年文本核对" in rows[-1]["note_zh"] and rows[-1]["regime_from"] == "2026-01-09"

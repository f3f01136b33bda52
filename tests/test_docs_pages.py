"""Pages that answer officers' questions: 政策要点 on every program with a rule, 核实/处置 and rosters on
every detector, forms with their template and 填表说明, today's values per jurisdiction, Chinese throughout."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from subsidy_rules.docs import build_site, default_sources
from subsidy_rules.docs.guidance import detectors_checking, guidance
from subsidy_rules.docs.kinds.programs import rule_keys
from subsidy_rules.docs.labels import note, translations
from subsidy_rules.docs.points import periods, points
from subsidy_rules.forms import FORM_IDS
from subsidy_rules.issues.audit import detectors
from subsidy_rules.issues.audit.schema import KINDS
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer
from subsidy_rules.programs import catalogue
from subsidy_rules.programs.eligibility.registry import rules
from tests.docs.sitecheck import english_only_blocks

BUILD_DATE = date(2026, 11, 30)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out, today=BUILD_DATE)
    return out


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def _reading(html: str) -> str:
    """The article's text without tags, the English detail and the code line."""
    art = html[html.index("<article"):html.index("</article>")]
    art = re.sub(r'<details class="sr-english">.*?</details>', "", art, flags=re.S)
    art = re.sub(r'<p class="sr-code">.*?</p>', "", art, flags=re.S)
    art = re.sub(r"<script.*?</script>", "", art, flags=re.S)
    return re.sub(r"<[^>]+>", "", art)


# -- data completeness ------------------------------------------------------------


def test_every_registered_detector_has_verification_and_handling_guidance() -> None:
    names = [d.name for d in detectors()]
    assert names
    missing = [n for n in names if n not in guidance() or not guidance()[n].verify or not guidance()[n].handling]
    assert missing == []


def test_every_eligibility_rule_has_a_policy_summary_whose_parameters_exist_somewhere_or_say_so() -> None:
    assert set(points()) == set(rules())
    for key, pts in points().items():
        assert pts.object and pts.standard and pts.period and pts.basis, key
        assert pts.example, key


def test_every_english_note_the_data_holds_has_its_chinese_text() -> None:
    from subsidy_rules.docs.labels import mostly_english
    from subsidy_rules.forms import layout

    notes = set()
    for lid in PACKAGED_LAYERS:
        for p in packaged_layer(lid):
            notes |= {v.note for v in p.values if v.note}
    notes |= {p.note for p in catalogue() if p.note}
    for fid in FORM_IDS:
        lay = layout(fid)
        notes |= set(lay.remarks) | {c.label_note for c in lay.columns if c.label_note}
        notes |= {r.note for r in lay.relations if r.note}
    english = {n for n in notes if mostly_english(n)}
    assert len(english) > 30
    assert sorted(n for n in english if "暂无中文译文" in note(n)) == []
    assert all(n in translations() for n in english)
    placeholder = next(n for n in english if "placeholder" in n)
    assert "占位值" in note(placeholder) and "<details" in note(placeholder)  # the English kept, collapsed
    assert note("参照当地最低工资标准") == "参照当地最低工资标准"  # Chinese as it is


def test_a_note_with_no_translation_says_so_in_chinese_and_keeps_the_english_collapsed() -> None:
    shown = note("A note nobody has translated yet, about something.")
    assert shown.startswith("（本条说明暂无中文译文）") and 'lang="en"' in shown


def test_a_value_period_is_resolved_for_each_jurisdiction_so_the_picker_needs_no_server() -> None:
    # 2/3 under 164号 from 2017-10-13 and unchanged since: one period, shown as a percentage.
    assert periods("ssi.flexible.max_ratio", "wuhan")[0] == ("2017-10-13", "66.7\u00a0%（2/3）")
    assert periods("minimum_wage.monthly", "national")[0][1] == "全国未统一规定，请选择地区"
    wage = periods("minimum_wage.monthly.tier1", "hubei")
    assert any("元/月" in text for _, text in wage)
    assert [d for d, _ in wage] == sorted(d for d, _ in wage)


def test_general_detectors_check_every_program_and_specific_ones_only_theirs() -> None:
    assert "paid-after-death" in detectors_checking({"internship-subsidy"})
    assert "above-standard" not in detectors_checking({"internship-subsidy"})
    assert "above-standard" in detectors_checking({"flexible-employment-si-subsidy"}, general=False)


# -- the built pages --------------------------------------------------------------


def test_every_program_with_a_rule_opens_with_its_policy_summary_box(site: Path) -> None:
    src = default_sources()
    checked = 0
    for p in catalogue():
        keys = rule_keys(src, p)
        if not keys:
            continue
        html = _text(site, f"programs/{p.code}.html")
        assert html.count('class="sr-points"') == len(keys), p.code
        box = html[html.index('class="sr-points"'):]
        for label in ("对象", "标准", "期限", "发放渠道", "依据"):
            assert f"<td>{label}</td>" in box, (p.code, label)
        assert 'class="sr-pv-data"' in box and 'class="sr-pick-layer"' in box
        assert "算例：本库判定引擎的一次真实判定" in html
        checked += 1
    assert checked >= 5
    flex = _text(site, "programs/flexible-employment-si-subsidy.html")
    # The formula with today's national value; the worked example's real figures (36 × 653.33).
    assert "× <span class=\"sr-pv\" data-pid=\"ssi.flexible.max_ratio\">66.7\u00a0%（2/3）</span>" in flex
    # The example's figures are the engine's own: decide() on the same case gives the same total.
    from importlib import resources

    from subsidy_rules.io.eligibility import load_case
    from subsidy_rules.programs.eligibility import decide

    ref = resources.files("subsidy_rules.programs.eligibility").joinpath("examples", "01-plain.json")
    with resources.as_file(ref) as path:
        case = load_case(path)
    d = decide(case, "flexible-employment-si-subsidy", case.as_of)
    assert f"{d.total_entitled:.2f} 元" in flex
    undetermined = sum(m.status.value == "undetermined" for m in d.schedule)
    assert (f"{undetermined} 个月无法判定" in flex) == (undetermined > 0)
    assert 'href="../detectors/above-standard.html"' in flex  # the detectors that check it
    data = json.loads(re.search(r'<script type="application/json" class="sr-pv-data">(.*?)</script>', flex).group(1))
    assert set(data) == set(PACKAGED_LAYERS)


def test_every_detector_page_says_what_to_prepare_how_to_verify_and_what_to_do(site: Path) -> None:
    for d in detectors():
        html = _text(site, f"detectors/{d.name}.html")
        for anchor in ('id="needs"', 'id="verify"', 'id="handling"', 'id="rectification"'):
            assert anchor in html, (d.name, anchor)
        for kind in ("ledger", *d.needs):
            assert f'href="../downloads/rosters/{kind}.csv"' in html, (d.name, kind)
    death = _reading(_text(site, "detectors/paid-after-death.html"))
    assert "死亡当月照常应发" in death and "追回" in death and "停发" in death
    assert "死亡日期" in death  # the roster's column
    assert "应停发补贴而未及时停发" in death or "第" in death  # the form column it lands in


def test_roster_templates_are_the_header_rows_the_audit_reads(site: Path) -> None:
    for name, kind in KINDS.items():
        raw = (site / "downloads" / "rosters" / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert header == [f.name_zh for f in kind.fields]


def test_every_form_page_offers_its_blank_template_and_says_how_to_fill_each_column(site: Path) -> None:
    from openpyxl import load_workbook

    for fid in FORM_IDS:
        html = _text(site, f"forms/{fid}.html")
        assert f'href="../downloads/forms/{fid}.xlsx"' in html
        assert "<th>填表说明</th>" in html
        wb = load_workbook(site / "downloads" / "forms" / f"{fid}.xlsx")
        assert wb.worksheets
    wuhan = _reading(_text(site, "forms/wuhan-2022-problem-stats.html"))
    assert "填核实确认的问题金额合计（万元" in wuhan


def test_the_parameters_index_shows_todays_value_in_every_jurisdiction_with_ratios_as_percentages(site: Path) -> None:
    html = _text(site, "parameters/index.html")
    for lid in PACKAGED_LAYERS:
        name = "全国" if lid == "national" else packaged_layer(lid).name_zh
        assert f"<th>{name}</th>" in html
    assert "66.7\u00a0%（2/3）" in html and "30\u00a0%" in html
    assert "2026-11-30" in html
    assert '<span class="sr-date">2024-01-01</span>' in html  # 181号's start date, never broken
    history = _text(site, "parameters/ssi.flexible.max_ratio.html")
    assert re.search(r'<span class="sr-date">\d{4}-\d{2}-\d{2} 起至今</span>', history)


def test_a_document_page_gives_its_address_and_says_unverified_once_at_the_top_with_a_count(site: Path) -> None:
    html = _text(site, "documents/caishe-2023-181.html")
    assert html.count("sr-badge sr-unconfirmed") == 1
    marks = html.count('class="sr-unv"')
    assert marks > 5 and f"本页有 <strong>{marks}</strong> 处内容未核实" in html
    assert html.index("sr-badge sr-unconfirmed") < html.index('class="sr-unv"')
    assert 'href="http://www.mohrss.gov.cn/"' in _text(site, "documents/renshebufa-2019-124.html")
    total = sum(p.read_text(encoding="utf-8").count("sr-badge sr-unconfirmed") for p in site.rglob("*.html"))
    assert total < 300  # once per page at most (was 1,912 marks across the site)


def test_no_reading_text_block_is_english_only(site: Path) -> None:
    assert english_only_blocks(site) == []


def test_pages_use_officers_words_and_keep_raw_codes_in_the_code_line(site: Path) -> None:
    bad = []
    for path in site.rglob("*.html"):
        if path.name == "404.html":
            continue
        text = _reading(path.read_text(encoding="utf-8"))
        for word in ("本层", "全国层", "维护者", "regime.caishe_2023_181.effective_from"):
            if word in text:
                bad.append((path.relative_to(site).as_posix(), word))
    assert bad == []


def test_issue_pages_name_a_campaign_list_once(site: Path) -> None:
    html = _reading(_text(site, "issues/payment.late.not-accepted.html"))
    title = "福果镇社会保险补贴专项整治：整治范围（政策落实、财务管理、信息管理）"
    assert f"{title} （{title}）" not in html and f"{title}（{title}）" not in html
    assert title in html


def test_raw_codes_stay_out_of_the_reading_text(site: Path) -> None:
    from subsidy_rules.issues import taxonomy
    from tests.docs.sitecheck import raw_codes

    codes = {pid for lid in PACKAGED_LAYERS for pid in packaged_layer(lid).parameters}
    codes |= {n.code for n in taxonomy() if "." in n.code}
    codes |= {pid for spec in rules().values() for pid in spec.parameters}
    assert raw_codes(site, codes) == []


def test_no_issue_page_prints_a_campaign_lists_title_twice(site: Path) -> None:
    doubled = []
    for path in sorted((site / "issues").glob("*.html")):
        text = _reading(path.read_text(encoding="utf-8"))
        for m in re.finditer(r"(\S{8,})\s?（\1）", text):
            doubled.append((path.name, m.group(1)[:30]))
    assert doubled == []


def test_articles_are_cited_as_officers_cite_them() -> None:
    from subsidy_rules.docs.model import article_text

    assert article_text("12") == "第12条"
    assert article_text("Art. 52") == "第52条"
    assert article_text("第五十二条") == "第五十二条"
    assert article_text("三（一）1") == "三（一）1"


def test_a_detector_whose_registry_carries_examples_shows_a_real_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import subsidy_rules.io.json as io_json
    from subsidy_rules.docs.kinds import detectors as page
    from subsidy_rules.issues.audit import sample

    finding = SimpleNamespace(explanation_zh="示例甲于死亡后仍获发补贴，2024-03共500.00元")
    monkeypatch.setattr(sample, "example_findings", lambda name: (finding,), raising=False)
    monkeypatch.setattr(io_json, "to_json", lambda f: {"explanation_zh": f.explanation_zh})
    spec = SimpleNamespace(name="paid-after-death", examples=("one",), explain_zh="{name}……")
    assert page.example_explanation(spec) == finding.explanation_zh  # type: ignore[arg-type]
    assert json.loads(page.example_finding(spec)) == {"explanation_zh": finding.explanation_zh}  # type: ignore[arg-type]
    monkeypatch.setattr(sample, "example_findings", lambda name: (), raising=False)
    assert page.example_explanation(spec) == "张某……"  # made-up values  # type: ignore[arg-type]
    monkeypatch.delattr(sample, "example_findings")
    assert page.example_explanation(spec) == "张某……"  # made-up values  # type: ignore[arg-type]

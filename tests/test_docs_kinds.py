"""The page kinds: rule and detector pages from specs of the documented shape, links both ways, building blocks.

The rule registry (``programs.eligibility.rules()``) and the detector registry
(``issues.audit.detectors()``) are read through the structural types of
``subsidy_rules.docs.sources``; these tests hand the generator small specs of
that shape, so the rule and detector pages are proven before and after the
real registries land.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from subsidy_rules.core.citation import Citation, cite
from subsidy_rules.docs import Sources, build_site
from subsidy_rules.docs.kinds.documents import supersessions
from subsidy_rules.docs.kinds.parameters import periods, value_phrases
from subsidy_rules.docs.labels import shown
from subsidy_rules.docs.md import t, table
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.docs.site import REPO_DOCS, mkdocs_config
from subsidy_rules.docs.sources import cites, texts
from subsidy_rules.parameters import layer_from_toml, national, packaged_layer
from tests.docs.sitecheck import check_site


@attrs.frozen
class Condition:
    id: str
    text_zh: str
    text_en: str
    basis: Citation | tuple[Citation, ...] | None
    checkpoint: Citation | tuple[Citation, ...] | None


@attrs.frozen
class StopEvent:
    text_zh: str
    modelled: bool = True


@attrs.frozen
class RuleSpec:
    program: str
    name_zh: str
    parameters: tuple[str, ...]
    conditions: tuple[Condition, ...]
    stop_events: tuple[object, ...]
    excludes: tuple[str, ...]
    limitations_zh: str | tuple[str, ...]
    limitations_en: str | tuple[str, ...]


@attrs.frozen
class DetectorSpec:
    name: str
    name_zh: str
    issue: str
    needs: tuple[str, ...]
    citations: tuple[Citation, ...]
    description_zh: str
    description_en: str
    uses: tuple[str, ...]
    explain_zh: str


FLEXIBLE = RuleSpec(
    program="flexible-employment-si-subsidy",
    name_zh="灵活就业社会保险补贴享受条件",
    parameters=("ssi.flexible.max_ratio", "ssi.flexible.max_months"),
    conditions=(
        Condition("difficulty-person", "申请时为已认定的就业困难人员", "An identified difficulty person",
                  (cite("caishe-2023-181", "社会保险补贴", quote="就业困难人员灵活就业"),),
                  cite("seed-002", "三（一）1", quote="是否为就业困难人员")),
        Condition("flexible-contribution", "以灵活就业人员身份缴纳社会保险费",
                  "Pays contributions as a flexible worker",
                  cite("caishe-2023-181", "社会保险补贴"), None),
    ),
    stop_events=(StopEvent("死亡"), "达到法定退休年龄", StopEvent("服刑", modelled=False)),
    excludes=("public-welfare-post-si-subsidy",),
    limitations_zh=("不判断服刑期间；名册无此字段。",),
    limitations_en="Imprisonment is not judged.",
)

PAID_AFTER_DEATH = DetectorSpec(
    name="paid-after-death",
    name_zh="死亡后仍发放",
    issue="cards.multiple",
    needs=("ledger", "deaths", "unheard-of-roster"),
    citations=(cite("seed-001", "三（一）1", quote="死亡人员"),),
    description_zh="所属期在死亡日期之后的发放。",
    description_en="Payments for months after the person died.",
    uses=("persons",),
    explain_zh="{name}（{id_number}）于死亡后仍获发{program_zh}，{months}共{amount}元；{unknown_field}",
)

STAND_INS = Sources(rules={"flexible": FLEXIBLE}, detectors=(PAID_AFTER_DEATH,))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-stand-ins")
    build_site(out, sources=STAND_INS, today=date(2026, 11, 30))
    return out


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_a_rule_page_lists_its_conditions_in_order_each_with_basis_and_check_point(site: Path) -> None:
    html = _text(site, "rules/flexible.html")
    first, second = html.index('id="c-difficulty-person"'), html.index('id="c-flexible-contribution"')
    assert first < second
    section = html[first:second]
    assert 'href="../documents/caishe-2023-181.html"' in section  # basis
    assert 'href="../documents/seed-002.html"' in section and "是否为就业困难人员" in section  # check point
    assert "（无专项治理文件提及）" in html[second:]
    assert "死亡" in html and "达到法定退休年龄" in html
    assert "服刑（本库不判断，需人工核查；见下方局限）" in html
    assert 'href="../programs/public-welfare-post-si-subsidy.html"' in html[html.index('id="excludes"'):]
    assert "不判断服刑期间" in html and "Imprisonment is not judged." in html
    assert 'href="../programs/flexible-employment-si-subsidy.html"' in html
    assert 'href="../parameters/ssi.flexible.max_ratio.html"' in html


def test_the_program_and_parameter_pages_link_back_to_the_rule(site: Path) -> None:
    assert 'href="../rules/flexible.html"' in _text(site, "programs/flexible-employment-si-subsidy.html")
    assert 'href="../rules/flexible.html"' in _text(site, "parameters/ssi.flexible.max_months.html")
    assert 'href="rules/flexible.html"' in _text(site, "index.html")
    cited = _text(site, "documents/seed-002.html")
    assert 'href="../rules/flexible.html"' in cited and "享受条件" in cited


def test_a_detector_page_names_its_issue_its_data_and_the_shape_of_a_finding(site: Path) -> None:
    html = _text(site, "detectors/paid-after-death.html")
    assert 'href="../issues/cards.multiple.html"' in html
    assert "死亡人员名单" in html and "<code>unheard-of-roster</code>" in html  # unknown roster: the code itself
    assert "--only paid-after-death" in re.sub(r"<[^>]+>", "", html)
    assert "&quot;status&quot;: &quot;lead&quot;" in html or '"status": "lead"' in re.sub(r"<[^>]+>", "", html)
    assert 'href="../detectors/paid-after-death.html"' in _text(site, "issues/cards.multiple.html")
    assert "人员信息表" in html  # used when present
    assert "张某（420102199001011234）于死亡后仍获发灵活就业社会保险补贴，2024-03共1000.00元；……" in html


def test_the_site_with_rule_and_detector_pages_has_no_broken_link(site: Path) -> None:
    assert check_site(site) == []


# -- building blocks ------------------------------------------------------------


def test_registry_text_is_escaped_for_markdown_and_html() -> None:
    assert t("a|b *c* [d] <e> 'f' & #g") == "a&#124;b &#42;c&#42; &#91;d&#93; &lt;e&gt; &#39;f&#39; &amp; &#35;g"
    assert table(["x"], []) == "（无）\n"


def test_values_are_shown_as_people_write_them() -> None:
    assert shown(Fraction(2, 3)) == "2/3"
    assert shown(Fraction(1)) == "1"
    assert shown(Decimal("0.60")) == "0.60"
    assert shown(True) == "是" and shown(False) == "否"
    assert shown(None) == "（终止）"
    assert shown(("pension", "medical")) == "基本养老保险、基本医疗保险"
    assert shown(("no-such-code",)) == "<code>no-such-code</code>"
    assert shown(()) == "（空）"
    assert shown("1965-01") == "1965-01"


def test_citation_fields_and_text_fields_are_read_in_any_of_their_shapes() -> None:
    c = cite("seed-000")
    assert cites(None) == () and cites(c) == (c,) and cites([c, c]) == (c, c)
    assert texts("a") == ("a",) and texts("  ") == () and texts(["a", " "]) == ("a",)


def test_periods_run_newest_first_and_each_ends_the_day_before_the_next_begins() -> None:
    param = packaged_layer("national").parameters["ssi.flexible.max_ratio"]
    shown_periods = [text for _, text in periods(param)]
    assert shown_periods[0].endswith("起至今")
    assert "2017-10-13 至 2023-12-31" in shown_periods


def test_a_whole_number_value_is_also_searchable_as_a_phrase() -> None:
    assert "20个工作日" in value_phrases(packaged_layer("national").parameters["payment.deadline_working_days"])
    assert value_phrases(packaged_layer("national").parameters["ssi.flexible.max_ratio"]) == ()


def test_a_change_of_document_in_a_parameter_history_is_a_supersession() -> None:
    assert ("caishe-2023-181", "caishe-2017-164", "ssi.flexible.max_ratio", "national") in supersessions()


def test_a_link_to_a_page_that_does_not_exist_is_an_error_at_build_time() -> None:
    kind = PageKind(id="k", folder="k", title_zh="K", intro_zh="", entries=lambda: [Entry("a", "A", lambda s: "")])
    site = Site([kind], date(2026, 1, 1), "0")
    assert site.link("k", "a") == "[A](../k/a.md)"
    with pytest.raises(KeyError):
        site.link("k", "b")
    assert site.link_or_text("k", "b", "乙") == "乙（本库未收录）"
    twice = PageKind(id="k", folder="k", title_zh="K", intro_zh="",
                     entries=lambda: [Entry("a", "A", lambda s: ""), Entry("a", "A", lambda s: "")])
    with pytest.raises(ValueError, match="duplicate"):
        Site([twice], date(2026, 1, 1), "0")


def test_the_build_is_strict_offline_and_chinese() -> None:
    kind = PageKind(id="k", folder="k", title_zh="K", intro_zh="", entries=lambda: [])
    site = Site([kind], date(2026, 1, 1), "9.9")
    config = mkdocs_config(Path("src"), Path("out"), site, [])
    assert config["strict"] is True and config["validation"]["links"]["anchors"] == "warn"  # warn + strict = fail
    assert config["theme"]["font"] is False and config["theme"]["language"] == "zh"
    assert config["plugins"] == [{"search": {"lang": "zh", "separator": config["plugins"][0]["search"]["separator"]}}]
    assert "\\u200b" in config["plugins"][0]["search"]["separator"]
    assert "subsidy_rules 9.9 · 数据生成日期 2026-01-01" in config["copyright"]


def test_the_policy_officer_guide_s_layer_example_is_a_valid_layer() -> None:
    text = (REPO_DOCS / "guides" / "20-policy-officer.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.S)
    assert example is not None
    layer = layer_from_toml(tomllib.loads(example.group(1)), "guide.toml", base=national())
    value = layer.parameters["public_welfare_post.minimum_wage_share"].values[-1]
    assert value.value == Fraction(4, 5) and value.citation.document_number == "某人社发〔2025〕3号"


def test_the_build_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from subsidy_rules.docs.site import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert build_date() == date(2023, 11, 14)


def test_without_guides_or_rules_the_pages_are_still_written_and_say_what_is_missing(tmp_path: Path) -> None:
    from subsidy_rules.docs import write_sources

    site, nav = write_sources(tmp_path, sources=Sources(), today=date(2026, 11, 30), guides_dir=None)
    assert "从这里开始" not in (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "（本库目前没有这一类条目。）" in (tmp_path / "rules" / "index.md").read_text(encoding="utf-8")
    assert "本库尚未为本项目编写享受条件规则" in (
        tmp_path / "programs" / "flexible-employment-si-subsidy.md").read_text(encoding="utf-8")
    assert [next(iter(item)) for item in nav][:2] == ["首页", "补贴项目"]
    assert not site.entries["detector"]


def test_a_unit_that_only_names_the_kind_of_value_is_not_repeated_after_it() -> None:
    from subsidy_rules.docs.labels import with_unit

    assert with_unit(2010, "元/月") == "2010 元/月"
    assert with_unit(Fraction(2, 3), "比例") == "2/3"
    assert with_unit(None, "元/月") == "（终止）"


def test_a_value_with_an_until_date_ends_on_that_day_even_before_the_next_value() -> None:
    import attrs as _attrs

    from subsidy_rules.parameters import DatedValue

    base = packaged_layer("national").parameters["ssi.flexible.max_ratio"]
    c = cite("caishe-2017-164")
    values = (
        DatedValue(effective_from=date(2017, 10, 13), value=Fraction(2, 3), citation=c, confirmed=False,
                   until=date(2020, 6, 30)),
        DatedValue(effective_from=date(2024, 1, 1), value=Fraction(1, 2), citation=c, confirmed=False,
                   until=date(2025, 12, 31)),
    )
    param = _attrs.evolve(base, values=values)
    assert [text for _, text in periods(param)] == ["2024-01-01 至 2025-12-31", "2017-10-13 至 2020-06-30"]

"""The generated site: a page for every registry entry, links that resolve, Chinese search that finds the right page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from subsidy_rules import __version__
from subsidy_rules.core.citation import documents
from subsidy_rules.docs import build_site, default_sources
from subsidy_rules.forms import FORM_IDS
from subsidy_rules.issues import taxonomy
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer
from subsidy_rules.programs import catalogue
from tests.docs.sitecheck import check_site, parse, search

BUILD_DATE = date(2026, 11, 30)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The whole site (≈290 pages) builds in about 10 s on the idle 2-core machine (not a timed
    # test: the figure is in the README; the demo prints it on each run).
    out = tmp_path_factory.mktemp("site")
    build_site(out, today=BUILD_DATE)
    return out


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_registry_entry_has_its_own_page(site: Path) -> None:
    expected = [f"programs/{p.code}.html" for p in catalogue()]
    expected += [f"parameters/{pid}.html" for lid in PACKAGED_LAYERS for pid in packaged_layer(lid).parameters]
    expected += [f"documents/{key}.html" for key in documents()]
    expected += [f"issues/{node.code}.html" for node in taxonomy()]
    expected += [f"forms/{fid}.html" for fid in FORM_IDS]
    src = default_sources()
    expected += [f"rules/{key}.html" for key in src.rules]
    expected += [f"detectors/{d.name}.html" for d in src.detectors]
    missing = [rel for rel in expected if not (site / rel).is_file()]
    assert missing == []
    for rel in ("index.html", "changelog.html", "about/legend.html", "guides/10-auditor.html",
                "guides/20-policy-officer.html", "guides/30-integration.html"):
        assert (site / rel).is_file(), rel


def test_every_link_and_anchor_resolves_ids_are_unique_and_nothing_loads_from_the_network(site: Path) -> None:
    assert check_site(site) == []


def test_a_chinese_search_finds_the_right_page_first(site: Path) -> None:
    found = search(site, ["公益性岗位", "灵活就业", "一人多卡", "20个工作日"])
    top = {q: pages[0] for q, pages in found.items()}
    # 公益性岗位: a program whose name holds the words (the post subsidy, or the combined row that includes it).
    post = top["公益性岗位"].removeprefix("programs/").removesuffix(".html")
    assert top["公益性岗位"].startswith("programs/") and "公益性岗位" in catalogue().get(post).name_zh
    assert top["灵活就业"] == "programs/flexible-employment-si-subsidy.html"
    assert top["一人多卡"] == "issues/cards.multiple.html"
    # 20个工作日 is the payment deadline's value (seed 004 二（三）9), found through the value phrase.
    assert top["20个工作日"] == "parameters/payment.deadline_working_days.html"


def test_every_page_shows_the_library_version_and_the_data_build_date(site: Path) -> None:
    stamp = f"subsidy_rules {__version__} · 数据生成日期 2026-11-30"
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 200
    assert [p for p in pages if stamp not in p.read_text(encoding="utf-8")] == []


def test_a_page_that_shows_a_caveat_explains_it_in_chinese_at_the_top(site: Path) -> None:
    shown = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for mark, words in (
            ("sr-unconfirmed", "维护者尚未读到文件原文核对"),
            ("sr-reconstructed", "由维护者根据原文的说明拟定"),
            ("sr-placeholder", "不是任何文件规定的标准"),
        ):
            if f"sr-badge {mark}" in html:
                shown += 1
                assert "本页标记说明" in html and words in html, (path, mark)
                assert html.index("本页标记说明") < html.index(f"sr-badge {mark}"), (path, mark)
    assert shown > 50


def test_the_placeholder_share_of_the_minimum_wage_is_marked_as_a_placeholder(site: Path) -> None:
    html = _text(site, "parameters/public_welfare_post.minimum_wage_share.html")
    assert "sr-badge sr-placeholder" in html and "占位值" in html
    # …and wherever the value in force today is shown: the rules and programs that use it.
    assert "sr-badge sr-placeholder" in _text(site, "rules/public-welfare-post-subsidy.html")
    assert "sr-badge sr-placeholder" in _text(site, "programs/public-welfare-post-subsidy.html")


def test_a_parameter_page_lists_periods_newest_first_with_end_dates_and_the_value_in_force_today(site: Path) -> None:
    html = _text(site, "parameters/ssi.flexible.max_ratio.html")
    # 181号 takes effect 2024-01-01, so the 164号 period ends the day before; 财社〔2026〕1号 (issue 18) from
    # 2026-01-09 ends 181号's.
    newer, middle, older = (
        html.index("2026-01-09 起至今"),
        html.index("2024-01-01 至 2026-01-08"),
        html.index("2017-10-13 至 2023-12-31"),
    )
    assert newer < middle < older
    assert "今日适用的取值（2026-11-30）" in html
    assert re.search(r"<td>全国</td>\s*<td><strong>2/3</strong>", html)
    assert 'href="../documents/caishe-2023-181.html"' in html
    # The 181号 value starts on the date another parameter holds (a province may move it): linked.
    assert 'href="regime.caishe_2023_181.effective_from.html"' in html


def test_a_program_page_links_its_sources_documents_and_form_row(site: Path) -> None:
    html = _text(site, "programs/difficulty-person-si-subsidy.html")
    assert 'href="../documents/seed-000.html"' in html
    assert 'href="../forms/wuhan-2022-problem-stats.html#row-39"' in html
    form = _text(site, "forms/wuhan-2022-problem-stats.html")
    assert 'id="row-39"' in form and 'href="../programs/difficulty-person-si-subsidy.html"' in form


def test_an_issue_page_quotes_its_sources_and_links_the_form_columns_that_report_it(site: Path) -> None:
    html = _text(site, "issues/cards.multiple.html")
    assert "导致群众“一人多卡”、使用不便的问题" in html
    assert 'href="../forms/tongchuan-2021-problems.html#col-17"' in html
    assert 'id="col-17"' in _text(site, "forms/tongchuan-2021-problems.html")


def test_a_document_page_lists_what_cites_it_and_what_it_replaced(site: Path) -> None:
    html = _text(site, "documents/caishe-2023-181.html")
    assert "本库中引用本文件的条目" in html
    assert 'href="../parameters/ssi.flexible.max_ratio.html"' in html
    # For ssi.flexible.max_ratio the 181号 value follows the 164号 value: 181号 replaced 164号 there.
    replaced = html[html.index('id="replaces"'):]
    assert 'href="caishe-2017-164.html"' in replaced  # same folder: mkdocs writes the link relative


def test_a_form_page_draws_the_printed_head_with_grouped_headers(site: Path) -> None:
    html = _text(site, "forms/wuhan-2022-summary.html")
    assert 'class="sr-form-picture"' in html and "colspan=" in html
    assert 'tabindex="0"' in html  # the picture scrolls inside its own box, reachable by keyboard


def test_the_guides_give_the_real_commands(site: Path) -> None:
    auditor = re.sub(r"<[^>]+>", "", _text(site, "guides/10-auditor.html"))
    for command in ("subsidy-rules audit run", "subsidy-rules forms validate", "subsidy-rules forms aggregate",
                    "subsidy-rules forms template"):
        assert command in auditor
    assert "schema_version" in _text(site, "guides/30-integration.html")


def test_every_command_a_guide_names_is_a_command_of_the_cli() -> None:
    import click

    from subsidy_rules.cli import cli
    from subsidy_rules.docs.site import REPO_DOCS

    named = set()
    for guide in (REPO_DOCS / "guides").glob("*.md"):
        named |= set(re.findall(r"subsidy-rules ([a-z-]+) ([a-z-]+)", guide.read_text(encoding="utf-8")))
    assert ("forms", "aggregate") in named and ("eligibility", "check") in named
    unknown = []
    for group, command in sorted(named):
        sub = cli.commands.get(group) if isinstance(cli, click.Group) else None
        if not isinstance(sub, click.Group) or command not in sub.commands:
            unknown.append(f"{group} {command}")
    # `audit run` is issue 9's command (engineer D); it is the only one allowed to be pending.
    assert set(unknown) <= {"audit run"}, unknown


def test_the_changelog_shows_the_json_schema_version_and_the_policy_timeline_newest_first(site: Path) -> None:
    html = _text(site, "changelog.html")
    assert "schema_version" in html
    dates = re.findall(r"<tr>\s*<td>(\d{4}-\d{2}-\d{2})</td>", html)  # first cell of each row
    assert len(dates) > 20 and dates == sorted(dates, reverse=True)


def test_the_home_page_links_the_guides_and_every_section(site: Path) -> None:
    page = parse(site / "index.html")
    hrefs = {value for tag, attr, value in page.refs if tag == "a"}
    for rel in ("guides/10-auditor.html", "programs/index.html", "rules/index.html", "parameters/index.html",
                "issues/index.html", "detectors/index.html", "forms/index.html", "documents/index.html"):
        assert rel in hrefs, rel


def test_a_form_column_open_to_dozens_of_issue_types_lists_them_once_under_the_table(site: Path) -> None:
    # 重庆 问题清单 columns 2, 4 and 5 each take any of the 40-odd issue types: listed in the
    # cells they made a phone row 1,400 px tall. The cells now give the count and link to one list.
    html = _text(site, "forms/chongqing-2023-problem-list.html")
    assert html.count('id="col-2-issues"') == 1
    assert "（第 4、5 栏同）可填的问题类型" in html
    assert html.count('个问题类型（见表下）</a>') == 3
    assert html.count('href="../issues/payment.late.html"') == 1

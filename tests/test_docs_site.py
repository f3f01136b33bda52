"""The generated site agrees with the registries it is built from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.core.citation import documents
from subsidy_rules.docs import PAGES, build_site
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer
from subsidy_rules.programs import catalogue


def _site(tmp_path: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in build_site(tmp_path)}


def test_every_program_appears_on_the_programs_page_with_its_code(tmp_path: Path) -> None:
    html = _site(tmp_path)["programs.html"]
    for p in catalogue():
        assert f'id="{p.code}"' in html and p.name_zh in html


def test_every_parameter_value_appears_with_its_date_and_status(tmp_path: Path) -> None:
    html = _site(tmp_path)["parameters.html"]
    for layer_id in PACKAGED_LAYERS:
        for param in packaged_layer(layer_id):
            assert param.id in html
            for v in param.values:
                assert v.effective_from.isoformat() in html
    assert "未核实 unconfirmed" in html and "已核实 confirmed" in html


def test_every_document_is_listed_and_the_index_links_every_page(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for doc in documents().values():
        assert doc.key in site["documents.html"]
    for page in PAGES:
        assert f'href="{page.slug}"' in site["index.html"]


def test_the_site_is_deterministic_and_escapes_text(tmp_path: Path) -> None:
    a = _site(tmp_path / "a")
    b = _site(tmp_path / "b")
    assert a == b
    assert "<script" not in "".join(a.values())
    assert date.today().isoformat() not in a["index.html"]


def test_docs_build_command_writes_the_pages(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["docs", "build", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0
    assert (tmp_path / "site" / "index.html").exists()


def test_every_taxonomy_node_and_crosswalk_appears(tmp_path: Path) -> None:
    from subsidy_rules.issues import taxonomy

    site = _site(tmp_path)
    for node in taxonomy():
        assert f'id="{node.code}"' in site["issues.html"]
    for source_id in taxonomy().sources():
        assert f'id="{source_id}"' in site["crosswalks.html"]
    assert "重构 reconstructed" in site["crosswalks.html"]


def test_every_rule_program_has_its_conditions_with_citations_on_the_eligibility_page(tmp_path: Path) -> None:
    from subsidy_rules.programs.eligibility.conditions import specs
    from subsidy_rules.programs.eligibility.engine import RULES

    html = _site(tmp_path)["eligibility.html"]
    for code in RULES:
        assert f'id="{code}"' in html
    assert "（示例案件未涉及本项目。）" not in html
    judged = [s for s in specs().values() if f"<code>{s.code}</code>" in html]
    assert len(judged) >= 8
    assert "财社〔2017〕164号" in html and "三（一）1" in html


def test_every_form_and_column_appears_with_reconstructed_labels_marked(tmp_path: Path) -> None:
    from subsidy_rules.forms import FORM_IDS, layout

    html = _site(tmp_path)["forms.html"]
    for form_id in FORM_IDS:
        lay = layout(form_id)
        assert f'id="{form_id}"' in html
        for col in lay.columns:
            assert col.label in html
    assert "违规代管“一卡通”数量" in html and "8=11+14+15" in html.replace(" ", "")
    assert "重构 reconstructed" in html

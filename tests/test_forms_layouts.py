"""Layouts as data: the five packaged forms, their labels against the seeds, and users' own files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.forms import FORM_IDS, layout, layout_from_text, load_layout
from subsidy_rules.forms.model import BlankRule, ColumnKind, Provenance, Relation, RowAxisKind, Term
from subsidy_rules.programs import catalogue
from tests.seeds import seed_file


def _seed_text(name: str) -> str:
    path = seed_file(name)  # SUBSIDY_RULES_SEEDS; skips locally, fails under CI when missing
    return re.sub(r"\s+", "", path.read_text("utf-8"))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_label_marked_source_is_in_the_seed_letter_for_letter(form_id: str) -> None:
    lay = layout(form_id)
    assert lay.seed is not None
    text = _seed_text(lay.seed)
    assert re.sub(r"_+", "", lay.title) in text
    for column in lay.columns:
        if column.provenance is Provenance.SOURCE and column.label_note is None:
            assert re.sub(r"\s+", "", column.label) in text, column.label
    for group in lay.groups:
        if group.provenance is Provenance.SOURCE:
            assert group.label in text
    for line in lay.header_lines:
        if line.provenance is Provenance.SOURCE:
            assert line.label in text, line.label
    for note in lay.notes:
        assert re.sub(r"\s+", "", note) in text


def test_the_wuhan_problem_form_has_the_41_programs_in_seed_order() -> None:
    lay = layout("wuhan-2022-problem-stats")
    programs = catalogue().programs_in("wuhan-2022")
    assert [(r.key, r.number) for r in lay.rows.rows] == [(p.code, i) for i, p in enumerate(programs, start=1)]
    assert lay.rows.rows[-1].name == "其他"
    assert [c.number for c in lay.columns] == list(range(1, 14))
    assert lay.column(13).kind is ColumnKind.COUNT and lay.column(12).kind is ColumnKind.AMOUNT
    assert lay.column_numbers is Provenance.RECONSTRUCTED
    assert lay.rows.totals is not None and lay.rows.totals.provenance is Provenance.RECONSTRUCTED


def test_the_wuhan_summary_groups_follow_the_meaning_of_their_columns() -> None:
    lay = layout("wuhan-2022-summary")
    spans = [(g.label, g.first, g.last) for g in lay.groups]
    assert spans == [
        ("进企进校、到村入户调查情况", 1, 2),
        ("“一卡通”摸排情况", 3, 5),
        ("主动说明情况事项", 6, 7),
        ("整改问责情况", 8, 12),
        ("其他", 13, 14),
    ]
    assert lay.column(4).label == "通过区“一卡通”银行发放人数"


def test_the_tongchuan_forms_keep_the_seeds_numbers_relations_and_the_column_not_summed() -> None:
    screening = layout("tongchuan-2021-screening")
    assert [c.number for c in screening.columns] == list(range(1, 22))
    assert screening.column(7).kind is ColumnKind.STANDARD
    assert all(c.provenance is Provenance.RECONSTRUCTED for c in screening.columns)
    texts = [r.text for r in screening.relations]
    assert texts == ["2 = 3 + 4 + 5 + 6", "8 = 11 + 14 + 15", "16 = 17 + 18", "16 = 1 - 8", "19 = 20 + 21"]
    assert screening.relations[0].provenance is Provenance.RECONSTRUCTED
    problems = layout("tongchuan-2021-problems")
    assert [c.number for c in problems.columns] == list(range(1, 20))
    lost = {c.number for c in problems.columns if c.provenance is Provenance.RECONSTRUCTED}
    assert lost == {1, 2, 3, 4, 5, 6, 9, 12}
    assert problems.column(14).kind is ColumnKind.YES_NO


def test_the_chongqing_list_is_marked_reconstructed_with_a_taxonomy_column() -> None:
    lay = layout("chongqing-2023-problem-list")
    assert lay.provenance is Provenance.RECONSTRUCTED and lay.rows.kind is RowAxisKind.FREE
    assert [(c.number, c.label) for c in lay.columns][:2] == [(1, "序号"), (2, "问题类型")]
    assert lay.column(2).kind is ColumnKind.ISSUE_TYPE and lay.column(7).kind is ColumnKind.DATE


def test_an_unknown_form_id_suggests_close_ones() -> None:
    with pytest.raises(UnknownCodeError) as info:
        layout("wuhan-2022-summry")
    assert "wuhan-2022-summary" in info.value.suggestions


def test_relations_parse_signs_and_refuse_nonsense() -> None:
    rel = Relation.from_text("16 = 1 - 8", blank=BlankRule.ZERO)
    assert rel.left == (Term(1, 16),) and rel.right == (Term(1, 1), Term(-1, 8))
    for bad in ("8 = 11 + ", "8 11", "8 = 11 14", "a = b", "1 = 2 = 3"):
        with pytest.raises(ValueError):
            Relation.from_text(bad)


MINIMAL = """
id = "district-form"
title = "区自定义统计表"
sheet = "统计表"
amount_unit = "万元"
amount_decimals = 2
[rows]
kind = "fixed"
totals = "合计"
[[rows.label_columns]]
label = "序号"
role = "number"
[[rows.label_columns]]
label = "项目"
role = "name"
[[rows.items]]
key = "a"
number = 1
name = "甲项目"
[[rows.items]]
key = "b"
number = 2
name = "乙项目"
[[columns]]
number = 1
label = "金额"
kind = "amount"
[[columns]]
number = 2
label = "其中一"
kind = "amount"
[[columns]]
number = 3
label = "人数"
kind = "count"
unit = "人"
[[relations]]
text = "1 = 2"
blank = "skip"
"""


def test_a_district_defines_its_own_form_in_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "form.toml"
    path.write_text(MINIMAL, "utf-8")
    lay = load_layout(path)
    assert lay.id == "district-form" and [r.key for r in lay.rows.rows] == ["a", "b"]
    assert lay.column(1).unit == "万元" and lay.column(1).decimals == 2


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda t: t.replace('kind = "amount"', 'kind = "money"', 1), "columns[0].kind"),
        (lambda t: t.replace("number = 2\nlabel", "number = 1\nlabel", 1), "columns"),
        (lambda t: t.replace('text = "1 = 2"', 'text = "1 = 9"'), "relations[0].text"),
        (lambda t: t.replace('text = "1 = 2"', 'text = "1 = 3 +"'), "relations[0].text"),
        (lambda t: t.replace('sheet = "统计表"', 'sheet = "a/b"'), "sheet"),
        (lambda t: t.replace('amount_unit = "万元"', 'amount_unit = "美元"'), "amount_unit"),
        (lambda t: t.replace("[rows]", "colour = 1\n[rows]"), "colour"),
        (lambda t: t.replace('name = "乙项目"', 'name = "乙项目"\nextra = 1'), "rows.items[1].extra"),
        (lambda t: t.replace('key = "b"', 'key = "a"'), "rows.items"),
        (lambda t: t.replace('kind = "fixed"', 'kind = "free"'), "rows.totals"),
        (lambda t: t.replace('unit = "人"', 'unit = "人"\ndecimals = 2'), "columns[2].decimals"),
    ],
)
def test_a_bad_layout_file_is_reported_by_file_and_key_path(tmp_path: Path, change: object, path: str) -> None:
    target = tmp_path / "bad.toml"
    target.write_text(change(MINIMAL), "utf-8")  # type: ignore[operator]
    with pytest.raises(DataFileError) as info:
        load_layout(target)
    paths = [p.place.path for p in info.value.problems]
    assert path in paths, paths
    assert all(p.place.file == str(target) for p in info.value.problems)


def test_layout_errors_cover_groups_catalogues_and_free_rows() -> None:
    text = MINIMAL.replace("[[relations]]", '[[groups]]\nlabel = "组"\nfirst = 2\nlast = 9\n[[relations]]')
    with pytest.raises(DataFileError) as info:
        layout_from_text(text)
    assert "groups[0].last" in [p.place.path for p in info.value.problems]
    text = MINIMAL.replace('kind = "fixed"', 'kind = "fixed"\ncatalogue = "no-such"')
    with pytest.raises(DataFileError):
        layout_from_text(text)
    free = MINIMAL.replace('kind = "fixed"', 'kind = "free"').replace('totals = "合计"\n', "")
    free = free.replace('label = "序号"\nrole = "number"', 'label = "备注"\nrole = "name"')
    with pytest.raises(DataFileError) as info:
        layout_from_text(free)
    assert any((p.place.path or "").startswith("rows") for p in info.value.problems)

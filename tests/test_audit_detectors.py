"""The ledger audit on a sample district ledger with one planted problem per detector."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subsidy_rules import forms
from subsidy_rules.forms.fill import fill_from_audit
from subsidy_rules.io.findings import write_all
from subsidy_rules.issues import taxonomy
from subsidy_rules.issues.audit import AuditError, AuditResult, audit, detectors
from subsidy_rules.issues.audit.detectors import files
from subsidy_rules.issues.audit.sample import SAMPLE_LAYER, build, generate, person_id, write
from subsidy_rules.issues.audit.workdays import (
    CalendarNotCoveredError,
    is_working_day,
    nth_working_day_after,
    working_days_after,
)
from subsidy_rules.programs.idcard import make_resident_id

AS_OF = date(2025, 12, 31)


def _rosters(paths: dict[str, Path]) -> dict[str, Path]:
    return {k: v for k, v in paths.items() if k != "ledger"}


Sample = tuple[AuditResult, dict[str, set[str]], dict[str, Path]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    paths, planted = generate(tmp_path_factory.mktemp("sample"), persons=40)
    return audit(paths["ledger"], _rosters(paths), as_of=AS_OF, layers=[SAMPLE_LAYER], explain=True), planted, paths


@pytest.mark.parametrize("name", [d.name for d in detectors()])
def test_each_detector_finds_the_examples_planted_in_the_district_and_nobody_clean(sample: Sample, name: str) -> None:
    result, planted, _ = sample
    found = {f.id_number for f in result.findings if f.detector == name}
    assert planted[name] and found == planted[name]


def test_a_clean_person_has_no_finding(sample: Sample) -> None:
    result, planted, _ = sample
    assert {f.id_number for f in result.findings} <= set().union(*planted.values())
    assert not [f for f in result.findings if f.id_number in {person_id(0), person_id(39)}]


def test_planted_among_clean_rosters_each_example_gives_the_findings_it_expects(sample: Sample) -> None:
    # the examples' own run (tests/test_audit_examples.py) has only the rows they give; here each
    # example's persons also have a clean person's rosters, and the other detectors run too
    result, _, _ = sample
    got = {
        (f.detector, f.id_number, tuple(map(str, f.months)), str(f.amount_yuan), f.evidence) for f in result.findings
    }
    for spec in detectors():
        for ex in spec.examples:
            for e in ex.expect:
                assert (spec.name, e.id_number, e.months, e.amount, e.evidence) in got, ex.title


def test_a_finding_is_a_lead_with_evidence_a_stable_id_and_a_taxonomy_code(
    sample: Sample,
) -> None:
    result, _, paths = sample
    tx = taxonomy()
    for f in result.findings:
        assert f.status.value == "lead" and f.evidence and f.citations
        assert f.issue in tx
        assert f.explanation_zh and f.explanation_en
    again = audit(paths["ledger"], _rosters(paths), as_of=AS_OF, layers=[SAMPLE_LAYER])
    assert [f.finding_id for f in again.findings] == [f.finding_id for f in result.findings]


def test_the_registry_gives_every_detector_a_taxonomy_node_and_a_citation() -> None:
    tx = taxonomy()
    names = [d.name for d in detectors()]
    assert len(names) == len(set(names)) == len(files())
    for d in detectors():
        assert d.issue in tx and d.citations and d.name_zh and d.description_zh and d.description_en


def test_bad_rows_are_reported_with_file_line_and_column_and_left_out(
    sample: Sample,
) -> None:
    result, _, paths = sample
    codes = {(p.code, p.place.field, p.place.record) for p in result.problems}
    assert ("audit-bad-date", "发放日期", "JH2025BAD001") in codes
    assert ("audit-unknown-program", "项目名称", "JH2025BAD002") in codes
    bad = next(p for p in result.problems if p.place.record == "JH2025BAD001")
    assert bad.place.file == str(paths["ledger"]) and bad.place.line is not None and bad.place.line > 2
    ledger = next(i for i in result.inputs if i.kind == "ledger")
    assert ledger.rows_read - ledger.rows_kept == 2


def test_a_detector_whose_roster_is_missing_is_listed_as_not_run(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path, persons=20)
    result = audit(paths["ledger"], {}, as_of=AS_OF, only=["paid-after-death", "duplicate-period"])
    runs = {r.name: r for r in result.runs}
    assert not runs["paid-after-death"].ran and runs["paid-after-death"].reason == "needs deaths"
    assert runs["duplicate-period"].ran


def test_an_unreadable_ledger_or_an_unknown_detector_stops_the_audit(tmp_path: Path) -> None:
    with pytest.raises(AuditError) as exc:
        audit(tmp_path / "missing.csv", {})
    assert exc.value.problems[0].code == "audit-file-unreadable"
    paths, _ = generate(tmp_path, persons=5)
    with pytest.raises(AuditError):
        audit(paths["ledger"], {}, only=["no-such-detector"])
    (tmp_path / "noheader.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(AuditError) as exc:
        audit(tmp_path / "noheader.csv", {})
    assert {p.code for p in exc.value.problems} == {"audit-missing-column"}


@pytest.mark.parametrize(
    ("fmt", "headers", "encoding"), [("xlsx", "zh", ""), ("parquet", "en", ""), ("csv", "en", "gb18030")]
)
def test_xlsx_parquet_and_gb18030_csv_with_either_headers_give_the_same_findings(
    tmp_path: Path, fmt: str, headers: str, encoding: str
) -> None:
    rows, _ = build(25)
    base = write(rows, tmp_path / "csv", "csv", "zh")
    other = write(rows, tmp_path / fmt, fmt, headers, **({"encoding": encoding} if encoding else {}))
    a = audit(base["ledger"], _rosters(base), as_of=AS_OF)
    b = audit(other["ledger"], _rosters(other), as_of=AS_OF)
    assert [(f.finding_id, f.amount_yuan) for f in a.findings] == [(f.finding_id, f.amount_yuan) for f in b.findings]
    assert a.findings


def test_applied_on_friday_26_september_2025_paid_30_october_is_on_time_and_31_october_late() -> None:
    # 9-28 (Sunday, a make-up working day) 1, 9-29 2, 9-30 3, 10-1..10-8 off, 10-9 4, 10-10 5,
    # 10-11 (Saturday, make-up) 6, 10-13..17 7-11, 10-20..24 12-16, 10-27 17, 28 18, 29 19, 30 20
    assert nth_working_day_after(date(2025, 9, 26), 20) == date(2025, 10, 30)
    assert working_days_after(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert working_days_after(date(2025, 9, 26), date(2025, 10, 31)) == 21
    assert is_working_day(date(2025, 9, 28)) and is_working_day(date(2025, 10, 11))
    assert not is_working_day(date(2025, 10, 1))


def test_a_year_the_calendar_does_not_cover_is_an_error_never_weekends_only() -> None:
    with pytest.raises(CalendarNotCoveredError):
        is_working_day(date(2099, 3, 3))


def test_every_detector_plan_has_no_row_explosion_and_no_materialised_ledger(
    sample: Sample,
) -> None:
    result, _, _ = sample
    rows = sum(i.rows_read for i in result.inputs)
    assert set(result.plans) == {r.name for r in result.runs if r.ran}
    for name, plan in result.plans.items():
        estimates = [int(n) for n in re.findall(r"~(\d+)", plan.replace(",", ""))]
        assert max(estimates, default=0) <= 4 * rows, name
        assert "CTE_SCAN" not in plan and "MATERIALIZED_CTE" not in plan, name


def test_the_outputs_are_written_and_every_filled_form_validates(sample: Sample, tmp_path: Path) -> None:
    result, _, _ = sample
    out = write_all(result, tmp_path)
    out.update({"forms/" + k: v for k, v in fill_from_audit(result, tmp_path / "forms").items()})
    lines = out["findings.jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(result.findings)
    for form_id in ("wuhan-2022-problem-stats", "tongchuan-2021-problems", "chongqing-2023-problem-list"):
        checked = forms.check_file(forms.layout(form_id), out["forms/" + form_id])
        assert not checked.report.problems, form_id
        assert checked.data is not None
        assert "疑点" in (checked.data.unit or "") + "".join(checked.data.fields.values()), form_id


def test_wuhan_row_39_gathers_the_flexible_subsidy_and_counts_each_payment_once(
    sample: Sample,
) -> None:
    from subsidy_rules.forms.fill import form_data
    from subsidy_rules.issues.audit.outputs import at_issue

    result, _, _ = sample
    three = ("duplicate-period", "above-standard", "beyond-max-period")
    findings = [f for f in result.findings if f.detector in three]
    data = form_data("wuhan-2022-problem-stats", findings, "江汉区", at_issue(result))
    # column 6 (超范围超标准发放), from the three detectors' examples: duplicate 466.67 (DUP-3) + above
    # 133.33 (ABV-2; the duplicated month's 466.67 excess is DUP-3 again: counted once) + beyond the
    # period 2 × 466.67 (BMP-2, BMP-3) = 1533.34 元 → 0.15 万元 (ROUND_HALF_UP)
    assert data.value("difficulty-person-si-subsidy", 6) == Decimal("0.15")


def test_folders_whose_names_hold_quotes_semicolons_and_dashes_are_only_paths(tmp_path: Path) -> None:
    # the temp folder (DuckDB's spill, the Parquet copies for Spark) and the output folder are bound
    # as values, never pasted into SQL: a name such as x'; DROP TABLE ledger; -- is just a name
    odd = "x'; DROP TABLE ledger; --"
    temp = tmp_path / f"temp {odd}"
    temp.mkdir()
    paths, _ = generate(tmp_path / f"in {odd}", persons=3)
    result = audit(
        paths["ledger"], _rosters(paths), as_of=AS_OF, layers=[SAMPLE_LAYER], temp_dir=temp, memory_limit="512MB"
    )
    assert result.findings and all(r.ran for r in result.runs)
    out = write_all(result, tmp_path / f"out {odd}")
    assert len(out["findings.jsonl"].read_text(encoding="utf-8").splitlines()) == len(result.findings)
    assert list(temp.iterdir()) == []  # the run's work folder is removed


def test_a_difficulty_category_the_parameters_do_not_know_proves_nothing(tmp_path: Path) -> None:
    rows, _ = build(3, specs=())
    # person 0 is identified under a local word, person 1 under no category at all: neither is a lead;
    # person 2's spell ended before the months paid: a lead
    rows["difficulty"][0]["category"] = "长期失业人员（本地认定）"
    rows["difficulty"][1]["category"] = None
    rows["difficulty"][2]["ended_on"] = date(2024, 12, 31)
    paths = write(rows, tmp_path)
    result = audit(paths["ledger"], _rosters(paths), as_of=AS_OF, only=["not-difficulty-person"])
    assert {f.id_number for f in result.findings} == {person_id(2)}


def test_the_progress_bar_draws_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    from subsidy_rules.cli.audit import _progress

    _progress("late-payment", 3, 19)
    _progress("done", 19, 19)
    err = capsys.readouterr().err
    assert "3/19 late-payment" in err and err.endswith("\n")


def test_months_and_dates_are_read_in_their_usual_spellings_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    rows, _ = build(1, specs=())
    ledger = rows["ledger"]
    ledger[0]["period"], ledger[1]["period"], ledger[2]["period"] = "2025/01", "2025年2月", "202503"
    ledger[3]["paid_on"], ledger[4]["paid_on"] = "2025/04/20", "2025年5月20日"
    ledger[5]["period"] = "2025-13"
    paths = write(rows, tmp_path)
    result = audit(paths["ledger"], {}, as_of=AS_OF, only=["duplicate-period"])
    assert [(p.code, p.place.field) for p in result.problems if p.place.record == ledger[5]["payment_id"]] == [
        ("audit-period-fallback", "所属期")  # issue 15: an unreadable 所属期 falls back, with a warning
    ]
    assert not [p for p in result.problems if p.place.record in {r["payment_id"] for r in ledger[:5]}]
    assert not result.findings  # the three months read as 2025-01, -02, -03: no month twice


def test_a_memory_limit_that_is_not_a_size_stops_the_audit(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path, persons=2)
    with pytest.raises(AuditError):
        audit(paths["ledger"], {}, memory_limit="lots")
    assert audit(paths["ledger"], {}, memory_limit="512MB", only=["date-order"]).runs[0].ran


def test_a_parquet_ledger_with_lower_case_ids_and_other_month_spellings_gives_the_same_findings(
    tmp_path: Path,
) -> None:
    # The kept rows of a typed file skip upper() and the month parse only when one scan proved them
    # unneeded; here that proof fails (a lower-case check character x, a 2025/01 month), so the full
    # expressions must run and give what the plain spellings give.
    rows, _ = build(40)
    plain = write(rows, tmp_path / "plain", fmt="parquet", headers="en")
    spelled = {k: [dict(r) for r in v] for k, v in rows.items()}
    changed = 0
    for r in spelled["ledger"]:
        if r["id_number"].endswith("X") and changed < 3:
            r["id_number"] = r["id_number"][:-1] + "x"
            changed += 1
        if r.get("period") == "2025-01":
            r["period"] = "2025/01"
    assert changed  # the sample has IDs ending in X (derivation: about one in eleven check characters)
    other = write(spelled, tmp_path / "other", fmt="parquet", headers="en")
    a = audit(plain["ledger"], _rosters(plain), as_of=AS_OF)
    b = audit(other["ledger"], _rosters(plain), as_of=AS_OF)
    assert not b.problems or [p.code for p in b.problems] == [p.code for p in a.problems]
    assert [(f.finding_id, f.amount_yuan, f.evidence) for f in b.findings] == [
        (f.finding_id, f.amount_yuan, f.evidence) for f in a.findings
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_repeated_payment_id_rejects_the_later_rows_only(tmp_path: Path, fmt: str) -> None:
    # Rows 2 and 3 (records 1 and 2) take record 0's payment id: the first occurrence is kept, the two
    # later ones are rejected as duplicates, each on its own line (header = line 1, so lines 3 and 4).
    rows, _ = build(2, specs=())
    ledger = rows["ledger"]
    first = ledger[0]["payment_id"]
    ledger[1]["payment_id"] = ledger[2]["payment_id"] = first
    paths = write(rows, tmp_path, fmt=fmt, headers="en")
    result = audit(paths["ledger"], {}, as_of=AS_OF, only=["date-order"])
    dups = [p for p in result.problems if p.code == "audit-duplicate-payment-id"]
    assert [(p.place.line, p.place.record) for p in dups] == [(3, first), (4, first)]
    read = next(i for i in result.inputs if i.kind == "ledger")
    assert read.rows_read - read.rows_kept == 4  # the two duplicates and the sample's two planted bad rows


def test_a_user_layer_s_monthly_cap_bounds_the_entitlement_and_an_unconfirmed_cap_is_said(tmp_path: Path) -> None:
    # the sample district's standard, 2/3 × (500 + 200) = 466.67 a month, capped at 100 by the layer:
    # March's 466.67 is 366.67 above, April's 600.00 is 500.00 above; one finding for the person and
    # program, 866.67 in all
    from subsidy_rules.issues.audit import detector
    from subsidy_rules.issues.audit.sample import example_rows

    layer = tmp_path / "cap.toml"
    layer.write_text(
        '[layer]\nid = "cap"\nname_zh = "区"\nname_en = "d"\nlevel = "user"\n'
        '[parameters."ssi.flexible.monthly_cap"]\ndescription_zh = "上限"\ndescription_en = "cap"\nunit = "元/月"\n'
        'kind = "decimal"\n[[parameters."ssi.flexible.monthly_cap".values]]\nfrom = 2019-01-01\nvalue = 100\n'
        'document = "seed-002"\nconfirmed = false\n',
        "utf-8",
    )
    paths = write(example_rows(detector("above-standard").examples), tmp_path / "in", headers="en")
    result = audit(paths["ledger"], _rosters(paths), as_of=AS_OF, layers=[SAMPLE_LAYER, layer], only=["above-standard"])
    (found,) = result.findings
    assert [str(m) for m in found.months] == ["2025-03", "2025-04"] and found.amount_yuan == Decimal("866.67")
    assert "应发100.00元，实发466.67元" in found.explanation_zh and "未经确认" in found.explanation_zh
    assert "unconfirmed" in found.explanation_en


def test_years_the_calendar_does_not_cover_and_applications_before_any_deadline_are_said(tmp_path: Path) -> None:
    rows, _ = build(1, specs=())
    ledger = rows["ledger"]
    ledger[0].update(applied_on=date(2099, 3, 2), approved_on=date(2099, 3, 3), paid_on=date(2099, 3, 4))
    ledger[1].update(applied_on=date(2000, 3, 2), approved_on=date(2000, 3, 3), paid_on=date(2000, 3, 4))
    paths = write(rows, tmp_path)
    result = audit(paths["ledger"], {}, as_of=AS_OF, only=["late-payment"])
    codes = {p.code: p for p in result.problems}
    assert "audit-calendar-not-covered" in codes and "audit-no-deadline" in codes
    assert not result.findings


def test_a_ledger_with_no_readable_row_is_refused_not_audited_to_no_finding(tmp_path: Path) -> None:
    rows, _ = build(1, specs=())
    rows["ledger"] = rows["ledger"][-2:]  # only the two unreadable rows
    paths = write(rows, tmp_path)
    with pytest.raises(AuditError) as caught:
        audit(paths["ledger"], _rosters(paths), as_of=AS_OF, only=["above-standard", "beyond-max-period"])
    assert "all 2 rows of the payment ledger were left out" in str(caught.value)


_id_texts = st.one_of(
    st.builds(
        make_resident_id,
        st.sampled_from(["420103", "110101", "500151"]),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
        st.integers(min_value=0, max_value=999),
    ),
    st.text(alphabet="0123456789Xx ", min_size=16, max_size=19),
    st.builds(
        lambda d, c: "4201031981" + d + c,
        st.text(alphabet="0123456789", min_size=7, max_size=7),
        st.sampled_from("0123456789Xx"),
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_id_texts, min_size=1, max_size=30))
def test_the_set_based_id_check_flags_exactly_the_ids_parse_resident_id_refuses(numbers: list[str]) -> None:
    import duckdb
    import pyarrow as pa

    from subsidy_rules.issues.audit.helpers import Inputs, invalid_ids
    from subsidy_rules.parameters import parameter_set
    from subsidy_rules.programs.idcard import InvalidResidentIdError, parse_resident_id

    con = duckdb.connect()
    con.from_arrow(pa.table({"id_number": pa.array(numbers, pa.string())})).create("ledger")
    table, _ = invalid_ids(Inputs(con, parameter_set(None, ()), AS_OF, ()))
    expected = {}
    for n in numbers:
        try:
            parse_resident_id(n)
        except InvalidResidentIdError as exc:
            expected[n] = exc.problem.value
    assert dict(zip(table.column("bad_id").to_pylist(), table.column("reason").to_pylist(), strict=True)) == expected


def test_each_finding_is_one_grouped_arrow_row_with_its_money_months_and_evidence(sample: Sample) -> None:
    result, _, _ = sample
    columns = {"fkey", "id_number", "note", "name", "program", "unit", "amount", "account", "month_indexes", "evidence"}
    columns.add("finding_id")  # the findings' order is the rows' order
    assert set(result.grouped) == {r.name for r in result.runs if r.ran}
    for name, table in result.grouped.items():
        assert set(table.column_names) == columns
        mine = [f for f in result.findings if f.detector == name]
        assert table.num_rows == len(mine)
        assert table.column("finding_id").to_pylist() == [f.finding_id for f in mine]  # in order
        assert sum(table.column("amount").to_pylist(), Decimal(0)) == sum((f.amount_yuan for f in mine), Decimal(0))
        grouped = {(r["id_number"], tuple(r["month_indexes"]), tuple(r["evidence"])) for r in table.to_pylist()}
        assert grouped == {(f.id_number, tuple(m.index for m in f.months), f.evidence) for f in mine}


def test_the_engine_builds_only_the_helper_tables_the_chosen_detectors_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from subsidy_rules.issues.audit import helpers

    built: list[str] = []
    for name, builder in list(helpers.BUILDERS.items()):

        def recording(inp: helpers.Inputs, name: str = name, builder: helpers.Builder = builder) -> helpers.Built:
            built.append(name)
            return builder(inp)

        monkeypatch.setitem(helpers.BUILDERS, name, recording)
    paths, _ = generate(tmp_path, persons=2)
    audit(paths["ledger"], _rosters(paths), as_of=AS_OF, only=["date-order", "late-payment", "above-standard"])
    # the entitlement's cap and standard, and the fund texts its findings name
    assert sorted(built) == ["bounds", "calendar", "regimes"]
    built.clear()
    audit(paths["ledger"], {}, as_of=AS_OF, only=["date-order", "above-standard"])  # above-standard cannot run
    assert built == []

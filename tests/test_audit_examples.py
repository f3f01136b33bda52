"""The detectors' examples are their tests, on DuckDB and on Spark; the packaged sample district plants them."""

from __future__ import annotations

import ast
import string
from importlib import resources
from pathlib import Path

import pytest

from subsidy_rules.issues import taxonomy
from subsidy_rules.issues.audit import audit, detectors
from subsidy_rules.issues.audit.detectors import DetectorFileError, files, scan
from subsidy_rules.issues.audit.helpers import BUILDERS
from subsidy_rules.issues.audit.sample import (
    PACKAGED_PERSONS,
    SAMPLE_LAYER,
    ExamplesRun,
    build,
    example_findings,
    ledger_row,
    run_examples,
    write_packaged,
)
from subsidy_rules.issues.audit.schema import KINDS, ROSTERS
from subsidy_rules.issues.audit.spec import KEY_COLUMNS, TEMPLATE_VALUES
from subsidy_rules.programs.idcard import InvalidResidentIdError, parse_resident_id

EXAMPLES = Path(str(resources.files("subsidy_rules.issues.audit").joinpath("examples")))
AUDIT = Path(__file__).resolve().parents[1] / "src" / "subsidy_rules" / "issues" / "audit"
NAMES = [d.name for d in detectors()]


@pytest.fixture(scope="module")
def on_duckdb() -> ExamplesRun:
    return run_examples()


@pytest.mark.parametrize("name", NAMES)
def test_each_detector_gives_exactly_the_findings_its_examples_expect_on_duckdb(
    on_duckdb: ExamplesRun, name: str
) -> None:
    outcome = on_duckdb.outcomes[name]
    assert outcome.expected, f"{name} has no example with a finding"
    assert outcome.found == outcome.expected


def test_the_examples_rows_are_all_read(on_duckdb: ExamplesRun) -> None:
    # an example may give a roster with no row (nobody died): the reader warns of it, which is right for a real
    # run and no row problem here
    assert [p for p in on_duckdb.problems if p.code != "audit-roster-empty"] == []


def test_the_examples_give_the_same_findings_on_local_spark_as_on_duckdb(on_duckdb: ExamplesRun) -> None:
    spark = run_examples(engine="spark")
    for name in NAMES:
        assert spark.outcomes[name].found == spark.outcomes[name].expected, name
        assert spark.outcomes[name].findings == on_duckdb.outcomes[name].findings, name


def test_the_registry_holds_exactly_the_detector_files_on_disk() -> None:
    on_disk = sorted(p.stem for p in (AUDIT / "detectors").glob("*.py") if not p.stem.startswith("_"))
    assert list(files()) == on_disk
    assert [stem.replace("_", "-") for stem in on_disk] == NAMES


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("X = 1\n", "defines no SPEC"),
        ("from subsidy_rules.issues.audit.detectors.date_order import SPEC\n", "file name"),
    ],
)
def test_a_file_in_the_folder_that_declares_no_detector_of_its_name_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, said: str
) -> None:
    package = "strays_" + str(len(said))
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "stray_file.py").write_text(text, encoding="utf-8")
    (folder / "_private.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DetectorFileError, match=said):
        scan(package, [str(folder)])


@pytest.mark.parametrize("name", NAMES)
def test_a_spec_declares_what_the_engine_reads(name: str) -> None:
    spec = next(d for d in detectors() if d.name == name)
    tx = taxonomy()
    assert spec.issue in tx and spec.citations and all(c.quote for c in spec.citations)
    assert spec.name_zh and spec.description_zh and spec.description_en
    assert set(spec.needs) | set(spec.uses) <= set(ROSTERS)
    assert set(spec.helpers) <= set(BUILDERS)
    assert spec.key and set(spec.key) <= KEY_COLUMNS
    for template in (spec.explain_zh, spec.explain_en):
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        assert fields <= TEMPLATE_VALUES, template
    for ex in spec.examples:
        for e in ex.expect:
            assert spec.issue_for(None) in tx and (e.issue is None or e.issue in tx)
        assert set(ex.rosters) <= set(ROSTERS) and set(ex.also) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_alone_with_only_the_rosters_it_declares_each_detector_gives_its_examples_findings(name: str) -> None:
    # the engine builds only the helper tables the spec names and loads only the rosters it
    # declares: a query reading anything else fails here
    spec = next(d for d in detectors() if d.name == name)
    alone = run_examples([spec])
    assert alone.outcomes[name].found == alone.outcomes[name].expected


def test_the_examples_persons_and_payment_ids_are_their_own_and_their_ids_valid() -> None:
    owners: dict[str, str] = {}
    payments: set[str] = set()
    for spec in detectors():
        for ex in spec.examples:
            for r in ex.ledger:
                person, pid = str(r["id_number"]), str(r["payment_id"])
                assert owners.setdefault(person, spec.name) == spec.name, person
                assert pid not in payments, pid
                payments.add(pid)
                if spec.name != "invalid-id":
                    parse_resident_id(person)
    invalid = [
        str(r["id_number"]) for d in detectors() if d.name == "invalid-id" for ex in d.examples for r in ex.ledger
    ]
    for person in invalid:
        with pytest.raises(InvalidResidentIdError):
            parse_resident_id(person)


def test_an_example_row_is_filled_as_a_clean_monthly_payment() -> None:
    row = ledger_row({"payment_id": "X-1", "id_number": "420103198101030110", "period": "2025-03", "amount": "1.00"})
    assert row["paid_on"] == "2025-03-20" and row["applied_on"] == "2025-03-05" and row["approved_on"] == "2025-03-10"
    assert row["amount"] == "1.00" and row["accepted_by"] != row["approved_by"]


def test_example_findings_are_real_findings_of_the_detector() -> None:
    for name in NAMES:
        found = example_findings(name)
        assert found and all(f.detector == name and f.explanation_zh and f.explanation_en for f in found)
        assert "{" not in found[0].explanation_zh


def test_the_engine_helpers_toolkit_and_sample_name_no_detector() -> None:
    for module in ("engine.py", "helpers.py", "toolkit.py", "sample.py", "spec.py", "detectors/__init__.py"):
        text = (AUDIT / module).read_text(encoding="utf-8")
        strings = {
            n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        assert not strings & set(NAMES), module


def test_the_packaged_sample_is_what_the_planter_writes_now(tmp_path: Path) -> None:
    fresh = write_packaged(tmp_path)
    shipped = {p.stem for p in EXAMPLES.glob("*.csv")}
    assert shipped == set(KINDS)
    for kind, path in fresh.items():
        assert (EXAMPLES / f"{kind}.csv").read_bytes() == path.read_bytes(), (
            f"{kind}.csv is stale: run write_packaged() (see issues/audit/sample.py)"
        )


def test_auditing_the_packaged_sample_finds_every_planted_lead_and_nothing_else() -> None:
    rosters = {kind: EXAMPLES / f"{kind}.csv" for kind in KINDS if kind != "ledger"}
    result = audit(EXAMPLES / "ledger.csv", rosters, layers=[SAMPLE_LAYER])
    _, planted = build(PACKAGED_PERSONS)
    # every detector ran (no roster missing) and found its planted persons; the two
    # unreadable rows the sample plants are reported, not audited
    assert all(run.ran for run in result.runs)
    assert {f.detector for f in result.findings} == set(NAMES)
    for name in NAMES:
        assert {f.id_number for f in result.findings if f.detector == name} == planted[name], name
    assert len(result.problems) == 2
    assert all(f.evidence and f.status.value == "lead" for f in result.findings)

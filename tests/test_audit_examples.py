"""The sample district shipped in the package is what the README tells a new user to audit."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from subsidy_rules.issues.audit import audit, detectors
from subsidy_rules.issues.audit.schema import KINDS

EXAMPLES = Path(str(resources.files("subsidy_rules.issues.audit").joinpath("examples")))


def test_the_packaged_sample_holds_a_ledger_and_every_roster_kind() -> None:
    shipped = {p.stem for p in EXAMPLES.glob("*.csv")}
    assert shipped == set(KINDS)


def test_auditing_the_packaged_sample_finds_every_planted_kind_of_problem() -> None:
    rosters = {kind: EXAMPLES / f"{kind}.csv" for kind in KINDS if kind != "ledger"}
    result = audit(EXAMPLES / "ledger.csv", rosters)
    # Every detector ran (no roster missing) and found its planted person; the two
    # unreadable rows the sample plants are reported, not audited.
    assert all(run.ran for run in result.runs)
    found = {f.detector for f in result.findings}
    assert found == {d.name for d in detectors()}
    assert len(result.problems) == 2
    assert all(f.evidence and f.status.value == "lead" for f in result.findings)

"""The corpus of export variants (tests/exports/make_corpus.py): each gives the clean sample's leads or is refused.

Every variant of the sample district, as an office's system, Excel or WPS exports it, either gives
exactly the clean CSV's leads (finding ids and amounts) or stops with a line that says what to fix —
never different leads, never a run on nothing.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from subsidy_rules.issues.audit import audit
from subsidy_rules.issues.audit.detectors import detectors
from subsidy_rules.issues.audit.engine import AuditError, AuditResult
from subsidy_rules.issues.audit.sample import SAMPLE_LAYER
from subsidy_rules.issues.audit.schema import ROSTERS

CORPUS = Path(__file__).parent / "exports" / "corpus"
CLEAN = CORPUS / "_clean"
AS_OF = date(2025, 12, 31)
VARIANTS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _rosters(replace: dict[str, Path] | None = None) -> dict[str, Path]:
    out = {k: CLEAN / f"{k}.csv" for k in ROSTERS}
    out.update(replace or {})
    return out


@cache
def _clean() -> dict[tuple[str, str], Decimal]:
    return _leads(audit(CLEAN / "ledger.csv", _rosters(), as_of=AS_OF, layers=[SAMPLE_LAYER]))


def _leads(result: AuditResult) -> dict[tuple[str, str], Decimal]:
    return {(f.detector, f.finding_id): f.amount_yuan for f in result.findings}


def test_the_corpus_covers_every_kind_of_export_the_issue_lists() -> None:
    assert len(VARIANTS) >= 45
    suffixes = {p.suffix for v in VARIANTS for p in (CORPUS / v).iterdir() if p.name != "expect.json"}
    assert suffixes >= {".csv", ".txt", ".tsv", ".xlsx", ".ods", ".parquet", ".xls"}


def test_the_clean_sample_gives_a_lead_of_every_detector() -> None:
    assert {d for d, _ in _clean()} == {d.name for d in detectors()}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_export_variant_gives_the_clean_leads_or_is_refused_with_what_to_fix(variant: str) -> None:
    folder = CORPUS / variant
    expect = json.loads((folder / "expect.json").read_text(encoding="utf-8"))
    given = next(p for p in sorted(folder.iterdir()) if p.name != "expect.json")
    roster = expect.get("roster")
    ledger = CLEAN / "ledger.csv" if roster else given
    rosters = _rosters({roster: given} if roster else None)
    if expect["expect"] == "refused":
        with pytest.raises(AuditError) as caught:
            audit(ledger, rosters, as_of=AS_OF, layers=[SAMPLE_LAYER])
        line = caught.value.problems[0].message_zh
        for text in expect["says"]:
            assert text in line, line
        return
    result = audit(ledger, rosters, as_of=AS_OF, layers=[SAMPLE_LAYER])
    skip = set(expect.get("except", ()))
    clean = {k: v for k, v in _clean().items() if k[0] not in skip}
    assert _leads(result) == clean or {k: v for k, v in _leads(result).items() if k[0] not in skip} == clean
    assert {k for k in _leads(result) if k[0] not in skip} == set(clean)
    for name, column in expect.get("not_run", {}).items():
        run = next(r for r in result.runs if r.name == name)
        assert not run.ran and run.reason is not None and column in run.reason
    codes = {p.code for p in result.problems}
    for code in expect.get("problems", ()):
        assert code in codes, codes
    if "sheets_read" in expect:
        assert list(result.inputs[0].sheets_read) == expect["sheets_read"]
        assert result.inputs[0].sheets_skipped == (
            ("说明", "表头缺少流水号、发放单位、项目名称、身份证号、发放金额、发放日期"),
        )
    assert result.payments > 0

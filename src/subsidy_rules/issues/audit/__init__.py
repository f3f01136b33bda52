"""The ledger audit: payment records and rosters → findings (疑点) with evidence → campaign forms.

Usage::

    from subsidy_rules.issues.audit import audit, detectors

    result = audit("发放台账.csv", {"deaths": "死亡人员.csv", "contributions": "缴费.xlsx"},
                   jurisdiction="wuhan", as_of=date(2025, 12, 31))
    for f in result.findings:            # typed Finding records (built on first access), each a lead with evidence
        print(f.detector, f.id_number, f.amount_yuan, f.explanation_zh)
    [d.name for d in detectors()]        # the registry: names, taxonomy codes, rosters needed, citations

Modules: ``schema`` (the input contract), ``inputs`` (reading and checking),
``workdays`` (China's working-day calendar), ``spec`` (what a detector
declares), ``detectors`` (one file per detector, and the registry that finds
them), ``toolkit`` (expressions the detectors share), ``helpers`` (the helper
tables, built by name), ``engine`` (running them on DuckDB or Spark),
``outputs`` (the money at issue, the headline, the typed summary; written by
:mod:`subsidy_rules.io.findings`), ``sample`` (the
detectors' examples run, and a district ledger planted with them).
"""

from subsidy_rules.issues.audit.detectors import detector, detectors
from subsidy_rules.issues.audit.engine import AuditError, AuditResult, DetectorRun, audit
from subsidy_rules.issues.audit.spec import DetectorSpec

__all__ = ["AuditError", "AuditResult", "DetectorRun", "DetectorSpec", "audit", "detector", "detectors"]

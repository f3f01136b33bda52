"""The detectors' worked examples, run; and a sample district ledger planted with them (for the demo and tests).

Every detector carries its examples (``DetectorSpec.examples``: a few ledger
and roster rows, the findings expected). This module

* runs them: :func:`run_examples` audits every example's rows in one run
  (on DuckDB or Spark) and sets each detector's findings on its examples'
  persons beside the findings expected; :func:`example_findings` gives those
  findings (the docs show one as a detector's example);
* plants them in a sample district: :func:`build` writes clean persons (the
  sample year is 2025, monthly flexible-employment social-insurance subsidy
  for 2025-01..2025-09, 466.67 元 a month: 2/3 of 500 + 200 元 of pension and
  medical contributions paid as a flexible worker) and puts each example in
  a slot among them, giving its persons a clean person's rosters for every
  roster kind the example gives no rows of. The planter names no detector:
  ``planted[detector]`` (from the examples' expectations and their ``also``)
  is whom each detector must find; every other person is clean.

``generate(directory)`` writes the ledger and every roster as CSV with
Chinese headers (or English, XLSX, Parquet) and returns the paths and the
planted leads.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa

from subsidy_rules.core.problem import Problem
from subsidy_rules.issues.audit.schema import KINDS
from subsidy_rules.issues.audit.spec import DetectorSpec, Example
from subsidy_rules.issues.model import Finding
from subsidy_rules.programs.idcard import make_resident_id

FLEX = "flexible-employment-si-subsidy"
MONTHLY = Decimal("466.67")
MONTHS = tuple(range(1, 10))
#: the date every example and the sample district are audited on
AS_OF = date(2025, 12, 31)
#: the sample district's parameter layer: its local standard of the flexible-employment SI subsidy
#: (2/3 of the pension and medical contributions actually paid — made up, as the district is). The
#: national 2/3 is only a ceiling: without a local standard the amount due is undetermined and a
#: shortfall cannot be judged, so the examples and the sample district are audited with this layer.
SAMPLE_LAYER = Path(__file__).parent / "examples" / "standard.toml"

Row = dict[str, Any]


def contributions(person: str, *months: str) -> tuple[dict[str, str | None], ...]:
    """500 元 of pension and 200 元 of medical insurance paid as a flexible worker in each month: 466.67 元 due."""
    return tuple(
        {
            "id_number": person,
            "month": m,
            "insurance": insurance,
            "payer": "flexible-worker",
            "amount": amount,
            "paid_on": f"{m}-03",
            "refunded": "否",
        }
        for m in months
        for insurance, amount in (("pension", "500.00"), ("medical", "200.00"))
    )


def _name(seed: int) -> str:
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    return surnames[seed % 20] + given[(seed * 7) % 20] + ("" if seed % 3 else given[(seed * 3) % 20])


def ledger_row(given: Mapping[str, Any]) -> Row:
    """An example's ledger row with the rest filled as a clean monthly payment of its ``period``."""
    period = str(given["period"])
    person = str(given["id_number"])
    row: Row = {
        "unit": "江汉区花楼街道",
        "program": FLEX,
        "name": _name(sum(map(ord, person))),
        "amount": str(MONTHLY),
        "paid_on": f"{period}-20",
        "channel": "social-security-card",
        "account": "SSC" + person,
        "bank": "工商银行",
        "applied_on": f"{period}-05",
        "approved_on": f"{period}-10",
        "accepted_by": "op01",
        "approved_by": "op02",
    }
    row.update(given)
    return row


def example_rows(examples: Iterable[Example]) -> dict[str, list[Row]]:
    """The rows the examples give, every input kind present (empty when no example gives it)."""
    rows: dict[str, list[Row]] = {k: [] for k in KINDS}
    for ex in examples:
        rows["ledger"].extend(ledger_row(r) for r in ex.ledger)
        for kind, given in ex.rosters.items():
            rows[kind].extend(dict(r) for r in given)
    return rows


def _persons(ex: Example) -> list[str]:
    return list(dict.fromkeys(str(r["id_number"]) for r in ex.ledger))


# ---------------------------------------------------------------------------
# the examples, run


@attrs.frozen
class Outcome:
    """One detector's findings on its examples' persons beside the findings its examples expect.

    Each finding is compared as (ID number, months, amount, evidence, taxonomy node).
    """

    detector: str
    expected: frozenset[tuple[str, tuple[str, ...], str, tuple[str, ...], str]]
    found: frozenset[tuple[str, tuple[str, ...], str, tuple[str, ...], str]]
    findings: tuple[Finding, ...]


@attrs.frozen
class ExamplesRun:
    outcomes: Mapping[str, Outcome]
    problems: tuple[Problem, ...]  #: input problems (an example's row that could not be read)


def run_examples(specs: Sequence[DetectorSpec] | None = None, engine: str = "duckdb") -> ExamplesRun:
    """Audit the examples of ``specs`` (default: every detector) in one run; each detector's outcome.

    The run is given the rosters the specs declare (needed or used), no others: a query that reads
    a roster or a helper table its spec does not declare fails. It runs with the sample district's
    layer (:data:`SAMPLE_LAYER`).

    The examples' persons and payment ids are distinct, and a detector's findings on a person depend
    on that person's rows only, so one run gives what a run per detector would.
    """
    from subsidy_rules.issues.audit.detectors import detectors
    from subsidy_rules.issues.audit.engine import audit

    chosen = tuple(specs) if specs is not None else detectors()
    rows = example_rows(ex for s in chosen for ex in s.examples)
    declared = {k for s in chosen for k in (*s.needs, *s.uses)}
    with tempfile.TemporaryDirectory(prefix="subsidy-examples-") as tmp:
        paths = write(rows, tmp, headers="en")
        result = audit(
            paths["ledger"],
            {k: p for k, p in paths.items() if k in declared},
            as_of=AS_OF,
            layers=[SAMPLE_LAYER],
            only=[s.name for s in chosen],
            engine=engine,
        )
    outcomes: dict[str, Outcome] = {}
    for spec in chosen:
        persons = {p for ex in spec.examples for p in _persons(ex)}
        mine = tuple(f for f in result.findings if f.detector == spec.name and f.id_number in persons)
        outcomes[spec.name] = Outcome(
            detector=spec.name,
            expected=frozenset(
                (e.id_number, e.months, e.amount, e.evidence, e.issue or spec.issue)
                for ex in spec.examples
                for e in ex.expect
            ),
            found=frozenset(
                (f.id_number, tuple(str(m) for m in f.months), str(f.amount_yuan), f.evidence, f.issue) for f in mine
            ),
            findings=mine,
        )
    return ExamplesRun(outcomes, result.problems)


@cache
def _examples_on_duckdb() -> ExamplesRun:
    return run_examples()


def example_findings(detector: str) -> tuple[Finding, ...]:
    """The findings ``detector`` gives on its own examples (real findings, for the docs' example)."""
    return _examples_on_duckdb().outcomes[detector].findings


# ---------------------------------------------------------------------------
# the sample district


def person_id(i: int) -> str:
    """The ID number of the sample's clean person ``i``."""
    born = date(1978, 1, 1) + timedelta(days=37 * i)
    return make_resident_id("420103", born, 100 + i % 800)


def _clean_rosters(person: str, paid: Sequence[Row]) -> dict[str, list[Row]]:
    """A clean person's roster rows for the months of ``paid`` (their flexible-subsidy payments)."""
    male = int(person[16]) % 2 == 1 if person[16].isdigit() else True
    months = sorted({str(r["period"]) for r in paid if r["program"] in (FLEX, "灵活就业社会保险补贴")})
    return {
        "persons": [{"id_number": person, "retirement_group": "male" if male else "female-50"}],
        "difficulty": [
            {
                "id_number": person,
                "category": "long-term-unemployed",
                "identified_on": date(2024, 6, 1),
                "ended_on": None,
            }
        ],
        "approvals": [{"id_number": person, "program": FLEX, "first_approval": date(2024, 12, 10)}] if months else [],
        "contributions": list(contributions(person, *months)),
    }


def _clean_person(i: int, rows: dict[str, list[Row]], seq: int) -> int:
    pid = person_id(i)
    paid: list[Row] = []
    for m in MONTHS:
        seq += 1
        paid.append(
            {
                "payment_id": f"JH2025{seq:06d}",
                "unit": "江汉区" + ("民族街道" if i % 2 else "花楼街道"),
                "program": "灵活就业社会保险补贴" if i % 4 == 0 else FLEX,
                "id_number": pid,
                "name": _name(i),
                "period": f"2025-{m:02d}",
                "amount": MONTHLY,
                "paid_on": date(2025, m, 20),
                "channel": "social-security-card",
                "account": "SSC" + pid,
                "bank": "工商银行",
                "applied_on": date(2025, m, 5),
                "approved_on": date(2025, m, 10),
                "accepted_by": "op01",
                "approved_by": "op02",
            }
        )
    if i % 6 == 0:
        seq += 1
        paid.append(
            {
                **paid[5],
                "payment_id": f"JH2025{seq:06d}",
                "unit": "江汉区",
                "program": "一次性求职补贴",
                "amount": Decimal("1500.00"),
                "paid_on": date(2025, 6, 18),
                "channel": "社保卡",
                "applied_on": date(2025, 6, 2),
                "approved_on": date(2025, 6, 9),
            }
        )
    rows["ledger"].extend(paid)
    for kind, items in _clean_rosters(pid, paid).items():
        rows[kind].extend(items)
    return seq


def _plant(ex: Example, rows: dict[str, list[Row]]) -> None:
    given = [ledger_row(r) for r in ex.ledger]
    rows["ledger"].extend(given)
    for kind, items in ex.rosters.items():
        rows[kind].extend(dict(r) for r in items)
    for person in _persons(ex):
        own = [r for r in given if r["id_number"] == person]
        for kind, clean in _clean_rosters(person, own).items():
            if kind not in ex.rosters:
                rows[kind].extend(clean)


def build(
    persons: int = 300, specs: Sequence[DetectorSpec] | None = None
) -> tuple[dict[str, list[Row]], dict[str, set[str]]]:
    """Rows of every input (English field names) and, per detector, the ID numbers it must find.

    Slot 0 is a clean person; slots 1, 2, … hold the examples in detector order (as many as
    ``persons - 1`` allows); the other slots are clean persons. Two rows that cannot be read
    close the ledger. ``specs=()`` plants nothing.
    """
    from subsidy_rules.issues.audit.detectors import detectors

    examples = [(s.name, ex) for s in (detectors() if specs is None else specs) for ex in s.examples]
    rows: dict[str, list[Row]] = {k: [] for k in KINDS}
    planted: dict[str, set[str]] = defaultdict(set)
    seq = 0
    for i in range(persons):
        slot = i - 1
        if 0 <= slot < len(examples):
            owner, ex = examples[slot]
            _plant(ex, rows)
            leads = {e.id_number for e in ex.expect}
            if leads:
                planted[owner] |= leads
                for other in ex.also:
                    planted[other] |= leads
        else:
            seq = _clean_person(i, rows, seq)
    # two rows that cannot be read: reported with line and column, left out
    if rows["ledger"]:
        rows["ledger"].append({**rows["ledger"][0], "payment_id": "JH2025BAD001", "paid_on": "2025-13-40"})
        rows["ledger"].append({**rows["ledger"][0], "payment_id": "JH2025BAD002", "program": "不存在的补贴"})
    return rows, dict(planted)


# ---------------------------------------------------------------------------
# writing


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def write(
    rows: Mapping[str, list[Row]],
    directory: Path | str,
    fmt: str = "csv",
    headers: str = "zh",
    encoding: str = "utf-8-sig",
) -> dict[str, Path]:
    """Write every input; returns kind -> path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, items in rows.items():
        spec = KINDS[kind]
        head = [f.name_zh if headers == "zh" else f.name for f in spec.fields]
        table = [[_text(r.get(f.name)) for f in spec.fields] for r in items]
        path = out / f"{kind}.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding=encoding, newline="") as fh:
                w = csv.writer(fh)
                w.writerow(head)
                w.writerows(table)
        elif fmt == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            assert ws is not None
            ws.append(head)
            for r in table:
                ws.append([c if c != "" else None for c in r])
            wb.save(path)
        else:
            import pyarrow.parquet as pq

            cols = {h: pa.array([r[j] or None for r in table], pa.string()) for j, h in enumerate(head)}
            pq.write_table(pa.table(cols), path)
        paths[kind] = path
    return paths


def generate(
    directory: Path | str, persons: int = 300, fmt: str = "csv", headers: str = "zh"
) -> tuple[dict[str, Path], dict[str, set[str]]]:
    rows, planted = build(persons)
    return write(rows, directory, fmt, headers), planted


#: the sample district shipped in the package (``issues/audit/examples/``): every detector's examples planted
PACKAGED = Path(__file__).parent / "examples"
PACKAGED_PERSONS = 60


def write_packaged(directory: Path | str = PACKAGED) -> dict[str, Path]:
    """Write the packaged sample district again (after a detector or an example is added or changed)::

    python -c "from subsidy_rules.issues.audit.sample import write_packaged; write_packaged()"
    """
    return generate(directory, persons=PACKAGED_PERSONS)[0]

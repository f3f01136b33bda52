"""Reading what the ledger imports: an audit's ``findings.jsonl``, a ledger export, findings entered by hand.

* ``findings.jsonl`` (one :class:`~subsidy_rules.issues.model.Finding` per
  line, as the audit writes it) and a ledger export (one
  :class:`~subsidy_rules.rectification.model.ExportedItem` per line) are read
  through the one JSON edge (:mod:`subsidy_rules.io.json`), strictly; the
  first line says which of the two a file is.
* Findings entered by hand (CSV/XLSX: what no detector can see — 吃拿卡要,
  优亲厚友 …) are read with the audit's reader
  (:func:`subsidy_rules.issues.audit.inputs.load`), so its header synonyms,
  GB18030 transcoding, zip checks and refusals apply. Columns: 单位 (unit),
  问题类型 (issue: a taxonomy code or its Chinese name), 问题描述
  (description) are required; 问题编号 (finding_id), 项目名称 (program),
  身份证号, 姓名, 所属期 (month), 金额 (amount) are optional.

Any bad line or row refuses the whole file (nothing is imported): one
problem says how many lines are bad and names the first with its place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.io.json import decode_utf8, from_json, parse_json, read_input_bytes
from subsidy_rules.issues.model import Finding, NodeKind, finding_id
from subsidy_rules.issues.registry import taxonomy
from subsidy_rules.rectification.errors import LedgerError
from subsidy_rules.rectification.masking import is_masked
from subsidy_rules.rectification.model import ExportedItem

#: The detector name of findings entered by hand.
MANUAL_DETECTOR = "manual"
#: The input kind registered with the audit's reader for findings entered by hand.
MANUAL_KIND = "manual-findings"
_LISTED = 20


@attrs.frozen
class ReadFile:
    """What a file held: findings, or a ledger export (``exported``), and its name."""

    source: str
    findings: tuple[Finding, ...] = ()
    exported: tuple[ExportedItem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def is_export(self) -> bool:
        return bool(self.exported)


def _refuse(problems: list[Problem], total: int) -> LedgerError:
    first = problems[0]
    if total == 1:
        return LedgerError(first)
    return LedgerError(
        Problem.make("ledger-bad-input-rows", place=Place(file=first.place.file), count=total, first=str(first))
    )


def _at_line(problems: tuple[Problem, ...], line: int) -> list[Problem]:
    return [attrs.evolve(p, place=attrs.evolve(p.place, line=line)) for p in problems]


def read_jsonl(path: str | Path) -> ReadFile:
    """Read ``findings.jsonl`` or a ledger export (``-``: standard input); any bad line refuses the file."""
    raw, name = read_input_bytes(path)
    text = decode_utf8(raw, name)
    findings: list[Finding] = []
    exported: list[ExportedItem] = []
    problems: list[Problem] = []
    bad = 0
    seen: dict[str, int] = {}
    is_export: bool | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = parse_json(line, source=name)
            if is_export is None:
                is_export = isinstance(data, dict) and "item" in data and "history" in data
            record: Any = from_json(data, ExportedItem if is_export else Finding, source=name)
        except DataFileError as exc:
            bad += 1
            if len(problems) < _LISTED:
                problems.extend(_at_line(exc.problems, n))
            continue
        finding = record.item if is_export else record
        fid = finding.finding_id
        if fid in seen:
            bad += 1
            problems.append(
                Problem.make("ledger-duplicate-finding", place=Place(file=name, line=n), value=fid, other=seen[fid])
            )
            continue
        seen[fid] = n
        amount: Decimal = finding.amount_yuan
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            bad += 1
            problems.append(
                Problem.make(
                    "ledger-bad-money",
                    place=Place(file=name, line=n, path="$.amount_yuan"),
                    value=amount,
                    field_zh="金额",
                    field_en="amount_yuan",
                )
            )
            continue
        if is_export:
            if is_masked(finding.id_number):
                raise LedgerError(Problem.make("ledger-masked-input", place=Place(file=name, line=n)))
            exported.append(record)
        else:
            findings.append(record)
    if problems:
        raise _refuse(problems, bad)
    warnings: tuple[Problem, ...] = ()
    if not findings and not exported:
        warnings = (Problem.make("ledger-nothing-read", place=Place(file=name)),)
    return ReadFile(name, tuple(findings), tuple(exported), warnings)


def _manual_kind() -> Any:
    """The audit reader's input kind for findings entered by hand (registered only while it reads, see below)."""
    from subsidy_rules.issues.audit.schema import Field, FieldType, Kind

    issues = tuple((node.code, (node.name_zh,)) for node in taxonomy() if node.kind is NodeKind.PROBLEM)
    return Kind(
        MANUAL_KIND,
        "手工录入问题",
        "findings entered by hand",
        (
            Field("finding_id", "问题编号"),
            Field("unit", "单位", required=True),
            Field("issue", "问题类型", FieldType.CODE, required=True, codes=issues),
            Field("program", "项目名称", FieldType.PROGRAM),
            Field("id_number", "身份证号"),
            Field("name", "姓名"),
            Field("month", "所属期", FieldType.MONTH),
            Field("amount", "金额", FieldType.AMOUNT),
            Field("description", "问题描述", required=True),
            Field("description_en", "问题描述（英文）"),
        ),
    )


@contextmanager
def _registered_kind() -> Iterator[None]:
    """The audit's reader looks a kind up in its ``KINDS``; the kind is there only for the read (the audit
    engine treats every other entry as a roster)."""
    from subsidy_rules.issues.audit.schema import KINDS

    KINDS[MANUAL_KIND] = _manual_kind()
    try:
        yield
    finally:
        KINDS.pop(MANUAL_KIND, None)


def read_manual(path: str | Path) -> ReadFile:
    """Findings entered by hand, read by the audit's reader; any rejected row refuses the whole file."""
    import tempfile

    import duckdb

    from subsidy_rules.issues.audit.inputs import InputError, load

    name = str(path)
    con = duckdb.connect()
    try:
        con.execute("SET autoinstall_known_extensions = false")
        with tempfile.TemporaryDirectory(prefix="ledger-") as work:
            try:
                with _registered_kind():
                    loaded = load(con, MANUAL_KIND, path, Path(work))
            except InputError as exc:
                more = getattr(exc, "problems", (exc.problem,))
                raise LedgerError(*more) from None
            errors = [p for p in loaded.problems if p.is_error]
            if errors:
                raise _refuse(errors, loaded.rows_read - loaded.rows_kept or len(errors))
            cols = (
                "finding_id",
                "unit",
                "issue",
                "program",
                "id_number",
                "name",
                "month",
                "amount",
                "description",
                "description_en",
                "__line",
            )
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {loaded.table} ORDER BY __line").fetchall()
    finally:
        con.close()
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for row in rows:
        r = dict(zip(cols, row, strict=True))
        months = (Month(r["month"] // 12, r["month"] % 12 + 1),) if r["month"] is not None else ()
        id_number = r["id_number"] or ""
        description = r["description"]
        fid = r["finding_id"] or finding_id(
            MANUAL_DETECTOR, id_number, r["program"], months, key="\x1f".join([r["unit"], r["issue"], description])
        )
        if fid in seen:
            raise LedgerError(
                Problem.make(
                    "ledger-duplicate-finding", place=Place(file=name, line=r["__line"]), value=fid, other=seen[fid]
                )
            )
        seen[fid] = r["__line"]
        findings.append(
            Finding(
                finding_id=fid,
                detector=MANUAL_DETECTOR,
                issue=r["issue"],
                program=r["program"],
                unit=r["unit"],
                id_number=id_number,
                name=r["name"],
                months=months,
                amount_yuan=Decimal(r["amount"]) if r["amount"] is not None else Decimal("0.00"),
                evidence=(),
                explanation_zh=description,
                explanation_en=r["description_en"] or description,
            )
        )
    warnings: tuple[Problem, ...] = ()
    if not findings:
        warnings = (Problem.make("ledger-nothing-read", place=Place(file=name)),)
    return ReadFile(name, tuple(findings), (), warnings)


def read_any(path: str | Path) -> ReadFile:
    """A file by its kind: ``.jsonl``/``.json``/``-`` through the JSON edge, CSV/XLSX by the audit's reader."""
    suffix = Path(str(path)).suffix.lower()
    if str(path) == "-" or suffix in (".jsonl", ".json", ".ndjson"):
        return read_jsonl(path)
    return read_manual(path)


def detectors_run(findings_path: str | Path) -> tuple[str, ...] | None:
    """The detectors that ran, from the ``summary.json`` beside an audit's ``findings.jsonl`` (None: no summary)."""
    summary = Path(str(findings_path)).with_name("summary.json")
    if str(findings_path) == "-" or not summary.is_file():
        return None
    from subsidy_rules.io.json import read_document

    try:
        doc = read_document(summary)
    except DataFileError:
        return None
    rows = doc.get("detectors")
    if not isinstance(rows, list):
        return None
    return tuple(str(r["name"]) for r in rows if isinstance(r, dict) and r.get("ran") and "name" in r)

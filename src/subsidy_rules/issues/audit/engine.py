"""Run the audit: load the inputs, build the helper tables, run the detectors, group findings.

The inputs are read and checked by DuckDB (an in-memory database whose
blocks spill to a temporary folder past ``memory_limit``); the detectors run as Ibis
expressions on DuckDB, or with ``engine="spark"`` on a local PySpark
session over the checked tables written to Parquet.

The engine knows detectors only through their specs
(:mod:`~subsidy_rules.issues.audit.spec`): it builds the helper tables the
selected specs name (:mod:`~subsidy_rules.issues.audit.helpers`), runs each
spec's query, keys its evidence rows by the spec's ``key`` and words the
findings with the spec's templates and hooks.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import duckdb
import ibis
import pyarrow as pa
import pyarrow.compute as pc
from ibis.expr.types import Table

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Problem
from subsidy_rules.issues.audit import helpers as helper_tables
from subsidy_rules.issues.audit.detectors import detector, detectors
from subsidy_rules.issues.audit.inputs import InputError, Loaded, load
from subsidy_rules.issues.audit.schema import ROSTERS, missing_columns
from subsidy_rules.issues.audit.spec import Context, Coverage, DetectorSpec
from subsidy_rules.issues.audit.toolkit import joined
from subsidy_rules.issues.model import Finding, finding_id, finding_id_of_text
from subsidy_rules.parameters import parameter_set
from subsidy_rules.programs.catalogue import catalogue

ZERO = Decimal("0.00")


class AuditError(DataFileError):
    """The audit could not run; ``problems`` say why (the CLI exits 2)."""


@attrs.frozen
class DetectorRun:
    name: str
    ran: bool
    #: why not run: "needs deaths", or in Chinese why its subject cannot be judged (no local standard …)
    reason: str | None = None
    findings: int = 0
    amount_yuan: Decimal = ZERO
    seconds: float = 0.0
    reason_en: str | None = None  #: the English twin of a Chinese ``reason``
    #: subject person-months the detector could not judge (an undetermined entitlement) and skipped
    skipped: int = 0
    note_zh: str | None = None  #: what was skipped and why, when it ran on part of its subject
    note_en: str | None = None


@attrs.frozen
class AuditResult:
    """What an audit found. ``grouped`` holds the findings as Arrow (one row each, in order), the form
    the writers stream; :attr:`findings` words them as typed :class:`Finding` records on first access."""

    inputs: tuple[Loaded, ...]
    runs: tuple[DetectorRun, ...]
    problems: tuple[Problem, ...]  #: input and calendar problems (rows left out, years not covered)
    evidence: Mapping[str, pa.Table]  #: detector -> its evidence rows
    payments: int
    timings: Mapping[str, float]
    as_of: date
    engine: str
    plans: Mapping[str, str] = attrs.field(factory=dict)  #: detector -> DuckDB EXPLAIN text (with ``explain=True``)
    #: detector -> its findings as Arrow, one row each in the findings' order (see :func:`group_evidence`)
    grouped: Mapping[str, pa.Table] = attrs.field(factory=dict)
    #: month index -> note (zh, en) of a fund text whose articles were not read (appended by detectors with
    #: ``regime_note``)
    month_notes: Mapping[int, tuple[str, str]] = attrs.field(factory=dict)

    @functools.cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding as a typed record (built on first access; the writers stream :meth:`iter_findings`)."""
        return tuple(self.iter_findings())

    def iter_findings(self, batch_rows: int = 4096) -> Iterator[Finding]:
        """The findings one at a time, detector by detector, built from ``grouped`` a batch at a time."""
        for name in self.grouped:
            yield from self.iter_findings_of(name, batch_rows)

    @property
    def streamed(self) -> Iterable[Finding]:
        """The findings as an iterable that words them afresh on each pass (never all held at once)."""
        return _Streamed(self)

    def iter_findings_of(self, name: str, batch_rows: int = 4096) -> Iterator[Finding]:
        """One detector's findings one at a time, in order."""
        spec = detector(name)
        notes = self.month_notes if spec.regime_note else None
        return findings_of(spec, self.grouped[name], notes, batch_rows=batch_rows)

    @property
    def finding_count(self) -> int:
        return sum(t.num_rows for t in self.grouped.values())


class _Streamed:
    """Findings worded on each pass from an audit's grouped rows (see :attr:`AuditResult.streamed`)."""

    __slots__ = ("_result",)

    def __init__(self, result: AuditResult) -> None:
        self._result = result

    def __iter__(self) -> Iterator[Finding]:
        return self._result.iter_findings()


def _connect(spill: Path, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    # in memory: DuckDB spills its blocks to temp_directory past memory_limit
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET temp_directory = ?", [str(spill)])
    con.execute("SET preserve_insertion_order = false")
    if memory_limit:
        con.execute("SET memory_limit = ?", [_duckdb_share(memory_limit)])
    return con


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)?\s*$", re.IGNORECASE)
_UNITS = {
    "B": 1,
    "KB": 10**3,
    "KIB": 2**10,
    "MB": 10**6,
    "MIB": 2**20,
    "GB": 10**9,
    "GIB": 2**30,
    "TB": 10**12,
    "TIB": 2**40,
}


def _duckdb_share(limit: str) -> str:
    """DuckDB's share of the process's memory limit: three quarters (Python, Arrow and the findings use the rest).

    Raises:
        AuditError: the limit is not a size such as ``1GB`` or ``512MB``.
    """
    m = _SIZE.match(limit)
    if m is None:
        raise AuditError(
            [
                Problem.make(
                    "audit-unknown-option", value=limit, what_zh="内存上限（如 1GB）", what_en="memory limit (e.g. 1GB)"
                )
            ]
        )
    total = float(m.group(1)) * _UNITS[(m.group(2) or "B").upper()]
    return f"{max(int(total * 0.75) // 2**20, 64)}MiB"


# ---------------------------------------------------------------------------
# findings from evidence rows


def _months_en(months: Sequence[Month]) -> str:
    if len(months) <= 3:
        return ", ".join(str(m) for m in months)
    return f"{months[0]} to {months[-1]} ({len(months)} months)"


def _months_zh(months: Sequence[Month]) -> str:
    if len(months) <= 3:
        return "、".join(str(m) for m in months)
    return f"{months[0]}至{months[-1]}（{len(months)}个月）"


def keyed(spec: DetectorSpec, rows: Table) -> Table:
    """The evidence rows with ``fkey``: the values of the spec's key columns joined (one finding per value)."""
    return rows.mutate(fkey=joined(*(rows[c] for c in spec.key)))


#: one row per finding from a detector's evidence rows (registered as ``evidence_rows``), in one pass:
#: the first row by (month, payment id) gives the person and the note; the first row with a name, the name
GROUP_SQL = """
SELECT
    fkey,
    first(id_number ORDER BY pm, payment_id) AS id_number,
    first(note ORDER BY pm, payment_id) AS note,
    first(name ORDER BY pm, payment_id) FILTER (WHERE name IS NOT NULL AND name <> '') AS name,
    CASE WHEN count(DISTINCT program) = 1 THEN min(program) END AS program,
    min(unit) AS unit,
    CAST(sum(coalesce(amount, 0)) AS DECIMAL(38, 2)) AS amount,
    min(account) AS account,
    list(DISTINCT pm ORDER BY pm) AS month_indexes,
    list(payment_id ORDER BY pm, payment_id) AS evidence
FROM evidence_rows
GROUP BY fkey
"""


def group_evidence(con: duckdb.DuckDBPyConnection, rows: pa.Table, spec: DetectorSpec | None = None) -> pa.Table:
    """One detector's evidence rows (with ``fkey``) grouped set-based into one row per finding (Arrow).

    Columns: ``fkey``, ``id_number``, ``note`` (of the first row by month and payment id), ``name``
    (the first given), ``program`` (null when the finding spans programs), ``unit`` (the first by
    name), ``amount`` (the money at issue, 元), ``account`` (the first by number), ``month_indexes``
    (:attr:`Month.index`, ascending) and ``evidence`` (the payment ids by month and id). With
    ``spec``, also ``finding_id`` (:func:`~subsidy_rules.issues.model.finding_id`), and the rows in
    the findings' order: by ID number, program, months and finding id.
    """
    con.register("evidence_rows", rows)
    try:
        table = con.sql(GROUP_SQL).to_arrow_table()
    finally:
        con.unregister("evidence_rows")
    if spec is None:
        return table
    ids = _finding_ids(spec, table)
    id_numbers = table.column("id_number").to_pylist()
    programs = table.column("program").to_pylist()
    months = table.column("month_indexes").to_pylist()
    order = sorted(range(table.num_rows), key=lambda i: (id_numbers[i], programs[i] or "", months[i], ids[i]))
    table = table.append_column("finding_id", pa.array(ids, pa.string()))
    return table.take(pa.array(order, pa.int64()))


def month_notes(regimes: pa.Table | None) -> dict[int, tuple[str, str]]:
    """Month index -> the note (zh, en) of a fund text whose articles were not read, from the ``regimes`` table."""
    if regimes is None:
        return {}
    return {
        r["pm"]: (r["note_zh"], r["note_en"]) for r in regimes.to_pylist() if not r["regime_verified"] and r["note_zh"]
    }


def _with_notes(zh: str, en: str, months: Sequence[Month], notes: Mapping[int, tuple[str, str]]) -> tuple[str, str]:
    """The explanation with the notes of its months appended (each note once, with the months it covers)."""
    by_note: dict[tuple[str, str], list[Month]] = {}
    for m in months:
        note = notes.get(m.index)
        if note is not None:
            by_note.setdefault(note, []).append(m)
    for (note_zh, note_en), ms in by_note.items():
        zh += f"{_months_zh(ms)}{note_zh.removeprefix('本月')}。"
        en += f" {_months_en(ms)}: {note_en}."
    return zh, en


def _finding_ids(spec: DetectorSpec, table: pa.Table) -> list[str]:
    """Each grouped row's :func:`~subsidy_rules.issues.model.finding_id`."""
    month_text: dict[int, str] = {}
    out = []
    key_in_id = spec.key_in_id
    for id_number, program, pms, fkey in zip(
        table.column("id_number").to_pylist(),
        table.column("program").to_pylist(),
        table.column("month_indexes").to_pylist(),
        table.column("fkey").to_pylist(),
        strict=True,
    ):
        months = ",".join(month_text.get(pm) or month_text.setdefault(pm, str(Month.from_index(pm))) for pm in pms)
        out.append(finding_id_of_text(spec.name, id_number, program, months, fkey if key_in_id else ""))
    return out


def findings_of(
    spec: DetectorSpec,
    groups: pa.Table,
    notes: Mapping[int, tuple[str, str]] | None = None,
    batch_rows: int = 4096,
) -> Iterator[Finding]:
    """Typed findings from the grouped rows of :func:`group_evidence`, worded by the spec, in their order.

    ``notes`` (month index -> zh, en) are appended to the explanation of a finding about that month.
    """
    cat = catalogue()
    month_of: dict[int, Month] = {}  # one Month per index: a finding's months are few, the findings many
    names: dict[str | None, tuple[str, str]] = {None: ("各项补贴", "subsidies")}
    key_in_id = spec.key_in_id
    has_ids = "finding_id" in groups.column_names
    for batch in groups.to_batches(max_chunksize=batch_rows):
        for g in batch.to_pylist():
            months = tuple(
                month_of.get(pm) or month_of.setdefault(pm, Month.from_index(pm)) for pm in g["month_indexes"]
            )
            program = g["program"]
            if program not in names:
                names[program] = (cat.get(program).name_zh, cat.get(program).name_en)
            name = g["name"]
            amount = (g["amount"] or ZERO).quantize(Decimal("0.01"))
            evidence = tuple(dict.fromkeys(g["evidence"]))
            note_zh, note_en = spec.note_words(g["note"])
            values = {
                "name": name or "（无姓名）",
                "id_number": g["id_number"],
                "program_zh": names[program][0],
                "months": _months_zh(months),
                "amount": f"{amount:,.2f}",
                "note": note_zh,
                "count": len(evidence),
            }
            values_en = {
                **values,
                "name": name or "(no name)",
                "note": note_en,
                "months": _months_en(months),
                "program_zh": names[program][1],
            }
            explanation = (spec.explain_zh.format(**values), spec.explain_en.format(**values_en))
            if notes:
                explanation = _with_notes(*explanation, months, notes)
            yield Finding(
                finding_id=(
                    g["finding_id"]
                    if has_ids
                    else finding_id(spec.name, g["id_number"], program, months, g["fkey"] if key_in_id else "")
                ),
                detector=spec.name,
                issue=spec.issue_for(g["note"]),
                program=program,
                unit=g["unit"],
                id_number=g["id_number"],
                name=name,
                months=months,
                amount_yuan=amount,
                evidence=evidence,
                explanation_zh=explanation[0],
                explanation_en=explanation[1],
                citations=spec.citations,
                account=g["account"] if "account" in spec.key else None,
            )


# ---------------------------------------------------------------------------


def _skipped_text(coverage: Coverage | None, lang: str) -> str | None:
    """What a detector that ran on part of its subject skipped, and why."""
    if coverage is None or not coverage.skipped:
        return None
    if lang == "zh":
        return f"{coverage.skipped}个人月应享受金额待定，未作判断：{coverage.why_zh or ''}"
    return f"{coverage.skipped} person-months with an undetermined entitlement not judged: {coverage.why_en or ''}"


def _spark_backend(con: duckdb.DuckDBPyConnection, tables: Iterable[str], workdir: Path) -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("subsidy-rules-audit")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    backend = ibis.pyspark.connect(session)
    for t in tables:
        target = workdir / f"{t}.parquet"
        con.table(t).write_parquet(str(target))
        backend.read_parquet(str(target), table_name=t)
    return backend


def _table_name(kind: str) -> str:
    """The DuckDB table an input kind is loaded into (``public-payroll`` → ``public_payroll``)."""
    return kind.replace("-", "_")


def _check_options(
    rosters: Mapping[str, Any], only: Sequence[str] | None, engine: str, specs: Sequence[DetectorSpec]
) -> None:
    names = {s.name for s in specs}
    bad = [
        Problem.make("audit-unknown-option", value=k, what_zh="名册类别", what_en="roster kind")
        for k in rosters
        if k not in ROSTERS
    ]
    bad += [
        Problem.make("audit-unknown-option", value=n, what_zh="检查项", what_en="detector")
        for n in (only or ())
        if n not in names
    ]
    if engine not in ("duckdb", "spark"):
        bad.append(Problem.make("audit-unknown-option", value=engine, what_zh="计算引擎", what_en="engine"))
    if bad:
        raise AuditError(bad)


def audit(
    ledger: Path | str,
    rosters: Mapping[str, Path | str] | None = None,
    *,
    jurisdiction: str | None = None,
    layers: Sequence[Path | str] = (),
    as_of: date | None = None,
    only: Sequence[str] | None = None,
    memory_limit: str | None = None,
    engine: str = "duckdb",
    progress: Callable[[str, int, int], None] | None = None,
    explain: bool = False,
    temp_dir: Path | str | None = None,
) -> AuditResult:
    """Audit a payment ledger against the rosters; findings are leads (疑点) with evidence.

    ``temp_dir`` is the folder under which the run's work folder (DuckDB's spill files, the
    Parquet copies for Spark) is made and removed again; the system's temporary folder by default.

    Raises:
        AuditError: the audit cannot run (an input unreadable, an unknown roster kind or detector).
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    rosters = dict(rosters or {})
    specs = detectors()
    _check_options(rosters, only, engine, specs)
    when = as_of or date.today()
    try:
        params = parameter_set(jurisdiction, layers)
    except Exception as exc:  # a bad layer file or an unknown jurisdiction
        problems = getattr(exc, "problems", None) or (
            Problem.make("audit-unknown-option", value=jurisdiction, what_zh="参数层", what_en="parameter layer"),
        )
        raise AuditError(problems) from None
    workdir = Path(tempfile.mkdtemp(prefix="subsidy-audit-", dir=None if temp_dir is None else str(temp_dir)))
    try:
        con = _connect(workdir / "spill", memory_limit)
        loaded: list[Loaded] = []
        try:
            loaded.append(load(con, "ledger", ledger, workdir))
            for kind, path in rosters.items():
                loaded.append(load(con, kind, path, workdir))
        except InputError as exc:
            raise AuditError(getattr(exc, "problems", (exc.problem,))) from None
        timings["read"] = time.perf_counter() - started
        prepare_started = time.perf_counter()
        present = set(rosters)
        chosen = [s for s in specs if only is None or s.name in only]
        runnable = [s for s in chosen if all(k in present for k in s.needs)]
        wanted = {h for s in runnable for h in s.helpers}
        if any(s.regime_note for s in runnable):
            wanted.add(helper_tables.REGIMES)
        helpers, helper_problems = helper_tables.build(wanted, helper_tables.Inputs(con, params, when, present))
        notes = month_notes(helpers.get(helper_tables.REGIMES))
        for name, table in helpers.items():
            con.from_arrow(table).create(name)
        timings["prepare"] = time.perf_counter() - prepare_started
        tables = ["ledger", *(_table_name(k) for k in present), *helpers]
        backend = _spark_backend(con, tables, workdir) if engine == "spark" else ibis.duckdb.from_connection(con)
        ctx = Context(
            ledger=backend.table("ledger"),
            rosters={k: backend.table(_table_name(k)) for k in present},
            helpers={h: backend.table(h) for h in helpers},
            as_of=when,
            materialise=(
                (lambda name, expr: backend.create_table(name, expr, temp=True))
                if engine == "duckdb"
                else (lambda name, expr: backend.create_view(name, expr))
            ),
        )
        runs: list[DetectorRun] = []
        run_problems: list[Problem] = []
        evidence: dict[str, pa.Table] = {}
        grouped: dict[str, pa.Table] = {}
        plans: dict[str, str] = {}
        query_seconds = build_seconds = 0.0
        for i, spec in enumerate(chosen):
            if progress is not None:
                progress(spec.name, i, len(chosen))
            missing = [k for k in spec.needs if k not in present]
            if missing:
                runs.append(DetectorRun(spec.name, False, "needs " + ", ".join(missing)))
                continue
            absent = missing_columns(spec.columns, loaded[0].fields)  # an optional ledger column it reads is absent
            if absent:
                runs.append(DetectorRun(spec.name, False, "no " + "/".join(absent) + " column"))
                continue
            spec_started = time.perf_counter()
            coverage = spec.coverage(ctx) if spec.coverage is not None else None
            if coverage is not None and coverage.skipped:
                run_problems.append(
                    Problem.make(
                        "audit-months-undetermined",
                        detector=spec.name,
                        count=coverage.skipped,
                        reason_zh=coverage.why_zh or "",
                        reason_en=coverage.why_en or "",
                    )
                )
                if not coverage.judged:
                    runs.append(
                        DetectorRun(
                            spec.name,
                            False,
                            coverage.why_zh,
                            reason_en=coverage.why_en,
                            skipped=coverage.skipped,
                            seconds=round(time.perf_counter() - spec_started, 3),
                        )
                    )
                    continue
            expr = keyed(spec, spec.query(ctx))
            if explain and engine == "duckdb":
                sql = str(ibis.to_sql(expr, dialect="duckdb"))
                plans[spec.name] = "\n".join(str(r[1]) for r in con.execute("EXPLAIN " + sql).fetchall())
            rows = backend.to_pyarrow(expr)
            queried = time.perf_counter()
            query_seconds += queried - spec_started
            evidence[spec.name] = rows
            grouped[spec.name] = table = group_evidence(con, rows, spec)
            build_seconds += time.perf_counter() - queried
            total = pc.sum(table.column("amount")).as_py() if table.num_rows else None
            runs.append(
                DetectorRun(
                    spec.name,
                    True,
                    None,
                    table.num_rows,
                    ZERO if total is None else Decimal(total).quantize(Decimal("0.01")),
                    round(time.perf_counter() - spec_started, 3),
                    skipped=coverage.skipped if coverage is not None else 0,
                    note_zh=_skipped_text(coverage, "zh"),
                    note_en=_skipped_text(coverage, "en"),
                )
            )
        if progress is not None:
            progress("done", len(chosen), len(chosen))
        timings["detect"] = sum(r.seconds for r in runs)
        timings["detect_queries"] = query_seconds  # the set-based part: expressions run to evidence rows
        timings["detect_findings"] = build_seconds  # grouping evidence rows into findings (set-based), ordered
        timings["total"] = time.perf_counter() - started
        input_problems = [p for li in loaded for p in li.problems]
        payments = next(li.rows_kept for li in loaded if li.kind == "ledger")
        con.close()
        return AuditResult(
            inputs=tuple(loaded),
            runs=tuple(runs),
            problems=(*input_problems, *helper_problems, *run_problems),
            evidence=evidence,
            grouped=grouped,
            month_notes=notes,
            payments=payments,
            timings={k: round(v, 3) for k, v in timings.items()},
            as_of=when,
            engine=engine,
            plans=plans,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()

"""Run the audit: load the inputs, build the helper tables, run the detectors, group findings.

The inputs are read and checked by DuckDB (an in-memory database whose
blocks spill to a temporary folder past ``memory_limit``); the detectors run as Ibis
expressions on DuckDB, or with ``engine="spark"`` on a local PySpark
session over the checked tables written to Parquet.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import duckdb
import ibis
import pyarrow as pa

from subsidy_rules.core.errors import DataFileError, NoValueInForceError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit import workdays
from subsidy_rules.issues.audit.detectors import EXPRESSIONS, Context, DetectorSpec, detectors
from subsidy_rules.issues.audit.inputs import InputError, Loaded, load
from subsidy_rules.issues.audit.schema import ROSTERS, missing_columns
from subsidy_rules.issues.model import Finding, finding_id
from subsidy_rules.parameters import ParameterSet, parameter_set
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.idcard import InvalidResidentIdError, parse_resident_id
from subsidy_rules.programs.model import Channel
from subsidy_rules.programs.retirement import RetirementGroup, retirement

ZERO = Decimal("0.00")
#: the parameter naming the insurance types counted (the eligibility rule reads the same one)
COUNTED_INSURANCE = "ssi.flexible.counted_insurance"


class AuditError(DataFileError):
    """The audit could not run; ``problems`` say why (the CLI exits 2)."""


@attrs.frozen
class DetectorRun:
    name: str
    ran: bool
    reason: str | None = None  #: why not run ("needs deaths")
    findings: int = 0
    amount_yuan: Decimal = ZERO
    seconds: float = 0.0


@attrs.frozen
class AuditResult:
    findings: tuple[Finding, ...]
    inputs: tuple[Loaded, ...]
    runs: tuple[DetectorRun, ...]
    problems: tuple[Problem, ...]  #: input and calendar problems (rows left out, years not covered)
    evidence: Mapping[str, pa.Table]  #: detector -> its evidence rows
    payments: int
    timings: Mapping[str, float]
    as_of: date
    engine: str
    plans: Mapping[str, str] = attrs.field(factory=dict)  #: detector -> DuckDB EXPLAIN text (with ``explain=True``)


def _pm_of(d: date) -> int:
    return d.year * 12 + d.month - 1


@functools.cache
def _month(pm: int) -> Month:
    return Month.from_index(pm)


def _connect(workdir: Path, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    # in memory: DuckDB spills its blocks to temp_directory past memory_limit
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
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


#: which helper tables each detector reads (the others are not built)
_NEEDS_HELPER = {
    "calendar": {"late-payment"},
    "retirement": {"paid-past-retirement", "beyond-max-period"},
    "invalid_ids": {"invalid-id"},
}


#: the detectors that read the calendar or a month-by-month parameter table (built over the ledger's months)
_NEEDS_MONTHS = {
    "late-payment",
    "paid-past-retirement",
    "beyond-max-period",
    "not-difficulty-person",
    "above-standard",
    "short-payment",
    "no-flexible-contribution",
}


def _helpers(
    con: duckdb.DuckDBPyConnection, ps: ParameterSet, as_of: date, present: set[str], chosen: set[str] | None = None
) -> tuple[dict[str, pa.Table], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, pa.Table] = {}
    # the month range (a scan of the ledger) only for the detectors that read month-by-month parameters
    ranged = chosen is None or bool(chosen & _NEEDS_MONTHS)
    row = (
        con.execute("SELECT min(period), max(period), min(applied_on), max(paid_on) FROM ledger").fetchall()[0]
        if ranged
        else None
    )
    lo_pm, hi_pm = (row[0], row[1]) if row and row[0] is not None else (_pm_of(as_of), _pm_of(as_of))
    if ranged and "approvals" in present:
        r = con.execute("SELECT min(first_approval), max(first_approval) FROM approvals").fetchall()[0]
        if r and r[0] is not None:
            lo_pm, hi_pm = min(lo_pm, _pm_of(r[0])), max(hi_pm, _pm_of(r[1]))
    months = range(lo_pm, hi_pm + 1) if ranged else range(0)

    # working-day calendar with the deadline in force on each day
    days: list[date] = []
    wds: list[int] = []
    dls: list[int | None] = []
    wanted = {h for h, users in _NEEDS_HELPER.items() if chosen is None or users & chosen}
    if row and row[2] is not None and "calendar" in wanted:
        years = range(min(row[2].year, row[3].year), max(row[2].year, row[3].year) + 1)
        ds, idx = workdays.calendar_rows(years)
        cache: dict[date, int | None] = {}
        for d, n in zip(ds, idx, strict=True):
            key = d.replace(day=1)
            if key not in cache:
                try:
                    cache[key] = ps.integer("payment.deadline_working_days", d)[0]
                except NoValueInForceError:
                    cache[key] = None
            days.append(d)
            wds.append(n)
            dls.append(cache[key])
        for year in years:
            if not workdays.covered(year):
                cnt = con.execute(
                    "SELECT count(*) FROM ledger WHERE applied_on IS NOT NULL AND (year(applied_on) = ? OR year"
                    "(paid_on) = ?)",
                    [year, year],
                ).fetchall()[0]
                if cnt and cnt[0]:
                    problems.append(
                        Problem.make(
                            "audit-calendar-not-covered", place=Place(field="applied_on"), year=year, count=cnt[0]
                        )
                    )
        early = con.execute(
            "SELECT min(applied_on), count(*) FROM ledger WHERE applied_on IS NOT NULL AND applied_on < ?",
            [_first_deadline(ps)],
        ).fetchall()[0]
        if early and early[1]:
            problems.append(Problem.make("audit-no-deadline", value=early[0], count=early[1]))
    out["calendar"] = pa.table(
        {"day": pa.array(days, pa.date32()), "wd": pa.array(wds, pa.int64()), "deadline": pa.array(dls, pa.int64())}
    )

    # retirement months for the birth months and groups in the ledger
    births = (
        []
        if "retirement" not in wanted
        else [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT TRY_CAST(substr(id_number, 7, 4) AS INTEGER) * 12 + TRY_CAST(substr(id_number, 11,"
                " 2) AS INTEGER) - 1 AS b "
                "FROM ledger WHERE length(id_number) = 18 AND TRY_CAST(substr(id_number, 11, 2) AS INTEGER) BETWEEN"
                " 1 AND 12 "
                "AND TRY_CAST(substr(id_number, 7, 4) AS INTEGER) BETWEEN 1900 AND 2100"
            ).fetchall()
            if r[0] is not None
        ]
    )
    rb: list[int] = []
    rg: list[str] = []
    rr: list[int] = []
    for b in births:
        for g in RetirementGroup:
            try:
                ret = retirement(_month(b).first_day, g, law_date=as_of, params=ps)
            except NoValueInForceError:
                continue
            rb.append(b)
            rg.append(g.value)
            rr.append(ret.retirement_month.index)
    out["retirement"] = pa.table(
        {
            "r_birth_pm": pa.array(rb, pa.int64()),
            "r_grp": pa.array(rg, pa.string()),
            "retire_pm": pa.array(rr, pa.int64()),
        }
    )

    # listed difficulty categories, counted insurance, ratios and caps per month
    cc: list[str] = []
    cm: list[int] = []
    ip: list[int] = []
    ii: list[str] = []
    rv: list[str] = []
    rp: list[int] = []
    rn: list[int] = []
    rd: list[int] = []
    rcap: list[int | None] = []
    rconf: list[bool] = []
    known = set(ps.ids)
    for m in months:
        day = _month(m).first_day
        try:
            for code in ps.codes("difficulty_person.categories", day)[0]:
                cc.append(code)
                cm.append(m)
        except NoValueInForceError:
            pass
        try:
            for code in ps.codes(COUNTED_INSURANCE, day)[0]:
                ip.append(m)
                ii.append(code)
        except NoValueInForceError:
            pass
        for variant, prefix in (("flexible", "ssi.flexible"), ("graduate", "ssi.graduate")):
            try:
                ratio, used = ps.ratio(f"{prefix}.max_ratio", day)
            except NoValueInForceError:
                continue
            cap: int | None = None
            confirmed = used.confirmed
            if f"{prefix}.monthly_cap" in known:  # a local layer may set a cap; most do not
                try:
                    capv, cap_used = ps.decimal(f"{prefix}.monthly_cap", day)
                    cap = int(capv * 100)
                    confirmed = confirmed and cap_used.confirmed
                except NoValueInForceError:
                    cap = None
            rv.append(variant)
            rp.append(m)
            rn.append(ratio.numerator)
            rd.append(ratio.denominator)
            rcap.append(cap)
            rconf.append(confirmed)
    out["categories"] = pa.table({"c_cat": pa.array(cc, pa.string()), "c_pm": pa.array(cm, pa.int64())})
    out["counted_insurance"] = pa.table({"ci_pm": pa.array(ip, pa.int64()), "ci_insurance": pa.array(ii, pa.string())})
    out["ratio"] = pa.table(
        {
            "r_variant": pa.array(rv, pa.string()),
            "r_pm": pa.array(rp, pa.int64()),
            "num": pa.array(rn, pa.int64()),
            "den": pa.array(rd, pa.int64()),
            "cap_fen": pa.array(rcap, pa.int64()),
            "confirmed": pa.array(rconf, pa.bool_()),
        }
    )

    # maximum period and near-retirement years, by month of first approval
    pv: list[str] = []
    pp: list[int] = []
    pmax: list[int] = []
    pnear: list[int | None] = []
    for m in months:
        day = _month(m).first_day
        for variant, pid, near_id in (
            ("flexible", "ssi.flexible.max_months", "ssi.near_retirement_years"),
            ("graduate", "ssi.graduate.max_months", None),
        ):
            try:
                mx = ps.integer(pid, day)[0]
                near = ps.integer(near_id, day)[0] if near_id else None
            except NoValueInForceError:
                continue
            pv.append(variant)
            pp.append(m)
            pmax.append(mx)
            pnear.append(near)
    out["period_params"] = pa.table(
        {
            "p_variant": pa.array(pv, pa.string()),
            "p_pm": pa.array(pp, pa.int64()),
            "max_months": pa.array(pmax, pa.int64()),
            "near_years": pa.array(pnear, pa.int64()),
        }
    )

    card = [p.code for p in catalogue() if p.channel in (Channel.SOCIAL_SECURITY_CARD, Channel.ONE_CARD)]
    out["card_programs"] = pa.table({"cp_code": pa.array(card, pa.string())})

    bad_ids: list[str] = []
    reasons: list[str] = []
    distinct_ids = con.execute("SELECT DISTINCT id_number FROM ledger").fetchall() if "invalid_ids" in wanted else []
    for (idn,) in distinct_ids:
        try:
            parse_resident_id(idn)
        except InvalidResidentIdError as exc:
            bad_ids.append(idn)
            reasons.append(exc.problem.value)
    out["invalid_ids"] = pa.table({"bad_id": pa.array(bad_ids, pa.string()), "reason": pa.array(reasons, pa.string())})
    return out, problems


def _first_deadline(ps: ParameterSet) -> date:
    firsts = [p.values[0].effective_from for _, p in ps.timeline("payment.deadline_working_days") if p.values]
    return min(firsts) if firsts else date(9999, 1, 1)


# ---------------------------------------------------------------------------
# findings from evidence rows


def _months_en(months: Sequence[Month]) -> str:
    if len(months) <= 3:
        return ", ".join(str(m) for m in months)
    return f"{months[0]} to {months[-1]} ({len(months)} months)"


def _fmt_months(months: Sequence[Month]) -> str:
    if len(months) <= 3:
        return "、".join(str(m) for m in months)
    return f"{months[0]}至{months[-1]}（{len(months)}个月）"


def _note_text(spec: DetectorSpec, note: str | None) -> tuple[str, str]:
    """The evidence note of a detector, in Chinese and in English."""
    if note is None:
        return "", ""
    name = spec.name
    if name == "paid-past-retirement":
        pm, _, assumed = note.partition("|")
        month = _month(int(pm))
        return (
            f"退休月份{month}" + ("，女性退休类别不明，按较晚的退休年龄判断" if assumed else ""),
            f"retirement month {month}" + ("; a woman of unknown group, judged by the later age" if assumed else ""),
        )
    if name == "beyond-max-period":
        fa, end, near = note.split("|")
        last = _month(int(end))
        return (
            f"初次核定{fa}，期限至{last}" + ("，按初次核定时年龄享受至退休" if near == "true" else ""),
            f"first approval {fa}, period to {last}"
            + (" (near retirement at first approval)" if near == "true" else ""),
        )
    if name in ("above-standard", "short-payment"):
        ent, paid, confirmed = note.split("|")
        e, p = Decimal(ent) / 100, Decimal(paid) / 100
        unconfirmed = confirmed != "true"
        return (
            f"应发{e:.2f}元，实发{p:.2f}元" + ("；所用补贴比例或上限参数未经确认，请核实" if unconfirmed else ""),
            f"entitled {e:.2f}, paid {p:.2f} yuan"
            + ("; the ratio or cap used is unconfirmed: verify" if unconfirmed else ""),
        )
    if name == "late-payment":
        used, limit = note.split("/")
        return f"第{used}个工作日才发放，时限{limit}个工作日", f"paid on working day {used}, the limit is {limit}"
    if name == "invalid-id":
        zh = {
            "length": "位数不对",
            "characters": "含非法字符",
            "birth-date": "出生日期不存在",
            "check-digit": "校验码错误",
        }
        return zh.get(note, note), note.replace("-", " ")
    if name == "staff-beneficiary":
        staff_id, _, unit = note.partition("|")
        return (f"{unit}，工号{staff_id}" if staff_id else unit), (f"{unit}, staff id {staff_id}" if staff_id else unit)
    if name == "no-flexible-contribution":
        if note == "refunded":
            return "缴费已退费", "the contribution was refunded"
        return "无灵活就业身份缴费记录", "no contribution paid as a flexible worker"
    if name == "date-order":
        if note == "paid-before-approved":
            return "发放早于审核", "paid before approval"
        return "审核早于申请", "approved before application"
    if name == "not-one-card":
        return {"cash": "现金", "bank-account": "银行账户"}.get(note, note), note.replace("-", " ")
    return note, note


def build_findings(spec: DetectorSpec, rows: pa.Table) -> list[Finding]:
    """Group one detector's evidence rows by ``fkey`` into findings."""
    cat = catalogue()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows.to_pylist():
        groups[r["fkey"]].append(r)
    out: list[Finding] = []
    for key, items in groups.items():
        items.sort(key=lambda r: (r["pm"], r["payment_id"]))
        months = tuple(_month(pm) for pm in sorted({r["pm"] for r in items}))
        programs = sorted({r["program"] for r in items})
        program = programs[0] if len(programs) == 1 else None
        first = items[0]
        units = sorted({r["unit"] for r in items})
        name = next((r["name"] for r in items if r["name"]), None)
        amount = sum((r["amount"] or ZERO for r in items), ZERO).quantize(Decimal("0.01"))
        evidence = tuple(dict.fromkeys(r["payment_id"] for r in items))
        accounts = sorted({r["account"] for r in items if r["account"]})
        account = accounts[0] if spec.name == "account-many-persons" and accounts else None
        note_zh, note_en = _note_text(spec, first["note"])
        issue = spec.issue
        if spec.name == "no-flexible-contribution" and first["note"] != "refunded":
            issue = "eligibility.ineligible.not-flexible-insured"
        pzh = cat.get(program).name_zh if program else "各项补贴"
        fields = {
            "name": name or "（无姓名）",
            "id_number": first["id_number"],
            "program_zh": pzh,
            "months": _fmt_months(months),
            "amount": f"{amount:,.2f}",
            "note": note_zh,
            "count": len(evidence),
        }
        extra = key if spec.name in ("account-many-persons", "accept-and-approve") else ""
        out.append(
            Finding(
                finding_id=finding_id(spec.name, first["id_number"], program, months, extra),
                detector=spec.name,
                issue=issue,
                program=program,
                unit=units[0],
                id_number=first["id_number"],
                name=name,
                months=months,
                amount_yuan=amount,
                evidence=evidence,
                explanation_zh=spec.explain_zh.format(**fields),
                explanation_en=spec.explain_en.format(
                    **{
                        **fields,
                        "name": name or "(no name)",
                        "note": note_en,
                        "months": _months_en(months),
                        "program_zh": cat.get(program).name_en if program else "subsidies",
                    }
                ),
                citations=spec.citations,
                account=account,
            )
        )
    out.sort(key=lambda f: (f.id_number, f.program or "", f.months, f.finding_id))
    return out


# ---------------------------------------------------------------------------


def _spark_backend(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], workdir: Path
) -> tuple[Any, Callable[[str], Any]]:
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
        con.execute(f"COPY (SELECT * FROM {t}) TO '{target}' (FORMAT parquet)")
        backend.read_parquet(str(target), table_name=t)
    return backend, backend.table


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
) -> AuditResult:
    """Audit a payment ledger against the rosters; findings are leads (疑点) with evidence.

    Raises:
        AuditError: the audit cannot run (an input unreadable, an unknown roster kind or detector).
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    rosters = dict(rosters or {})
    specs = detectors()
    names = [s.name for s in specs]
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
    when = as_of or date.today()
    try:
        ps = parameter_set(jurisdiction, layers)
    except Exception as exc:  # a bad layer file or an unknown jurisdiction
        problems = getattr(exc, "problems", None) or (
            Problem.make("audit-unknown-option", value=jurisdiction, what_zh="参数层", what_en="parameter layer"),
        )
        raise AuditError(problems) from None
    workdir = Path(tempfile.mkdtemp(prefix="subsidy-audit-"))
    try:
        con = _connect(workdir, memory_limit)
        loaded: list[Loaded] = []
        try:
            loaded.append(load(con, "ledger", ledger, workdir))
            for kind, path in rosters.items():
                loaded.append(load(con, kind, path, workdir))
        except InputError as exc:
            raise AuditError(getattr(exc, "problems", (exc.problem,))) from None
        timings["read"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        present = set(rosters)
        chosen_names = {s.name for s in specs if only is None or s.name in only}
        helpers, cal_problems = _helpers(con, ps, when, present, chosen_names)
        for name, table in helpers.items():
            con.register(name + "_arrow", table)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
        timings["prepare"] = time.perf_counter() - t1
        tables = ["ledger", *(k.replace("-", "_") for k in present), *helpers]
        if engine == "spark":
            backend, get = _spark_backend(con, tables, workdir)
        else:
            backend = ibis.duckdb.from_connection(con)
            get = backend.table
        ctx = Context(
            ledger=get("ledger"),
            rosters={k: get(k.replace("-", "_")) for k in present},
            helpers={h: get(h) for h in helpers},
            as_of=when,
            as_of_pm=_pm_of(when),
            materialise=(
                (lambda name, expr: backend.create_table(name, expr, temp=True))
                if engine == "duckdb"
                else (lambda name, expr: backend.create_view(name, expr))
            ),
        )
        runs: list[DetectorRun] = []
        findings: list[Finding] = []
        evidence: dict[str, pa.Table] = {}
        plans: dict[str, str] = {}
        chosen = [s for s in specs if only is None or s.name in only]
        query_seconds = build_seconds = 0.0
        for i, spec in enumerate(chosen):
            if progress is not None:
                progress(spec.name, i, len(chosen))
            missing = [k for k in spec.needs if k not in present]
            if missing:
                runs.append(DetectorRun(spec.name, False, "needs " + ", ".join(missing)))
                continue
            absent = missing_columns(spec.name, loaded[0].fields)  # issue 15: an optional column absent
            if absent:
                runs.append(DetectorRun(spec.name, False, "no " + "/".join(absent) + " column"))
                continue
            ts = time.perf_counter()
            expr = EXPRESSIONS[spec.name](ctx)
            if explain and engine == "duckdb":
                sql = str(ibis.to_sql(expr, dialect="duckdb"))
                plans[spec.name] = "\n".join(str(r[1]) for r in con.execute("EXPLAIN " + sql).fetchall())
            rows = backend.to_pyarrow(expr)
            tq = time.perf_counter()
            query_seconds += tq - ts
            evidence[spec.name] = rows
            found = build_findings(spec, rows)
            build_seconds += time.perf_counter() - tq
            findings.extend(found)
            runs.append(
                DetectorRun(
                    spec.name,
                    True,
                    None,
                    len(found),
                    sum((f.amount_yuan for f in found), ZERO),
                    round(time.perf_counter() - ts, 3),
                )
            )
        if progress is not None:
            progress("done", len(chosen), len(chosen))
        timings["detect"] = sum(r.seconds for r in runs)
        timings["detect_queries"] = query_seconds  # the set-based part: expressions run to evidence rows
        timings["detect_findings"] = build_seconds  # grouping evidence rows into typed findings (Python)
        timings["total"] = time.perf_counter() - t0
        input_problems = [p for li in loaded for p in li.problems]
        payments = next(li.rows_kept for li in loaded if li.kind == "ledger")
        con.close()
        return AuditResult(
            findings=tuple(findings),
            inputs=tuple(loaded),
            runs=tuple(runs),
            problems=(*input_problems, *cal_problems),
            evidence=evidence,
            payments=payments,
            timings={k: round(v, 3) for k, v in timings.items()},
            as_of=when,
            engine=engine,
            plans=plans,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()

"""Load one input: read the table, type every value in SQL, refuse what cannot be repaired, report each bad row.

The pipeline (the same for the ledger and every roster): :func:`~.tables.read_raw` finds the table
and names its columns by field; each value is parsed in SQL (:mod:`.values`, :mod:`.ids`); a row
whose value cannot be read is reported (file, sheet, line, column, value) and left out; what cannot
be repaired stops the input (IDs Excel turned into numbers, amounts implausible for their unit, a
ledger with nothing left to audit). The table the detectors read is a view: typed columns over the
input minus the rejected rows, with reversals (冲正) netted against the payments they reverse.

Decisions (the issue is silent):
    * A reversal is a ledger row with a negative amount. It reverses the payment its 原流水号 names,
      else the payment of the same person, program and period with the same amount (the latest such),
      else the latest payment of that person, program and period. A fully reversed payment leaves the
      ledger; a partly reversed one keeps its net amount. A reversal that finds no payment is a row
      problem. Reversals are listed in ``Loaded.reversals``.
    * An unreadable 所属期 falls back as a blank one does (the month of 申请日期, else of 发放日期), with a
      warning per row; a month-only 发放日期 keeps the row: its 发放日期 is blank for the detectors that
      need a day (flag column ``paid_month_only``), and its month fills a blank 所属期.
    * IDs in scientific notation refuse the file; so do 18-digit IDs that Excel kept as numbers (the
      last digits ``000`` failing the check character for 3 or more and a fifth of the distinct IDs).
    * Amounts: an amount column whose positive amounts are nearly all (≥ 90 %, at least 5) below 1 元,
      or nearly all at 1,000,000 元 or more, stops the run (a unit is wrong).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pyarrow as pa

from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit.reading import ids, values
from subsidy_rules.issues.audit.reading.damaged import refuse_damaged_ids, upgrades, valid_id
from subsidy_rules.issues.audit.reading.header import InputError
from subsidy_rules.issues.audit.reading.reversals import Reversal, net_reversals
from subsidy_rules.issues.audit.reading.tables import RawInput, read_raw
from subsidy_rules.issues.audit.schema import KINDS, Field, FieldType, Kind
from subsidy_rules.programs.catalogue import catalogue

MAX_LISTED = 1000
#: rejected rows kept one by one for the 未纳入核查的行 sheet
MAX_KEPT_REJECTS = 100_000
#: ledger fields that are never columns of the detectors' view
_NOT_IN_VIEW = ("reverses",)


@attrs.frozen
class Loaded:
    """One input as loaded: its table name in DuckDB, rows read and kept, row problems.

    The fields after ``problems`` were added by issue 15 (all have defaults).
    """

    kind: str
    path: str
    table: str
    rows_read: int
    rows_kept: int
    problems: tuple[Problem, ...]
    fields: frozenset[str] = frozenset()  #: the fields whose column was found
    headers: tuple[tuple[str, str], ...] = ()  #: (field, header as printed)
    sheets_read: tuple[str, ...] = ()
    sheets_skipped: tuple[tuple[str, str], ...] = ()  #: (sheet, reason)
    reversals: tuple[Reversal, ...] = ()
    month_only_rows: int = 0  #: ledger rows whose 发放日期 is a month only
    amount_total: Decimal | None = None  #: ledger: money paid by the kept rows (after netting)
    rejected: tuple[Problem, ...] = ()  #: every rejected row's problems (up to MAX_KEPT_REJECTS)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_kept


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text(col: str, typ: str, typed: bool) -> str:
    if typ == "VARCHAR":
        return f"NULLIF({_q(col)}, '')" if typed else f"NULLIF(trim({_q(col)}), '')"
    return f"NULLIF(trim(CAST({_q(col)} AS VARCHAR)), '')"


def _kind_fields(kind: Kind) -> dict[str, Any]:
    return {"kind_zh": kind.name_zh, "kind_en": kind.name_en}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchall()[0]
    return int(row[0] or 0)


def _is_date_type(typ: str) -> bool:
    return typ == "DATE" or typ.startswith("TIMESTAMP")


def _is_number_type(typ: str) -> bool:
    return typ.startswith("DECIMAL") or typ in ("INTEGER", "BIGINT", "SMALLINT", "HUGEINT", "TINYINT")


# -- IDs ------------------------------------------------------------------------------------------


# -- coded columns --------------------------------------------------------------------------------


def _code_map(f: Field) -> dict[str, str]:
    codes = (
        f.codes if f.type is FieldType.CODE else (("yes", ("是", "true", "1", "y")), ("no", ("否", "false", "0", "n")))
    )
    out: dict[str, str] = {}
    for code, spellings in codes:
        for s in (code, *spellings):
            out[s.lower().replace(" ", "")] = code
    return out


def _present(con: duckdb.DuckDBPyConnection, view: str, text: str) -> list[str]:
    return [t for (t,) in con.execute(f"SELECT DISTINCT {text} FROM {view}").fetchall() if t is not None]


def _mapping(
    con: duckdb.DuckDBPyConnection, view: str, text: str, f: Field
) -> tuple[dict[str, str], dict[str, str], bool]:
    """(text -> code, unknown text -> suggestion, whether some are unknown)."""
    out: dict[str, str] = {}
    hints: dict[str, str] = {}
    unknown = False
    if f.type is FieldType.PROGRAM:
        cat = catalogue()
        for t in _present(con, view, text):
            try:
                out[t] = cat.lookup(t).code
            except UnknownCodeError as exc:
                unknown = True
                hints[t] = "、".join(exc.suggestions)
        return out, hints, unknown
    spellings = _code_map(f)
    for t in _present(con, view, text):
        code = spellings.get(t.lower().replace(" ", "").replace("\u3000", ""))
        if code is None:
            unknown = True
        else:
            out[t] = code
    return out, hints, unknown


# -- the typed value of each field ----------------------------------------------------------------


@attrs.frozen
class _Typed:
    value: str  #: the typed value (SQL)
    checks: tuple[tuple[str, str], ...] = ()  #: (problem code, condition) — a true condition rejects the row


_NULLS = {
    FieldType.DATE: "NULL::DATE",
    FieldType.MONTH: "NULL::INTEGER",
    FieldType.AMOUNT: "NULL::DECIMAL(18,2)",
    FieldType.BOOL: "NULL::BOOLEAN",
}


def _typed(
    kind: Kind, f: Field, ri: RawInput, text: str, typ: str, mapping: dict[str, str] | None, unknown: bool
) -> _Typed:
    col = _q(f.name)
    ledger = kind.kind == "ledger"
    if f.type is FieldType.DATE:
        if _is_date_type(typ):
            v = f"CAST({col} AS DATE)"
            return _Typed(v, (("audit-implausible-date", f"({v} IS NOT NULL AND NOT {values.plausible(v)})"),))
        v = values.date_value(text)
        if ledger and f.name == "paid_on":
            shown = f"(CASE WHEN {values.plausible(v)} THEN {v} END)"
            month = f"(CASE WHEN {v} IS NULL THEN {values.month_of_text(text)} END)"
            bad = f"({text} IS NOT NULL AND {v} IS NULL AND {month} IS NULL)"
            return _Typed(
                shown,
                (
                    ("audit-bad-date", bad),
                    ("audit-implausible-date", f"({v} IS NOT NULL AND NOT {values.plausible(v)})"),
                ),
            )
        return _Typed(
            f"(CASE WHEN {values.plausible(v)} THEN {v} END)",
            (
                ("audit-bad-date", f"({text} IS NOT NULL AND {v} IS NULL)"),
                ("audit-implausible-date", f"({v} IS NOT NULL AND NOT {values.plausible(v)})"),
            ),
        )
    if f.type is FieldType.MONTH:
        if _is_date_type(typ):
            d = f"CAST({col} AS DATE)"
            return _Typed(f"CAST(year({d}) * 12 + month({d}) - 1 AS INTEGER)")
        v = values.month_value(text)
        if ledger and f.name == "period":
            return _Typed(v)  # an unreadable 所属期 falls back (a warning per row, not a rejection)
        return _Typed(v, (("audit-bad-month", f"({text} IS NOT NULL AND {v} IS NULL)"),))
    if f.type is FieldType.AMOUNT:
        negative_ok = ledger
        if _is_number_type(typ):
            v = f"CAST({col} AS DECIMAL(18,2))"
            bad = f"({col} IS NOT NULL AND CAST({col} AS DECIMAL(38,6)) <> {v})"
            if not negative_ok:
                bad = f"({bad} OR {col} < 0)"
            return _Typed(v, (("audit-bad-amount", bad),))
        wide = values.amount(text, ri.factors.get(f.name))
        v = f"CAST({wide} AS DECIMAL(18,2))"
        bad = f"({text} IS NOT NULL AND ({wide} IS NULL OR {wide} <> round({wide}, 2)"
        bad += ")" if negative_ok else f" OR {wide} < 0)"
        bad += ")"
        return _Typed(v, (("audit-bad-amount", bad),))
    if f.type in (FieldType.PROGRAM, FieldType.CODE, FieldType.BOOL):
        assert mapping is not None
        checks: tuple[tuple[str, str], ...] = ()
        if all(k == val for k, val in mapping.items()) and not unknown:
            v = text
        else:
            cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(val)}" for k, val in mapping.items())
            v = f"(CASE {text} {cases} ELSE NULL END)" if mapping else "NULL::VARCHAR"
            code = "audit-unknown-program" if f.type is FieldType.PROGRAM else "audit-bad-code"
            checks = ((code, f"({text} IS NOT NULL AND {v} IS NULL)"),)
        if f.type is FieldType.BOOL:
            return _Typed(f"({v} = 'yes')", checks)
        return _Typed(v, checks)
    return _Typed(text)


# -- load -----------------------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path | str, workdir: Path | None = None) -> Loaded:
    """Load one input as table ``kind_name`` (``ledger``, ``deaths`` …) with typed columns.

    Raises:
        InputError: the file cannot be read or cannot be trusted (see the module notes).
    """
    kind = KINDS[kind_name]
    p = Path(path)
    spath = str(p)
    table = kind_name.replace("-", "_")
    wd = workdir or Path(tempfile.mkdtemp(prefix="audit-"))
    ri = read_raw(con, kind, p, f"raw_{table}", wd)
    view = ri.view
    present = {f.name for f in kind.fields if f.name in ri.headers}
    texts = {f: _text(f, ri.types[f], ri.typed) for f in present}
    warnings: list[Problem] = []
    if "id_number" in present:
        if _is_number_type(ri.types["id_number"]) or ri.types["id_number"] in ("DOUBLE", "FLOAT", "REAL"):
            texts["id_number"] = f"NULLIF(CAST({_q('id_number')} AS VARCHAR), '')"
        raw_id = texts["id_number"]
        norm = ids.sql_normalise_id(raw_id)
        # one cheap scan says whether any ID may be damaged or short; the normalised checks only then
        suspect = _count(
            con,
            f"SELECT count(*) FILTER (length({raw_id}) <> 18 OR TRY_CAST(substr({raw_id}, 1, 17) AS BIGINT) IS NULL "
            f"OR contains({raw_id}, 'E') OR contains({raw_id}, 'e') OR suffix({raw_id}, '000')) FROM {view}",
        )
        if suspect:  # one cheap scan: only a file with odd IDs pays for the normalised checks
            refuse_damaged_ids(con, kind, ri, spath, norm)
            norm, upgraded = upgrades(con, ri, norm, table)
            warnings += [attrs.evolve(w, place=attrs.evolve(w.place, file=spath)) for w in upgraded]
        texts["id_number"] = norm
    typed: dict[str, _Typed] = {}
    hints: dict[str, dict[str, str]] = {}
    for f in kind.fields:
        if f.name not in present:
            typed[f.name] = _Typed(_NULLS.get(f.type, "NULL::VARCHAR"))
            continue
        mapping: dict[str, str] | None = None
        unknown = False
        if f.type in (FieldType.PROGRAM, FieldType.CODE, FieldType.BOOL):
            mapping, hints[f.name], unknown = _mapping(con, view, texts[f.name], f)
        typed[f.name] = _typed(kind, f, ri, texts[f.name], ri.types[f.name], mapping, unknown)
    checks: list[tuple[Field, str, str]] = []
    for f in kind.fields:
        for code, cond in typed[f.name].checks:
            checks.append((f, code, cond))
        if f.required and f.name in present:
            checks.append((f, "audit-missing-value", f"({texts[f.name]} IS NULL)"))
    ledger = kind_name == "ledger"
    inner = [f"{typed[f.name].value} AS {_q(f.name)}" for f in kind.fields]
    month_only, paid_month, period_bad = "FALSE", "NULL::INTEGER", "FALSE"
    if ledger and "paid_on" in present and not _is_date_type(ri.types["paid_on"]):
        day = values.date_value(texts["paid_on"])
        paid_month = f"(CASE WHEN {day} IS NULL THEN {values.month_of_text(texts['paid_on'])} END)"
        month_only = f"({day} IS NULL AND {paid_month} IS NOT NULL)"
    if ledger and "period" in present:
        period_bad = f"({texts['period']} IS NOT NULL AND {typed['period'].value} IS NULL)"
    # duplicate payment ids (hash first: the ids whose hash repeats are checked exactly)
    dup_flag = "FALSE"
    if ledger:
        pid = texts["payment_id"]
        clash = f"SELECT hash({pid}) FROM {view} WHERE {pid} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
        if _count(con, f"SELECT count(*) FROM ({clash})"):
            # a reversal may carry the 流水号 of the payment it reverses: only payments count as repeats
            neg = f"coalesce({typed['amount'].value} < 0, FALSE)" if "amount" in present else "FALSE"
            dups = [
                r[0]
                for r in con.execute(
                    f"SELECT {pid} FROM {view} WHERE hash({pid}) IN ({clash}) AND NOT {neg} "
                    "GROUP BY 1 HAVING count(*) > 1"
                ).fetchall()
            ]
            con.register("__dup_ids", pa.table({"pid": pa.array(dups, pa.string())}))
            first = f"min(CASE WHEN NOT {neg} THEN __row END) OVER (PARTITION BY {pid})"
            dup_flag = f"({pid} IN (SELECT pid FROM __dup_ids) AND NOT {neg} AND __row > {first})"
    inner += [f"{cond} AS __bad{i}" for i, (_, _, cond) in enumerate(checks)]
    inner += [
        f"{dup_flag} AS __dup",
        f"{paid_month} AS __paid_month",
        f"{month_only} AS paid_month_only",
        f"{period_bad} AS __period_bad",
    ]
    any_bad = " OR ".join([*(f"coalesce(__bad{i}, FALSE)" for i in range(len(checks))), "__dup"])
    replace = ""
    if ledger:
        fallback = "coalesce(applied_on, paid_on)"
        replace = (
            f' REPLACE (coalesce("period", CAST(year({fallback}) * 12 + month({fallback}) - 1 AS INTEGER), '
            "__paid_month) AS period)"
        )
    # One pass types every value and sets every flag; the rest reads these typed columns.
    con.execute(
        f"CREATE TABLE {table}_all AS SELECT *{replace}, ({any_bad}) AS __rejected FROM "
        f"(SELECT {', '.join(inner)}, __line, __row, __sheet FROM {view})"
    )
    rows_read = _count(con, f"SELECT count(*) FROM {table}_all")
    rejected_n = _count(con, f"SELECT count(*) FROM {table}_all WHERE __rejected")
    raws = ", ".join(f"{texts[f]} AS {_q('__raw_' + f)}" for f in sorted(present))
    listed: tuple[Problem, ...] = ()
    kept_rejects: tuple[Problem, ...] = ()
    if rejected_n:
        con.execute(
            f"CREATE TABLE {table}_rejected AS SELECT a.*, v.* EXCLUDE (__row) FROM "
            f"(SELECT * FROM {table}_all WHERE __rejected) a JOIN (SELECT __row, {raws} FROM {view}) v USING (__row)"
        )
        listed, kept_rejects = _row_problems(con, table, kind, ri, checks, spath, hints)
    keep_cols = [f for f in kind.fields if not (ledger and f.name in _NOT_IN_VIEW)]
    reversals: list[Reversal] = []
    if ledger:
        warnings += _period_warnings(con, ri, texts, table, spath)
        con.execute(f"CREATE VIEW {table}_typed AS SELECT * FROM {table}_all WHERE NOT __rejected")
        reversals, adjust, dropped, rev_problems = net_reversals(con, table, "period", spath, ri)
        warnings += rev_problems
        kept_rejects += tuple(rev_problems)  # a reversal that finds no payment is left out: listed with the rest
        cols = ", ".join(
            ("coalesce(__net, amount) AS amount" if adjust else "amount") if f.name == "amount" else _q(f.name)
            for f in keep_cols
        )
        con.execute(
            f"CREATE VIEW {table} AS SELECT {cols}, paid_month_only, __line FROM {table}_typed{adjust}"
            + (f" WHERE __row NOT IN (SELECT r FROM __dropped_{table})" if dropped else "")
        )
    else:
        cols = ", ".join(_q(f.name) for f in keep_cols)
        con.execute(f"CREATE VIEW {table} AS SELECT {cols}, __line FROM {table}_all WHERE NOT __rejected")
    unmatched = sum(1 for r in reversals if r.reverses is None)
    rows_kept = rows_read - rejected_n - unmatched
    month_rows = 0
    total: Decimal | None = None
    if ledger:
        month_rows = _count(con, f"SELECT count(*) FROM {table} WHERE paid_month_only")
        if month_rows:
            warnings.append(Problem.make("audit-month-only-paid-on", place=Place(file=spath), count=month_rows))
        total = con.execute(f"SELECT coalesce(sum(amount), 0) FROM {table}").fetchall()[0][0]
        total = Decimal(total).quantize(Decimal("0.01"))
        if rows_kept == 0 or _count(con, f"SELECT count(*) FROM {table}") == 0:
            raise _nothing(kind, spath, rows_read, kept_rejects)
        _check_units(con, kind, table, spath, ri)
    elif con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'ledger'").fetchall()[0][0]:
        warnings += _roster_matches(con, kind, table, spath, rows_read - rejected_n)
    problems = (*listed, *warnings)
    return Loaded(
        kind_name,
        spath,
        table,
        rows_read,
        rows_kept,
        problems,
        frozenset(present),
        tuple((f, ri.headers[f]) for f in sorted(present)),
        ri.sheets_read,
        ri.sheets_skipped,
        tuple(reversals),
        month_rows,
        total,
        kept_rejects,
    )


def _period_warnings(
    con: duckdb.DuckDBPyConnection, ri: RawInput, texts: dict[str, str], table: str, path: str
) -> list[Problem]:
    """One warning per kept row whose 所属期 could not be read (it fell back to 申请日期 / 发放日期)."""
    if not _count(con, f"SELECT count(*) FROM {table}_all WHERE __period_bad AND NOT __rejected"):
        return []
    pid = texts.get("payment_id", "NULL")
    rows = con.execute(
        f"SELECT a.__line, a.__sheet, v.t, v.p FROM (SELECT __row, __line, __sheet FROM {table}_all "
        f"WHERE __period_bad AND NOT __rejected) a JOIN (SELECT __row, {texts['period']} AS t, {pid} AS p "
        f"FROM {ri.view}) v USING (__row) ORDER BY a.__row LIMIT {MAX_LISTED}"
    ).fetchall()
    return [
        Problem.make(
            "audit-period-fallback",
            place=Place(file=path, sheet=s, line=ln, field=ri.headers["period"], record=r),
            value=v,
        )
        for ln, s, v, r in rows
    ]


def _check_units(con: duckdb.DuckDBPyConnection, kind: Kind, table: str, path: str, ri: RawInput) -> None:
    small, big, positive = con.execute(
        f"SELECT count(*) FILTER (amount < 1), count(*) FILTER (amount >= 1000000), count(*) FROM {table} "
        "WHERE amount > 0"
    ).fetchall()[0]
    col = ri.headers.get("amount", "发放金额")
    if positive >= 5 and small * 10 >= positive * 9:
        raise InputError(
            Problem.make(
                "audit-implausible-amounts",
                place=Place(file=path, field=col),
                column=col,
                share=f"{small * 100 // positive}%",
                what_zh="小于1元",
                what_en="below 1 yuan",
                fix_zh="该列可能以万元为单位，请在表头注明单位（如“发放金额（万元）”）后重新运行",
                fix_en="the column may be in 万元: say the unit in the header (such as 发放金额（万元）) and run again",
            )
        )
    if positive >= 5 and big * 10 >= positive * 9:
        raise InputError(
            Problem.make(
                "audit-implausible-amounts",
                place=Place(file=path, field=col),
                column=col,
                share=f"{big * 100 // positive}%",
                what_zh="在100万元以上",
                what_en="of 1,000,000 yuan or more",
                fix_zh="请核对该列的单位（表头或“单位：万元”一行）后重新运行",
                fix_en="check the column's unit (its header, or the 单位：万元 line) and run again",
            )
        )


def _nothing(kind: Kind, path: str, rows_read: int, rejects: tuple[Problem, ...]) -> InputError:
    if rows_read == 0:
        return InputError(Problem.make("audit-nothing-to-audit", place=Place(file=path), **_kind_fields(kind)))
    reasons = Counter(p.message_zh.split("：")[0] for p in rejects)
    top = "；".join(f"{r}（{n}处）" for r, n in reasons.most_common(2))
    return InputError(
        Problem.make(
            "audit-all-rows-rejected", place=Place(file=path), count=rows_read, reasons=top, **_kind_fields(kind)
        )
    )


def _roster_matches(con: duckdb.DuckDBPyConnection, kind: Kind, table: str, path: str, rows: int) -> list[Problem]:
    if rows == 0:
        return [Problem.make("audit-roster-empty", place=Place(file=path), **_kind_fields(kind))]
    if "id_number" not in {f.name for f in kind.fields}:  # pragma: no cover - every roster has the ID
        return []
    # a sample of the distinct IDs tells "mostly invalid"; one matching row tells "matches somebody"
    distinct = [r[0] for r in con.execute(f"SELECT DISTINCT id_number FROM {table} LIMIT 20000").fetchall() if r[0]]
    matched = con.execute(f"SELECT 1 FROM {table} WHERE id_number IN (SELECT id_number FROM ledger) LIMIT 1").fetchall()
    out: list[Problem] = []
    invalid = sum(1 for d in distinct if not valid_id(d))
    if distinct and invalid * 2 > len(distinct):
        out.append(
            Problem.make(
                "audit-roster-ids-invalid",
                place=Place(file=path),
                count=invalid,
                total=len(distinct),
                **_kind_fields(kind),
            )
        )
    if not matched:
        out.append(Problem.make("audit-roster-no-match", place=Place(file=path), count=rows, **_kind_fields(kind)))
    return out


def _row_problems(
    con: duckdb.DuckDBPyConnection,
    table: str,
    kind: Kind,
    ri: RawInput,
    checks: list[tuple[Field, str, str]],
    path: str,
    hints: dict[str, dict[str, str]],
) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """(the problems listed: the first MAX_LISTED and a count of the rest; every rejected row's problems)."""
    n = len(checks)
    flags = [f"__bad{i}" for i in range(n)]
    raws = [_q("__raw_" + f.name) if f.name in ri.headers else "NULL" for f, _, _ in checks]
    pid = _q("__raw_payment_id") if "payment_id" in ri.headers else "NULL"
    sel = ", ".join(["__line", "__sheet", "__dup", pid, *flags, *raws])
    rows = con.execute(f"SELECT {sel} FROM {table}_rejected ORDER BY __row LIMIT {MAX_KEPT_REJECTS}").fetchall()
    total = _count(con, f"SELECT count(*) FROM {table}_rejected")
    out: list[Problem] = []
    listed: list[Problem] = []
    for k, row in enumerate(rows):
        line, sheet, dup, record = row[0], row[1], row[2], row[3]
        bad, vals = row[4 : 4 + n], row[4 + n : 4 + 2 * n]
        for (f, code, _), flag, value in zip(checks, bad, vals, strict=True):
            if not flag:
                continue
            allowed = ""
            if f.type is FieldType.CODE:
                allowed = " / ".join(f"{c} {s[0]}" for c, s in f.codes)
            elif f.type is FieldType.BOOL:
                allowed = "是 / 否"
            hint = hints.get(f.name, {}).get(value or "", "")
            p = Problem.make(
                code,
                place=Place(file=path, sheet=sheet, line=line, field=ri.headers.get(f.name, f.name_zh), record=record),
                value=value,
                field=f.name,
                field_zh=f.name_zh,
                allowed=allowed,
                hint_zh=f"（是否为：{hint}）" if hint else "",
                hint_en=f" (did you mean: {hint})" if hint else "",
            )
            out.append(p)
            if k < MAX_LISTED:
                listed.append(p)
        if dup:
            p = Problem.make(
                "audit-duplicate-payment-id",
                place=Place(file=path, sheet=sheet, line=line, field=ri.headers.get("payment_id"), record=record),
                value=record,
            )
            out.append(p)
            if k < MAX_LISTED:
                listed.append(p)
    if total > MAX_LISTED:
        listed.append(Problem.make("audit-more-rows-rejected", place=Place(file=path), count=total - MAX_LISTED))
    return tuple(listed), tuple(out)

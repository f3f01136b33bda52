"""Read the ledger and rosters into DuckDB, typed and checked, with every bad row reported.

Formats: CSV (UTF-8 with or without BOM; GB18030 is detected and transcoded
to UTF-8 before DuckDB reads it), XLSX (first sheet, header in row 1, read
through python-calamine into Arrow after zip-package checks: parts, size,
expansion ratio — DuckDB's ``excel`` extension is never used: it would need a
download) and Parquet (read by DuckDB directly).

Every value is parsed in SQL (``TRY_CAST``/``try_strptime``), so a bad cell
becomes a :class:`~subsidy_rules.core.problem.Problem` with the file, line
and column header, and its row is left out; the rest is audited. Line
numbers: for CSV and XLSX the line/row of the file (the header is line 1);
for Parquet the 1-based record number plus one (as if a header line
preceded the records).

Decisions (the issue is silent):
    * A blank 所属期 (period) takes the month of 申请日期, else of 发放日期.
    * Amounts: 元 with at most two decimals, thousands separators allowed,
      never negative (reversals are out of scope; a negative amount is a row
      problem). Dates: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYYMMDD``,
      ``YYYY年M月D日``, or an Excel/Parquet date. Text read from CSV and
      XLSX is trimmed; Parquet text is taken as written (an empty string is blank).
    * At most :data:`MAX_LISTED` row problems per file are listed one by one;
      the rest are counted in one ``audit-more-rows-rejected`` problem.
"""

from __future__ import annotations

import codecs
import io
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pyarrow as pa

from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.core.text import fold
from subsidy_rules.issues.audit.schema import KINDS, Field, FieldType, Kind
from subsidy_rules.programs.catalogue import catalogue

MAX_LISTED = 1000
#: the type given to a Parquet text column: typed files are taken as written (no trimming), blank = empty
_UNTRIMMED = "VARCHAR (parquet)"

_DATE_FORMATS = "['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d', '%Y-%m-%d %H:%M:%S']"
_MONTH_FORMATS = "['%Y-%m', '%Y/%m', '%Y%m', '%Y年%m月', '%Y.%m', '%Y-%m-%d', '%Y/%m/%d']"


class InputError(Exception):
    """An input cannot be read at all (not one bad row: the whole file)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


@attrs.frozen
class Loaded:
    """One input as loaded: its table name in DuckDB, rows read and kept, row problems."""

    kind: str
    path: str
    table: str
    rows_read: int
    rows_kept: int
    problems: tuple[Problem, ...]


def _kind_fields(kind: Kind) -> dict[str, Any]:
    return {"kind_zh": kind.name_zh, "kind_en": kind.name_en}


def _fail(kind: Kind, path: str, reason: str) -> InputError:
    return InputError(
        Problem.make("audit-file-unreadable", place=Place(file=path), reason=reason, **_kind_fields(kind))
    )


# ---------------------------------------------------------------------------
# raw readers: each gives a DuckDB relation/table name of raw columns + __line


def _utf8_copy(path: Path, workdir: Path) -> Path:
    """``path`` if it is UTF-8 (BOM or not); else a UTF-8 copy decoded from GB18030."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return path
        except UnicodeDecodeError:
            pass
    target = workdir / (path.stem + ".utf8.csv")
    gb = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as src, target.open("w", encoding="utf-8") as dst:
        try:
            while chunk := src.read(1 << 20):
                dst.write(gb.decode(chunk))
            dst.write(gb.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise ValueError(f"neither UTF-8 nor GB18030 text (byte {exc.start})") from None
    return target


def _cell_text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


#: limits for a ledger workbook's zip package (a district ledger is tens of MB; a zip bomb is refused)
MAX_MEMBERS = 10_000
MAX_UNPACKED = 4 << 30
MAX_RATIO = 200


def _check_package(data: bytes) -> None:
    """Refuse what is not an xlsx zip, and zip bombs, before calamine unpacks anything."""
    if not data.startswith(b"PK\x03\x04"):
        raise ValueError("not an .xlsx workbook (not a zip package; save it as .xlsx, or as CSV)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except zipfile.BadZipFile as exc:
        raise ValueError(f"a damaged .xlsx package: {exc}") from None
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"the package has {len(members)} parts (more than {MAX_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise ValueError(f"the package unpacks to {total} bytes (more than {MAX_UNPACKED})")
    for m in members:
        if m.file_size > (1 << 20) and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ValueError(f"part {m.filename} expands {m.file_size // max(m.compress_size, 1)}-fold (a zip bomb?)")


def _xlsx_arrow(path: Path) -> pa.Table:
    from python_calamine import CalamineWorkbook

    data = path.read_bytes()
    _check_package(data)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    if not rows:
        raise ValueError("the first sheet is empty")
    header = [_cell_text(h) or f"column{i + 1}" for i, h in enumerate(rows[0])]
    cols: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    for n, row in enumerate(rows[1:], start=2):
        if all(c is None or c == "" for c in row):
            continue
        lines.append(n)
        for i in range(len(header)):
            cols[i].append(_cell_text(row[i]) if i < len(row) else None)
    arrays = [pa.array(c, pa.string()) for c in cols]
    return pa.table([*arrays, pa.array(lines, pa.int64())], names=[*header, "__line"])


def _raw(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, name: str, workdir: Path) -> None:
    suffix = path.suffix.lower()
    if not path.exists():
        raise _fail(kind, str(path), "no such file")
    try:
        if suffix in (".parquet", ".pq"):
            con.execute(
                f"CREATE VIEW {name} AS SELECT * EXCLUDE (file_row_number), file_row_number + 2 AS __line "
                f"FROM read_parquet({_lit(str(path))}, file_row_number = true)"
            )
            con.execute(f"SELECT * FROM {name} LIMIT 0").fetchall()
        elif suffix in (".xlsx", ".xlsm"):
            table = _xlsx_arrow(path)
            con.register(name + "_arrow", table)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_arrow")
        elif suffix in (".csv", ".txt", ".tsv"):
            src = _utf8_copy(path, workdir)
            sep = "\t" if suffix == ".tsv" else ","
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "an extra copy": fine for the one copy we keep
                table = con.execute(
                    "SELECT * FROM read_csv(?, header = true, all_varchar = true, delim = ?)", [str(src), sep]
                ).to_arrow_table()
            assert table is not None
            lines = pa.array(range(2, table.num_rows + 2), pa.int64())
            con.register(name + "_arrow", table.append_column("__line", lines))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_arrow")
        else:
            raise ValueError(f"unsupported file type {suffix or '(none)'}: use .csv, .xlsx or .parquet")
    except InputError:
        raise
    except (ValueError, duckdb.Error, OSError) as exc:
        raise _fail(kind, str(path), str(exc).splitlines()[0][:300]) from None


# ---------------------------------------------------------------------------
# typing and checking


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _header_map(kind: Kind, columns: Sequence[str], path: str) -> dict[str, str]:
    """field name -> the file's header for it."""
    by_fold: dict[str, str] = {}
    for col in columns:
        by_fold.setdefault(fold(col), col)
    found: dict[str, str] = {}
    missing: list[Problem] = []
    for f in kind.fields:
        for alias in f.aliases:
            if fold(alias) in by_fold:
                found[f.name] = by_fold[fold(alias)]
                break
        else:
            if f.required:
                missing.append(
                    Problem.make(
                        "audit-missing-column",
                        place=Place(file=path, line=1, field=f.name_zh),
                        field=f.name,
                        field_zh=f.name_zh,
                        **_kind_fields(kind),
                    )
                )
    if missing:
        raise InputError(missing[0]) if len(missing) == 1 else _MultiMissing(missing)
    return found


class _MultiMissing(InputError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0])
        self.problems = tuple(problems)


def _text_expr(col: str, typ: str) -> str:
    if typ == _UNTRIMMED:
        return f"NULLIF({_q(col)}, '')"
    if typ == "VARCHAR":
        return f"NULLIF(trim({_q(col)}), '')"
    return f"NULLIF(trim(CAST({_q(col)} AS VARCHAR)), '')"


def _typed(
    f: Field, col: str | None, typ: str, programs: dict[str, str], code_maps: dict[str, dict[str, str]]
) -> tuple[str, str | None]:
    """(typed value expression, bad-value condition or None)."""
    if col is None:
        null = {
            FieldType.DATE: "NULL::DATE",
            FieldType.MONTH: "NULL::INTEGER",
            FieldType.AMOUNT: "NULL::DECIMAL(18,2)",
            FieldType.BOOL: "NULL::BOOLEAN",
        }.get(f.type, "NULL::VARCHAR")
        return null, None
    raw = _text_expr(col, typ)
    if f.type is FieldType.DATE:
        if typ == "DATE" or typ.startswith("TIMESTAMP"):
            return f"CAST({_q(col)} AS DATE)", None
        v = f"coalesce(TRY_CAST({raw} AS DATE), CAST(try_strptime({raw}, {_DATE_FORMATS}) AS DATE))"
        return v, f"({raw} IS NOT NULL AND {v} IS NULL)"
    if f.type is FieldType.MONTH:
        if typ == "DATE" or typ.startswith("TIMESTAMP"):
            d = f"CAST({_q(col)} AS DATE)"
            v = f"CAST(year({d}) * 12 + month({d}) - 1 AS INTEGER)"
            return v, f"({raw} IS NOT NULL AND {d} IS NULL)"
        # the usual "YYYY-MM" read as two integers (no date is built); other spellings through strptime
        y, m = f"TRY_CAST(substr({raw}, 1, 4) AS INTEGER)", f"TRY_CAST(substr({raw}, 6, 2) AS INTEGER)"
        plain = _plain_month(raw)
        d = f"CAST(try_strptime({raw}, {_MONTH_FORMATS}) AS DATE)"
        v = f"CAST(CASE WHEN {plain} THEN {y} * 12 + {m} - 1 ELSE year({d}) * 12 + month({d}) - 1 END AS INTEGER)"
        return v, f"({raw} IS NOT NULL AND {v} IS NULL)"
    if f.type is FieldType.AMOUNT:
        if typ.startswith("DECIMAL") or typ in ("INTEGER", "BIGINT", "SMALLINT", "HUGEINT"):
            v = f"CAST({_q(col)} AS DECIMAL(18,2))"
            bad = f"({_q(col)} IS NOT NULL AND ({_q(col)} < 0 OR CAST({_q(col)} AS DECIMAL(38,6)) <> {v}))"
            return v, bad
        wide = f"TRY_CAST(replace({raw}, ',', '') AS DECIMAL(38,6))"
        v = f"CAST({wide} AS DECIMAL(18,2))"
        return v, f"({raw} IS NOT NULL AND ({wide} IS NULL OR {wide} < 0 OR {wide} <> round({wide}, 2)))"
    if f.type in (FieldType.PROGRAM, FieldType.CODE, FieldType.BOOL):
        # the values present, each mapped once in Python: the SQL only looks the text up
        mapping = programs if f.type is FieldType.PROGRAM else code_maps[f.name]
        lookup: str | None
        if all(k == v for k, v in mapping.items()) and not code_maps.get("__unknown__" + f.name):
            v, lookup = raw, None  # every value is already a code
        else:
            cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in mapping.items())
            v = f"(CASE {raw} {cases} ELSE NULL END)" if mapping else "NULL::VARCHAR"
            lookup = f"({raw} IS NOT NULL AND {v} IS NULL)"
        if f.type is FieldType.BOOL:
            return f"({v} = 'yes')", lookup
        return v, lookup
    if f.name == "id_number":
        return f"upper({raw})", None
    return raw, None


def _code_map(f: Field) -> dict[str, str]:
    codes = (
        f.codes if f.type is FieldType.CODE else (("yes", ("是", "true", "1", "y")), ("no", ("否", "false", "0", "n")))
    )
    out: dict[str, str] = {}
    for code, spellings in codes:
        for s in (code, *spellings):
            out[s.lower().replace(" ", "")] = code
    return out


def _present(con: duckdb.DuckDBPyConnection, raw: str, col: str, typ: str) -> list[str]:
    return [t for (t,) in con.execute(f"SELECT DISTINCT {_text_expr(col, typ)} FROM {raw}").fetchall() if t is not None]


def _program_map(con: duckdb.DuckDBPyConnection, raw: str, col: str, typ: str) -> tuple[dict[str, str], bool]:
    """The texts present, resolved with the catalogue's lookup; and whether some are unknown."""
    cat = catalogue()
    out: dict[str, str] = {}
    unknown = False
    for text in _present(con, raw, col, typ):
        try:
            out[text] = cat.lookup(text).code
        except UnknownCodeError:
            unknown = True
    return out, unknown


def _value_map(con: duckdb.DuckDBPyConnection, raw: str, col: str, typ: str, f: Field) -> tuple[dict[str, str], bool]:
    spellings = _code_map(f)
    out: dict[str, str] = {}
    unknown = False
    for text in _present(con, raw, col, typ):
        code = spellings.get(text.lower().replace(" ", ""))
        if code is None:
            unknown = True
        else:
            out[text] = code
    return out, unknown


def load(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path | str, workdir: Path | None = None) -> Loaded:
    """Load one input as table ``kind_name`` (``ledger``, ``deaths`` …) with typed columns.

    Raises:
        InputError: the file cannot be read at all (missing, not a table, a required column missing).
    """
    kind = KINDS[kind_name]
    p = Path(path)
    table = kind_name.replace("-", "_")
    raw = f"raw_{table}"
    wd = workdir or Path(tempfile.mkdtemp(prefix="audit-"))
    _raw(con, kind, p, raw, wd)
    described = con.execute(f"DESCRIBE {raw}").fetchall()
    types = {row[0]: str(row[1]) for row in described}
    if p.suffix.lower() in (".parquet", ".pq"):
        types = {k: _UNTRIMMED if v == "VARCHAR" else v for k, v in types.items()}
    columns = [c for c in types if c != "__line"]
    header = _header_map(kind, columns, str(p))
    programs: dict[str, str] = {}
    code_maps: dict[str, dict[str, str]] = {}
    for f in kind.fields:
        if f.name not in header or f.type not in (FieldType.PROGRAM, FieldType.CODE, FieldType.BOOL):
            continue
        source = header[f.name]
        if f.type is FieldType.PROGRAM:
            programs, unknown = _program_map(con, raw, source, types[source])
        else:
            code_maps[f.name], unknown = _value_map(con, raw, source, types[source], f)
        if unknown:
            code_maps["__unknown__" + f.name] = {"": ""}
    selects: list[str] = []
    typed: list[str] = []
    checks: list[tuple[Field, str, str]] = []  # (field, code, condition)
    facts = _facts(con, raw, kind, header, types)
    for f in kind.fields:
        col = header.get(f.name)
        value, bad = _typed(f, col, types.get(col or "", "VARCHAR"), programs, code_maps)
        selects.append(f"{value} AS {_q(f.name)}")
        typed.append(f"{_kept_value(f, col, types.get(col or '', 'VARCHAR'), value, facts)} AS {_q(f.name)}")
        if col is not None:
            selects.append(f"{_text_expr(col, types[col])} AS {_q('__raw_' + f.name)}")
        if bad is not None:
            code = {
                FieldType.DATE: "audit-bad-date",
                FieldType.MONTH: "audit-bad-month",
                FieldType.AMOUNT: "audit-bad-amount",
                FieldType.PROGRAM: "audit-unknown-program",
            }.get(f.type, "audit-bad-code")
            checks.append((f, code, bad))
        if f.required and col is not None:
            checks.append((f, "audit-missing-value", f"({_text_expr(col, types[col])} IS NULL)"))
    dup_ids: list[str] = []
    if kind_name == "ledger":
        pid = _text_expr(header["payment_id"], types[header["payment_id"]])
        # Grouping 64-bit hashes is much cheaper than grouping the texts; the ids whose hash repeats
        # (the duplicates, and any hash collision) are then checked exactly.
        clash = f"SELECT hash({pid}) FROM {raw} WHERE {pid} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
        if con.execute(f"SELECT count(*) FROM ({clash})").fetchall()[0][0]:
            dup_ids = [
                r[0]
                for r in con.execute(
                    f"SELECT {pid} FROM {raw} WHERE hash({pid}) IN ({clash}) GROUP BY 1 HAVING count(*) > 1"
                ).fetchall()
            ]
    flag_cols = [f"{cond} AS __bad{i}" for i, (_, _, cond) in enumerate(checks)]
    dup_flag = "FALSE"
    if dup_ids:
        con.register("__dup_ids", pa.table({"pid": pa.array(dup_ids, pa.string())}))
        pid = _text_expr(header["payment_id"], types[header["payment_id"]])
        dup_flag = f"({pid} IN (SELECT pid FROM __dup_ids) AND __line > min(__line) OVER (PARTITION BY {pid}))"
    flag_cols.append(f"{dup_flag} AS __dup")
    any_bad = " OR ".join([*(f"coalesce(__bad{i}, FALSE)" for i in range(len(checks))), "__dup"])
    keep = ", ".join(_q(f.name) for f in kind.fields)
    if kind_name == "ledger":
        keep = keep.replace(
            '"period"',
            'coalesce("period", CAST(year(coalesce(applied_on, paid_on)) * 12'
            ' + month(coalesce(applied_on, paid_on)) - 1 AS INTEGER)) AS "period"',
        )
    # One pass over the input finds the rejected rows (usually few) and keeps them with their raw text;
    # the table the detectors read is a view: typed columns over the input, minus the rejected lines,
    # so a detector scans only the columns it uses and the ledger is never copied.
    con.execute(
        f"CREATE TABLE {table}_rejected AS SELECT * FROM (SELECT *, ({any_bad}) AS __rejected FROM "
        f"(SELECT {', '.join(selects)}, __line, {', '.join(flag_cols)} FROM {raw})) WHERE __rejected"
    )
    rejected = _count(con, f"SELECT count(*) FROM {table}_rejected")
    rows_read = _count(con, f"SELECT count(*) FROM {raw}")
    rows_kept = rows_read - rejected
    minus = f" WHERE __line NOT IN (SELECT __line FROM {table}_rejected)" if rejected else ""
    con.execute(
        f"CREATE VIEW {table} AS SELECT {keep}, __line FROM (SELECT {', '.join(typed)}, __line FROM {raw}{minus})"
    )
    problems = _row_problems(con, table, kind, header, checks, str(p))
    return Loaded(kind_name, str(p), table, rows_read, rows_kept, problems)


def _plain_month(raw: str) -> str:
    return (
        f"(length({raw}) = 7 AND substr({raw}, 5, 1) = '-'"
        f" AND TRY_CAST(substr({raw}, 6, 2) AS INTEGER) BETWEEN 1 AND 12"
        f" AND TRY_CAST(substr({raw}, 1, 4) AS INTEGER) >= 1000)"
    )


def _facts(
    con: duckdb.DuckDBPyConnection, raw: str, kind: Kind, header: dict[str, str], types: dict[str, str]
) -> set[str]:
    """What one scan proves of a typed (Parquet) file's text columns, so the kept rows need fewer per-row steps.

    ``upper:F`` — every value of ID column F is already upper case; ``plain:F`` — every value of month
    column F is a plain ``YYYY-MM``. (CSV and XLSX text is trimmed first, so it always takes the full path.)
    """
    probes: list[tuple[str, str]] = []
    for f in kind.fields:
        col = header.get(f.name)
        if col is None or types[col] != _UNTRIMMED:
            continue
        raw_text = _text_expr(col, types[col])
        if f.name == "id_number":
            probes.append((f"upper:{f.name}", f"coalesce(bool_and({raw_text} = upper({raw_text})), TRUE)"))
        elif f.type is FieldType.MONTH:
            probes.append((f"plain:{f.name}", f"coalesce(bool_and({_plain_month(raw_text)}), TRUE)"))
    if not probes:
        return set()
    row = con.execute(f"SELECT {', '.join(e for _, e in probes)} FROM {raw}").fetchall()[0]
    return {name for (name, _), ok in zip(probes, row, strict=True) if ok}


def _kept_value(f: Field, col: str | None, typ: str, value: str, facts: set[str]) -> str:
    """The typed value of a kept row: ``value``, or a cheaper equal expression that the facts and the
    row checks allow (a kept row has every required field; a Parquet text column is taken as written)."""
    if col is None or typ != _UNTRIMMED:
        return value
    text = _q(col) if f.required else f"NULLIF({_q(col)}, '')"
    if f.name == "id_number":
        return text if f"upper:{f.name}" in facts else f"upper({text})"
    if f.type is FieldType.MONTH and f"plain:{f.name}" in facts:
        y, m = f"CAST(substr({text}, 1, 4) AS INTEGER)", f"CAST(substr({text}, 6, 2) AS INTEGER)"
        return f"CAST({y} * 12 + {m} - 1 AS INTEGER)"
    if f.required and (f.type is FieldType.TEXT or value == _text_expr(col, typ)):
        return text  # a required text, or a code column whose values are all codes already
    return value


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchall()[0]
    return int(row[0]) if row else 0


def _row_problems(
    con: duckdb.DuckDBPyConnection,
    table: str,
    kind: Kind,
    header: dict[str, str],
    checks: list[tuple[Field, str, str]],
    path: str,
) -> tuple[Problem, ...]:
    flags = ", ".join(f"__bad{i}" for i in range(len(checks)))
    raws = ", ".join(_q("__raw_" + f.name) if f.name in header else "NULL" for f, _, _ in checks)
    sel = ", ".join(
        x for x in ("__line", "__dup", _q("__raw_payment_id") if "payment_id" in header else "NULL", flags, raws) if x
    )
    rows = con.execute(f"SELECT {sel} FROM {table}_rejected ORDER BY __line LIMIT {MAX_LISTED + 1}").fetchall()
    total = _count(con, f"SELECT count(*) FROM {table}_rejected")
    out: list[Problem] = []
    n = len(checks)
    for row in rows:
        line, dup, pid = row[0], row[1], row[2]
        bad, values = row[3 : 3 + n], row[3 + n : 3 + 2 * n]
        for (f, code, _), flag, value in zip(checks, bad, values, strict=True):
            if not flag:
                continue
            allowed = ""
            if f.type is FieldType.CODE:
                allowed = " / ".join(f"{c} {s[0]}" for c, s in f.codes)
            elif f.type is FieldType.BOOL:
                allowed = "是 / 否"
            out.append(
                Problem.make(
                    code,
                    place=Place(file=path, line=line, field=header.get(f.name, f.name_zh), record=pid),
                    value=value,
                    field=f.name,
                    field_zh=f.name_zh,
                    allowed=allowed,
                )
            )
        if dup:
            out.append(
                Problem.make(
                    "audit-duplicate-payment-id",
                    place=Place(file=path, line=line, field=header.get("payment_id"), record=pid),
                    value=pid,
                )
            )
    if total > MAX_LISTED:
        listed_lines = {p.place.line for p in out}
        out = [p for p in out if p.place.line in listed_lines]
        out = out[:MAX_LISTED]
        out.append(Problem.make("audit-more-rows-rejected", place=Place(file=path), count=total - MAX_LISTED))
    return tuple(out)

"""IDs that cannot be repaired (refused) and 15-digit IDs that can (upgraded), checked in SQL over an input.

Excel keeps 15 significant digits: an ID held as a number comes out in scientific notation
(``4.20103E+17``) or with its last three digits ``000``; neither can be repaired, so the input is
refused with the column, the rows and the fix. A valid 15-digit ID is upgraded to 18 and said.

References:
    Issue 15 ("Damaged data is refused, not audited"; "ID numbers, one normalisation").
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit.reading import ids
from subsidy_rules.issues.audit.reading.header import InputError
from subsidy_rules.issues.audit.reading.tables import RawInput
from subsidy_rules.issues.audit.schema import Kind
from subsidy_rules.programs.idcard import InvalidResidentIdError, parse_resident_id


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def refuse_damaged_ids(con: duckdb.DuckDBPyConnection, kind: Kind, ri: RawInput, path: str, norm: str) -> None:
    col = ri.headers["id_number"]
    rows = con.execute(
        f"SELECT __line, __sheet, {norm} FROM {ri.view} WHERE {ids.sql_scientific(norm)} ORDER BY __row LIMIT 6"
    ).fetchall()
    if rows:
        total = _count(con, f"SELECT count(*) FROM {ri.view} WHERE {ids.sql_scientific(norm)}")
        _id_refusal(kind, path, col, total, rows)
    # 18 digits kept as a number: Excel keeps 15 significant digits, the last three come out 000
    suspects = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {norm} FROM {ri.view} WHERE regexp_full_match({norm}, '[0-9]{{15}}000')"
        ).fetchall()
    ]
    bad = [s for s in suspects if not valid_id(s)]
    if len(bad) >= 3:
        distinct = _count(con, f"SELECT count(DISTINCT {norm}) FROM {ri.view}")
        if len(bad) * 5 >= distinct:
            con.register("__num_ids", pa.table({"n": pa.array(bad, pa.string())}))
            rows = con.execute(
                f"SELECT __line, __sheet, {norm} FROM {ri.view} WHERE {norm} IN (SELECT n FROM __num_ids) "
                "ORDER BY __row LIMIT 6"
            ).fetchall()
            total = _count(con, f"SELECT count(*) FROM {ri.view} WHERE {norm} IN (SELECT n FROM __num_ids)")
            con.unregister("__num_ids")
            _id_refusal(kind, path, col, total, rows)


def valid_id(number: str) -> bool:
    try:
        parse_resident_id(number)
    except InvalidResidentIdError:
        return False
    return True


def _id_refusal(kind: Kind, path: str, col: str, total: int, rows: list[tuple[Any, ...]]) -> None:
    lines = "、".join(str(r[0]) for r in rows[:5]) + ("等" if total > 5 else "")
    raise InputError(
        Problem.make(
            "audit-id-as-number",
            place=Place(file=path, sheet=rows[0][1], line=rows[0][0], field=col),
            value=rows[0][2],
            column=col,
            count=total,
            lines=lines,
            kind_zh=kind.name_zh,
            kind_en=kind.name_en,
        )
    )


def upgrades(con: duckdb.DuckDBPyConnection, ri: RawInput, norm: str, table: str) -> tuple[str, list[Problem]]:
    """The ID expression with 15-digit numbers upgraded, and one warning per upgraded number."""
    found = con.execute(
        f"SELECT {norm} AS n, min(__line), any_value(__sheet) FROM {ri.view} "
        f"WHERE length({norm}) = 15 AND regexp_full_match({norm}, '[0-9]{{15}}') GROUP BY 1 ORDER BY 2"
    ).fetchall()
    pairs = [(old, ids.upgrade_15(old), line, sheet) for old, line, sheet in found]
    pairs = [(o, n, ln, s) for o, n, ln, s in pairs if n is not None]
    if not pairs:
        return norm, []
    name = f"__id15_{table}"
    con.register(name, pa.table({"old": [p[0] for p in pairs], "new": [p[1] for p in pairs]}))
    upgraded = f"coalesce((SELECT new FROM {name} WHERE old = {norm}), {norm})"
    expr = f"(CASE WHEN length({norm}) = 15 THEN {upgraded} ELSE {norm} END)"
    problems = [
        Problem.make(
            "audit-id-upgraded",
            place=Place(file=None, sheet=s, line=ln, field=ri.headers["id_number"]),
            value=o,
            new=n,
        )
        for o, n, ln, s in pairs
    ]
    return expr, problems

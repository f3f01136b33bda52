"""Reversals (冲正): a negative amount nets against the payment it reverses.

The payment reversed is the one its 原流水号 names, else the payment of the same person, program and
period with the same amount (the latest), else the latest payment of that person, program and period.
A fully reversed payment leaves the ledger; a partly reversed one keeps its net amount; a reversal that
finds no payment is a row problem.

References:
    Issue 15 ("Reversals (冲正)": a reversed duplicate is no longer a lead; reversals in the evidence).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import attrs
import duckdb
import pyarrow as pa

from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit.reading.tables import RawInput


@attrs.frozen
class Reversal:
    """A reversal (冲正) row and the payment it nets against."""

    payment_id: str | None  #: the reversal's own 流水号
    line: int
    reverses: str | None  #: the payment reversed (None: none found)
    amount: Decimal  #: the reversal's amount (negative)
    net: Decimal | None  #: the reversed payment's amount after netting


def net_reversals(
    con: duckdb.DuckDBPyConnection, table: str, period: str, path: str, ri: RawInput
) -> tuple[list[Reversal], str, bool, list[Problem]]:
    """Net each reversal against its payment; returns (reversals, join clause, any row dropped, problems)."""
    rev = con.execute(
        f"SELECT __row, __line, payment_id, id_number, program, {period}, amount, reverses FROM {table}_typed "
        "WHERE amount < 0 ORDER BY __row"
    ).fetchall()
    if not rev:
        return [], "", False, []
    con.register(
        "__rev_keys",
        pa.table(
            {
                "k_id": pa.array([r[3] for r in rev], pa.string()),
                "k_prog": pa.array([r[4] for r in rev], pa.string()),
                "k_pm": pa.array([r[5] for r in rev], pa.int32()),
                "k_ref": pa.array([r[7] for r in rev], pa.string()),
            }
        ),
    )
    cands = con.execute(
        f"SELECT __row, payment_id, id_number, program, {period} AS pm, amount, paid_on FROM {table}_typed t "
        "WHERE amount >= 0 AND (payment_id IN (SELECT k_ref FROM __rev_keys) OR EXISTS (SELECT 1 FROM __rev_keys k "
        f"WHERE k.k_id = t.id_number AND k.k_prog = t.program AND k.k_pm = {period}))"
    ).fetchall()
    con.unregister("__rev_keys")
    by_pid = {c[1]: c for c in cands}
    by_key: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for c in cands:
        by_key[(c[2], c[3], c[4])].append(c)
    net: dict[int, Decimal] = {c[0]: Decimal(c[5]) for c in cands}
    out: list[Reversal] = []
    dropped: list[int] = []
    problems: list[Problem] = []
    for row, line, pid, idn, prog, pm, amount, ref in rev:
        target = by_pid.get(ref) if ref else None
        if target is None and not ref:
            group = [c for c in by_key.get((idn, prog, pm), []) if net[c[0]] > 0]
            same = [c for c in group if net[c[0]] == -amount]
            pool = same or group
            target = max(pool, key=lambda c: (c[6] is not None, c[6], c[0])) if pool else None
        dropped.append(row)
        if target is None:
            problems.append(
                Problem.make(
                    "audit-reversal-unmatched",
                    place=Place(file=path, line=line, field=ri.headers.get("amount"), record=pid),
                    value=amount,
                    ref=ref or "",
                )
            )
            out.append(Reversal(pid, line, None, Decimal(amount), None))
            continue
        net[target[0]] = max(net[target[0]] + Decimal(amount), Decimal("0.00"))
        out.append(Reversal(pid, line, target[1], Decimal(amount), net[target[0]]))
    adjusted = {r: v for r, v in net.items() if v != Decimal(next(c[5] for c in cands if c[0] == r))}
    dropped += [r for r, v in adjusted.items() if v == 0]
    con.register("__dropped_" + table, pa.table({"r": pa.array(dropped, pa.int64())}))
    con.register(
        "__net_" + table,
        pa.table(
            {
                "n_row": pa.array(list(adjusted), pa.int64()),
                "__net": pa.array([v for v in adjusted.values()], pa.decimal128(18, 2)),
            }
        ),
    )
    return out, f" LEFT JOIN __net_{table} ON __row = n_row", True, problems

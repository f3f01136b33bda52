"""Benchmark of the rectification ledger against bare SQLAlchemy, in one run.

(a) Import: 100,000 findings (as the audit writes them: two citations each)
    into an empty ledger with :meth:`Ledger.import_findings` — the existence
    check by finding_id, the item rows, one ``imported`` event per item, the
    import record, one transaction — against the baseline: a bare SQLAlchemy
    ``executemany`` of the same item rows (prebuilt, untimed) into the same
    table. Prints both times and the ratio (target ≤ 2). The strict JSON read
    of the same findings from ``findings.jsonl`` is timed and printed apart.
(b) List: a ledger of 10⁶ items (filled in SQL, untimed); then
    ``ledger list --unit U --status S`` in process (the CLI command, through
    click) and the bare query, with the database's plan printed (it must use
    ``ix_items_unit_status``). Target: well under a second.

Usage::

    python benchmarks/bench_ledger.py                     # SQLite, N = 100,000 and 10^6
    python benchmarks/bench_ledger.py --findings 20000 --items 100000
    python benchmarks/bench_ledger.py --db postgresql://user@host/db   # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert, select, text

from subsidy_rules.cli import cli
from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.io.json import to_json
from subsidy_rules.issues.model import Finding, finding_id
from subsidy_rules.rectification import Ledger
from subsidy_rules.rectification import schema as s
from subsidy_rules.rectification.importer import read_jsonl
from subsidy_rules.rectification.store import finding_values

CITES = (
    Citation(
        "seed-000",
        "武人社办函〔2022〕10号",
        "回头看实施方案",
        "武汉市人力资源和社会保障局办公室",
        None,
        "三（二）1",
        "超标准超范围发放",
        None,
        "000_6a8f6a9cdbfd8f54.txt",
        True,
    ),
    Citation(
        "seed-001",
        "江财〔2022〕10号",
        "江汉区实施方案",
        "江汉区财政局等",
        None,
        "三（一）2",
        None,
        None,
        "001_0960d050aec552ed.txt",
        True,
    ),
)


def findings(n: int) -> list[Finding]:
    out = []
    for i in range(n):
        id_number = f"4201031978{i:08d}"
        months = (Month(2025, 1 + i % 9),)
        out.append(
            Finding(
                finding_id=finding_id("duplicate-period", id_number, "flexible-employment-si-subsidy", months),
                detector="duplicate-period",
                issue="payment.excess.beyond-standard",
                program="flexible-employment-si-subsidy",
                unit=f"街道{i % 200:03d}",
                id_number=id_number,
                name=f"张{i}",
                months=months,
                amount_yuan=Decimal("466.67"),
                evidence=(f"JH{i:09d}", f"JH{i:09d}b"),
                explanation_zh=f"张{i}（{id_number}）的灵活就业社会保险补贴在{months[0]}重复发放，重复金额466.67元。",
                explanation_en=f"Zhang {i} was paid twice for {months[0]}.",
                citations=CITES,
            )
        )
    return out


def fresh(target: str | None, folder: Path, name: str) -> Ledger:
    if target is None:
        return Ledger.open(folder / f"{name}.db")
    lg = Ledger.open(target)
    with lg.transaction() as conn:
        for table in ("spot_check_units", "spot_checks", "attachments", "events", "items", "imports"):
            conn.execute(text(f"DELETE FROM {table}"))
    return lg


def bench_import(n: int, target: str | None, folder: Path) -> None:
    items = findings(n)
    path = folder / "findings.jsonl"
    path.write_text("".join(json.dumps(to_json(f), ensure_ascii=False) + "\n" for f in items), encoding="utf-8")
    t = time.perf_counter()
    read = read_jsonl(path)
    t_read = time.perf_counter() - t
    assert len(read.findings) == n

    now = datetime.now(UTC)
    rows = [
        {
            **finding_values(f),
            "finding_id": f.finding_id,
            "source": "audit",
            "status": "lead",
            "detected": True,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for f in items
    ]
    base = fresh(target, folder, "baseline")
    t = time.perf_counter()
    with base.engine.begin() as conn:
        conn.execute(insert(s.items), rows)
    t_base = time.perf_counter() - t
    base.close()

    lib = fresh(target, folder, "library")
    t = time.perf_counter()
    summary = lib.import_findings(read.findings, source=str(path), by="bench")
    t_lib = time.perf_counter() - t
    assert summary.added == n and lib.count() == n
    t = time.perf_counter()
    again = lib.import_findings(read.findings, source=str(path), by="bench")
    t_again = time.perf_counter() - t
    assert again.unchanged == n
    lib.close()
    print(f"import {n:,} findings ({lib.engine.dialect.name})")
    print(f"  baseline: bare executemany of the item rows      {t_base:8.2f} s")
    print(
        f"  library:  import_findings (items + events)       {t_lib:8.2f} s   ratio {t_lib / t_base:.2f} (target <= 2)"
    )
    print(f"  library:  the same findings again (idempotent)   {t_again:8.2f} s")
    print(f"  reading findings.jsonl through the JSON edge      {t_read:8.2f} s   (not in the ratio)")


def fill_items(lg: Ledger, n: int) -> None:
    statuses = (
        "CASE i % 6 WHEN 0 THEN 'lead' WHEN 1 THEN 'verified' WHEN 2 THEN 'excluded' "
        "WHEN 3 THEN 'rectifying' WHEN 4 THEN 'rectified' ELSE 'closed' END"
    )
    cols = (
        "finding_id, detector, issue, program, unit, id_number, name, months, amount_fen, evidence, "
        "explanation_zh, explanation_en, citations, source, status, detected, version, created_at, updated_at"
    )
    with lg.transaction() as conn:
        if conn.dialect.name == "sqlite":
            series = f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {n - 1}) "
            source = "FROM n"
            cat = "'f-' || i"
            unit = "'街道' || (i % 1000)"
        else:
            series = ""
            source = f"FROM generate_series(0, {n - 1}) AS i"
            cat = "'f-' || i::text"
            unit = "'街道' || (i % 1000)::text"
        conn.execute(
            text(
                f"{series}INSERT INTO items ({cols}) SELECT {cat}, 'duplicate-period', "
                f"'payment.excess.beyond-standard', "
                f"'flexible-employment-si-subsidy', {unit}, '420103197802071017', '张三', '2025-03', 46667, '[]', "
                f"'说明', 'note', '[]', 'audit', {statuses}, TRUE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP {source}"
            )
        )
        conn.execute(text("ANALYZE"))


def bench_list(n: int, target: str | None, folder: Path) -> None:
    lg = fresh(target, folder, "million")
    t = time.perf_counter()
    fill_items(lg, n)
    print(f"list on {n:,} items ({lg.engine.dialect.name}; filled in {time.perf_counter() - t:.1f} s, untimed)")
    query = select(s.items).where(s.items.c.unit == "街道7", s.items.c.status == "rectifying")
    with lg.engine.connect() as conn:
        compiled = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        plan = [" ".join(str(c) for c in r) for r in conn.execute(text(explain + compiled))]
        t = time.perf_counter()
        rows = conn.execute(query).all()
        t_bare = time.perf_counter() - t
    print("  plan: " + "\n        ".join(plan))
    assert any("ix_items_unit_status" in p for p in plan), "the list does not use the (unit, status) index"
    db = str(folder / "million.db") if target is None else target
    t = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["ledger", "list", "--db", db, "--unit", "街道7", "--status", "rectifying", "--format", "json"]
    )
    t_cli = time.perf_counter() - t
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["count"] == len(rows)
    print(f"  bare query: {len(rows)} rows in {t_bare * 1000:.1f} ms")
    print(f"  ledger list --unit 街道7 --status rectifying (in process, JSON): {t_cli * 1000:.0f} ms (target < 1000)")
    lg.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="an empty PostgreSQL database (default: SQLite files in a temp folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        folder = Path(tmp)
        bench_import(args.findings, args.db, folder)
        bench_list(args.items, args.db, folder)


if __name__ == "__main__":
    main()

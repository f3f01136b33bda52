"""Benchmark of the ledger audit against hand-written DuckDB SQL, in one run.

Generates (with DuckDB) a Parquet ledger of N payments for N/10 persons over
60 months, with 1 % of persons dead part-way, duplicated months and shared
accounts planted, then times:

(a) the baseline: hand-written DuckDB SQL of the four checks
    ``duplicate-period``, ``paid-after-death``, ``person-many-accounts``,
    ``account-many-persons`` over the same Parquet files, fetching the same
    evidence rows into Arrow;
(b) the library: ``audit(..., only=[those four])`` — reading and checking
    every row (types, catalogue lookup, duplicate ids), the Ibis detectors on
    DuckDB, and the grouping of evidence rows into typed findings;
(c) (b) again in a child process with ``memory_limit="1GB"``: its peak RSS;
(d) the set-based entitlement checks (``above-standard``, ``short-payment``,
    ``no-flexible-contribution``) on the flexible-subsidy payments with their
    contributions: person-months per second;
(e) with ``--all``, the whole detector suite with every roster, under a 4 GB
    memory limit: time and peak RSS.

It prints the times and the ratio b/a (target ≤ 1.2), the peak RSS (target
< 1.5 GB under a 1 GB limit) and the entitlement rate (target ≥ 10⁶/s).

Usage::

    python benchmarks/bench_audit.py                  # N = 10^7 (slow: minutes)
    python benchmarks/bench_audit.py --payments 1000000
    AUDIT_BENCH_N=200000 python benchmarks/bench_audit.py --all
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

FOUR = ["duplicate-period", "paid-after-death", "person-many-accounts", "account-many-persons"]
AS_OF = date(2025, 12, 31)


def generate(folder: Path, n: int) -> dict[str, Path]:
    """Ledger, deaths, contributions, difficulty, approvals, persons as Parquet."""
    persons = max(n // 10, 10)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    ledger = folder / "ledger.parquet"
    # id: region 420103, a birth date and a sequence unique per person (check digit not computed: not needed here)
    con.execute(
        f"""
        COPY (
          SELECT
            'P' || lpad(CAST(i AS VARCHAR), 10, '0') AS payment_id,
            '区' || CAST(p % 13 AS VARCHAR) AS unit,
            'flexible-employment-si-subsidy' AS program,
            '420103' || strftime(DATE '1960-01-01' + CAST((p // 1000) % 14600 AS INTEGER), '%Y%m%d')
              || lpad(CAST(p % 1000 AS VARCHAR), 3, '0') || 'X' AS id_number,
            '某' || CAST(p AS VARCHAR) AS name,
            strftime(DATE '2021-01-01' + INTERVAL (CAST(m AS INTEGER)) MONTH, '%Y-%m') AS period,
            CAST(466.67 AS DECIMAL(18,2)) AS amount,
            DATE '2021-01-20' + INTERVAL (CAST(m AS INTEGER)) MONTH AS paid_on,
            'one-card' AS channel,
            CASE WHEN p % 997 = 0 THEN 'SHARED' || CAST(p % 5 AS VARCHAR)
                 WHEN p % 991 = 0 AND m % 2 = 0 THEN 'ALT' || CAST(p AS VARCHAR)
                 ELSE 'ACC' || CAST(p AS VARCHAR) END AS account
          FROM (
            SELECT i, i % {persons} AS p, (i // {persons}) % 60 AS m
            FROM range({n}) t(i)
            UNION ALL
            SELECT {n} + i, (i * 7919) % {persons}, ((i * 7919) // {persons}) % 60 FROM range({max(n // 200, 1)}) t(i)
          )
        ) TO '{ledger}' (FORMAT parquet)
        """
    )
    deaths = folder / "deaths.parquet"
    con.execute(
        f"""
        COPY (
          SELECT DISTINCT id_number, DATE '2023-06-15' AS died_on
          FROM read_parquet('{ledger}') WHERE hash(id_number) % 100 = 0
        ) TO '{deaths}' (FORMAT parquet)
        """
    )
    contributions = folder / "contributions.parquet"
    con.execute(
        f"""
        COPY (
          SELECT id_number, period AS month, ins AS insurance, 'flexible-worker' AS payer,
                 CASE WHEN ins = 'pension' THEN 500.00 ELSE 200.00 END AS amount,
                 paid_on - INTERVAL 10 DAY AS paid_on, '否' AS refunded
          FROM read_parquet('{ledger}'), (VALUES ('pension'), ('medical')) v(ins)
          WHERE hash(payment_id) % 50 <> 0
        ) TO '{contributions}' (FORMAT parquet)
        """
    )
    persons_file = folder / "persons.parquet"
    con.execute(
        f"COPY (SELECT DISTINCT id_number, 'male' AS retirement_group FROM read_parquet('{ledger}')) "
        f"TO '{persons_file}' (FORMAT parquet)"
    )
    difficulty = folder / "difficulty.parquet"
    con.execute(
        f"COPY (SELECT DISTINCT id_number, 'long-term-unemployed' AS category, DATE '2020-06-01' AS identified_on, "
        f"NULL::DATE AS ended_on FROM read_parquet('{ledger}')) TO '{difficulty}' (FORMAT parquet)"
    )
    approvals = folder / "approvals.parquet"
    con.execute(
        f"COPY (SELECT DISTINCT id_number, 'flexible-employment-si-subsidy' AS program, "
        f"DATE '2020-12-10' AS first_approval FROM read_parquet('{ledger}')) TO '{approvals}' (FORMAT parquet)"
    )
    con.close()
    return {
        "ledger": ledger,
        "deaths": deaths,
        "contributions": contributions,
        "persons": persons_file,
        "difficulty": difficulty,
        "approvals": approvals,
    }


BASELINE = {
    "duplicate-period": """
        WITH d AS (SELECT id_number, program, period FROM L GROUP BY ALL HAVING count(*) > 1)
        SELECT L.payment_id, L.id_number, L.period, L.amount,
               row_number() OVER (PARTITION BY L.id_number, L.program, L.period ORDER BY L.paid_on, L.payment_id) AS r
        FROM L JOIN d USING (id_number, program, period)""",
    "paid-after-death": """
        SELECT L.payment_id, L.id_number, L.period, L.amount, x.died_on
        FROM L JOIN (SELECT id_number, min(died_on) AS died_on FROM D GROUP BY 1) x USING (id_number)
        WHERE strptime(L.period, '%Y-%m') > date_trunc('month', x.died_on)""",
    "person-many-accounts": """
        SELECT L.payment_id, L.id_number, L.account, L.amount FROM L
        JOIN (SELECT id_number FROM L WHERE account IS NOT NULL GROUP BY 1 HAVING count(DISTINCT account) > 1) m
        USING (id_number) WHERE L.account IS NOT NULL""",
    "account-many-persons": """
        SELECT L.payment_id, L.id_number, L.account, L.amount FROM L
        JOIN (SELECT account FROM L WHERE account IS NOT NULL GROUP BY 1 HAVING count(DISTINCT id_number) > 1) m
        USING (account)""",
}


def baseline(files: dict[str, Path]) -> tuple[float, dict[str, int]]:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"CREATE VIEW L AS SELECT * FROM read_parquet('{files['ledger']}')")
    con.execute(f"CREATE VIEW D AS SELECT * FROM read_parquet('{files['deaths']}')")
    started = time.perf_counter()
    rows = {name: con.sql(sql).to_arrow_table().num_rows for name, sql in BASELINE.items()}
    return time.perf_counter() - started, rows


def library(
    files: dict[str, Path], only: list[str] | None, rosters: list[str], memory_limit: str | None
) -> dict[str, object]:
    from subsidy_rules.issues.audit import audit  # imported before the clock starts (about 1 s, once per process)

    started = time.perf_counter()
    result = audit(
        files["ledger"],
        {k: files[k] for k in rosters},
        as_of=AS_OF,
        only=only,
        memory_limit=memory_limit,
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "timings": dict(result.timings),
        "rows": {name: t.num_rows for name, t in result.evidence.items()},
        "findings": len(result.findings),
        "payments": result.payments,
    }


def peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    ``VmHWM`` of ``/proc/self/status``, not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts from
    the parent's high-water mark (kept across the fork and exec), so the parent's own peak — its
    baseline DuckDB run — would be reported as the child's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: list[str]) -> tuple[dict[str, object], float]:
    """Run ``library`` in a fresh process; its result and its peak RSS in MB."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    return doc["result"], doc["peak_mb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=int(os.environ.get("AUDIT_BENCH_N", 10_000_000)))
    parser.add_argument("--all", action="store_true", help="also run the whole suite with every roster")
    parser.add_argument("--data", type=Path, help="keep the generated Parquet files here and reuse them")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        folder, mode, limit = args.child
        files = {p.stem: p for p in Path(folder).glob("*.parquet")}
        if mode == "four":
            res = library(files, FOUR, ["deaths"], None if limit == "-" else limit)
        elif mode == "entitlement":
            res = library(
                files, ["above-standard", "short-payment", "no-flexible-contribution"], ["contributions"], None
            )
        else:
            res = library(files, None, [k for k in files if k != "ledger"], None if limit == "-" else limit)
        print(json.dumps({"result": res, "peak_mb": peak_rss_mb()}))
        return
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        folder = Path(tmp)
        if args.data is not None:
            folder = args.data / str(args.payments)
            folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if (folder / "approvals.parquet").exists():
            files = {p.stem: p for p in folder.glob("*.parquet")}
            print(f"reusing {args.payments:,} payments in {folder}")
        else:
            files = generate(folder, args.payments)
            print(f"generated {args.payments:,} payments (+0.5 % duplicates) in {time.perf_counter() - t:.1f} s")
        base_s, base_rows = baseline(files)
        print(f"(a) hand-written DuckDB SQL, 4 checks: {base_s:.2f} s  rows {base_rows}")
        lib, peak = child([str(folder), "four", "-"])
        print(
            f"(b) audit --only 4 detectors:          {lib['seconds']:.2f} s  rows {lib['rows']}"
            f"  timings {lib['timings']}"
        )
        print(
            f"    ratio b/a = {float(lib['seconds']) / base_s:.2f}  (detectors only: "
            f"{float(lib['timings']['detect']) / base_s:.2f}; their queries only: "
            f"{float(lib['timings']['detect_queries']) / base_s:.2f})  peak RSS {peak:.0f} MB"
        )  # type: ignore[index]
        lim, peak_lim = child([str(folder), "four", "1GB"])
        print(
            f"(c) the same with memory_limit=1GB:    {lim['seconds']:.2f} s  peak RSS {peak_lim:.0f} MB (target < 1536)"
        )
        ent, _ = child([str(folder), "entitlement", "-"])
        detect = float(ent["timings"]["detect"])  # type: ignore[index]
        queries = float(ent["timings"]["detect_queries"])  # type: ignore[index]
        rate = int(ent["payments"]) / detect if detect else float("inf")  # type: ignore[call-overload]
        set_rate = int(ent["payments"]) / queries if queries else float("inf")  # type: ignore[call-overload]
        print(
            f"(d) entitlement checks: {ent['payments']:,} person-months: set-based queries {queries:.2f} s = "
            f"{set_rate:,.0f} /s; with the typed findings {detect:.2f} s = {rate:,.0f} /s "
            f"(whole run with reading {ent['seconds']:.2f} s)"
        )
        if args.all:
            # a limit, always: without one DuckDB takes up to 80 % of the machine's memory
            full, peak_full = child([str(folder), "all", "4GB"])
            print(
                f"(e) whole suite, all rosters, memory_limit=4GB: {full['seconds']:.2f} s"
                f"  peak RSS {peak_full:.0f} MB  "
                f"findings {full['findings']:,}  timings {full['timings']}"
            )


if __name__ == "__main__":
    main()

"""Benchmark of reading a ledger: a 50 MB GBK CSV (the sample district plus ~50,000 payments with a long 备注).

Times, in one run, medians of ``--repeat``:

(a) bare baseline: transcode GBK to UTF-8 in Python, then DuckDB ``read_csv`` of every column as text
    into Arrow (what a script would write, with no checks);
(b) the library: ``load(con, "ledger", path)`` — find the table, map the headers, type and check every
    value, refuse what is damaged — then one scan of the typed ledger (count, sum of amounts, distinct
    IDs), so that a reader that defers its typing to a view pays for it here as well.

Prints b and a in seconds and the ratio b/a. Issue 15's target: reading stays within 1.3× of the
code before it (run this script with ``PYTHONPATH`` on the old source for the "before" figure; the
file written is the same for the same ``--payments``).

Usage::

    python benchmarks/bench_read.py                  # ~50,000 payments, ~50 MB
    python benchmarks/bench_read.py --payments 5000 --repeat 1
"""

from __future__ import annotations

import argparse
import codecs
import csv
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import duckdb

from subsidy_rules.issues.audit.inputs import load
from subsidy_rules.issues.audit.sample import build
from subsidy_rules.issues.audit.schema import LEDGER

REMARK = (
    "经办人员核对申请材料，人员身份信息与社保系统一致，"
    "补贴标准按灵活就业人员社会保险补贴政策执行，按月发放至社会保障卡。"
)


def write_ledger(path: Path, payments: int) -> None:
    rows, _ = build(300)
    base = rows["ledger"]
    fields = [f for f in LEDGER.fields if f.name != "reverses"]
    with path.open("w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.name_zh for f in fields] + ["备注"])
        n = 0
        while n < payments:
            for r in base:
                if n >= payments:
                    break
                row = dict(r)
                row["payment_id"] = f"JHB{n:08d}"
                w.writerow([("" if row.get(f.name) is None else str(row.get(f.name))) for f in fields] + [REMARK * 7])
                n += 1


def bare(path: Path, workdir: Path) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    target = workdir / "bare.utf8.csv"
    dec = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as src, target.open("w", encoding="utf-8") as dst:
        while chunk := src.read(1 << 20):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    con = duckdb.connect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = con.execute(
            "SELECT * FROM read_csv(?, header = true, all_varchar = true)", [str(target)]
        ).to_arrow_table()
    assert table is not None and table.num_rows > 0
    con.close()
    return time.perf_counter() - t, time.process_time() - c


def library(path: Path, workdir: Path) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    loaded = load(con, "ledger", path, workdir)
    con.execute("SELECT count(*), sum(amount), count(DISTINCT id_number) FROM ledger").fetchall()
    assert loaded.rows_kept > 0
    con.close()
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--payments", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
        d = Path(tmp)
        path = d / "ledger-gbk.csv"
        write_ledger(path, args.payments)
        print(f"ledger: {args.payments} payments, {path.stat().st_size / 1e6:.1f} MB GBK")
        bare_runs = [bare(path, d) for _ in range(args.repeat)]
        lib_runs = [library(path, d) for _ in range(args.repeat)]
        a, a_cpu = (statistics.median(x[i] for x in bare_runs) for i in (0, 1))
        b, b_cpu = (statistics.median(x[i] for x in lib_runs) for i in (0, 1))
        # CPU seconds (every thread of this process) move less than wall time on a shared machine
        print(f"(a) bare transcode + read_csv: {a:.3f} s wall, {a_cpu:.3f} s CPU")
        print(f"(b) library load + one scan:   {b:.3f} s wall, {b_cpu:.3f} s CPU")
        print(f"b/a = {b / a:.2f} wall, {b_cpu / a_cpu:.2f} CPU")


if __name__ == "__main__":
    main()

"""Benchmark of the forms engine against bare openpyxl.

Generates N filled ``wuhan-2022-problem-stats`` unit workbooks (41 rows × 13
columns, about a third of the cells filled) into a temporary directory, then
times, in one run:

(a) bare openpyxl: ``load_workbook(read_only=True)`` and every cell of every
    file, in this process (the baseline a script would write);
(b) the library: ``validate_files`` (safe opening, zip/XML checks, geometry
    scan, read, validate — each file in a worker process with time and memory
    limits, one worker per core) and ``aggregate`` of their results into one
    roll-up workbook, which is itself written and re-validated. Each file is
    read once, as ``forms aggregate`` does;
(b2) the two commands run one after the other (``forms validate`` then
    ``forms aggregate``), so every file is read twice.

It prints the times and the ratios b/a and b2/a (target: b/a ≤ 1.5).

Usage::

    python benchmarks/bench_forms.py            # 1,000 units
    python benchmarks/bench_forms.py --units 100
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import openpyxl

from subsidy_rules.forms import FormData, aggregate, aggregate_files, layout, render, validate_files

FORM = "wuhan-2022-problem-stats"


def _write_unit(args: tuple[str, int]) -> None:
    directory, index = args
    lay = layout(FORM)
    rng = random.Random(index)
    values: dict[str, dict[int, Decimal | None]] = {}
    for row in lay.rows.rows:
        cells: dict[int, Decimal | None] = {}
        for column in lay.columns:
            if rng.random() < 0.33:
                if column.number == 13:
                    cells[column.number] = Decimal(rng.randint(0, 20))
                else:
                    cells[column.number] = Decimal(rng.randint(0, 100_000)).scaleb(-2)
        values[row.key] = cells
    data = FormData.from_values(lay, values, unit=f"单位{index:04d}", with_totals=True)
    Path(directory, f"unit-{index:04d}.xlsx").write_bytes(render(lay, data))


def _bare_openpyxl(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="number of unit workbooks (default 1000)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    workers = args.workers or os.cpu_count() or 1
    lay = layout(FORM)
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_write_unit, [(tmp, i) for i in range(args.units)], chunksize=16)
        generated = time.perf_counter() - start
        paths = sorted(Path(tmp).glob("unit-*.xlsx"))
        size = sum(p.stat().st_size for p in paths)
        print(f"generated {len(paths)} unit workbooks ({size / 1e6:.1f} MB) in {generated:.1f} s")

        start = time.perf_counter()
        cells = _bare_openpyxl(paths)
        a = time.perf_counter() - start
        print(f"(a) bare openpyxl read_only, all cells, 1 process: {a:.2f} s ({cells} cells)")

        start = time.perf_counter()
        results = validate_files(lay, paths, workers=workers)
        agg = aggregate(lay, results, output=Path(tmp, "rollup.xlsx"))
        b = time.perf_counter() - start
        valid = sum(1 for r in results if r.report.valid)
        assert agg.rollup is not None and agg.output_report is not None and agg.output_report.valid
        print(
            f"(b) validate + aggregate (each file read once), {workers} worker(s): {b:.2f} s"
            f" — {valid}/{len(results)} valid, roll-up of {len(agg.rollup.units)} units validates"
        )

        start = time.perf_counter()
        validate_files(lay, paths, workers=workers)
        aggregate_files(lay, paths, output=Path(tmp, "rollup2.xlsx"), workers=workers)
        b2 = time.perf_counter() - start
        print(f"(b2) forms validate, then forms aggregate (each file read twice): {b2:.2f} s")

    print(f"ratio b/a = {b / a:.2f} (target <= 1.5); b2/a = {b2 / a:.2f}; units = {len(paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

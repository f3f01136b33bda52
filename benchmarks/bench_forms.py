"""Benchmark of the forms engine against bare python-calamine and bare openpyxl.

Generates N filled ``wuhan-2022-problem-stats`` unit workbooks (41 rows × 13
columns, about a third of the cells filled) into a temporary directory, then
times, in one run:

(a) bare openpyxl: ``load_workbook(read_only=True)`` and every cell of every
    file, in this process (the baseline a script would write);
(c) bare python-calamine: open each file and read every cell of every sheet
    (``to_python``), in this process;
(b) the library, one command: ``validate_files`` (content sniffing, zip and
    XML checks, the sheet's extent checked, then read by python-calamine — or
    by one expat pass when it holds error cells, uncalculated formulas or
    hidden rows —, locating the table, parsing every cell, check relations
    and totals — each file in a long-lived worker process that takes chunks
    of files and arms its time limit per file under a memory cap, one worker
    per core) and ``aggregate`` of
    their results into one roll-up workbook, which is itself rendered and
    re-validated. Each file is read once, as ``forms aggregate`` does;
(b2) the two commands one after the other (``forms validate`` then
    ``forms aggregate``), so every file is read twice.

Then it splits (b)'s work into its parts, in one process, to say where the
time goes. Targets (issue 10): b/c ≤ 3 and b2/a ≤ 1. Medians of ``--repeat``
runs are printed (the machine is shared).

Usage::

    python benchmarks/bench_forms.py            # 1,000 units
    python benchmarks/bench_forms.py --units 100 --repeat 1
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

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


def _bare_calamine(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
                cells += len(row)
        wb.close()
    return cells


def _parts(paths: list[Path]) -> dict[str, float]:
    """(b)'s per-file work in this process, split by stage (seconds for all files)."""
    from subsidy_rules.forms.reader import read_bytes
    from subsidy_rules.forms.validate import validate_data
    from subsidy_rules.workbooks.book import open_book
    from subsidy_rules.workbooks.safety import Limits

    lay = layout(FORM)
    limits = Limits()
    times = {"read file": 0.0, "zip + XML checks": 0.0, "sheet read (calamine|expat)": 0.0, "locate + cells": 0.0,
             "relations + totals": 0.0}  # fmt: skip
    for path in paths:
        t0 = time.perf_counter()
        raw = path.read_bytes()
        t1 = time.perf_counter()
        book = open_book(raw, limits)
        t2 = time.perf_counter()
        book.grid(lay.sheet)
        t3 = time.perf_counter()
        read = read_bytes(lay, raw, limits)
        t4 = time.perf_counter()
        assert read.data is not None
        validate_data(lay, read.data, read)
        t5 = time.perf_counter()
        times["read file"] += t1 - t0
        times["zip + XML checks"] += t2 - t1
        times["sheet read (calamine|expat)"] += t3 - t2
        # read_bytes repeats the checks and the parse: what it adds is locating the table and the cells.
        times["locate + cells"] += max(0.0, (t4 - t3) - (t3 - t1))
        times["relations + totals"] += t5 - t4
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="number of unit workbooks (default 1000)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians are printed")
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

        def timed(work: Any) -> float:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                work()
                runs.append(time.perf_counter() - start)
            return statistics.median(runs)

        a = timed(lambda: _bare_openpyxl(paths))
        print(f"(a) bare openpyxl read_only, all cells, 1 process: {a:.2f} s")
        c = timed(lambda: _bare_calamine(paths))
        print(f"(c) bare python-calamine, all cells, 1 process: {c:.2f} s")

        def one_command() -> None:
            results = validate_files(lay, paths, workers=workers)
            agg = aggregate(lay, results, output=Path(tmp, "rollup.xlsx"))
            assert agg.rollup is not None and agg.output_report is not None and agg.output_report.valid
            assert all(r.report.valid for r in results)

        b = timed(one_command)
        print(f"(b) validate + aggregate (each file read once), {workers} worker(s): {b:.2f} s")

        def two_commands() -> None:
            validate_files(lay, paths, workers=workers)
            aggregate_files(lay, paths, output=Path(tmp, "rollup2.xlsx"), workers=workers)

        b2 = timed(two_commands)
        print(f"(b2) forms validate, then forms aggregate (each file read twice): {b2:.2f} s")

        results = validate_files(lay, paths, workers=workers)
        start = time.perf_counter()
        aggregate(lay, results, output=Path(tmp, "rollup3.xlsx"))
        rolled = time.perf_counter() - start
        parts = _parts(paths)
        total = sum(parts.values())
        print(f"where (b)'s time goes — per-file work in one process ({total:.2f} s for {len(paths)} files):")
        for name, seconds in parts.items():
            print(f"    {name:<22} {seconds:6.2f} s  {seconds / total:5.1%}")
        print(f"    roll-up (sum, render, re-validate) once: {rolled:.2f} s;"
              f" the rest of (b) is worker start-up and sending results back")  # fmt: skip

    print(
        f"ratio b/c = {b / c:.2f} (target <= 3); b2/a = {b2 / a:.2f} (target <= 1); b/a = {b / a:.2f};"
        f" units = {len(paths)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

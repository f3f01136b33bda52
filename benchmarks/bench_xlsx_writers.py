"""Which xlsx writer for findings.xlsx: openpyxl write-only against XlsxWriter's constant-memory mode.

Both write the same rows, in order, the way findings.xlsx is written: one row per evidence payment,
13 finding columns (text as string cells, never formulas, control characters escaped through
:func:`~subsidy_rules.core.text.safe_cell_text`) and three evidence columns. The bare baseline is the
same rows written as CSV with the standard library (the least any writer can cost). Each writer runs
in a fresh process; the script prints seconds, the ratio to the baseline and the ratio between the
two writers, and each process's peak RSS.

Usage::

    python benchmarks/bench_xlsx_writers.py               # 300,000 rows
    python benchmarks/bench_xlsx_writers.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def rows(n: int) -> Iterator[list[Any]]:
    for i in range(n):
        yield [
            f"paid-after-death-{i:016x}",
            "死亡后仍发放",
            "已死亡人员领取补贴",
            "疑点",
            "灵活就业人员社会保险补贴",
            "=江汉区" if i % 7 == 0 else "江汉区\x01",
            f"42010319800101{i % 10000:04d}",
            "王伟",
            f"6222{i:012d}",
            "2023-07、2023-08、2023-09",
            466.67 * (i % 5),
            "王伟（420103198001010000）于2023-06-15死亡，其后仍发放灵活就业人员社会保险补贴2023-07至2024-06（12个月）共5,600.04元",
            "武人社办函〔2022〕10号",
            f"P{i:010d}",
            466.67,
            "",
        ]


def baseline(n: int, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for r in rows(n):
            w.writerow(r)


def with_openpyxl(n: int, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from subsidy_rules.core.text import safe_cell_text

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("疑点")
    for r in rows(n):
        cells: list[Any] = []
        for v in r:
            if isinstance(v, str):
                cell = WriteOnlyCell(ws, value=safe_cell_text(v))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
    wb.save(path)


def with_xlsxwriter(n: int, path: Path) -> None:
    import xlsxwriter

    from subsidy_rules.core.text import safe_cell_text

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("疑点")
    for i, r in enumerate(rows(n)):
        for j, v in enumerate(r):
            if isinstance(v, str):
                ws.write_string(i, j, safe_cell_text(v))
            else:
                ws.write_number(i, j, v)
    wb.close()


WRITERS = {"csv": baseline, "openpyxl": with_openpyxl, "xlsxwriter": with_xlsxwriter}


def _child(name: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{'csv' if name == 'csv' else 'xlsx'}"
        t = time.perf_counter()
        WRITERS[name](n, path)
        seconds = time.perf_counter() - t
        size = path.stat().st_size
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "bytes": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.rows)
        return
    got: dict[str, dict[str, float]] = {}
    for name in WRITERS:
        done = subprocess.run(
            [sys.executable, __file__, "--child", name, "--rows", str(args.rows)],
            capture_output=True,
            text=True,
            check=True,
        )
        got[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{name:<11} {got[name]['seconds']:7.2f} s  {got[name]['bytes'] / 1e6:7.1f} MB  peak RSS "
            f"{got[name]['peak_mb']:6.0f} MB  ratio to csv {got[name]['seconds'] / got['csv']['seconds']:.2f}"
        )
    print(
        f"{args.rows:,} rows x 16 columns: openpyxl / xlsxwriter = "
        f"{got['openpyxl']['seconds'] / got['xlsxwriter']['seconds']:.2f}"
    )


if __name__ == "__main__":
    main()

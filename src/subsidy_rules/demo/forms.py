"""Demo step: every template, three sample unit workbooks, their validation report and the roll-up.

Writes under ``out/forms/``: ``templates/<form id>.xlsx`` for the five
packaged forms; ``units/`` with three filled ``wuhan-2022-problem-stats``
workbooks — two valid, one with the typical mistakes of a district (an
amount typed as text with its unit, "3.5万元"; two rows swapped; a 合计 that
does not add up); ``validation-report.json``; and the roll-up of the valid
ones, ``rollup-wuhan-2022-problem-stats.xlsx``.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl

from subsidy_rules.forms import FORM_IDS, FormData, aggregate, layout, render, report_of, validate_files
from subsidy_rules.forms.geometry import Geometry
from subsidy_rules.serialization import SCHEMA_VERSION

FORM = "wuhan-2022-problem-stats"


def _sample(unit: str, seed: int) -> FormData:
    lay = layout(FORM)
    keys = [r.key for r in lay.rows.rows]
    values: dict[str, dict[int, Decimal | None]] = {}
    for i, key in enumerate(keys):
        if (i + seed) % 7 == 0:
            values[key] = {
                3: Decimal(seed * 3 + i).scaleb(-2),
                6: Decimal(i + 1).scaleb(-1),
                8: Decimal(seed + 1),
                13: Decimal(i % 3),
            }
    return FormData.from_values(lay, values, unit=unit, with_totals=True)


def _with_mistakes(raw: bytes) -> bytes:
    """A district's typical mistakes, made the way a person makes them: in the workbook itself."""
    lay = layout(FORM)
    geo = Geometry.of(lay)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb[lay.sheet]
    first = geo.data_cols[0]
    # An amount typed as text with its unit: the strict parser refuses "3.5万元".
    ws.cell(geo.data_start + 1, first + 2, "3.5万元")
    # Rows 5 and 6 (序号) swapped: each must be reported, never read as the other.
    a, b = geo.data_start + 4, geo.data_start + 5
    for col in range(1, geo.width + 1):
        upper, lower = ws.cell(a, col).value, ws.cell(b, col).value
        ws.cell(a, col).value = lower
        ws.cell(b, col).value = upper
    # A 合计 that does not add up.
    assert geo.totals_row is not None
    ws.cell(geo.totals_row, first + 5, 99.99)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run(out: Path) -> list[str]:
    base = out / "forms"
    templates, units = base / "templates", base / "units"
    templates.mkdir(parents=True, exist_ok=True)
    units.mkdir(parents=True, exist_ok=True)
    for form_id in FORM_IDS:
        (templates / f"{form_id}.xlsx").write_bytes(render(layout(form_id)))
    lay = layout(FORM)
    paths = []
    for name, seed in (("江岸区", 1), ("江汉区", 2)):
        path = units / f"{name}.xlsx"
        path.write_bytes(render(lay, _sample(name, seed)))
        paths.append(path)
    faulty = units / "硚口区.xlsx"
    faulty.write_bytes(_with_mistakes(render(lay, _sample("硚口区", 3))))
    paths.append(faulty)

    results = validate_files(lay, paths)
    report = report_of(results)
    doc = {"schema_version": SCHEMA_VERSION, **report.to_json()}
    (base / "validation-report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    agg = aggregate(lay, results, unit="武汉市（示例）", output=base / f"rollup-{FORM}.xlsx")

    lines = [f"wrote {len(FORM_IDS)} templates to {templates}"]
    for file_report in report.files:
        codes = sorted({p.code.value for p in file_report.errors})
        state = "valid" if file_report.valid else "INVALID: " + ", ".join(codes)
        lines.append(f"  {Path(file_report.path).name}: {state}")
    assert agg.rollup is not None and agg.output_report is not None
    lines.append(
        f"roll-up of {len(agg.rollup.units)} valid unit(s) -> {base / f'rollup-{FORM}.xlsx'}"
        f" (validates: {'yes' if agg.output_report.valid else 'no'}; left out: {len(agg.excluded)})"
    )
    lines.append(f"validation report -> {base / 'validation-report.json'}")
    return lines

"""Fill the campaigns' forms from the ledger's **verified** items (no longer leads).

* ``wuhan-2022-problem-stats`` (seed 000 附件2): problem amounts by program ×
  problem column, through the audit's filler
  (:func:`subsidy_rules.forms.fill.form_data`: the taxonomy's crosswalk,
  money per payment counted once, 万元 ROUND_HALF_UP);
* ``chongqing-2023-problem-list`` (seed 002 附件): one line per item with its
  type, description, persons, amount, measure, deadline, owner and status
  (整改状态: 未整改 / 整改中 / 已整改);
* ``wuhan-2022-summary`` (seed 000 附件3): the accountability columns the
  ledger records — 追缴收回资金金额 (13: money recovered) and 返还发放资金金额
  (14: money paid back to people short-paid, problem type ``payment.short``),
  one line per unit, in 万元.

"Verified" means checked and confirmed: 已核实, 整改中, 已整改, 已销号.
Text typed by people (measures, owners) is kept as typed, control characters
escaped (:func:`~subsidy_rules.core.text.safe_cell_text`); the forms' writer
stores every text cell as a string, so a value starting with ``=``, ``+``,
``-`` or ``@`` is never a formula. ID numbers and
names inside descriptions are masked unless ``unmasked``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import attrs

from subsidy_rules.core.text import safe_cell_text
from subsidy_rules.forms.data import CellValue, FormData
from subsidy_rules.forms.fill import form_data
from subsidy_rules.forms.loader import layout
from subsidy_rules.forms.template import write_filled
from subsidy_rules.rectification.masking import mask_text
from subsidy_rules.rectification.model import Item
from subsidy_rules.rectification.store import Ledger

VERIFIED = ("verified", "rectifying", "rectified", "closed")
LEDGER_FORMS = ("wuhan-2022-problem-stats", "chongqing-2023-problem-list", "wuhan-2022-summary")
MARK = "（据整改台账已核实问题生成）"
FILLED_BY = "subsidy-rules 整改台账（已核实问题）"
#: 整改状态 of the Chongqing list, from the ledger's state
LIST_STATUS = {"verified": "未整改", "rectifying": "整改中", "rectified": "已整改", "closed": "已整改"}


def verified_items(ledger: Ledger, unit: str | None = None) -> list[Item]:
    """The items checked and confirmed as problems (optionally of one unit)."""
    out: list[Item] = []
    for status in VERIFIED:
        out.extend(ledger.items(status=status, unit=unit))
    return sorted(out, key=lambda i: (i.unit, i.finding_id))


def _wan(yuan: Decimal, decimals: int) -> Decimal:
    return (yuan / Decimal(10000)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def problem_stats(items: Sequence[Item], unit: str) -> FormData:
    data = form_data("wuhan-2022-problem-stats", [i.finding() for i in items], unit)
    return attrs.evolve(data, unit=unit + MARK, fields={k: FILLED_BY for k in data.fields})


def problem_list(items: Sequence[Item], unit: str, *, unmasked: bool = False) -> FormData:
    lay = layout("chongqing-2023-problem-list")
    values: dict[str, dict[int, CellValue | None]] = {}
    for n, item in enumerate(items, start=1):
        text = item.explanation_zh if unmasked else mask_text(item.explanation_zh, item.name)
        values[str(n)] = {
            1: Decimal(n),
            2: item.issue,
            3: safe_cell_text(text),
            4: Decimal(1 if item.id_number else 0),
            5: item.amount_yuan.quantize(Decimal("0.01")),
            6: safe_cell_text(item.measure) if item.measure else None,
            7: item.deadline,
            8: safe_cell_text(item.owner) if item.owner else None,
            9: LIST_STATUS[item.status],
        }
    return attrs.evolve(FormData.from_values(lay, values, unit=unit + MARK), fields={})


def summary(items: Sequence[Item], unit: str) -> FormData:
    lay = layout("wuhan-2022-summary")
    recovered: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for item in items:
        if item.status in ("rectified", "closed") and item.recovered_yuan is not None:
            column = 14 if item.issue == "payment.short" or item.issue.startswith("payment.short.") else 13
            recovered[item.unit][column] += item.recovered_yuan
    values: dict[str, dict[int, CellValue | None]] = {}
    for n, (_unit, cols) in enumerate(sorted(recovered.items()), start=1):
        values[str(n)] = {c: _wan(v, lay.column(c).decimals) for c, v in cols.items()}
    return attrs.evolve(FormData.from_values(lay, values, unit=unit + MARK, with_totals=True), fields={})


def fill_from_ledger(
    ledger: Ledger,
    directory: Path | str,
    unit: str,
    *,
    forms: Sequence[str] = LEDGER_FORMS,
    only_unit: str | None = None,
    unmasked: bool = False,
) -> dict[str, Path]:
    """Write each form filled from the verified items into ``directory``; form id -> path."""
    items = verified_items(ledger, only_unit)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for form_id in forms:
        if form_id == "wuhan-2022-problem-stats":
            data = problem_stats(items, unit)
        elif form_id == "chongqing-2023-problem-list":
            data = problem_list(items, unit, unmasked=unmasked)
        elif form_id == "wuhan-2022-summary":
            data = summary(items, unit)
        else:
            raise KeyError(f"the ledger does not fill {form_id} (it fills {', '.join(LEDGER_FORMS)})")
        paths[form_id] = write_filled(layout(form_id), data, out / f"{form_id}.xlsx")
    return paths

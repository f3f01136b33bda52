"""``ledger export``: the whole ledger as JSON lines (items with their history; import reads them back)
or as a workbook for people. ID numbers and names are masked unless ``unmasked`` — and a masked
export cannot be imported (the importer refuses it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import attrs

from subsidy_rules.io.json import to_json
from subsidy_rules.rectification.masking import mask_id, mask_name, mask_text
from subsidy_rules.rectification.model import ExportedItem, Item
from subsidy_rules.rectification.states import state_machine
from subsidy_rules.rectification.store import Ledger
from subsidy_rules.rectification.xlsx import Value, write_book


def masked_item(item: Item) -> Item:
    return attrs.evolve(
        item,
        id_number=mask_id(item.id_number),
        name=mask_name(item.name),
        explanation_zh=mask_text(item.explanation_zh, item.name),
        explanation_en=mask_text(item.explanation_en, item.name),
    )


def exported(ledger: Ledger, *, unmasked: bool = False) -> Iterator[ExportedItem]:
    for e in ledger.export():
        yield e if unmasked else attrs.evolve(e, item=masked_item(e.item))


def export_jsonl_lines(ledger: Ledger, *, unmasked: bool = False) -> Iterator[str]:
    """One JSON object per item (``{"item": …, "history": […]}``), by finding id."""
    for e in exported(ledger, unmasked=unmasked):
        yield json.dumps(to_json(e), ensure_ascii=False)


ITEM_HEADERS = (
    "问题编号",
    "状态",
    "单位",
    "项目",
    "问题类型",
    "核查规则",
    "身份证号",
    "姓名",
    "涉及金额（元）",
    "问题描述",
    "责任人",
    "整改措施",
    "整改时限",
    "整改情况",
    "追回金额（元）",
    "复查仍发现",
    "版本",
)
EVENT_HEADERS = ("问题编号", "序号", "时间（UTC）", "办理人", "事项", "原状态", "新状态", "说明", "变更", "附件")


def write_export_xlsx(ledger: Ledger, path: Path | str, *, unmasked: bool = False) -> Path:
    """The ledger for people: 整改台账 (one row per item) and 处理记录 (every event)."""
    sm = state_machine()
    items: list[list[Value]] = []
    events: list[list[Value]] = []
    for e in exported(ledger, unmasked=unmasked):
        i = e.item
        items.append(
            [
                i.finding_id,
                sm.name_zh(i.status),
                i.unit,
                i.program,
                i.issue,
                i.detector,
                i.id_number,
                i.name,
                i.amount_yuan,
                i.explanation_zh,
                i.owner,
                i.measure,
                i.deadline,
                i.done,
                i.recovered_yuan,
                i.detected,
                i.version,
            ]
        )
        for ev in e.history:
            events.append(
                [
                    i.finding_id,
                    ev.seq,
                    ev.at,
                    ev.by,
                    ev.kind.name_zh,
                    sm.name_zh(ev.from_status) if ev.from_status else None,
                    sm.name_zh(ev.to_status) if ev.to_status else None,
                    ev.note,
                    "；".join(f"{k}={v}" for k, v in sorted(ev.changes.items())) or None,
                    "；".join(f"{a.file_name} sha256:{a.sha256}" for a in ev.attachments) or None,
                ]
            )
    title = "整改台账" + ("" if unmasked else "（身份证号、姓名已脱敏）")
    return write_book(path, [("整改台账", title, ITEM_HEADERS, items), ("处理记录", title, EVENT_HEADERS, events)])

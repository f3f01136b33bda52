"""A sample district ledger with rosters and planted problems of every kind (for the demo and tests).

``generate(directory)`` writes ``ledger`` and every roster as CSV with
Chinese headers (or English, XLSX, Parquet) and returns the paths and the
planted leads: ``PLANTED[detector]`` is the ID number of the person whose
payments carry that problem; every other person is clean.

The sample year is 2025 (its National Day holiday and make-up working days
exercise the late-payment check): monthly flexible-employment social-insurance
subsidy for 2025-01..2025-09, 466.67 元 a month (2/3 of 500 + 200 元 of
pension and medical contributions paid as a flexible worker).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from subsidy_rules.issues.audit.schema import KINDS
from subsidy_rules.programs.idcard import make_resident_id

FLEX = "flexible-employment-si-subsidy"
MONTHLY = Decimal("466.67")
MONTHS = tuple(range(1, 10))

#: detector -> the (0-based) planted person number
PLANT_INDEX = {
    "duplicate-period": 1,
    "paid-after-death": 2,
    "paid-after-pension": 3,
    "paid-past-retirement": 4,
    "paid-while-employed": 5,
    "beyond-max-period": 6,
    "above-standard": 7,
    "short-payment": 8,
    "no-flexible-contribution": 9,
    "not-difficulty-person": 10,
    "not-one-card": 11,
    "person-many-accounts": 12,
    "account-many-persons": 13,
    "late-payment": 15,
    "invalid-id": 17,
    "accept-and-approve": 18,
    "staff-beneficiary": 19,
    "public-payroll": 20,
    "date-order": 21,
}


#: more planted problems on the disabled-persons programs (seed 003's form rows): detector -> person number
PLANT_EXTRA = {"not-one-card": 22, "duplicate-period": 23}


def person_id(i: int) -> str:
    if i == PLANT_INDEX["paid-past-retirement"]:
        return make_resident_id("420103", date(1965, 4, 9), 11)  # a man: retires at 60 and 1 month, 2025-05
    born = date(1978, 1, 1) + timedelta(days=37 * i)
    number = make_resident_id("420103", born, 100 + i % 800)
    if i == PLANT_INDEX["invalid-id"]:
        number = number[:17] + ("0" if number[17] != "0" else "1")
    return number


def _name(i: int) -> str:
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    return surnames[i % 20] + given[(i * 7) % 20] + ("" if i % 3 else given[(i * 3) % 20])


def build(persons: int = 300) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Rows of every input (English field names) and the planted ID numbers."""
    planted = {d: person_id(i) for d, i in PLANT_INDEX.items()}
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    seq = 0
    for i in range(persons):
        pid = person_id(i)
        name = _name(i)
        male = int(pid[16]) % 2 == 1 if pid[16].isdigit() else True
        rows["persons"].append({"id_number": pid, "retirement_group": "male" if male else "female-50"})
        diff_end = date(2025, 3, 31) if i == PLANT_INDEX["not-difficulty-person"] else None
        rows["difficulty"].append(
            {
                "id_number": pid,
                "category": "long-term-unemployed",
                "identified_on": date(2024, 6, 1),
                "ended_on": diff_end,
            }
        )
        fa = date(2022, 3, 1) if i == PLANT_INDEX["beyond-max-period"] else date(2024, 12, 10)
        rows["approvals"].append({"id_number": pid, "program": FLEX, "first_approval": fa})
        for m in MONTHS:
            month = f"2025-{m:02d}"
            refunded = i == PLANT_INDEX["no-flexible-contribution"] and m == 6
            if not (i == PLANT_INDEX["no-flexible-contribution"] and m == 7):
                rows["contributions"].append(
                    {
                        "id_number": pid,
                        "month": month,
                        "insurance": "pension",
                        "payer": "flexible-worker",
                        "amount": Decimal("500.00"),
                        "paid_on": date(2025, m, 3),
                        "refunded": "是" if refunded else "否",
                    }
                )
                rows["contributions"].append(
                    {
                        "id_number": pid,
                        "month": month,
                        "insurance": "medical",
                        "payer": "flexible-worker",
                        "amount": Decimal("200.00"),
                        "paid_on": date(2025, m, 3),
                        "refunded": "是" if refunded else "否",
                    }
                )
            applied = date(2025, m, 5)
            approved = date(2025, m, 10)
            paid = date(2025, m, 20)
            if i in (PLANT_INDEX["late-payment"], PLANT_INDEX["late-payment"] + 1) and m == 9:
                applied, approved = date(2025, 9, 26), date(2025, 9, 29)
                paid = date(2025, 10, 31) if i == PLANT_INDEX["late-payment"] else date(2025, 10, 30)
            amount = MONTHLY
            if i == PLANT_INDEX["above-standard"] and m == 4:
                amount = Decimal("600.00")
            if i == PLANT_INDEX["short-payment"] and m == 5:
                amount = Decimal("400.00")
            channel = "social-security-card"
            account: str | None = "SSC" + pid
            if i == PLANT_INDEX["not-one-card"] and m == 2:
                channel, account = "cash", None
            if i == PLANT_INDEX["person-many-accounts"]:
                channel, account = "one-card", f"6222{i:04d}{m % 2}"
            if i in (PLANT_INDEX["account-many-persons"], PLANT_INDEX["account-many-persons"] + 1):
                channel, account = "one-card", "62220000SHARED"
            accepted, approver = "op01", "op02"
            if i == PLANT_INDEX["accept-and-approve"] and m == 8:
                accepted = approver = "op03"
            if i == PLANT_INDEX["date-order"] and m == 6:
                paid = date(2025, 6, 8)
            seq += 1
            rows["ledger"].append(
                {
                    "payment_id": f"JH2025{seq:06d}",
                    "unit": "江汉区" + ("民族街道" if i % 2 else "花楼街道"),
                    "program": "灵活就业社会保险补贴" if i % 4 == 0 else FLEX,
                    "id_number": pid,
                    "name": name,
                    "period": month,
                    "amount": amount,
                    "paid_on": paid,
                    "channel": channel,
                    "account": account,
                    "bank": "工商银行",
                    "applied_on": applied,
                    "approved_on": approved,
                    "accepted_by": accepted,
                    "approved_by": approver,
                }
            )
            if i == PLANT_INDEX["duplicate-period"] and m == 3:
                seq += 1
                rows["ledger"].append(
                    {**rows["ledger"][-1], "payment_id": f"JH2025{seq:06d}", "paid_on": date(2025, 3, 25)}
                )
        if i == PLANT_EXTRA["not-one-card"]:
            for m in (1, 2, 3):  # the disabled persons' post subsidy goes through the one-card: paid in cash
                seq += 1
                rows["ledger"].append(
                    {
                        "payment_id": f"JH2025{seq:06d}",
                        "unit": "江汉区残联",
                        "program": "残疾人公益性岗位补贴",
                        "id_number": pid,
                        "name": name,
                        "period": f"2025-{m:02d}",
                        "amount": Decimal("2000.00"),
                        "paid_on": date(2025, m, 15),
                        "channel": "现金",
                        "applied_on": date(2025, m, 2),
                        "approved_on": date(2025, m, 6),
                        "accepted_by": "op05",
                        "approved_by": "op06",
                    }
                )
        if i == PLANT_EXTRA["duplicate-period"]:
            for paid_on in (date(2025, 4, 16), date(2025, 4, 25)):  # a one-off grant paid twice
                seq += 1
                rows["ledger"].append(
                    {
                        "payment_id": f"JH2025{seq:06d}",
                        "unit": "江汉区残联",
                        "program": "disabled-self-employment-grant",
                        "id_number": pid,
                        "name": name,
                        "period": "2025-04",
                        "amount": Decimal("5000.00"),
                        "paid_on": paid_on,
                        "channel": "one-card",
                        "account": f"62229999{i:04d}",
                        "applied_on": date(2025, 4, 1),
                        "approved_on": date(2025, 4, 8),
                        "accepted_by": "op05",
                        "approved_by": "op06",
                    }
                )
        if i % 6 == 0:
            seq += 1
            rows["ledger"].append(
                {
                    "payment_id": f"JH2025{seq:06d}",
                    "unit": "江汉区",
                    "program": "一次性求职补贴",
                    "id_number": pid,
                    "name": name,
                    "period": "2025-06",
                    "amount": Decimal("1500.00"),
                    "paid_on": date(2025, 6, 18),
                    "channel": "社保卡",
                    "account": "SSC" + pid,
                    "bank": "工商银行",
                    "applied_on": date(2025, 6, 2),
                    "approved_on": date(2025, 6, 9),
                    "accepted_by": "op01",
                    "approved_by": "op02",
                }
            )
    # two rows that cannot be read: reported with line and column, left out
    rows["ledger"].append({**rows["ledger"][0], "payment_id": "JH2025BAD001", "paid_on": "2025-13-40"})
    rows["ledger"].append({**rows["ledger"][0], "payment_id": "JH2025BAD002", "program": "不存在的补贴"})
    rows["deaths"].append({"id_number": planted["paid-after-death"], "died_on": date(2025, 5, 10)})
    rows["pensions"].append({"id_number": planted["paid-after-pension"], "pension_start": date(2025, 7, 1)})
    rows["employment"].append(
        {
            "id_number": planted["paid-while-employed"],
            "start": date(2025, 6, 15),
            "end": None,
            "employer": "武汉某物流有限公司",
        }
    )
    rows["employment"].append(
        {"id_number": person_id(30), "start": date(2020, 1, 1), "end": date(2023, 12, 31), "employer": "武汉某商贸公司"}
    )
    rows["staff"].append(
        {
            "staff_id": "S001",
            "id_number": planted["staff-beneficiary"],
            "name": _name(PLANT_INDEX["staff-beneficiary"]),
            "unit": "江汉区人社局",
        }
    )
    rows["staff"].append(
        {"staff_id": "S002", "id_number": "420103198001010015", "name": "钱多", "unit": "江汉区人社局"}
    )
    rows["public-payroll"].append(
        {"id_number": planted["public-payroll"], "employer": "江汉区某事业单位", "start": date(2025, 1, 1), "end": None}
    )
    planted["account-many-persons"] = person_id(PLANT_INDEX["account-many-persons"])
    return rows, planted


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def write(
    rows: Mapping[str, list[dict[str, Any]]],
    directory: Path | str,
    fmt: str = "csv",
    headers: str = "zh",
    encoding: str = "utf-8-sig",
) -> dict[str, Path]:
    """Write every input; returns kind -> path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, items in rows.items():
        spec = KINDS[kind]
        head = [f.name_zh if headers == "zh" else f.name for f in spec.fields]
        table = [[_text(r.get(f.name)) for f in spec.fields] for r in items]
        path = out / f"{kind}.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding=encoding, newline="") as fh:
                w = csv.writer(fh)
                w.writerow(head)
                w.writerows(table)
        elif fmt == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            assert ws is not None
            ws.append(head)
            for r in table:
                ws.append([c if c != "" else None for c in r])
            wb.save(path)
        else:
            import pyarrow.parquet as pq

            cols = {h: pa.array([r[j] or None for r in table], pa.string()) for j, h in enumerate(head)}
            pq.write_table(pa.table(cols), path)
        paths[kind] = path
    return paths


def generate(
    directory: Path | str, persons: int = 300, fmt: str = "csv", headers: str = "zh"
) -> tuple[dict[str, Path], dict[str, str]]:
    rows, planted = build(persons)
    return write(rows, directory, fmt, headers), planted

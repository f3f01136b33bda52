"""Write the corpus of export variants of the sample district (issue 15): ``python tests/exports/make_corpus.py``.

Each variant is a folder under ``corpus/`` holding ``ledger.*`` (and, for roster variants, the
roster) as an office's system, Excel or WPS would export it, and ``expect.json``:

* ``{"expect": "same"}`` — the audit gives the clean sample's leads (finding ids and amounts);
* ``{"expect": "same", "except": [detectors], "not_run": {...}}`` — the same leads but for the
  detectors that cannot run on this export, which must say why (not run: no … column);
* ``{"expect": "refused", "says": [...]}`` — the run stops (exit 2) with a line holding every text given;
* ``"problems": [codes]`` — problem codes the run must report (warnings, rejected rows).

The clean rosters are written once under ``corpus/_clean``. The generated files are checked in;
run this script again after changing the sample (deterministic output).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).parent / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from subsidy_rules.issues.audit.detectors import detectors  # noqa: E402
from subsidy_rules.issues.audit.sample import build, person_id  # noqa: E402
from subsidy_rules.issues.audit.schema import KINDS  # noqa: E402

PERSONS = 40  # every example of every detector planted (28 slots), the rest clean
Rows = list[list[Any]]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def table(kind: str, items: list[dict[str, Any]], headers: dict[str, str] | None = None) -> Rows:
    fields = [f for f in KINDS[kind].fields if f.name != "reverses"]
    head = [(headers or {}).get(f.name, f.name_zh) for f in fields]
    return [head, *[[_text(r.get(f.name)) for f in fields] for r in items]]


def write_csv(path: Path, rows: Rows, sep: str = ",", encoding: str = "utf-8-sig") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(
        buf.getvalue().encode(encoding)
        if encoding != "utf-16"
        else codecs.BOM_UTF16_LE + buf.getvalue().encode("utf-16-le")
    )


def write_xlsx(
    path: Path, sheets: Sequence[tuple[str, Rows]], merges: Sequence[tuple[str, str]] = (), raw: bool = False
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append([(c if raw else (c if c != "" else None)) for c in r])
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # ="…" typed as text, as an export writes it
        for sheet, ref in merges:
            if sheet == name:
                ws.merge_cells(ref)
    wb.save(path)
    # deterministic bytes: a fixed time stamp in docProps/core.xml
    _fix_zip_time(path)


def _fix_zip_time(path: Path) -> None:
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re

                body = re.sub(
                    rb"<dcterms:(created|modified)([^>]*)>[^<]*<", rb"<dcterms:\1\2>2025-01-01T00:00:00Z<", body
                )
            info = zipfile.ZipInfo(item.filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


def write_ods(path: Path, rows: Rows) -> None:
    """A minimal OpenDocument spreadsheet (what LibreOffice reads), all cells as text."""
    cells = []
    for r in rows:
        cells.append(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
                if c != ""
                else "<table:table-cell/>"
                for c in r
            )
            + "</table:table-row>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        + "".join(cells)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet")
        for name, body in (("META-INF/manifest.xml", manifest), ("content.xml", content)):
            info = zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)


def write_xls(path: Path, rows: Rows, numbers: bool = False) -> None:
    """A BIFF8 .xls (the library's demo writer, as Excel 2003 or WPS saves one); amounts as numbers."""
    from subsidy_rules.demo.forms import xls

    cells: dict[tuple[int, int], Any] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value == "":
                continue
            is_id = numbers and c == 4 and r > 1 and value[-1] != "X" and value.isdigit()
            is_amount = c == 7 and r > 1 and value.replace(".", "", 1).isdigit()
            cells[(r, c)] = float(value) if is_id or is_amount else value
    path.write_bytes(xls([("台账", cells, {})]))


# -- the variants ---------------------------------------------------------------------------------

TITLE = [["江汉区就业补助资金发放台账"], ["填报单位：江汉区人社局", "", "", "", "", "", "单位：元"]]
#: the persons of the examples whose leads hang on a day (late-payment, date-order): their days are kept exact
PLANTED_DAYS = {
    str(row["id_number"])
    for spec in detectors()
    if spec.name in ("late-payment", "date-order")
    for example in spec.examples
    for row in example.ledger
}
#: the person whose ID number is planted invalid (it is never upgraded from 15 digits)
INVALID_IDS = build(PERSONS)[1]["invalid-id"]


def clean() -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    rows, _ = build(PERSONS)
    return rows, rows["ledger"]


def map_ledger(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Rows:
    _, led = clean()
    return table("ledger", [fn(dict(r)) for r in led])


def variants() -> dict[str, tuple[Callable[[Path], None], dict[str, Any]]]:
    v: dict[str, tuple[Callable[[Path], None], dict[str, Any]]] = {}
    same: dict[str, Any] = {"expect": "same"}
    base = map_ledger(lambda r: r)

    v["csv-utf8-bom"] = (lambda d: write_csv(d / "ledger.csv", base), same)
    v["csv-utf8-no-bom"] = (lambda d: write_csv(d / "ledger.csv", base, encoding="utf-8"), same)
    v["csv-gbk"] = (lambda d: write_csv(d / "ledger.csv", base, encoding="gb18030"), same)
    v["txt-utf16-tab"] = (lambda d: write_csv(d / "ledger.txt", base, "\t", "utf-16"), same)
    v["csv-named-but-tab"] = (lambda d: write_csv(d / "ledger.csv", base, "\t"), same)
    v["csv-semicolon"] = (lambda d: write_csv(d / "ledger.csv", base, ";"), same)
    v["tsv"] = (lambda d: write_csv(d / "ledger.tsv", base, "\t"), same)
    v["csv-title-rows"] = (lambda d: write_csv(d / "ledger.csv", [*TITLE, *base]), same)
    v["csv-totals-row"] = (
        lambda d: write_csv(d / "ledger.csv", [*base, ["合计", "", "", "", "", "", "123456.78"]]),
        same,
    )
    v["xlsx-title-rows"] = (lambda d: write_xlsx(d / "ledger.xlsx", [("台账", [*TITLE, *base])]), same)
    group = [["基本信息", "", "", "", "", "", "发放信息", "", "", "", "", "审批信息", "", "", ""]]
    two_row = [group[0], base[0], *base[1:]]
    v["xlsx-two-row-header"] = (
        lambda d: write_xlsx(d / "ledger.xlsx", [("台账", two_row)], merges=[("台账", "A1:F1"), ("台账", "G1:K1")]),
        same,
    )
    # 流水号 merged down over both header rows, the others grouped
    merged_down = [
        ["流水号", "基本信息", "", "", "", "", "发放信息", "", "", "", "", "", "", "", ""],
        ["", *base[0][1:]],
        *base[1:],
    ]
    v["xlsx-header-merged-down"] = (
        lambda d: write_xlsx(
            d / "ledger.xlsx", [("Sheet1", merged_down)], merges=[("Sheet1", "A1:A2"), ("Sheet1", "B1:F1")]
        ),
        same,
    )
    note = [["填表说明"], ["本表由系统导出"]]
    v["xlsx-ledger-on-second-sheet"] = (
        lambda d: write_xlsx(d / "ledger.xlsx", [("说明", note), ("发放明细", base)]),
        {"expect": "same", "sheets_read": ["发放明细"]},
    )
    months: dict[str, Rows] = {}
    for r in base[1:]:
        key = f"{int(r[5][5:7])}月" if r[5] and r[5][:4] == "2025" else "其他"
        months.setdefault(key, [base[0]]).append(r)
    ordered = [(k, months[k]) for k in sorted(months, key=lambda k: (len(k), k))]
    v["xlsx-one-sheet-per-month"] = (
        lambda d: write_xlsx(d / "ledger.xlsx", [("说明", note), *ordered]),
        {"expect": "same", "sheets_read": [k for k, _ in ordered]},
    )
    # a unit column merged down over each street's block (sorted by unit)
    by_unit = sorted(base[1:], key=lambda r: r[1])
    merges: list[tuple[str, str]] = []
    blanked = []
    start = 2
    for i, r in enumerate(by_unit):
        row = list(r)
        if i > 0 and by_unit[i - 1][1] == r[1]:
            row[1] = ""
        blanked.append(row)
    for i in range(len(by_unit) + 1):
        if i == len(by_unit) or (i > 0 and by_unit[i][1] != by_unit[i - 1][1]):
            if i + 1 > start:
                merges.append(("台账", f"B{start}:B{i + 1}"))
            start = i + 2
    v["xlsx-unit-merged-down"] = (
        lambda d: write_xlsx(d / "ledger.xlsx", [("台账", [base[0], *blanked])], merges=merges),
        same,
    )
    v["ods"] = (lambda d: write_ods(d / "ledger.ods", base), same)
    v["xls-biff8"] = (lambda d: write_xls(d / "ledger.xls", base), same)
    v["et-wps-biff"] = (lambda d: write_xls(d / "ledger.et", [*TITLE, *base]), same)
    v["xls-ids-held-as-numbers"] = (
        lambda d: write_xls(d / "ledger.xls", base, numbers=True),
        {"expect": "refused", "says": ["请将身份证号列设为文本后重新导出"]},
    )
    v["xlsx-named-csv-text"] = (lambda d: write_csv(d / "ledger.xlsx", base), same)
    v["parquet"] = (
        lambda d: pq.write_table(
            pa.table({h: pa.array([r[j] or None for r in base[1:]], pa.string()) for j, h in enumerate(base[0])}),
            d / "ledger.parquet",
        ),
        same,
    )

    def html_page(rows: Rows) -> str:
        """What a business system's "export to Excel" writes: a web page named .xls, GBK, a title row with
        colspan, IDs as text (mso-number-format), the 发放单位 of a block in one cell with rowspan."""
        out = ['<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="gbk"></head><body><table>']
        out.append(f'<tr><td colspan="{len(rows[0])}">江汉区就业补助资金发放台账</td></tr>')
        out.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in rows[0]) + "</tr>")
        body = rows[1:]
        i = 0
        while i < len(body):
            j = i
            while j + 1 < len(body) and body[j + 1][1] == body[i][1] and j - i < 4:
                j += 1
            for k in range(i, j + 1):
                cells = []
                for c, v in enumerate(body[k]):
                    if c == 1:
                        if k == i:
                            cells.append(f'<td rowspan="{j - i + 1}">{escape(v)}</td>')
                        continue
                    style = ' style="mso-number-format:\\@"' if c == 3 else ""
                    cells.append(f"<td{style}>{escape(v)}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            i = j + 1
        return "".join(out) + "</table></body></html>"

    v["xls-that-is-a-web-page"] = (
        lambda d: (d / "ledger.xls").write_bytes(html_page(base).encode("gb18030")),
        same,
    )
    v["xls-web-page-without-a-table"] = (
        lambda d: (d / "ledger.xls").write_text("<html><body><p>系统繁忙</p></body></html>", encoding="utf-8"),
        {"expect": "refused", "says": ["网页", "另存为"]},
    )
    synonyms = {
        "payment_id": "业务流水号",
        "unit": "经办机构",
        "program": "补贴项目",
        "id_number": "公民身份号码",
        "name": "人员姓名",
        "period": "所属期间",
        "amount": "金额(元)",
        "paid_on": "发放时间",
        "channel": "发放渠道",
        "account": "银行账号",
        "bank": "开户行",
        "applied_on": "申请时间",
        "approved_on": "审核时间",
        "accepted_by": "经办人",
        "approved_by": "复核人",
    }
    _, led = clean()
    v["csv-synonym-headers"] = (lambda d: write_csv(d / "ledger.csv", table("ledger", led, synonyms)), same)
    v["csv-wan-yuan-header"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            table(
                "ledger",
                [{**r, "amount": (Decimal(str(r["amount"])) / 10000).normalize()} for r in led],
                {"amount": "发放金额（万元）"},
            ),
        ),
        same,
    )
    v["csv-yuan-amounts-below-one"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            table("ledger", [{**r, "amount": (Decimal(str(r["amount"])) / 10000).normalize()} for r in led]),
        ),
        {"expect": "refused", "says": ["发放金额", "万元"]},
    )

    def money(r: dict[str, Any]) -> dict[str, Any]:
        a = Decimal(str(r["amount"]))
        n = int(r["payment_id"][-3:]) if r["payment_id"][-3:].isdigit() else 0
        shown = [f"{a}元", f"￥{a}", f"¥{a:,}", f"RMB {a}", f"{a:,.2f}"][n % 5]
        return {**r, "amount": shown}

    v["csv-amounts-with-yuan-signs"] = (lambda d: write_csv(d / "ledger.csv", map_ledger(money)), same)

    def serial(d: Any) -> Any:
        return str((d - date(1899, 12, 30)).days) if isinstance(d, date) else d

    v["csv-excel-serial-dates"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            map_ledger(
                lambda r: {
                    **r,
                    "paid_on": serial(r["paid_on"]),
                    "applied_on": serial(r["applied_on"]),
                    "approved_on": serial(r["approved_on"]),
                }
            ),
        ),
        same,
    )
    v["xlsx-dates-lost-format"] = (
        lambda d: write_xlsx(
            d / "ledger.xlsx",
            [
                (
                    "台账",
                    map_ledger(
                        lambda r: {
                            **r,
                            "paid_on": int(serial(r["paid_on"])) if isinstance(r["paid_on"], date) else r["paid_on"],
                        }
                    ),
                )
            ],
            raw=True,
        ),
        {"expect": "same"},
    )

    def month_only(r: dict[str, Any]) -> dict[str, Any]:
        if r["id_number"] in PLANTED_DAYS or not isinstance(r["paid_on"], date):
            return r
        return {**r, "paid_on": f"{r['paid_on'].year}年{r['paid_on'].month:02d}月"}

    v["csv-month-only-paid-on"] = (
        lambda d: write_csv(d / "ledger.csv", map_ledger(month_only)),
        {"expect": "same", "problems": ["audit-month-only-paid-on"]},
    )

    def odd_period(r: dict[str, Any]) -> dict[str, Any]:
        return {**r, "period": "上月"} if r["payment_id"].endswith("7") and r["id_number"] not in PLANTED_DAYS else r

    v["csv-unreadable-period-falls-back"] = (
        lambda d: write_csv(d / "ledger.csv", map_ledger(odd_period)),
        {"expect": "same", "problems": ["audit-period-fallback"]},
    )
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    ai = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    v["csv-full-width-and-arabic-indic-digits"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            map_ledger(
                lambda r: {
                    **r,
                    "amount": _text(r["amount"]).translate(fw),
                    "paid_on": _text(r["paid_on"]).translate(ai),
                }
            ),
        ),
        same,
    )

    def pad(r: dict[str, Any]) -> dict[str, Any]:
        n = int(r["payment_id"][-2:]) if r["payment_id"][-2:].isdigit() else 0
        i = r["id_number"]
        shown = [
            "\t" + i,
            "'" + i,
            f'="{i}"',
            i.translate(fw).replace("X", "Ｘ"),
            i.lower() + "\u3000",
            "\u00a0" + i + "\r",
        ][n % 6]
        return {**r, "id_number": shown}

    v["csv-ids-padded"] = (lambda d: write_csv(d / "ledger.csv", map_ledger(pad)), same)
    v["xlsx-ids-padded"] = (lambda d: write_xlsx(d / "ledger.xlsx", [("台账", map_ledger(pad))]), same)

    def fifteen(r: dict[str, Any]) -> dict[str, Any]:
        i = r["id_number"]
        if i[6:8] == "19" and i not in INVALID_IDS and r["payment_id"].endswith(("1", "3")):
            return {**r, "id_number": i[:6] + i[8:17]}
        return r

    v["csv-fifteen-digit-ids"] = (
        lambda d: write_csv(d / "ledger.csv", map_ledger(fifteen)),
        {"expect": "same", "problems": ["audit-id-upgraded"]},
    )

    def sci(r: dict[str, Any]) -> dict[str, Any]:
        return {**r, "id_number": f"{float(r['id_number'][:17]) * 10:.5E}".replace("E+", "E+")}

    v["csv-ids-in-scientific-notation"] = (
        lambda d: write_csv(d / "ledger.csv", map_ledger(sci)),
        {"expect": "refused", "says": ["身份证号", "请将身份证号列设为文本后重新导出"]},
    )

    def as_number(rows: Rows) -> Rows:
        return [rows[0], *[[*r[:3], float(r[3]) if r[3][-1] != "X" else r[3], *r[4:]] for r in rows[1:]]]

    v["xlsx-ids-held-as-numbers"] = (
        lambda d: write_xlsx(d / "ledger.xlsx", [("台账", as_number(base))], raw=True),
        {"expect": "refused", "says": ["请将身份证号列设为文本后重新导出"]},
    )
    v["csv-ids-that-were-numbers"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            [base[0], *[[*r[:3], (r[3][:15] + "000") if r[3][-1] != "X" else r[3], *r[4:]] for r in base[1:]]],
        ),
        {"expect": "refused", "says": ["请将身份证号列设为文本后重新导出"]},
    )

    def names(r: dict[str, Any]) -> dict[str, Any]:
        n = int(r["payment_id"][-1]) if r["payment_id"][-1].isdigit() else 0
        p = r["program"]
        if p == "flexible-employment-si-subsidy" or p == "灵活就业社会保险补贴":
            p = [
                "灵活就业社保补贴",
                "灵活就业人员社保补贴",
                " 灵活就业社会保险补贴 ",
                "灵活就业社会保险补贴",
                "flexible-employment-si-subsidy",
            ][n % 5]
        return {**r, "program": p}

    v["csv-program-short-names"] = (lambda d: write_csv(d / "ledger.csv", map_ledger(names)), same)

    clean_person = person_id(PERSONS - 1)  # a clean slot (after the examples)

    def with_reversals(rows: Rows) -> Rows:
        out = [[*rows[0], "原流水号"]]
        for r in rows[1:]:
            out.append([*r, ""])
            if r[3] == clean_person and r[5] == "2025-02":
                # a payment made twice by mistake, then reversed by reference to it
                out.append([r[0] + "D", *r[1:], ""])
                out.append([r[0] + "C", *r[1:6], "-" + r[6], *r[7:], r[0] + "D"])
            if r[3] == clean_person and r[5] == "2025-03":
                # made twice, reversed without a reference: netted by person, program and period
                out.append([r[0] + "E", *r[1:], ""])
                out.append([r[0] + "F", *r[1:6], "-" + r[6], *r[7:], ""])
        return out

    v["csv-reversals-net-duplicates"] = (lambda d: write_csv(d / "ledger.csv", with_reversals(base)), same)
    v["csv-no-channel-column"] = (
        lambda d: write_csv(d / "ledger.csv", [[c for j, c in enumerate(r) if j != 8] for r in base]),
        {
            "expect": "same",
            "except": ["not-one-card", "person-many-accounts"],
            "not_run": {"not-one-card": "发放方式", "person-many-accounts": "发放方式"},
        },
    )
    v["csv-missing-amount-column"] = (
        lambda d: write_csv(d / "ledger.csv", [[c for j, c in enumerate(r) if j != 6] for r in base]),
        {"expect": "refused", "says": ["发放金额", "找到的列", "流水号"]},
    )
    v["csv-column-twice"] = (
        lambda d: write_csv(d / "ledger.csv", [["payment_id", *base[0]], *[[r[0], *r] for r in base[1:]]]),
        {"expect": "refused", "says": ["payment_id", "流水号", "两列"]},
    )
    v["csv-empty-ledger"] = (
        lambda d: write_csv(d / "ledger.csv", [base[0]]),
        {"expect": "refused", "says": ["没有数据行"]},
    )
    v["csv-every-row-rejected"] = (
        lambda d: write_csv(d / "ledger.csv", [base[0], *[[*r[:7], "不详", *r[8:]] for r in base[1:]]]),
        {"expect": "refused", "says": ["全部未纳入核查"]},
    )
    v["csv-control-characters"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            map_ledger(
                lambda r: {**r, "name": (r["name"] or "") + "\x01\x1b[31m\x0b", "bank": '=HYPERLINK("http://x")'}
            ),
        ),
        same,
    )
    v["csv-no-end-date-placeholder"] = (
        lambda d: write_csv(
            d / "ledger.csv",
            map_ledger(
                lambda r: (
                    {**r, "approved_on": "9999-12-31"}
                    if r["id_number"] == clean_person and r["period"] == "2025-05"
                    else r
                )
            ),
        ),
        {"expect": "same", "problems": ["audit-implausible-date"]},
    )

    # -- rosters: written beside the clean ledger; each replaces one clean roster
    rows, _ = clean()
    v["roster-deaths-xlsx-title-and-synonyms"] = (
        lambda d: write_xlsx(
            d / "deaths.xlsx",
            [
                (
                    "死亡名册",
                    [
                        ["死亡人员名单"],
                        *table("deaths", rows["deaths"], {"id_number": "身份证号码", "died_on": "死亡时间"}),
                    ],
                )
            ],
        ),
        {"expect": "same", "roster": "deaths"},
    )
    v["roster-pensions-gbk-synonyms"] = (
        lambda d: write_csv(
            d / "pensions.csv",
            table("pensions", rows["pensions"], {"id_number": "公民身份号码", "pension_start": "待遇开始时间"}),
            encoding="gb18030",
        ),
        {"expect": "same", "roster": "pensions"},
    )
    v["roster-employment-ids-padded"] = (
        lambda d: write_csv(
            d / "employment.csv",
            table("employment", [{**r, "id_number": "'" + r["id_number"]} for r in rows["employment"]]),
        ),
        {"expect": "same", "roster": "employment"},
    )
    v["roster-contributions-parquet"] = (
        lambda d: pq.write_table(
            pa.table(
                {
                    h: pa.array([c or None for c in col], pa.string())
                    for h, *col in zip(*table("contributions", rows["contributions"]), strict=True)
                }
            ),
            d / "contributions.parquet",
        ),
        {"expect": "same", "roster": "contributions"},
    )
    v["roster-deaths-scientific-ids"] = (
        lambda d: write_csv(
            d / "deaths.csv", table("deaths", [{**r, "id_number": "4.20103E+17"} for r in rows["deaths"]])
        ),
        {"expect": "refused", "roster": "deaths", "says": ["请将身份证号列设为文本后重新导出"]},
    )
    v["roster-deaths-matches-nobody"] = (
        lambda d: write_csv(
            d / "deaths.csv", table("deaths", [{**r, "id_number": "110105194912310021"} for r in rows["deaths"]])
        ),
        {"expect": "same", "roster": "deaths", "except": ["paid-after-death"], "problems": ["audit-roster-no-match"]},
    )
    v["roster-deaths-fifteen-digit-ids"] = (
        lambda d: write_csv(
            d / "deaths.csv",
            table("deaths", [{**r, "id_number": r["id_number"][:6] + r["id_number"][8:17]} for r in rows["deaths"]]),
        ),
        {"expect": "same", "roster": "deaths", "problems": ["audit-id-upgraded"]},
    )
    v["roster-approvals-short-program-names"] = (
        lambda d: write_csv(
            d / "approvals.csv",
            table(
                "approvals",
                [{**r, "program": "灵活就业社保补贴"} for r in rows["approvals"]],
                {"first_approval": "首次核定日期"},
            ),
        ),
        {"expect": "same", "roster": "approvals"},
    )
    v["roster-difficulty-xlsx-synonyms"] = (
        lambda d: write_xlsx(
            d / "difficulty.xlsx",
            [
                (
                    "困难人员",
                    table("difficulty", rows["difficulty"], {"id_number": "证件号码", "identified_on": "认定时间"}),
                )
            ],
        ),
        {"expect": "same", "roster": "difficulty"},
    )

    def spellings(r: dict[str, Any]) -> dict[str, Any]:
        n = int(r["payment_id"][-1]) if r["payment_id"][-1].isdigit() else 0
        d = r["paid_on"]
        if not isinstance(d, date):
            return r
        shown = [
            d.isoformat(),
            f"{d.year}/{d.month}/{d.day}",
            f"{d:%Y%m%d}",
            f"{d.year}年{d.month}月{d.day}日",
            f"{d:%Y.%m.%d}",
            f"{d.isoformat()} 00:00:00",
        ][n % 6]
        return {**r, "paid_on": shown}

    v["csv-mixed-date-spellings"] = (lambda d: write_csv(d / "ledger.csv", map_ledger(spellings)), same)

    def as_date(text: str) -> Any:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text or None  # the planted bad date stays text

    dated = [base[0], *[[*r[:7], as_date(r[7]), *r[8:11], as_date(r[11]), as_date(r[12]), *r[13:]] for r in base[1:]]]
    v["xlsx-real-date-cells"] = (lambda d: write_xlsx(d / "ledger.xlsx", [("台账", dated)]), same)
    return v


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    clean_dir = ROOT / "_clean"
    clean_dir.mkdir(parents=True)
    rows, _ = clean()
    for kind, items in rows.items():
        write_csv(clean_dir / f"{kind}.csv", table(kind, items))
    for name, (make, expect) in variants().items():
        d = ROOT / name
        d.mkdir()
        make(d)
        (d / "expect.json").write_text(json.dumps(expect, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

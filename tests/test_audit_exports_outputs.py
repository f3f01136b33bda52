"""What the audit writes from hostile exports: no formula cell, control characters escaped, refusals with one line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from subsidy_rules.cli import cli
from subsidy_rules.core.text import escape_control, is_formula_like, safe_cell_text
from subsidy_rules.issues.audit.reading import normalise_id, upgrade_15
from subsidy_rules.issues.audit.sample import build, write

AS_OF = ["--as-of", "2025-12-31"]
HOSTILE_NAMES = ('=HYPERLINK("http://x","点")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1")


def _hostile(tmp: Path) -> Path:
    rows, _ = build(4)
    people: dict[str, int] = {}
    for i, r in enumerate(rows["ledger"]):
        n = people.setdefault(r["id_number"], len(people))  # one name per person: every finding names one of these
        r["name"] = HOSTILE_NAMES[n % len(HOSTILE_NAMES)] + "\x01\x1b\x0b"
        r["unit"] = "=江汉区" if i % 2 else "江汉区\x01"
    return write(rows, tmp / "in")["ledger"]


def test_no_xlsx_output_holds_a_formula_however_the_ledger_text_begins(tmp_path: Path) -> None:
    ledger = _hostile(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", "run", str(ledger), *AS_OF, "-o", str(out), "--unit", "=1+2"])
    assert result.exit_code == 1, result.output
    books = sorted(out.rglob("*.xlsx"))
    assert len(books) == 4
    texts = []
    for book in books:
        wb = load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (book.name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
                        assert "\x01" not in cell.value and "\x1b" not in cell.value
    # every finding's name is a string cell, shown as read (control characters escaped)
    found = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {f["name"] for f in found}
    assert names and all(is_formula_like(n) for n in names)
    assert {safe_cell_text(n) for n in names} <= set(texts)
    assert any("\\x01" in t for t in texts)
    # the finding's JSON keeps the value as read
    assert all("\x01" in n for n in names)
    # the printed lines escape control characters
    assert "\x01" not in result.output and "\x1b" not in result.output


def test_the_safe_text_helper_escapes_control_characters_and_says_which_text_is_formula_like() -> None:
    assert safe_cell_text("王\x01伟\x1b") == "王\\x01伟\\x1b"
    assert escape_control("a\tb\nc", lines=True) == "a\\tb\\nc"
    assert all(is_formula_like(t) for t in ("=1", "+1", "-1", "@A", "\t1", "\r1"))
    assert not is_formula_like("江汉区")


def test_one_normalisation_folds_ids_as_offices_pad_them() -> None:
    number = "42010319780101100X"
    for shown in (
        "\t" + number,
        "'" + number,
        f'="{number}"',
        "４２０１０３１９７８０１０１１００Ｘ",
        number.lower(),
        "\u00a0" + number + "\u3000",
    ):
        assert normalise_id(shown) == number
    assert upgrade_15("420103780101100") == "420103197801011004"
    assert upgrade_15("420103781301100") is None


def test_an_output_folder_holding_an_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    ledger = _hostile(tmp_path)
    before = ledger.read_bytes()
    result = CliRunner().invoke(
        cli, ["audit", "run", str(ledger), *AS_OF, "-o", str(ledger.parent), "--format", "json"]
    )
    assert result.exit_code == 2 and json.loads(result.stdout)["error"]["code"] == "audit-output-holds-input"
    assert ledger.read_bytes() == before and not (ledger.parent / "findings.xlsx").exists()


def test_the_same_roster_kind_twice_and_an_empty_only_are_refused(tmp_path: Path) -> None:
    rows, _ = build(2)
    paths = write(rows, tmp_path / "in")
    args = ["audit", "run", str(paths["ledger"]), *AS_OF, "-o", str(tmp_path / "o"), "--format", "json"]
    deaths = f"deaths={paths['deaths']}"
    twice = CliRunner().invoke(cli, [*args, "--roster", deaths, "--roster", deaths])
    assert twice.exit_code == 2 and json.loads(twice.stdout)["error"]["code"] == "audit-roster-twice"
    empty = CliRunner().invoke(cli, [*args, "--only", " , "])
    assert empty.exit_code == 2 and json.loads(empty.stdout)["error"]["code"] == "audit-only-empty"


def test_a_run_rejecting_more_than_the_allowed_share_exits_2_unless_accepted(tmp_path: Path) -> None:
    rows, _ = build(3)
    for r in rows["ledger"][::2]:
        r["paid_on"] = "不详"
    paths = write(rows, tmp_path / "in")
    args = ["audit", "run", str(paths["ledger"]), *AS_OF, "--only", "duplicate-period"]
    refused = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "a")])
    assert refused.exit_code == 2 and "超过允许比例20%" in refused.output
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rejects_over_limit"] and summary["inputs"][0]["rows_rejected"] > 0
    wb = load_workbook(tmp_path / "a" / "findings.xlsx")
    assert str(wb["汇总"]["A1"].value).startswith("！！")
    assert wb["未纳入核查的行"].max_row - 1 >= summary["inputs"][0]["rows_rejected"]  # one line per problem
    as_json = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "j"), "--format", "json"])
    assert as_json.exit_code == 2 and json.loads(as_json.stdout)["error"]["code"] == "audit-too-many-rejected"
    accepted = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "b"), "--accept-rejects"])
    assert accepted.exit_code in (0, 1)
    loose = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "c"), "--max-reject-share", "90%"])
    assert loose.exit_code in (0, 1)


def test_the_headline_counts_each_payment_once_and_the_shared_account_is_named(tmp_path: Path) -> None:
    from subsidy_rules.io.findings import write_xlsx
    from subsidy_rules.issues.audit import audit
    from subsidy_rules.issues.audit.outputs import headline, summary

    rows, _ = build(16)
    paths = write(rows, tmp_path / "in")
    result = audit(paths["ledger"], {}, as_of=date(2025, 12, 31))
    total, paid, capped = headline(result)
    per_detector = sum((r.amount_yuan for r in result.runs), Decimal(0))
    assert paid is not None and not capped
    assert total <= paid and total <= per_detector
    # hand-computed: each payment's largest money at issue, summed once
    once: dict[str, Decimal] = {}
    for ev in result.evidence.values():
        for pid, amount in zip(ev.column("payment_id").to_pylist(), ev.column("amount").to_pylist(), strict=True):
            once[pid] = max(once.get(pid, Decimal(0)), amount)
    assert total == sum(once.values(), Decimal(0))
    assert summary(result).amount_yuan == total
    write_xlsx(result, tmp_path / "f.xlsx")
    sheet = load_workbook(tmp_path / "f.xlsx")["一个账户为多人领取"]
    header = [c.value for c in sheet[1]]
    accounts = {row[header.index("账号")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "62220000SHARED" in accounts


def test_a_refused_ledger_says_what_to_fix_in_chinese_in_text_mode(tmp_path: Path) -> None:
    corpus = Path(__file__).parent / "exports" / "corpus"
    ledger = corpus / "csv-ids-in-scientific-notation" / "ledger.csv"
    result = CliRunner().invoke(cli, ["audit", "run", str(ledger), *AS_OF, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.startswith("错误：") and "请将身份证号列设为文本后重新导出" in result.output
    assert not (tmp_path / "o").exists()

"""Reliability of the ledger, on SQLite and PostgreSQL: concurrent writers, kill -9 mid-import, bad input,
and the export → import round trip (a hypothesis property)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from subsidy_rules.rectification import Attachment, Change, Ledger
from subsidy_rules.rectification import schema as s
from tests.ledger_support import at, ledger_db, make_finding, pg_server_fixture, write_jsonl  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
OCT_9 = at(date(2025, 10, 9))


def _rows(lg: Ledger, table: str) -> int:
    with lg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(s.metadata.tables[table])).scalar_one())


def test_four_processes_updating_different_items_lose_no_update(db: str, tmp_path: Path) -> None:
    findings = [make_finding(i) for i in range(40)]
    with Ledger.open(db) as lg:
        lg.import_findings(findings, source="a", by="甲", at=OCT_9)
    start = tmp_path / "go"
    ids = [f.finding_id for f in findings]
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "ledger_worker.py"), "walk", db, str(start), *ids[k::4]],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    time.sleep(1.0)
    start.touch()
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with Ledger.open(db) as lg:
        items = lg.items()
        assert {i.status for i in items} == {"rectifying"} and {i.version for i in items} == {3}
        assert _rows(lg, "events") == 40 * 3


def test_two_processes_updating_one_item_one_wins_and_the_other_is_told(db: str, tmp_path: Path) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
    start = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "ledger_worker.py"), "race", db, str(start), f.finding_id, str(k)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(2)
    ]
    time.sleep(1.0)
    start.touch()
    results = sorted((p.communicate(timeout=120)[0].strip(), p.returncode) for p in procs)
    assert results == [("conflict ledger-conflict", 3), ("ok", 0)]
    with Ledger.open(db) as lg:
        item = lg.get(f.finding_id)
        assert item.status == "verified" and item.version == 2
        assert len(lg.history(f.finding_id)) == 2


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from subsidy_rules.cli import main; main()", *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writing(db: str) -> bool:
    """True once the import's transaction has written rows (SQLite: pages in the WAL; PostgreSQL: an xid)."""
    if "://" not in db:
        wal = Path(db + "-wal")
        return wal.exists() and wal.stat().st_size > 4 << 20
    import psycopg

    with psycopg.connect(db.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL"
        ).fetchone()
        return bool(row and row[0])


def _wait_until_writing(db: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if _writing(db):
            time.sleep(0.05)
            return
        time.sleep(0.02)


def test_kill_9_in_the_middle_of_importing_100000_findings_leaves_before_or_after(db: str, tmp_path: Path) -> None:
    n = 100_000
    big = write_jsonl(tmp_path / "findings.jsonl", [make_finding(i, unit=f"街道{i % 50}") for i in range(n)])
    with Ledger.open(db) as lg:
        lg.import_findings([make_finding(999_999)], source="earlier", by="甲", at=OCT_9)
    proc = _cli("ledger", "import", str(big), "--db", db, "--by", "甲")
    _wait_until_writing(db, proc)
    assert proc.poll() is None, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    with Ledger.open(db) as lg:
        count = lg.count()
        assert count in (1, n + 1)
        assert _rows(lg, "events") == count
    rerun = _cli("ledger", "import", str(big), "--db", db, "--by", "甲")
    _, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err
    with Ledger.open(db) as lg:
        assert lg.count() == n + 1 and _rows(lg, "events") == n + 1
        with lg.engine.connect() as c:
            distinct = c.execute(select(func.count(func.distinct(s.items.c.finding_id)))).scalar_one()
        assert distinct == n + 1


names = st.text(alphabet="张王李赵甲乙丙丁abc=+-@ ", min_size=1, max_size=6).filter(lambda x: x.strip() == x)
moves = st.lists(
    st.sampled_from(["verify", "exclude", "rectify", "done", "close", "reject", "reopen", "note"]), max_size=8
)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=st.lists(st.tuples(moves, names, st.integers(0, 99999)), min_size=1, max_size=4))
def test_export_then_import_into_an_empty_ledger_round_trips_history_included(
    db: str, tmp_path_factory: object, plans: list[tuple[list[str], str, int]]
) -> None:
    from subsidy_rules.rectification import LedgerError
    from subsidy_rules.rectification.exporting import export_jsonl_lines
    from subsidy_rules.rectification.importer import read_jsonl

    source = Ledger.open(db)
    try:
        with source.transaction() as conn:
            for table in ("spot_check_units", "spot_checks", "attachments", "events", "items", "imports"):
                conn.execute(s.metadata.tables[table].delete())
        findings = [
            make_finding(i, amount=f"{cents // 100}.{cents % 100:02d}") for i, (_, _, cents) in enumerate(plans)
        ]
        source.import_findings(findings, source="a", by="甲", at=OCT_9)
        for f, (steps, who, cents) in zip(findings, plans, strict=True):
            for step in steps:
                change = {
                    "verify": Change(by=who, status="verified"),
                    "exclude": Change(by=who, status="excluded", note="不是问题"),
                    "rectify": Change(by=who, status="rectifying", owner=who, measure=f"={who}", within_working_days=3),
                    "done": Change(
                        by=who,
                        status="rectified",
                        note="完成",
                        recovered_yuan=Decimal(cents) / 100,
                        attachments=(Attachment(f"{who}.pdf", "c" * 64, cents),),
                    ),
                    "close": Change(by=who + "审", status="closed"),
                    "reject": Change(by=who + "审", status="rectifying", note="退回"),
                    "reopen": Change(by=who, status="lead", note="重新核实"),
                    "note": Change(by=who, note="备注"),
                }[step]
                with contextlib.suppress(LedgerError):  # a move out of turn: refused, nothing written
                    source.update(f.finding_id, change, at=OCT_9)
        lines = list(export_jsonl_lines(source, unmasked=True))
        before = list(source.export())
    finally:
        source.close()
    path = tmp_path_factory.mktemp("rt") / "export.jsonl"  # type: ignore[attr-defined]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = Ledger.open(path.with_suffix(".db"))
    try:
        target.import_exported(read_jsonl(path).exported, source=str(path))
        assert list(target.export()) == before
        assert list(export_jsonl_lines(target, unmasked=True)) == lines
        again = target.import_exported(read_jsonl(path).exported, source=str(path))
        assert again.added == 0 and again.unchanged == len(before)
    finally:
        target.close()


def test_a_bad_line_refuses_the_whole_file_with_one_line_and_exit_2(db: str, tmp_path: Path) -> None:
    good = [make_finding(i) for i in range(3)]
    path = write_jsonl(tmp_path / "f.jsonl", good)
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad["amount_yuan"] = 466.67
    path.write_text("\n".join([lines[0], json.dumps(bad), lines[2]]) + "\n", encoding="utf-8")
    proc = _cli("ledger", "import", str(path), "--db", db)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert len(err.strip().splitlines()) == 1 and "line 2" in err and "amount_yuan" in err
    with Ledger.open(db) as lg:
        assert lg.count() == 0

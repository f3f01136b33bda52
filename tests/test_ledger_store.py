"""The ledger's store on SQLite and PostgreSQL: imports, moves, history, deadlines, schema, files."""

from __future__ import annotations

import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from sqlalchemy import inspect, select

from subsidy_rules.rectification import Change, ConflictError, EventKind, Ledger, LedgerError, Source
from subsidy_rules.rectification import schema as s
from subsidy_rules.rectification.states import parse_states, state_machine
from subsidy_rules.rectification.store import HEAD, _upgrade, database_url, to_fen
from tests.ledger_support import at, ledger_db, make_finding, pg_server_fixture  # noqa: F401

OCT_9 = at(date(2025, 10, 9))


def _events(lg: Ledger) -> int:
    with lg.engine.connect() as c:
        return len(c.execute(select(s.events.c.id)).all())


def test_the_same_audit_imported_twice_adds_nothing(db: str) -> None:
    findings = [make_finding(i) for i in range(5)]
    with Ledger.open(db) as lg:
        first = lg.import_findings(findings, source="a.jsonl", by="甲", at=OCT_9)
        second = lg.import_findings(findings, source="a.jsonl", by="甲", at=OCT_9)
        assert (first.added, second.added, second.unchanged) == (5, 0, 5)
        assert lg.count() == 5 and _events(lg) == 5
        assert lg.get(findings[0].finding_id).status == "lead"


def test_a_lead_no_longer_found_is_marked_and_kept_and_marked_again_when_found(db: str) -> None:
    findings = [make_finding(i) for i in range(3)]
    other_unit = make_finding(9, unit="江汉区花楼街道")
    with Ledger.open(db) as lg:
        lg.import_findings([*findings, other_unit], source="a", by="甲", at=OCT_9)
        summary = lg.import_findings(findings[:2], source="b", by="甲", at=OCT_9)
        # only the unit re-audited loses its lead; the other unit's lead is not touched
        assert summary.no_longer_detected == 1
        gone = lg.get(findings[2].finding_id)
        assert gone.detected is False and lg.count() == 4
        assert lg.get(other_unit.finding_id).detected is True
        assert lg.history(gone.finding_id)[-1].kind is EventKind.NO_LONGER_DETECTED
        back = lg.import_findings(findings, source="c", by="甲", at=OCT_9)
        assert back.detected_again == 1 and lg.get(gone.finding_id).detected is True


def test_a_changed_amount_is_recorded_as_a_change_with_both_amounts(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        summary = lg.import_findings([attrs.evolve(f, amount_yuan=Decimal("933.34"))], source="b", by="甲", at=OCT_9)
        assert summary.changed == 1
        item = lg.get(f.finding_id)
        assert item.amount_yuan == Decimal("933.34") and item.version == 2
        last = lg.history(f.finding_id)[-1]
        assert last.kind is EventKind.AMOUNT_CHANGED
        assert last.changes["amount_yuan_before"] == "466.67" and last.changes["amount_yuan"] == "933.34"


def test_a_lead_walks_to_closed_and_only_another_person_may_close_it(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="verified"), at=OCT_9)
        item = lg.update(
            f.finding_id,
            Change(by="甲", status="rectifying", owner="王五", measure="追回重复发放资金", within_working_days=5),
            at=OCT_9,
        )
        # 5 working days after Thu 2025-10-09: Fri 10, Sat 11 (调休上班), Mon 13, Tue 14, Wed 15
        assert item.deadline == date(2025, 10, 15)
        lg.update(
            f.finding_id,
            Change(by="甲", status="rectified", note="已追回", recovered_yuan=Decimal("466.67")),
            at=OCT_9,
        )
        with pytest.raises(LedgerError) as same:
            lg.update(f.finding_id, Change(by="甲", status="closed"), at=OCT_9)
        assert same.value.problem.code == "ledger-same-person"
        rejected = lg.update(f.finding_id, Change(by="乙", status="rectifying", note="凭证不全"), at=OCT_9)
        assert rejected.done is None and rejected.rectified_by is None and rejected.deadline == date(2025, 10, 15)
        lg.update(
            f.finding_id,
            Change(by="甲", status="rectified", note="补齐凭证", recovered_yuan=Decimal("466.67")),
            at=OCT_9,
        )
        closed = lg.update(f.finding_id, Change(by="乙", status="closed"), at=OCT_9)
        assert closed.status == "closed" and closed.recovered_yuan == Decimal("466.67") and closed.version == 7
        history = lg.history(f.finding_id)
        assert [e.seq for e in history] == list(range(1, 8))
        assert [e.to_status for e in history[1:]] == [
            "verified",
            "rectifying",
            "rectified",
            "rectifying",
            "rectified",
            "closed",
        ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (Change(by="甲", status="closed"), "ledger-move-refused"),
        (Change(by="甲", status="excluded"), "ledger-missing-field"),
        (Change(by="甲", status="verified", owner="王五"), "ledger-field-not-allowed"),
        (Change(by="甲", status="nonsense"), "ledger-unknown-status"),
        (Change(by="甲"), "ledger-missing-field"),
    ],
)
def test_a_refused_change_writes_nothing(db: str, change: Change, code: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        with pytest.raises(LedgerError) as exc:
            lg.update(f.finding_id, change, at=OCT_9)
        assert exc.value.problem.code == code
        assert lg.get(f.finding_id).version == 1 and _events(lg) == 1


def test_rectifying_needs_owner_measure_and_deadline_and_rectified_needs_money(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="verified"), at=OCT_9)
        with pytest.raises(LedgerError, match="deadline"):
            lg.update(f.finding_id, Change(by="甲", status="rectifying", owner="王", measure="追回"), at=OCT_9)
        with pytest.raises(LedgerError) as past:
            lg.update(
                f.finding_id,
                Change(by="甲", status="rectifying", owner="王", measure="追回", deadline=date(2025, 10, 1)),
                at=OCT_9,
            )
        assert past.value.problem.code == "ledger-deadline-past"
        lg.update(
            f.finding_id,
            Change(by="甲", status="rectifying", owner="王", measure="追回", deadline=date(2025, 10, 30)),
            at=OCT_9,
        )
        with pytest.raises(LedgerError, match="money recovered"):
            lg.update(f.finding_id, Change(by="甲", status="rectified", note="已处理"), at=OCT_9)
        edited = lg.update(f.finding_id, Change(by="甲", deadline=date(2025, 11, 28), note="延期"), at=OCT_9)
        assert edited.deadline == date(2025, 11, 28) and lg.history(f.finding_id)[-1].kind is EventKind.EDITED


def test_excluded_and_closed_reopen_only_with_a_reason(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="excluded", note="系补发上月"), at=OCT_9)
        with pytest.raises(LedgerError):
            lg.update(f.finding_id, Change(by="甲", status="lead"), at=OCT_9)
        assert lg.update(f.finding_id, Change(by="甲", status="lead", note="复核"), at=OCT_9).status == "lead"


def test_a_deadline_in_a_year_the_calendar_does_not_cover_is_an_error(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="verified"), at=OCT_9)
        with pytest.raises(LedgerError) as exc:
            lg.update(
                f.finding_id,
                Change(by="甲", status="rectifying", owner="王", measure="追回", within_working_days=20),
                at=at(date(2099, 3, 2)),
            )
        assert exc.value.problem.code == "ledger-calendar-not-covered" and "2099" in str(exc.value)
        assert lg.get(f.finding_id).status == "verified"


def test_a_stale_version_is_a_conflict_and_nothing_is_written(db: str) -> None:
    f = make_finding(1)
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="verified", expect_version=1), at=OCT_9)
        with pytest.raises(ConflictError) as exc:
            lg.update(f.finding_id, Change(by="乙", status="excluded", note="x", expect_version=1), at=OCT_9)
        assert "version 2" in str(exc.value)
        assert lg.get(f.finding_id).status == "verified" and _events(lg) == 2


def test_attachments_are_kept_by_name_and_sha256(db: str) -> None:
    from subsidy_rules.rectification import Attachment

    f = make_finding(1)
    files = (Attachment("追回凭证.pdf", "a" * 64, 1024), Attachment("说明.docx", "b" * 64, 10))
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="a", by="甲", at=OCT_9)
        lg.update(f.finding_id, Change(by="甲", status="verified", attachments=files), at=OCT_9)
        assert lg.history(f.finding_id)[-1].attachments == files


def test_an_unknown_item_is_an_error(db: str) -> None:
    with Ledger.open(db) as lg, pytest.raises(LedgerError) as exc:
        lg.get("no-such-item")
    assert exc.value.problem.code == "ledger-unknown-item"


def test_an_old_ledger_is_refused_until_upgraded_and_sqlite_keeps_a_copy(db: str) -> None:
    from sqlalchemy import create_engine

    url = database_url(db)
    if url.startswith("sqlite"):
        Path(db).touch(mode=0o600)
    engine = create_engine(url)
    with engine.begin() as conn:
        _upgrade(conn, "0001")
    engine.dispose()
    with pytest.raises(LedgerError) as exc:
        Ledger.open(db)
    assert exc.value.problem.code == "ledger-schema-old"
    with Ledger.open(db, upgrade=True) as lg:
        assert lg.revision == HEAD
        assert "spot_checks" in inspect(lg.engine).get_table_names()
    if url.startswith("sqlite"):
        assert Path(db + ".rev-0001.bak").is_file()


def test_the_migrations_make_exactly_the_declared_tables(db: str) -> None:
    with Ledger.open(db) as lg:
        insp = inspect(lg.engine)
        for table in s.metadata.sorted_tables:
            assert [c["name"] for c in insp.get_columns(table.name)] == [c.name for c in table.columns]
        indexes = {ix["name"] for ix in insp.get_indexes("items")}
        assert {"ix_items_unit_status", "ix_items_status_deadline"} <= indexes


def test_a_new_sqlite_ledger_is_private_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as lg, lg.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"this is not a database, just text" * 200, "ledger-not-a-database"), (None, "ledger-not-a-database")],
)
def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path, content: bytes | None, code: str) -> None:
    path = tmp_path / "other.db"
    if content is None:
        import sqlite3

        con = sqlite3.connect(path)
        con.execute("CREATE TABLE payroll (x)")
        con.commit()
        con.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(LedgerError) as exc:
        Ledger.open(path)
    assert exc.value.problem.code == code
    assert path.read_bytes() == before


def test_money_with_more_than_two_decimals_is_refused() -> None:
    assert to_fen(Decimal("466.67")) == 46667
    with pytest.raises(LedgerError):
        to_fen(Decimal("1.005"))


def test_the_states_file_is_checked() -> None:
    sm = state_machine()
    assert sm.initial == "lead" and sm.name_zh("closed") == "已销号"
    assert all(sm.state(m.target) for m in sm.moves)
    with pytest.raises(ValueError, match="initial"):
        parse_states(
            'initial = "x"\n[states.a]\nname_zh="甲"\nname_en="a"\ndescription_zh=""\ndescription_en=""\nfinal=false'
        )
    bad = (
        'initial = "a"\n[states.a]\nname_zh="甲"\nname_en="a"\ndescription_zh=""\ndescription_en=""\nfinal=false\n'
        '[[moves]]\nfrom="a"\nto="a"\nname_zh="x"\nname_en="x"\nrequires=["bribe"]\nsource="x"\n'
    )
    with pytest.raises(ValueError, match="requirement"):
        parse_states(bad)


def test_manual_items_are_never_marked_no_longer_detected(db: str) -> None:
    f = attrs.evolve(make_finding(1), detector="manual")
    with Ledger.open(db) as lg:
        lg.import_findings([f], source="hand.csv", by="甲", at=OCT_9, origin=Source.MANUAL)
        lg.import_findings(
            [make_finding(2)], source="a", by="甲", at=OCT_9, detectors_run=["manual", "duplicate-period"]
        )
        assert lg.get(f.finding_id).detected is True


def test_each_migration_upgrades_and_downgrades_cleanly(tmp_path: Path) -> None:
    import importlib

    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    first = importlib.import_module("subsidy_rules.rectification.migrations.versions.0001_initial")
    second = importlib.import_module("subsidy_rules.rectification.migrations.versions.0002_spot_checks")
    assert (first.revision, second.down_revision, second.revision) == ("0001", "0001", HEAD)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        first.upgrade()
        second.upgrade()
        assert {"items", "events", "attachments", "imports", "spot_checks", "spot_check_units"} <= set(
            inspect(conn).get_table_names()
        )
        second.downgrade()
        first.downgrade()
        assert set(inspect(conn).get_table_names()) == set()
    engine.dispose()


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("{tmp}", "is a folder"),
        ("{tmp}/no/such/folder/l.db", "no folder"),
        ("sqlite:///:memory:", "needs a file path"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot open the ledger database"),
    ],
)
def test_a_ledger_that_cannot_be_opened_is_one_clear_error(tmp_path: Path, target: str, needle: str) -> None:
    with pytest.raises(LedgerError, match=needle):
        Ledger.open(target.replace("{tmp}", str(tmp_path)))


def test_a_ledger_newer_than_the_program_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "l.db"
    with Ledger.open(path) as lg, lg.transaction() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(LedgerError) as exc:
        Ledger.open(path)
    assert exc.value.problem.code == "ledger-schema-new"
    monkeypatch.setenv("SUBSIDY_RULES_DB", str(tmp_path / "env.db"))
    assert database_url(None).endswith("env.db")
    monkeypatch.delenv("SUBSIDY_RULES_DB")
    with pytest.raises(LedgerError, match="--db"):
        database_url(None)

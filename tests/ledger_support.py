"""Fixtures of the ledger tests: every ledger test runs on SQLite and on PostgreSQL.

PostgreSQL: ``$SUBSIDY_RULES_TEST_PG`` (a server URL) when set; otherwise a
throwaway server is started from the machine's own binaries by
``tests/pg/start.sh`` (which installs Debian's postgresql when missing) and
stopped at the end of the session. Each test gets a database of its own.
If no server can be had the PostgreSQL tests FAIL (never skip silently);
only ``SUBSIDY_RULES_PG=skip`` outside CI turns that into a visible skip.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from subsidy_rules.core.month import Month
from subsidy_rules.issues.model import Finding, finding_id

HERE = Path(__file__).parent
BACKENDS = ("sqlite", "postgresql")


def _start(folder: Path) -> str:
    run = subprocess.run(
        ["bash", str(HERE / "pg" / "start.sh"), str(folder)], capture_output=True, text=True, timeout=900
    )
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip()[-2000:] or "tests/pg/start.sh failed")
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session", name="pg_server")
def pg_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server for this session (its ``postgres`` database)."""
    given = os.environ.get("SUBSIDY_RULES_TEST_PG")
    if given:
        yield given
        return
    folder = tmp_path_factory.mktemp("pg")
    try:
        url = _start(folder)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        if os.environ.get("SUBSIDY_RULES_PG") == "skip" and not os.environ.get("CI"):
            pytest.skip(f"PostgreSQL unavailable and SUBSIDY_RULES_PG=skip: {exc}")
        pytest.fail(f"no PostgreSQL for the ledger tests (tests/pg/start.sh): {exc}")
    try:
        yield url
    finally:
        subprocess.run(["bash", str(HERE / "pg" / "stop.sh"), str(folder)], capture_output=True, timeout=120)


def _admin(url: str, sql: str) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS, name="db")
def ledger_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty ledger location: an SQLite path, or a new PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
        return
    server: str = request.getfixturevalue("pg_server")
    name = "t_" + uuid.uuid4().hex[:16]
    _admin(server, f"CREATE DATABASE {name}")
    base = server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def make_finding(
    n: int,
    *,
    unit: str = "江汉区民族街道",
    detector: str = "duplicate-period",
    amount: str = "466.67",
    issue: str = "payment.excess.beyond-standard",
    program: str | None = "flexible-employment-si-subsidy",
) -> Finding:
    """A finding as the audit writes one (person ``n``)."""
    id_number = f"420103197802{n % 10**6:06d}"
    months = (Month(2025, 3),)
    return Finding(
        finding_id=finding_id(detector, id_number, program, months),
        detector=detector,
        issue=issue,
        program=program,
        unit=unit,
        id_number=id_number,
        name=f"张{n}",
        months=months,
        amount_yuan=Decimal(amount),
        evidence=(f"JH{n:08d}", f"JH{n:08d}b"),
        explanation_zh=f"张{n}（{id_number}）在2025-03重复发放，重复金额{amount}元。",
        explanation_en=f"Zhang {n} ({id_number}) was paid twice for 2025-03.",
    )


def at(day: date, hour: int = 2) -> datetime:
    """A UTC time on ``day`` (02:00 UTC is 10:00 in Beijing: the same calendar day)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def write_jsonl(path: Path, findings: list[Finding]) -> Path:
    import json

    from subsidy_rules.io.json import to_json

    path.write_text("".join(json.dumps(to_json(f), ensure_ascii=False) + "\n" for f in findings), encoding="utf-8")
    return path

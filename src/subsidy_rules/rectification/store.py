"""The ledger's store: SQLAlchemy Core over SQLite (default, one file) or PostgreSQL (several auditors).

Opening (:meth:`Ledger.open`):

* ``--db PATH`` (or ``SUBSIDY_RULES_DB``) is an SQLite file; ``postgresql://…``
  a PostgreSQL database (driver psycopg 3).
* A file that does not exist yet is created readable by its owner only (0600)
  and initialised by the Alembic migrations shipped in the package; an empty
  PostgreSQL database is initialised likewise.
* A ledger at an older schema revision is refused until ``ledger upgrade``
  (SQLite: a copy ``PATH.rev-<old>.bak`` is kept first): never rewritten silently.
* A file that is not an SQLite database, or a database holding other tables,
  is one clear error.

SQLite runs in WAL mode with foreign keys on; every transaction takes the
write lock at its start (``BEGIN IMMEDIATE``), so concurrent writers queue
(busy timeout 60 s) instead of failing half-way. Every change of an item
writes its event in the same transaction; an update names the version it was
based on and fails with :class:`~subsidy_rules.rectification.errors.ConflictError`
when someone else changed the item meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Problem
from subsidy_rules.io.json import from_json, to_json
from subsidy_rules.issues.model import Finding
from subsidy_rules.rectification import schema as s
from subsidy_rules.rectification.deadlines import china_day, within_working_days
from subsidy_rules.rectification.errors import ConflictError, LedgerError
from subsidy_rules.rectification.model import (
    Attachment,
    Change,
    Event,
    EventKind,
    ExportedItem,
    ImportSummary,
    Item,
    Source,
    SpotCheck,
)
from subsidy_rules.rectification.states import Move, state_machine

ENV = "SUBSIDY_RULES_DB"
HEAD = "0002"
_CHUNK = 2000
_FIELD_NAMES = {
    "note": ("说明（理由或整改情况）", "a note (the reason, or what was done)", "--note"),
    "owner": ("责任人", "the owner", "--owner"),
    "measure": ("整改措施", "the measure", "--measure"),
    "deadline": ("整改时限", "the deadline", "--deadline or --within"),
    "recovered_yuan": ("追回金额（元）", "the money recovered in yuan", "--recovered-yuan"),
}


def now() -> datetime:
    return datetime.now(UTC)


def to_fen(amount: Decimal, field_zh: str = "金额", field_en: str = "amount") -> int:
    """Whole 分 of an amount in 元; more than two decimals, a negative or a non-number is a LedgerError."""
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise LedgerError(Problem.make("ledger-bad-money", value=amount, field_zh=field_zh, field_en=field_en))
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def database_url(target: str | Path | None) -> str:
    """The SQLAlchemy URL of ``--db`` (a path or a URL; ``None``: ``$SUBSIDY_RULES_DB``)."""
    value = str(target) if target is not None else os.environ.get(ENV, "")
    if not value:
        raise LedgerError(
            Problem.make(
                "cli-cannot-run",
                reason_zh=f"未指定整改台账：请用 --db 路径 或设置环境变量 {ENV}",
                reason_en=f"no ledger given: use --db PATH or set {ENV}",
            )
        )
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value))


def shown_url(url: str) -> str:
    """The URL without its password (for messages)."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi: sqlite3.Connection, _: Any) -> None:
        dbapi.isolation_level = None  # the driver's own BEGIN is replaced by BEGIN IMMEDIATE below
        cur = dbapi.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _migrations_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("subsidy_rules.rectification") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def _upgrade(conn: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(_migrations_config(conn), target)


def revision_of(conn: Connection) -> str | None:
    """The schema revision of the ledger (None: no ledger tables at all); other tables alone: not a ledger."""
    names = set(inspect(conn).get_table_names())
    if "alembic_version" in names:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])
    if names - {"sqlite_sequence"}:
        raise LedgerError(
            Problem.make(
                "ledger-not-a-database",
                reason=f"it holds other tables ({', '.join(sorted(names)[:5])}) and no ledger",
            )
        )
    return None


class Ledger:
    """An open ledger. Build with :meth:`open`; close with :meth:`close` (or use it as a context manager)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path | None = None, *, upgrade: bool = False) -> Ledger:
        """Open (creating on first use) the ledger at ``target``; ``upgrade`` brings an old one to the head."""
        url = database_url(target)
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise LedgerError(Problem.make("ledger-cannot-open", reason=str(exc))) from None
        path: Path | None = None
        if parsed.get_backend_name() == "sqlite":
            path = Path(parsed.database or "")
            if not parsed.database or str(path) == ":memory:":
                raise LedgerError(Problem.make("ledger-cannot-open", reason="an SQLite ledger needs a file path"))
            if path.is_dir():
                raise LedgerError(Problem.make("ledger-cannot-open", reason=f"{path} is a folder, not a file"))
            if not path.exists():
                if not path.parent.is_dir():
                    raise LedgerError(Problem.make("ledger-cannot-open", reason=f"no folder {path.parent}"))
                with contextlib.suppress(FileExistsError):  # another process made it a moment ago
                    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            engine = _sqlite_engine(path)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        ledger = cls(engine, url)
        try:
            ledger._prepare(upgrade, path)
            if path is not None:
                ledger._wal()
        except BaseException:
            engine.dispose()
            raise
        return ledger

    def _prepare(self, upgrade: bool, path: Path | None) -> None:
        backed_up = False
        try:
            while True:
                with self.transaction() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(1701)"))  # one initialiser at a time
                    current = revision_of(conn)
                    if current is None:
                        _upgrade(conn)
                        return
                    if current == HEAD:
                        return
                    known = [f"{n:04d}" for n in range(1, int(HEAD) + 1)]
                    if current not in known:
                        raise LedgerError(Problem.make("ledger-schema-new", current=current, head=HEAD))
                    if not upgrade:
                        raise LedgerError(Problem.make("ledger-schema-old", current=current, head=HEAD))
                    if path is None or backed_up:
                        _upgrade(conn)
                        return
                # SQLite: a consistent copy of the old file first, outside the write transaction
                _backup_sqlite(path, path.with_name(f"{path.name}.rev-{current}.bak"))
                backed_up = True
        except LedgerError:
            raise
        except DBAPIError as exc:
            raise _database_error(exc, self.url) from None

    def _wal(self) -> None:
        """WAL mode (persistent in the file), set once the file is known to be a ledger."""
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    raw.execute("PRAGMA journal_mode = WAL")
        except DBAPIError as exc:  # pragma: no cover - a file that opened a moment ago
            raise _database_error(exc, self.url) from None

    @property
    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return revision_of(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction (SQLite: the write lock taken at its start); errors become LedgerErrors."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except LedgerError:
            raise
        except DBAPIError as exc:
            raise _database_error(exc, self.url) from None

    # -- reading ------------------------------------------------------------------------------------

    def get(self, finding_id: str, conn: Connection | None = None) -> Item:
        """The item; an unknown id is a LedgerError (``ledger-unknown-item``)."""
        with self._reader(conn) as c:
            row = c.execute(select(s.items).where(s.items.c.finding_id == finding_id)).mappings().first()
        if row is None:
            raise LedgerError(Problem.make("ledger-unknown-item", value=finding_id))
        return item_of(row)

    def history(self, finding_id: str, conn: Connection | None = None) -> tuple[Event, ...]:
        """Every event of the item, oldest first (with its attachments)."""
        with self._reader(conn) as c:
            self.get(finding_id, c)
            rows = c.execute(
                select(s.events).where(s.events.c.finding_id == finding_id).order_by(s.events.c.seq)
            ).mappings()
            events = list(rows)
            files = _attachments(c, [e["id"] for e in events])
        return tuple(event_of(e, files.get(e["id"], ())) for e in events)

    def items(
        self,
        *,
        status: str | None = None,
        unit: str | None = None,
        program: str | None = None,
        detector: str | None = None,
        overdue_on: date | None = None,
        limit: int | None = None,
    ) -> list[Item]:
        """Items matching every filter given, by unit then finding id; ``overdue_on``: only items overdue that day."""
        query = select(s.items)
        conds = []
        if status is not None:
            conds.append(s.items.c.status == status)
        if unit is not None:
            conds.append(s.items.c.unit == unit)
        if program is not None:
            conds.append(s.items.c.program == program)
        if detector is not None:
            conds.append(s.items.c.detector == detector)
        if overdue_on is not None:
            conds += [s.items.c.status == "rectifying", s.items.c.deadline < overdue_on]
        if conds:
            query = query.where(and_(*conds))
        query = query.order_by(s.items.c.unit, s.items.c.finding_id)
        if limit is not None:
            query = query.limit(limit)
        with self._reader(None) as c:
            return [item_of(r) for r in c.execute(query).mappings()]

    def count(self) -> int:
        with self._reader(None) as c:
            return int(c.execute(select(func.count()).select_from(s.items)).scalar_one())

    def all_events(self, conn: Connection | None = None) -> Iterator[tuple[str, Event]]:
        """(finding id, event) for every event, by item then seq (attachments included)."""
        with self._reader(conn) as c:
            files = _attachments(c, None)
            for e in c.execute(select(s.events).order_by(s.events.c.finding_id, s.events.c.seq)).mappings():
                yield e["finding_id"], event_of(e, files.get(e["id"], ()))

    @contextmanager
    def _reader(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        try:
            with self.engine.connect() as c:
                yield c
        except LedgerError:
            raise
        except DBAPIError as exc:
            raise _database_error(exc, self.url) from None

    # -- changing one item ----------------------------------------------------------------------

    def update(self, finding_id: str, change: Change, *, at: datetime | None = None) -> Item:
        """Apply ``change`` (a move, or an edit when ``change.status`` is None) with its event, in one transaction."""
        at = at or now()
        with self.transaction() as conn:
            item = self.get(finding_id, conn)
            if change.expect_version is not None and change.expect_version != item.version:
                raise _conflict(item, change.expect_version)
            values, changes, kind = plan_change(item, change, china_day(at))
            result = conn.execute(
                update(s.items)
                .where(and_(s.items.c.finding_id == finding_id, s.items.c.version == item.version))
                .values(**values, version=item.version + 1, updated_at=at)
            )
            if result.rowcount != 1:
                raise _conflict(self.get(finding_id, conn), item.version)
            ev = Event(
                seq=item.version + 1,
                at=at,
                by=change.by,
                kind=kind,
                from_status=item.status if change.status is not None else None,
                to_status=change.status,
                note=change.note,
                changes=changes,
                attachments=change.attachments,
            )
            _insert_events(conn, [(finding_id, ev)])
            return self.get(finding_id, conn)

    # -- importing --------------------------------------------------------------------------------

    def import_findings(
        self,
        findings: Sequence[Finding],
        *,
        source: str,
        by: str,
        at: datetime | None = None,
        origin: Source = Source.AUDIT,
        detectors_run: Iterable[str] | None = None,
    ) -> ImportSummary:
        """Import an audit's findings in one transaction, idempotent by ``finding_id``.

        New findings become items (state 疑点); a finding already in the ledger
        whose amount (or evidence, months, explanation) changed gets a change
        event; an item the audit found before and not now — same unit, a
        detector that ran (``detectors_run``, default: the detectors present in
        ``findings``) — is marked "no longer detected", never deleted; one
        found again is marked so.
        """
        at = at or now()
        by_id = {f.finding_id: f for f in findings}
        added = changed = unchanged = gone = again = 0
        with self.transaction() as conn:
            import_id = conn.execute(
                insert(s.imports)
                .values(
                    at=at,
                    by=by,
                    source=source,
                    read=len(findings),
                    added=0,
                    changed=0,
                    no_longer_detected=0,
                    detected_again=0,
                )
                .returning(s.imports.c.id)
            ).scalar_one()
            existing: dict[str, dict[str, Any]] = {}
            ids = list(by_id)
            cols = [s.items.c[n] for n in _COMPARED] + [s.items.c.finding_id, s.items.c.version, s.items.c.detected]
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                for r in conn.execute(select(*cols).where(s.items.c.finding_id.in_(chunk))).mappings():
                    existing[r["finding_id"]] = dict(r)
            new_rows: list[dict[str, Any]] = []
            new_events: list[tuple[str, Event]] = []
            for fid, f in by_id.items():
                row = existing.get(fid)
                values = finding_values(f)
                if row is None:
                    new_rows.append(
                        {
                            **values,
                            "finding_id": fid,
                            "source": origin.value,
                            "status": state_machine().initial,
                            "detected": True,
                            "version": 1,
                            "first_import": import_id,
                            "created_at": at,
                            "updated_at": at,
                        }
                    )
                    added += 1
                    continue
                diff = {k: v for k, v in values.items() if row[k] != v}
                if not diff and row["detected"]:
                    unchanged += 1
                    continue
                kind = EventKind.DETECTED_AGAIN
                changes: dict[str, str] = {}
                if "amount_fen" in diff:
                    kind = EventKind.AMOUNT_CHANGED
                    changes["amount_yuan_before"] = str(from_fen(row["amount_fen"]))
                    changes["amount_yuan"] = str(f.amount_yuan)
                elif diff:
                    kind = EventKind.FINDING_CHANGED
                for k in diff:
                    if k != "amount_fen":
                        changes[k] = str(diff[k])
                if not row["detected"]:
                    again += 1
                    changes["detected"] = "true"
                if diff:
                    changed += 1
                _versioned_update(conn, fid, row["version"], {**diff, "detected": True, "updated_at": at})
                new_events.append((fid, Event(row["version"] + 1, at, by, kind, None, None, source, changes)))
            if origin is Source.AUDIT:
                units = {f.unit for f in findings}
                ran = set(detectors_run) if detectors_run is not None else {f.detector for f in findings}
                for unit in sorted(units):
                    # by unit alone: the (unit, status) index answers it; the rest is filtered here
                    query = select(
                        s.items.c.finding_id,
                        s.items.c.version,
                        s.items.c.detector,
                        s.items.c.source,
                        s.items.c.detected,
                    ).where(s.items.c.unit == unit)
                    for gone_row in conn.execute(query).all():
                        fid, version = gone_row.finding_id, gone_row.version
                        if (
                            fid in by_id
                            or not gone_row.detected
                            or gone_row.source != Source.AUDIT.value
                            or gone_row.detector not in ran
                        ):
                            continue
                        _versioned_update(conn, fid, version, {"detected": False, "updated_at": at})
                        new_events.append(
                            (
                                fid,
                                Event(
                                    version + 1,
                                    at,
                                    by,
                                    EventKind.NO_LONGER_DETECTED,
                                    None,
                                    None,
                                    source,
                                    {"detected": "false"},
                                ),
                            )
                        )
                        gone += 1
            if new_rows:
                conn.execute(insert(s.items), new_rows)
                # each new item's first event, written by the database from the rows just inserted
                conn.execute(
                    insert(s.events).from_select(
                        ["finding_id", "seq", "at", "by", "kind", "note", "changes"],
                        select(
                            s.items.c.finding_id,
                            literal(1),
                            s.items.c.created_at,
                            literal(by),
                            literal(EventKind.IMPORTED.value),
                            literal(source),
                            literal("{}"),
                        ).where(s.items.c.first_import == import_id),
                    )
                )
            _insert_events(conn, new_events)
            conn.execute(
                update(s.imports)
                .where(s.imports.c.id == import_id)
                .values(added=added, changed=changed, no_longer_detected=gone, detected_again=again)
            )
        return ImportSummary(source, len(findings), added, changed, gone, again, unchanged)

    def import_exported(self, exported: Sequence[ExportedItem], *, source: str) -> ImportSummary:
        """Load a ledger export (items with their history) in one transaction; an item already here with the
        same history is skipped, with another history it is refused."""
        added = unchanged = 0
        with self.transaction() as conn:
            for chunk_start in range(0, len(exported), _CHUNK):
                chunk = exported[chunk_start : chunk_start + _CHUNK]
                ids = [e.item.finding_id for e in chunk]
                have = {
                    r.finding_id: r.version
                    for r in conn.execute(
                        select(s.items.c.finding_id, s.items.c.version).where(s.items.c.finding_id.in_(ids))
                    ).all()
                }
                rows: list[dict[str, Any]] = []
                events: list[tuple[str, Event]] = []
                for e in chunk:
                    fid = e.item.finding_id
                    if fid in have:
                        if self.history(fid, conn) != e.history:
                            raise LedgerError(Problem.make("ledger-history-conflict", value=fid))
                        unchanged += 1
                        continue
                    rows.append(item_values(e.item))
                    events.extend((fid, ev) for ev in e.history)
                    added += 1
                if rows:
                    conn.execute(insert(s.items), rows)
                _insert_events(conn, events)
        return ImportSummary(source, len(exported), added, 0, 0, 0, unchanged)

    def unit_counts(self) -> dict[str, int]:
        """Items per unit, excluded ones left out (what the spot check ranks units by)."""
        query = (
            select(s.items.c.unit, func.count())
            .where(s.items.c.status != "excluded")
            .group_by(s.items.c.unit)
            .order_by(s.items.c.unit)
        )
        with self._reader(None) as c:
            return {r[0]: int(r[1]) for r in c.execute(query).all()}

    def record_spot_check(self, check: SpotCheck, *, by: str, at: datetime | None = None) -> int:
        """Keep a spot-check draw (and the units it chose, with why) in the ledger; returns its number."""
        at = at or now()
        with self.transaction() as conn:
            sid = conn.execute(
                insert(s.spot_checks)
                .values(
                    at=at,
                    by=by,
                    seed=check.seed,
                    ratio=str(check.ratio),
                    as_of=check.as_of,
                    population=check.population,
                    document=json.dumps(to_json(check), ensure_ascii=False),
                )
                .returning(s.spot_checks.c.id)
            ).scalar_one()
            conn.execute(
                insert(s.spot_check_units),
                [
                    {"spot_check_id": sid, "rank": i, "unit": c.unit, "reason_code": c.reason_code, "reason": c.reason}
                    for i, c in enumerate(check.chosen, start=1)
                ],
            )
        return int(sid)

    def spot_checks(self) -> list[tuple[int, datetime, str, SpotCheck]]:
        """Every recorded draw: (number, when, by whom, the draw)."""
        with self._reader(None) as c:
            return [
                (r.id, r.at, r.by, from_json(json.loads(r.document), SpotCheck))
                for r in c.execute(select(s.spot_checks).order_by(s.spot_checks.c.id)).all()
            ]

    def export(self) -> Iterator[ExportedItem]:
        """Every item with its history, by finding id (what ``ledger export --format jsonl`` writes)."""
        with self._reader(None) as c:
            history: dict[str, list[Event]] = {}
            for fid, ev in self.all_events(c):
                history.setdefault(fid, []).append(ev)
            for r in c.execute(select(s.items).order_by(s.items.c.finding_id)).mappings():
                yield ExportedItem(item_of(r), tuple(history.get(r["finding_id"], ())))


# -- rows <-> records --------------------------------------------------------------------------------

_COMPARED = (
    "detector",
    "issue",
    "program",
    "unit",
    "id_number",
    "name",
    "months",
    "amount_fen",
    "evidence",
    "explanation_zh",
    "explanation_en",
    "citations",
    "account",
)


@functools.lru_cache(maxsize=1024)
def _citations_text(citations: tuple[Citation, ...]) -> str:
    """Citations as stored (the findings of one detector share theirs: computed once)."""
    return json.dumps(to_json(list(citations)), ensure_ascii=False)


def finding_values(f: Finding) -> dict[str, Any]:
    """The item columns a finding fills (money in 分, lists as text)."""
    return {
        "detector": f.detector,
        "issue": f.issue,
        "program": f.program,
        "unit": f.unit,
        "id_number": f.id_number,
        "name": f.name,
        "months": ",".join(str(m) for m in f.months),
        "amount_fen": to_fen(f.amount_yuan),
        "evidence": json.dumps(list(f.evidence), ensure_ascii=False),
        "explanation_zh": f.explanation_zh,
        "explanation_en": f.explanation_en,
        "citations": _citations_text(f.citations),
        "account": f.account,
    }


def item_values(item: Item) -> dict[str, Any]:
    """Every column of an item's row."""
    return {
        **finding_values(item.finding()),
        "finding_id": item.finding_id,
        "source": item.source.value,
        "status": item.status,
        "detected": item.detected,
        "owner": item.owner,
        "measure": item.measure,
        "deadline": item.deadline,
        "done": item.done,
        "recovered_fen": None if item.recovered_yuan is None else to_fen(item.recovered_yuan),
        "rectified_by": item.rectified_by,
        "version": item.version,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def item_of(row: Any) -> Item:
    months = tuple(Month.parse(m) for m in row["months"].split(",")) if row["months"] else ()
    return Item(
        finding_id=row["finding_id"],
        detector=row["detector"],
        issue=row["issue"],
        program=row["program"],
        unit=row["unit"],
        id_number=row["id_number"],
        name=row["name"],
        months=months,
        amount_yuan=from_fen(row["amount_fen"]),
        evidence=tuple(json.loads(row["evidence"])),
        explanation_zh=row["explanation_zh"],
        explanation_en=row["explanation_en"],
        status=row["status"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        citations=from_json(json.loads(row["citations"]), tuple[Citation, ...]),
        account=row["account"],
        source=Source(row["source"]),
        detected=bool(row["detected"]),
        owner=row["owner"],
        measure=row["measure"],
        deadline=row["deadline"],
        done=row["done"],
        recovered_yuan=None if row["recovered_fen"] is None else from_fen(row["recovered_fen"]),
        rectified_by=row["rectified_by"],
    )


def event_of(row: Any, files: Sequence[Attachment]) -> Event:
    return Event(
        seq=row["seq"],
        at=row["at"],
        by=row["by"],
        kind=EventKind(row["kind"]),
        from_status=row["from_status"],
        to_status=row["to_status"],
        note=row["note"],
        changes=dict(json.loads(row["changes"])),
        attachments=tuple(files),
    )


def _attachments(conn: Connection, event_ids: list[int] | None) -> dict[int, list[Attachment]]:
    query = select(s.attachments).order_by(s.attachments.c.id)
    if event_ids is not None:
        if not event_ids:
            return {}
        query = query.where(s.attachments.c.event_id.in_(event_ids))
    out: dict[int, list[Attachment]] = {}
    for r in conn.execute(query).mappings():
        out.setdefault(r["event_id"], []).append(Attachment(r["file_name"], r["sha256"], r["size"]))
    return out


def _insert_events(conn: Connection, events: Sequence[tuple[str, Event]]) -> None:
    if not events:
        return
    rows = [
        {
            "finding_id": fid,
            "seq": e.seq,
            "at": e.at,
            "by": e.by,
            "kind": e.kind.value,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "changes": json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "{}",
        }
        for fid, e in events
    ]
    with_files = [(fid, e) for fid, e in events if e.attachments]
    if not with_files:
        conn.execute(insert(s.events), rows)
        return
    for row, (_, e) in zip(rows, events, strict=True):
        event_id = conn.execute(insert(s.events).values(**row).returning(s.events.c.id)).scalar_one()
        if e.attachments:
            conn.execute(
                insert(s.attachments),
                [
                    {"event_id": event_id, "file_name": a.file_name, "sha256": a.sha256, "size": a.size}
                    for a in e.attachments
                ],
            )


def _versioned_update(conn: Connection, fid: str, version: int, values: dict[str, Any]) -> None:
    result = conn.execute(
        update(s.items)
        .where(and_(s.items.c.finding_id == fid, s.items.c.version == version))
        .values(**values, version=version + 1)
    )
    if result.rowcount != 1:
        row = conn.execute(select(s.items.c.version).where(s.items.c.finding_id == fid)).scalar_one()
        raise LedgerError(Problem.make("ledger-conflict", value=fid, current=row, expected=version))


def _conflict(item: Item, expected: int) -> ConflictError:
    return ConflictError(
        Problem.make("ledger-conflict", value=item.finding_id, current=item.version, expected=expected)
    )


# -- the rules of a change -----------------------------------------------------------------------------


def plan_change(item: Item, change: Change, today: date) -> tuple[dict[str, Any], dict[str, str], EventKind]:
    """The column values, the event's ``changes`` and its kind for ``change`` on ``item``; refusals raise."""
    sm = state_machine()
    move: Move | None = None
    if change.status is not None:
        if change.status not in sm.codes():
            raise LedgerError(Problem.make("ledger-unknown-status", value=change.status, allowed=", ".join(sm.codes())))
        move = sm.move(item.status, change.status)
        if move is None:
            open_moves = sm.moves_from(item.status)
            raise LedgerError(
                Problem.make(
                    "ledger-move-refused",
                    value=change.status,
                    from_zh=sm.name_zh(item.status),
                    to_zh=sm.name_zh(change.status),
                    from_en=item.status,
                    to_en=change.status,
                    allowed_zh="、".join(sm.name_zh(m.target) for m in open_moves) or "（无）",
                    allowed_en=", ".join(m.target for m in open_moves) or "(none)",
                )
            )
    move_zh = move.name_zh if move else "修改"
    move_en = move.name_en if move else "an edit"
    requires = set(move.requires) if move else set()
    target = change.status or item.status
    allowed = {"note"} | requires
    if target == "rectifying":
        allowed |= {"owner", "measure", "deadline"}
    given = {
        "owner": change.owner,
        "measure": change.measure,
        "deadline": change.deadline if change.deadline is not None else change.within_working_days,
        "recovered_yuan": change.recovered_yuan,
        "note": change.note,
    }
    for field, value in given.items():
        if value is not None and field not in allowed:
            zh, en, option = _FIELD_NAMES[field]
            raise LedgerError(
                Problem.make("ledger-field-not-allowed", move_zh=move_zh, move_en=move_en, field_zh=zh, option=option)
            )
    missing = [
        f
        for f in ("note", "owner", "measure", "deadline", "recovered_yuan")
        if f in requires
        and (given[f] is None or given[f] == "")
        and not (f == "recovered_yuan" and item.amount_yuan == 0)
    ]
    if move is None and not any(v not in (None, "") for v in given.values()) and not change.attachments:
        missing = ["note"]
    if missing:
        zh, en, option = _FIELD_NAMES[missing[0]]
        raise LedgerError(
            Problem.make(
                "ledger-missing-field", move_zh=move_zh, move_en=move_en, field_zh=zh, field_en=en, option=option
            )
        )
    if "other_person" in requires and item.rectified_by is not None and change.by.strip() == item.rectified_by.strip():
        raise LedgerError(Problem.make("ledger-same-person", value=item.rectified_by))
    values: dict[str, Any] = {}
    changes: dict[str, str] = {}
    if change.status is not None:
        values["status"] = change.status
    deadline = change.deadline
    if deadline is None and change.within_working_days is not None:
        deadline = within_working_days(today, change.within_working_days)
        changes["within_working_days"] = str(change.within_working_days)
    if deadline is not None:
        if deadline < today:
            raise LedgerError(Problem.make("ledger-deadline-past", value=deadline.isoformat(), today=today.isoformat()))
        values["deadline"] = deadline
        changes["deadline"] = deadline.isoformat()
    for field in ("owner", "measure"):
        value = getattr(change, field)
        if value is not None:
            values[field] = value
            changes[field] = value
    if change.recovered_yuan is not None:
        values["recovered_fen"] = to_fen(change.recovered_yuan, "追回金额", "the money recovered")
        changes["recovered_yuan"] = str(change.recovered_yuan)
    if change.status == "rectified":
        values["done"] = change.note
        values["rectified_by"] = change.by
        if change.recovered_yuan is None:
            values["recovered_fen"] = None
    if change.status == "rectifying" and item.status in ("rectified", "closed"):
        # rejected or reopened: the rectification recorded is no longer standing (its event keeps it)
        values.update(done=None, rectified_by=None, recovered_fen=None)
    return values, changes, EventKind.MOVED if move else EventKind.EDITED


# -- errors and backups --------------------------------------------------------------------------------


def _database_error(exc: DBAPIError, url: str) -> LedgerError:
    original = exc.orig
    reason = str(original).splitlines()[0] if original is not None else str(exc).splitlines()[0]
    if isinstance(original, sqlite3.DatabaseError) and "not a database" in reason:
        return LedgerError(Problem.make("ledger-not-a-database", reason=f"{shown_url(url)}: {reason}"))
    if isinstance(exc, OperationalError):
        return LedgerError(Problem.make("ledger-cannot-open", reason=f"{shown_url(url)}: {reason}"))
    return LedgerError(Problem.make("ledger-cannot-open", reason=f"{shown_url(url)}: {reason}"))


def _backup_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite file before an upgrade (the online backup API), readable by its owner only."""
    tmp = target.with_name(target.name + ".part")
    with contextlib.closing(sqlite3.connect(source, timeout=60)) as src:
        os.close(os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
        with contextlib.closing(sqlite3.connect(tmp)) as dest:
            src.backup(dest)
    shutil.move(tmp, target)


__all__ = ["ENV", "HEAD", "Ledger", "database_url", "from_fen", "to_fen"]

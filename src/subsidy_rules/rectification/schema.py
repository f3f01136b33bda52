"""The ledger's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The migrations in ``migrations/versions`` create exactly these tables; a
test compares the two. Money is whole 分 (``BIGINT``: exact on both
databases, summed in SQL); times are UTC; an item's ``months``, ``evidence``
and ``citations`` are text (comma-joined months, JSON lists) because they are
read with the item and never queried.

Indexes serve the ledger's questions: ``(unit, status)`` for ``ledger list
--unit U --status S`` (and the spot check's counts by unit), ``(status,
deadline)`` for overdue items, program and detector for their filters, and
``events (at)`` for the monthly report.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC time stored without zone (the same on SQLite and PostgreSQL) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a ledger time must carry its zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("read", Integer, nullable=False),
    Column("added", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("no_longer_detected", Integer, nullable=False),
    Column("detected_again", Integer, nullable=False),
)

items = Table(
    "items",
    metadata,
    Column("finding_id", String(200), primary_key=True),
    Column("detector", String(100), nullable=False),
    Column("issue", String(200), nullable=False),
    Column("program", String(200)),
    Column("unit", String(200), nullable=False),
    Column("id_number", String(64), nullable=False),
    Column("name", String(200)),
    Column("months", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("explanation_zh", Text, nullable=False),
    Column("explanation_en", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("account", String(200)),
    Column("source", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("detected", Boolean, nullable=False),
    Column("owner", String(200)),
    Column("measure", Text),
    Column("deadline", Date),
    Column("done", Text),
    Column("recovered_fen", BigInteger),
    Column("rectified_by", String(200)),
    Column("first_import", Integer, ForeignKey("imports.id")),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_items_unit_status", items.c.unit, items.c.status)
Index("ix_items_status_deadline", items.c.status, items.c.deadline)
Index("ix_items_program", items.c.program)
Index("ix_items_detector", items.c.detector)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finding_id", String(200), ForeignKey("items.finding_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("note", Text),
    Column("changes", Text, nullable=False),
    UniqueConstraint("finding_id", "seq"),
)
Index("ix_events_at", events.c.at)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
)
Index("ix_attachments_event_id", attachments.c.event_id)

spot_checks = Table(
    "spot_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(200), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("ratio", String(20), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("population", Integer, nullable=False),
    Column("document", Text, nullable=False),
)

spot_check_units = Table(
    "spot_check_units",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("spot_check_id", Integer, ForeignKey("spot_checks.id"), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("unit", String(200), nullable=False),
    Column("reason_code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
)
Index("ix_spot_check_units_unit", spot_check_units.c.unit)

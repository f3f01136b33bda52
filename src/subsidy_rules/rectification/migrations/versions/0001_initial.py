"""The ledger: items, their append-only events, attachments, imports.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from subsidy_rules.rectification.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("read", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("no_longer_detected", sa.Integer, nullable=False),
        sa.Column("detected_again", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )

    op.create_table(
        "items",
        sa.Column("finding_id", sa.String(200), nullable=False),
        sa.Column("detector", sa.String(100), nullable=False),
        sa.Column("issue", sa.String(200), nullable=False),
        sa.Column("program", sa.String(200)),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("id_number", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("months", sa.Text, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("explanation_zh", sa.Text, nullable=False),
        sa.Column("explanation_en", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False),
        sa.Column("account", sa.String(200)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("detected", sa.Boolean, nullable=False),
        sa.Column("owner", sa.String(200)),
        sa.Column("measure", sa.Text),
        sa.Column("deadline", sa.Date),
        sa.Column("done", sa.Text),
        sa.Column("recovered_fen", sa.BigInteger),
        sa.Column("rectified_by", sa.String(200)),
        sa.Column("first_import", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("finding_id", name="pk_items"),
        sa.ForeignKeyConstraint(["first_import"], ["imports.id"], name="fk_items_first_import"),
    )
    op.create_index("ix_items_unit_status", "items", ["unit", "status"])
    op.create_index("ix_items_status_deadline", "items", ["status", "deadline"])
    op.create_index("ix_items_program", "items", ["program"])
    op.create_index("ix_items_detector", "items", ["detector"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("finding_id", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20)),
        sa.Column("note", sa.Text),
        sa.Column("changes", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["finding_id"], ["items.finding_id"], name="fk_events_finding_id"),
        sa.UniqueConstraint("finding_id", "seq", name="uq_events_finding_id_seq"),
    )
    op.create_index("ix_events_at", "events", ["at"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_attachments_event_id"),
    )
    op.create_index("ix_attachments_event_id", "attachments", ["event_id"])


def downgrade() -> None:
    for table in ("attachments", "events", "items", "imports"):
        op.drop_table(table)

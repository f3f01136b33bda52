"""Spot checks (重点抽查): each draw and the units it chose, with why.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from subsidy_rules.rectification.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("ratio", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spot_checks"),
    )
    op.create_table(
        "spot_check_units",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("spot_check_id", sa.Integer, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spot_check_units"),
        sa.ForeignKeyConstraint(["spot_check_id"], ["spot_checks.id"], name="fk_spot_check_units_spot_check_id"),
    )
    op.create_index("ix_spot_check_units_unit", "spot_check_units", ["unit"])


def downgrade() -> None:
    op.drop_table("spot_check_units")
    op.drop_table("spot_checks")

"""The rectification ledger (整改台账): after the audit, follow each finding to 销号.

Import an audit's findings (or findings entered by hand), verify or exclude
each lead, give it an owner, a measure and a deadline in working days, record
what was done and the money recovered, and strike it off — each change an
append-only event. Monthly reports, the campaigns' forms filled from verified
items, and spot-check sampling (重点抽查) sit on top.

Storage is SQLAlchemy Core over SQLite (default) or PostgreSQL, with Alembic
migrations shipped in the package (:mod:`subsidy_rules.rectification.store`).

References:
    seed 000 四（二）1–2; seed 001 五（二）1–2; seed 002 四（四）; seed 003 三（三）, 四;
    shared/DESIGN.md "Storage".
"""

from subsidy_rules.rectification.errors import ConflictError, LedgerError
from subsidy_rules.rectification.model import (
    Attachment,
    Change,
    ChosenUnit,
    Event,
    EventKind,
    ExportedItem,
    ImportSummary,
    Item,
    Source,
    SpotCheck,
)
from subsidy_rules.rectification.states import Move, State, StateMachine, state_machine
from subsidy_rules.rectification.store import Ledger

__all__ = [
    "Attachment",
    "Change",
    "ChosenUnit",
    "ConflictError",
    "Event",
    "EventKind",
    "ExportedItem",
    "ImportSummary",
    "Item",
    "Ledger",
    "LedgerError",
    "Move",
    "Source",
    "SpotCheck",
    "State",
    "StateMachine",
    "state_machine",
]

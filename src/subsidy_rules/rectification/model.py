"""Records of the rectification ledger (整改台账): items, their events, attachments, spot-check choices.

Frozen, slotted attrs records (change with ``attrs.evolve``); JSON only at
the edge (:mod:`subsidy_rules.io.json`). An item is an audit finding
(:class:`~subsidy_rules.issues.model.Finding`) plus where it stands: its
state (an English code from ``states.toml``), who owns its rectification,
the measure, the deadline, what was done and the money recovered.

Money is ``Decimal`` 元 with at most two decimals (stored as whole 分).
Times are UTC ``datetime`` values.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.issues.model import Finding, FindingStatus


class Source(enum.Enum):
    """Where an item came from: an audit's findings.jsonl, or entered by hand (what no detector sees)."""

    AUDIT = "audit"
    MANUAL = "manual"


class EventKind(enum.Enum):
    """What an event records."""

    IMPORTED = "imported"
    MOVED = "moved"
    EDITED = "edited"
    AMOUNT_CHANGED = "amount-changed"
    FINDING_CHANGED = "finding-changed"
    NO_LONGER_DETECTED = "no-longer-detected"
    DETECTED_AGAIN = "detected-again"

    @property
    def name_zh(self) -> str:
        return {
            EventKind.IMPORTED: "导入",
            EventKind.MOVED: "状态变更",
            EventKind.EDITED: "修改",
            EventKind.AMOUNT_CHANGED: "金额变化",
            EventKind.FINDING_CHANGED: "疑点内容变化",
            EventKind.NO_LONGER_DETECTED: "复查未再发现",
            EventKind.DETECTED_AGAIN: "复查再次发现",
        }[self]


@attrs.frozen
class Attachment:
    """A file attached to an event, by name and SHA-256 (the file itself stays where the office keeps it)."""

    file_name: str
    sha256: str
    size: int


@attrs.frozen
class Event:
    """One append-only event of an item's history.

    ``seq`` counts an item's events from 1; ``changes`` holds each field the
    event set, as text (``"deadline": "2025-10-30"``, ``"amount_yuan": "466.67"``;
    an amount change also has ``"amount_yuan_before"``).
    """

    seq: int
    at: datetime
    by: str
    kind: EventKind
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    changes: dict[str, str] = attrs.field(factory=dict, hash=False)
    attachments: tuple[Attachment, ...] = ()


@attrs.frozen
class Item:
    """One ledger item: the finding and where its rectification stands.

    ``detected`` is False once a later audit no longer finds the lead (the
    item is never deleted). ``rectified_by`` is who recorded the
    rectification (the closer must be someone else). ``version`` grows by
    one with every event (the optimistic check of concurrent edits).
    """

    finding_id: str
    detector: str
    issue: str
    program: str | None
    unit: str
    id_number: str
    name: str | None
    months: tuple[Month, ...]
    amount_yuan: Decimal
    evidence: tuple[str, ...]
    explanation_zh: str
    explanation_en: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    citations: tuple[Citation, ...] = ()
    account: str | None = None
    source: Source = Source.AUDIT
    detected: bool = True
    owner: str | None = None
    measure: str | None = None
    deadline: date | None = None
    done: str | None = None
    recovered_yuan: Decimal | None = None
    rectified_by: str | None = None

    def finding(self) -> Finding:
        """The finding this item holds (a lead, as the audit wrote it)."""
        return Finding(
            finding_id=self.finding_id,
            detector=self.detector,
            issue=self.issue,
            program=self.program,
            unit=self.unit,
            id_number=self.id_number,
            name=self.name,
            months=self.months,
            amount_yuan=self.amount_yuan,
            evidence=self.evidence,
            explanation_zh=self.explanation_zh,
            explanation_en=self.explanation_en,
            citations=self.citations,
            status=FindingStatus.LEAD,
            account=self.account,
        )

    def overdue(self, today: date) -> bool:
        """Being rectified and past its deadline (the deadline day itself is still on time)."""
        return self.status == "rectifying" and self.deadline is not None and today > self.deadline


@attrs.frozen
class ExportedItem:
    """One line of ``ledger export --format jsonl``: the item with its whole history (what import reads back)."""

    item: Item
    history: tuple[Event, ...]


@attrs.frozen
class Change:
    """A change asked of one item (``ledger update``): the target state (or None: an edit) and its fields."""

    by: str
    status: str | None = None
    note: str | None = None
    owner: str | None = None
    measure: str | None = None
    deadline: date | None = None
    within_working_days: int | None = None
    recovered_yuan: Decimal | None = None
    attachments: tuple[Attachment, ...] = ()
    expect_version: int | None = None


@attrs.frozen
class ImportSummary:
    """What one import did: findings read, items added, changed, no longer detected, detected again, unchanged."""

    source: str
    read: int
    added: int
    changed: int
    no_longer_detected: int
    detected_again: int
    unchanged: int
    warnings: tuple[str, ...] = ()


@attrs.frozen
class ChosenUnit:
    """A unit chosen for a spot check (重点抽查), with why; ``villages`` chosen within it (seed 003)."""

    unit: str
    reason: str
    reason_code: str
    findings: int | None = None
    payments: int | None = None
    villages: tuple[str, ...] = ()


@attrs.frozen
class SpotCheck:
    """A spot-check draw: the population, the share, the seed and the units chosen, in order of choice."""

    seed: int
    ratio: Decimal
    minimum_ratio: Decimal
    ratio_cited: str
    as_of: date
    population: int
    chosen: tuple[ChosenUnit, ...]
    villages_per_unit: int | None = None

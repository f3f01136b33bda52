"""Reading what offices send: find the table, map the headers, read the values, refuse what is damaged.

:func:`load` is the one pipeline for the ledger and every roster (see :mod:`.load`); the parts:
:mod:`.tables` (formats, sheets, the header row), :mod:`.synonyms` (header names as data),
:mod:`.values` (amounts, dates, months), :mod:`.ids` (ID numbers).
"""

from __future__ import annotations

from subsidy_rules.issues.audit.reading.header import InputError
from subsidy_rules.issues.audit.reading.ids import normalise_id, upgrade_15
from subsidy_rules.issues.audit.reading.load import MAX_LISTED, Loaded, load
from subsidy_rules.issues.audit.reading.reversals import Reversal

__all__ = ["MAX_LISTED", "InputError", "Loaded", "Reversal", "load", "normalise_id", "upgrade_15"]

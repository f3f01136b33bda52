"""Read the ledger and rosters into DuckDB, typed and checked, with every bad row reported.

The reading pipeline lives in :mod:`subsidy_rules.issues.audit.reading` (formats, sheets, header
rows, synonyms as data, values, ID numbers, refusals); this module keeps the names the engine imports.
"""

from __future__ import annotations

from subsidy_rules.issues.audit.reading import MAX_LISTED, InputError, Loaded, Reversal, load

__all__ = ["MAX_LISTED", "InputError", "Loaded", "Reversal", "load"]

"""The severity every report problem carries (DESIGN: error / warning).

One enum for the whole library, so a forms report and an eligibility
decision speak the same words: ``error`` makes a command exit 1,
``warning`` is reported but does not by itself make a file invalid.
(The issue taxonomy's high/medium/low ranking is a different thing:
:class:`subsidy_rules.issues.Severity`.)
"""

from __future__ import annotations

import enum


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

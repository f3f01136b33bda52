"""subsidy_rules — typed rules, audit taxonomy and forms for China's employment subsidies.

Subpackages:

* :mod:`subsidy_rules.programs` — the program catalogue and eligibility rules;
* :mod:`subsidy_rules.parameters` — effective-dated, cited policy parameters;
* :mod:`subsidy_rules.issues` — one taxonomy of audit problems and its crosswalks;
* :mod:`subsidy_rules.forms` — the campaigns' statistical forms as data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from subsidy_rules.core.citation import Citation, Document, cite
    from subsidy_rules.core.errors import (
        DataFileError,
        NoValueInForceError,
        SubsidyRulesError,
        UnknownCodeError,
    )

__version__ = "0.1.0"

# The names below load on first use: ``import subsidy_rules`` stays instant, so the console entry
# point (subsidy_rules.cli.main) installs its signal handlers before anything heavy is imported.
_CITATION_NAMES = frozenset({"Citation", "Document", "cite"})
_ERROR_NAMES = frozenset({"DataFileError", "NoValueInForceError", "SubsidyRulesError", "UnknownCodeError"})


def __getattr__(name: str) -> Any:
    if name in _CITATION_NAMES:
        from subsidy_rules.core import citation

        return getattr(citation, name)
    if name in _ERROR_NAMES:
        from subsidy_rules.core import errors

        return getattr(errors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Citation",
    "DataFileError",
    "Document",
    "NoValueInForceError",
    "SubsidyRulesError",
    "UnknownCodeError",
    "__version__",
    "cite",
]

"""subsidy_rules — typed rules, audit taxonomy and forms for China's employment subsidies.

Subpackages:

* :mod:`subsidy_rules.programs` — the program catalogue and eligibility rules;
* :mod:`subsidy_rules.parameters` — effective-dated, cited policy parameters;
* :mod:`subsidy_rules.issues` — one taxonomy of audit problems and its crosswalks;
* :mod:`subsidy_rules.forms` — the campaigns' statistical forms as data.
"""

from subsidy_rules.core.citation import Citation, Document, cite
from subsidy_rules.core.errors import (
    DataFileError,
    NoValueInForceError,
    SubsidyRulesError,
    UnknownCodeError,
)

__version__ = "0.1.0"

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

"""The bottom layer every other package stands on.

* :mod:`~subsidy_rules.core.problem` — one :class:`Problem` (code, severity,
  place, value, zh/en messages) with codes and templates as data, one
  :class:`Severity`;
* :mod:`~subsidy_rules.core.errors` — the exceptions;
* :mod:`~subsidy_rules.core.provenance` — source or reconstructed;
* :mod:`~subsidy_rules.core.citation` — documents and citations (with quotes);
* :mod:`~subsidy_rules.core.month` — the validated :class:`Month`;
* :mod:`~subsidy_rules.core.text` — text folding for lookups;
* :mod:`~subsidy_rules.core.datafile` — the TOML data-file walker.

Nothing here imports another package of the library.
"""

from subsidy_rules.core.citation import Citation, Document, cite
from subsidy_rules.core.errors import DataFileError, NoValueInForceError, SubsidyRulesError, UnknownCodeError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem, Severity
from subsidy_rules.core.provenance import Provenance
from subsidy_rules.core.text import fold

__all__ = [
    "Citation",
    "DataFileError",
    "Document",
    "Month",
    "NoValueInForceError",
    "Place",
    "Problem",
    "Provenance",
    "Severity",
    "SubsidyRulesError",
    "UnknownCodeError",
    "cite",
    "fold",
]

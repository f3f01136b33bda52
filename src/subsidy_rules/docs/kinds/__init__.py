"""The page kinds the site shows, in navigation order.

Each kind is a small module turning one registry into pages. To document a
new registry (the rectification ledger, say), add a module here that builds a
:class:`~subsidy_rules.docs.model.PageKind` and list it in :func:`all_kinds`;
the engine, the links, the legends, the search and the tests pick it up.
"""

from __future__ import annotations

from subsidy_rules.docs.kinds import detectors, documents, forms, issues, parameters, programs, rules
from subsidy_rules.docs.kinds.ledger_states import KIND as LEDGER_STATES
from subsidy_rules.docs.model import PageKind
from subsidy_rules.docs.sources import Sources


def all_kinds(src: Sources) -> tuple[PageKind, ...]:
    return (
        programs.make(src),
        rules.make(src),
        parameters.make(src),
        issues.make(src),
        detectors.make(src),
        forms.make(src),
        documents.KIND,
        LEDGER_STATES,
    )

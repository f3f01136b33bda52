"""The main job (``make demo``): one command that shows the library at work.

Each step is a module of this package with ``run(out: Path) -> list[str]``
returning summary lines; steps run in :data:`STEPS` order and write under
``out``. The demo calls the library and writes its documents through
:mod:`subsidy_rules.io`; it never re-shapes library output by hand, and it
does not import the CLI (nor the CLI it, beyond :func:`run`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from subsidy_rules.demo import audit, catalogue, docs, eligibility, forms, issues
from subsidy_rules.demo.ledger import run as ledger_run

#: Demo steps, in order: (name, the step's ``run``).
STEPS: tuple[tuple[str, Callable[[Path], list[str]]], ...] = (
    ("catalogue", catalogue.run),
    ("issues", issues.run),
    ("forms", forms.run),
    ("eligibility", eligibility.run),
    ("audit", audit.run),
    ("ledger", ledger_run),
    ("docs", docs.run),
)


def run(out: Path) -> list[tuple[str, list[str]]]:
    """Run every step into the folder ``out`` (created if missing); return each step's summary lines."""
    out.mkdir(parents=True, exist_ok=True)
    return [(name, step(out)) for name, step in STEPS]

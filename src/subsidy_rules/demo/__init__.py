"""The main job (``make demo``): one command that shows the library at work.

Each step is a module of this package with ``run(out: Path) -> list[str]``
returning summary lines; steps run in :data:`STEPS` order and write under
``out``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

#: Demo steps, in order; each names a module ``subsidy_rules.demo.<step>``.
STEPS: tuple[str, ...] = ("catalogue", "issues", "forms", "eligibility", "docs")


def run(out: Path, echo: Callable[[str], None] = print) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for step in STEPS:
        module = importlib.import_module(f"subsidy_rules.demo.{step}")
        echo(f"== {step} ==")
        for line in module.run(out):
            echo(line)
        echo("")

"""Where the five seed texts are, for the tests that check labels against them letter for letter.

One place, one environment variable: ``SUBSIDY_RULES_SEEDS`` (default
``../shared/seeds`` beside the repository). Without the seeds a local run
skips those tests *with the reason shown*; when ``CI`` is set a missing seed
folder or file FAILS the test — continuous integration must never pass by
skipping the fidelity checks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "SUBSIDY_RULES_SEEDS"
SEEDS = Path(os.environ.get(ENV) or Path(__file__).resolve().parents[2] / "shared" / "seeds")


def _missing(what: str) -> None:
    message = f"{what} not found (set {ENV}; looked in {SEEDS})"
    if os.environ.get("CI"):
        pytest.fail(f"{message} — CI is set, so the seed checks must run")
    pytest.skip(message)


def seeds_folder() -> Path:
    """The seeds folder; skip locally, fail under CI, when it is missing."""
    if not SEEDS.is_dir():
        _missing("seed texts")
    return SEEDS


def seed_file(name: str) -> Path:
    """One seed file (``000_….txt``); skip locally, fail under CI, when it is missing."""
    path = seeds_folder() / name
    if not path.is_file():
        _missing(f"seed {name}")
    return path

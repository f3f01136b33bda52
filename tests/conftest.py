"""Shared test settings: hypothesis profiles (no deadlines: CI machines are small and shared)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("ci", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_report_header() -> str:
    """Say where the seed texts are looked for (SUBSIDY_RULES_SEEDS; see tests/seeds.py)."""
    from tests.seeds import ENV, SEEDS

    return f"seeds ({ENV}): {SEEDS} [{'found' if SEEDS.is_dir() else 'MISSING'}]"

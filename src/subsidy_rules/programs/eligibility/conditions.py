"""The conditions the rules judge, by id (data: ``rules/conditions.toml``).

Kept for callers of the earlier API; new code reads
:func:`subsidy_rules.programs.eligibility.rules` (each rule's own conditions).
"""

from __future__ import annotations

from subsidy_rules.programs.eligibility.spec import ConditionSpec, shared_data


def specs() -> dict[str, ConditionSpec]:
    """Every condition, by id."""
    return dict(shared_data()[0])


def spec(code: str) -> ConditionSpec:
    return shared_data()[0][code]


__all__ = ["ConditionSpec", "spec", "specs"]

"""The rules' logic and data: ``<name>.toml`` specs, ``conditions.toml``, and the logic modules.

A spec names its logic (``logic = "flexible"``); :data:`LOGIC` maps each
name to its ``decide(facts, spec, paid_codes)``. Adding a rule with new
logic adds its module here (one import line) beside its TOML; a variant of
an existing logic is a TOML alone.
"""

from __future__ import annotations

from collections.abc import Callable

from subsidy_rules.programs.eligibility.decision import Decision
from subsidy_rules.programs.eligibility.rules import flexible, posts
from subsidy_rules.programs.eligibility.spec import RuleSpec
from subsidy_rules.programs.eligibility.toolkit import CaseFacts

Logic = Callable[[CaseFacts, RuleSpec, frozenset[str]], Decision]

#: Logic name → its decide function.
LOGIC: dict[str, Logic] = {
    "flexible": flexible.decide,
    "post": posts.decide,
}

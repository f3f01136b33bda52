"""Employment-difficulty persons (就业困难人员): categories held, by date.

The national definition is the Employment Promotion Law art. 52 (health,
skills, family circumstances, loss of land, unemployment for a certain
time); each province sets the concrete list. Here the list is the
per-jurisdiction parameter ``difficulty_person.categories`` (national
value from art. 52; Hubei and Chongqing layers carry the typical local
list, unconfirmed). A person holds a category from the date it was
identified (认定) until it ends, if it ends.

References:
    中华人民共和国就业促进法 第五十二条 (definition), 第五十三条 (public-welfare
    posts go first to them), 第五十六条 (零就业家庭); shared/policy-facts.md.

Limitations:
    Category codes are this library's ASCII codes (``older-difficulty-person``
    for 大龄就业困难人员 "4050", ``zero-employment-family``, ``disabled``,
    ``severely-disabled`` …); a local list must use the same codes. Whether
    an identification was made correctly (the evidence behind 认定) is
    outside the rules: the case states it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from subsidy_rules.parameters import ParameterSet, Resolved

#: The parameter holding the jurisdiction's list of categories.
CATEGORIES_PARAMETER = "difficulty_person.categories"


@attrs.frozen
class CategorySpell:
    """One category a person holds: identified on a date, possibly ended."""

    category: str
    identified_on: date
    ended_on: date | None = None

    def held_on(self, when: date) -> bool:
        return self.identified_on <= when and (self.ended_on is None or when <= self.ended_on)

    def touches(self, first: date, last: date) -> bool:
        """True when the spell covers at least one day of ``first``..``last``."""
        return self.identified_on <= last and (self.ended_on is None or self.ended_on >= first)


def held_on(spells: Iterable[CategorySpell], when: date) -> tuple[CategorySpell, ...]:
    """The spells in force on ``when``."""
    return tuple(s for s in spells if s.held_on(when))


def recognised_on(
    spells: Iterable[CategorySpell], params: ParameterSet, when: date, parameter: str = CATEGORIES_PARAMETER
) -> tuple[tuple[CategorySpell, ...], Resolved]:
    """The spells held on ``when`` whose category the jurisdiction's list has on that date."""
    codes, used = params.codes(parameter, when)
    listed = set(codes)
    return tuple(s for s in held_on(spells, when) if s.category in listed), used

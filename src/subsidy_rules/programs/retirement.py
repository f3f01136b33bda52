"""Statutory retirement month, before and after the 2025 reform.

A person's statutory retirement month is their birth month plus the base
age of their group plus a delay. Before 2025 there is no delay (the ages of
国发〔1978〕104号: men 60, women cadres 55, women workers 50). The NPCSC
decision of 2024-09-13, in force from 2025-01-01, delays it by birth month::

    delay = 0                                 before the first affected month
    delay = min(d // step + 1, max_delay)     d = months from that month

with, per group, first affected birth month / step / max delay:
men 1965-01 / 4 / 36 (to 63), women originally 55 1970-01 / 4 / 36 (to 58),
women originally 50 1975-01 / 2 / 60 (to 55).

All four numbers are effective-dated parameters (``retirement.<group>.*`` in
``parameters/data/national.toml``), so the law is read as it stood at a
*law date*: the date a case is judged. A case judged in 2019 uses the ages
of 2019.

Usage::

    >>> from datetime import date
    >>> r = retirement(Month(1965, 1), RetirementGroup.MALE, law_date=date(2025, 6, 1))
    >>> (r.age_years, r.age_months, str(r.retirement_month))
    (60, 1, '2025-02')

References:
    全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13),
    its annexed tables; 国发〔1978〕104号; shared/policy-facts.md (the table and the
    worked examples, marked [secondary]).

Limitations:
    The table is encoded from secondary material (``confirmed = false`` on
    every value). The person's group (female-55 or female-50) is a fact of
    the case: it cannot be derived from an ID number. Early and flexible
    retirement under the decision (at most 3 years either way, by choice) is
    not modelled: the month returned is the statutory one. Between the
    decision's adoption (2024-09-13) and its entry into force (2025-01-01)
    a law date gives the pre-reform ages.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import ParameterSet, Resolved, national


class RetirementGroup(enum.Enum):
    """The three retirement-age groups of the reform."""

    MALE = "male"
    FEMALE_55 = "female-55"  #: women whose original retirement age is 55 (cadres)
    FEMALE_50 = "female-50"  #: women whose original retirement age is 50 (workers)

    @property
    def parameter_prefix(self) -> str:
        """The prefix of this group's parameters, e.g. ``retirement.female_55``."""
        return "retirement." + self.value.replace("-", "_")

    @property
    def name_zh(self) -> str:
        return {
            RetirementGroup.MALE: "男职工",
            RetirementGroup.FEMALE_55: "原法定退休年龄55周岁的女职工",
            RetirementGroup.FEMALE_50: "原法定退休年龄50周岁的女职工",
        }[self]


@attrs.frozen
class Retirement:
    """A person's statutory retirement, with the parameter values it used."""

    birth_month: Month
    group: RetirementGroup
    law_date: date
    base_age_years: int
    delay_months: int
    retirement_month: Month
    parameters: tuple[Resolved, ...]

    @property
    def age_total_months(self) -> int:
        return self.base_age_years * 12 + self.delay_months

    @property
    def age_years(self) -> int:
        """Whole years of the retirement age."""
        return self.age_total_months // 12

    @property
    def age_months(self) -> int:
        """Months beyond :attr:`age_years`."""
        return self.age_total_months % 12

    @property
    def citation(self) -> Citation:
        """The text that fixed this age: the reform when it delays, else the original rule."""
        delay_rule = self.parameters[1]
        return delay_rule.citation if self.delay_months else self.parameters[0].citation

    @property
    def confirmed(self) -> bool:
        return all(p.confirmed for p in self.parameters)

    def months_remaining(self, when: date) -> int:
        """Whole months from the month of ``when`` to the retirement month."""
        return Month.of(when).months_until(self.retirement_month)


def retirement_delay(birth_month: Month, first_affected: Month, step: int, max_delay: int) -> int:
    """The reform's delay in months for ``birth_month`` (0 before ``first_affected``)."""
    d = first_affected.months_until(birth_month)
    if d < 0 or max_delay <= 0:
        return 0
    return min(d // step + 1, max_delay)


def retirement(
    birth: Month | date,
    group: RetirementGroup,
    *,
    law_date: date | None = None,
    params: ParameterSet | None = None,
) -> Retirement:
    """The statutory retirement of a person born in the month of ``birth``.

    ``law_date`` is the date whose law applies (default: today); ``params``
    defaults to the national parameters.

    Raises:
        NoValueInForceError: ``law_date`` is before the parameters begin (1978-06-02).
        ValueError: the retirement month would fall after year 9999.
    """
    ps = params if params is not None else national()
    when = law_date if law_date is not None else date.today()
    prefix = group.parameter_prefix
    base, base_used = ps.integer(f"{prefix}.base_age", when)
    max_delay, max_used = ps.integer(f"{prefix}.max_delay_months", when)
    used = [base_used, max_used]
    delay = 0
    born = birth if isinstance(birth, Month) else Month.of(birth)
    if max_delay > 0:
        first_text, first_used = ps.text(f"{prefix}.first_affected_birth_month", when)
        step, step_used = ps.integer(f"{prefix}.step_months", when)
        used += [first_used, step_used]
        delay = retirement_delay(born, Month.parse(first_text), step, max_delay)
    return Retirement(
        birth_month=born,
        group=group,
        law_date=when,
        base_age_years=base,
        delay_months=delay,
        retirement_month=born + (base * 12 + delay),
        parameters=tuple(used),
    )

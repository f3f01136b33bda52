"""Helper tables the detectors read, as a registry of builders keyed by name.

A detector names the helper tables it reads (``DetectorSpec.helpers``); the
engine builds only those the selected detectors name, through
:data:`BUILDERS`. A builder reads the loaded inputs (in DuckDB), the
parameter set and the audit date, and returns an Arrow table and the
problems it met (a year the working-day calendar does not cover, say).

Tables built over months cover the ledger's months (and the first
approvals', when that roster is given): :attr:`Inputs.months`, read once,
only when a builder asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property

import duckdb
import pyarrow as pa

from subsidy_rules.core.errors import NoValueInForceError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit import workdays
from subsidy_rules.parameters import ParameterSet
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility.registry import FLEXIBLE, GRADUATE, rules
from subsidy_rules.programs.idcard import InvalidResidentIdError, parse_resident_id
from subsidy_rules.programs.model import Channel
from subsidy_rules.programs.retirement import RetirementGroup, retirement
from subsidy_rules.programs.standards import INSURANCE_TYPES, bound_rows, regime_rows

#: the rules whose parameters judge a payment, by the detectors' ``variant`` (see ``toolkit.variant``)
VARIANTS = (("flexible", FLEXIBLE), ("graduate", GRADUATE))


class Inputs:
    """What a builder reads: the loaded tables, the parameters, the audit date, the rosters present."""

    def __init__(self, con: duckdb.DuckDBPyConnection, params: ParameterSet, as_of: date, present: Iterable[str]):
        self.con = con
        self.params = params
        self.as_of = as_of
        self.present = frozenset(present)

    @cached_property
    def months(self) -> range:
        """The month indexes from the earliest to the latest month paid (or first approved)."""
        lo, hi = self.con.execute("SELECT min(period), max(period) FROM ledger").fetchall()[0]
        if lo is None:
            lo = hi = Month.of(self.as_of).index
        if "approvals" in self.present:
            first, last = self.con.execute("SELECT min(first_approval), max(first_approval) FROM approvals").fetchall()[
                0
            ]
            if first is not None:
                lo, hi = min(lo, Month.of(first).index), max(hi, Month.of(last).index)
        return range(lo, hi + 1)


Built = tuple[pa.Table, list[Problem]]
Builder = Callable[[Inputs], Built]


def calendar(inp: Inputs) -> Built:
    """Every day of the years applied and paid in: its working-day number and the deadline in force."""
    problems: list[Problem] = []
    days: list[date] = []
    working_day: list[int] = []
    deadline: list[int | None] = []
    first, last = inp.con.execute(
        "SELECT least(min(applied_on), min(paid_on)), greatest(max(applied_on), max(paid_on)) FROM ledger "
        "WHERE applied_on IS NOT NULL"
    ).fetchall()[0]
    if first is not None:
        years = range(first.year, last.year + 1)  # calendar_rows builds only the covered ones
        in_force: dict[date, int | None] = {}
        for day, number in zip(*workdays.calendar_rows(years), strict=True):
            month_start = day.replace(day=1)
            if month_start not in in_force:
                try:
                    in_force[month_start] = inp.params.integer("payment.deadline_working_days", day)[0]
                except NoValueInForceError:
                    in_force[month_start] = None
            days.append(day)
            working_day.append(number)
            deadline.append(in_force[month_start])
        # one scan for the year pairs present (a 9999-12-31 must not mean a query per year in between)
        pairs = inp.con.execute(
            "SELECT year(applied_on), year(paid_on), count(*) FROM ledger WHERE applied_on IS NOT NULL GROUP BY ALL"
        ).fetchall()
        for year in workdays.uncovered(y for pair in pairs for y in pair[:2] if y is not None):
            count = sum(n for applied, paid, n in pairs if year in (applied, paid))
            problems.append(
                Problem.make("audit-calendar-not-covered", place=Place(field="applied_on"), year=year, count=count)
            )
        earliest, count = inp.con.execute(
            "SELECT min(applied_on), count(*) FROM ledger WHERE applied_on IS NOT NULL AND applied_on < ?",
            [_first_deadline(inp.params)],
        ).fetchall()[0]
        if count:
            problems.append(Problem.make("audit-no-deadline", value=earliest, count=count))
    table = pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "wd": pa.array(working_day, pa.int64()),
            "deadline": pa.array(deadline, pa.int64()),
        }
    )
    return table, problems


def _first_deadline(params: ParameterSet) -> date:
    firsts = [p.values[0].effective_from for _, p in params.timeline("payment.deadline_working_days") if p.values]
    return min(firsts) if firsts else date(9999, 1, 1)


def retirement_months(inp: Inputs) -> Built:
    """The retirement month of every birth month in the ledger's IDs, for each retirement group."""
    births = inp.con.execute(
        "SELECT DISTINCT TRY_CAST(substr(id_number, 7, 4) AS INTEGER) * 12 + TRY_CAST(substr(id_number, 11, 2) AS"
        " INTEGER) - 1 FROM ledger WHERE length(id_number) = 18"
        " AND TRY_CAST(substr(id_number, 11, 2) AS INTEGER) BETWEEN 1 AND 12"
        " AND TRY_CAST(substr(id_number, 7, 4) AS INTEGER) BETWEEN 1900 AND 2100"
    ).fetchall()
    birth_month: list[int] = []
    group: list[str] = []
    retire_month: list[int] = []
    for (birth,) in births:
        if birth is None:
            continue
        for g in RetirementGroup:
            try:
                ret = retirement(Month.from_index(birth).first_day, g, law_date=inp.as_of, params=inp.params)
            except NoValueInForceError:
                continue
            birth_month.append(birth)
            group.append(g.value)
            retire_month.append(ret.retirement_month.index)
    table = pa.table(
        {
            "r_birth_pm": pa.array(birth_month, pa.int64()),
            "r_grp": pa.array(group, pa.string()),
            "retire_pm": pa.array(retire_month, pa.int64()),
        }
    )
    return table, []


def categories(inp: Inputs) -> Built:
    """The difficulty categories listed in each month."""
    parameter = rules()[FLEXIBLE].param("categories")
    codes: list[str] = []
    months: list[int] = []
    for m in inp.months:
        try:
            listed = inp.params.codes(parameter, Month.from_index(m).first_day)[0]
        except NoValueInForceError:
            continue
        codes.extend(listed)
        months.extend([m] * len(listed))
    return pa.table({"c_cat": pa.array(codes, pa.string()), "c_pm": pa.array(months, pa.int64())}), []


#: the columns of :func:`~subsidy_rules.programs.standards.bound_rows` (typed, so that no month gives an empty table)
BOUND_SCHEMA = pa.schema(
    [
        ("variant", pa.string()),
        ("pm", pa.int64()),
        ("cap_num", pa.int64()),
        ("cap_den", pa.int64()),
        ("cap_counted", pa.list_(pa.string())),
        ("cap_fen", pa.int64()),
        ("has_standard", pa.bool_()),
        ("std_num", pa.int64()),
        ("std_den", pa.int64()),
        ("std_base", pa.string()),
        ("std_counted", pa.list_(pa.string())),
        *((f"std_min_{t}_fen", pa.int64()) for t in INSURANCE_TYPES),
        ("std_round", pa.string()),
        ("confirmed", pa.bool_()),
        ("unverified_zh", pa.string()),
        ("regime", pa.string()),
        ("regime_verified", pa.bool_()),
        ("not_run_zh", pa.string()),
        ("not_run_en", pa.string()),
    ]
)
#: the columns of :func:`~subsidy_rules.programs.standards.regime_rows`
REGIME_SCHEMA = pa.schema(
    [
        ("pm", pa.int64()),
        ("regime", pa.string()),
        ("regime_key", pa.string()),
        ("regime_from", pa.string()),
        ("regime_verified", pa.bool_()),
        ("note_zh", pa.string()),
        ("note_en", pa.string()),
    ]
)


def bounds(inp: Inputs) -> Built:
    """The national cap and the local standard of both variants, by month (``standards.bound_rows``)."""
    months = [Month.from_index(m) for m in inp.months]
    return pa.Table.from_pylist(bound_rows(inp.params, months), schema=BOUND_SCHEMA), []


def regimes(inp: Inputs) -> Built:
    """Which fund text governs each month, whether its articles were read, and the note a finding shows."""
    months = [Month.from_index(m) for m in inp.months]
    return pa.Table.from_pylist(regime_rows(inp.params, months), schema=REGIME_SCHEMA), []


def period_params(inp: Inputs) -> Built:
    """The maximum period (months) and the near-retirement years, by variant and month of first approval."""
    variants: list[str] = []
    months: list[int] = []
    max_months: list[int] = []
    near_years: list[int | None] = []
    for variant, program in VARIANTS:
        rule = rules()[program]
        near_id = rule.param("near_retirement_years") if rule.has("near_retirement_years") else None
        for m in inp.months:
            day = Month.from_index(m).first_day
            try:
                longest = inp.params.integer(rule.param("max_months"), day)[0]
                near = inp.params.integer(near_id, day)[0] if near_id else None
            except NoValueInForceError:
                continue
            variants.append(variant)
            months.append(m)
            max_months.append(longest)
            near_years.append(near)
    table = pa.table(
        {
            "p_variant": pa.array(variants, pa.string()),
            "p_pm": pa.array(months, pa.int64()),
            "max_months": pa.array(max_months, pa.int64()),
            "near_years": pa.array(near_years, pa.int64()),
        }
    )
    return table, []


def card_programs(inp: Inputs) -> Built:
    """The programs the catalogue says are paid through the social-security card or the one-card."""
    card = [p.code for p in catalogue() if p.channel in (Channel.SOCIAL_SECURITY_CARD, Channel.ONE_CARD)]
    return pa.table({"cp_code": pa.array(card, pa.string())}), []


#: the weights of a resident ID's first 17 digits (GB 11643); the check character is "10X98765432"[sum % 11]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_SUM = " + ".join(f"CAST(substr(id_number, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_ID_WEIGHTS))
#: the ledger's distinct ID numbers that are not certainly valid: 17 digits, a birth date that exists and the
#: right check character pass here; the rest (a lower-case x or a space included) go to ``parse_resident_id``
_UNSURE_IDS = f"""
WITH ids AS (SELECT DISTINCT id_number FROM ledger)
SELECT id_number FROM ids
WHERE NOT CASE
    WHEN regexp_full_match(id_number, '[0-9]{{17}}[0-9X]') AND substr(id_number, 7, 4) >= '0001'
    THEN try_strptime(substr(id_number, 7, 8), '%Y%m%d') IS NOT NULL
        AND substr('10X98765432', (({_CHECK_SUM}) % 11) + 1, 1) = substr(id_number, 18, 1)
    ELSE false
END
"""


def invalid_ids(inp: Inputs) -> Built:
    """The ledger's ID numbers that are no valid resident ID, with the reason (the rules of ``parse_resident_id``).

    The numbers SQL proves valid (most of a ledger) are not parsed one by one in Python.
    """
    bad: list[str] = []
    reasons: list[str] = []
    for (number,) in inp.con.execute(_UNSURE_IDS).fetchall():
        try:
            parse_resident_id(number)
        except InvalidResidentIdError as exc:
            bad.append(number)
            reasons.append(exc.problem.value)
    return pa.table({"bad_id": pa.array(bad, pa.string()), "reason": pa.array(reasons, pa.string())}), []


#: the helper table of the fund text governing each month (built for specs with ``regime_note``)
REGIMES = "regimes"

#: helper table name -> its builder
BUILDERS: dict[str, Builder] = {
    "calendar": calendar,
    "retirement": retirement_months,
    "categories": categories,
    "bounds": bounds,
    REGIMES: regimes,
    "period_params": period_params,
    "card_programs": card_programs,
    "invalid_ids": invalid_ids,
}


def build(names: Iterable[str], inp: Inputs) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Build the helper tables ``names`` (each once, in registry order); their problems in that order."""
    wanted = set(names)
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, builder in BUILDERS.items():
        if name in wanted:
            tables[name], found = builder(inp)
            problems.extend(found)
    return tables, problems

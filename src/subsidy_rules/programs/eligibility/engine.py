"""``decide``: which rule decides which program, on which parameters, as of which date.

Programs with rules: ``flexible-employment-si-subsidy``,
``graduate-flexible-employment-si-subsidy``, ``public-welfare-post-subsidy``,
``public-welfare-post-si-subsidy``, ``disabled-public-welfare-post-subsidy``.
A combined catalogue row (seed 000 row 39 ``difficulty-person-si-subsidy``,
row 40 ``graduate-si-subsidy``, row 24 ``public-welfare-post-subsidy-and-si``)
is decided through its parts; a payment recorded under the combined code
counts for its parts.

References:
    The rules' specs (``rules/*.toml``) and logic (``rules/*.py``); the catalogue (programs.toml).

Limitations:
    A payment recorded under a combined code whose row has two parts with
    rules (row 24) is compared with each part in turn; split such payments
    by part in the case for an exact comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.parameters import ParameterSet, jurisdiction, parameter_set
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility.case import Case
from subsidy_rules.programs.eligibility.case_json import check_case
from subsidy_rules.programs.eligibility.decision import Decision
from subsidy_rules.programs.eligibility.registry import FLEXIBLE, GRADUATE, POST, POST_SI, logic_of, rules
from subsidy_rules.programs.eligibility.toolkit import CaseFacts, memo_for

#: The programs that have rules, and the spec of each (the same mapping as :func:`rules`).
RULES = rules()


def rule_programs(code: str) -> tuple[str, ...]:
    """The programs with rules that ``code`` stands for: itself, or the parts of a combined row.

    Raises:
        UnknownCodeError: ``code`` is not in the catalogue, or neither it nor its parts have rules.
    """
    if code in RULES:
        return (code,)
    program = catalogue().lookup(code)
    if program.code in RULES:
        return (program.code,)
    parts = tuple(p for p in program.parts if p in RULES)
    if not parts:
        raise UnknownCodeError(
            f"no eligibility rules for {program.code!r} ({program.name_zh}); rules exist for {', '.join(RULES)}",
            list(RULES)[:3],
        )
    return parts


@cache
def _payment_codes(code: str) -> frozenset[str]:
    """``code`` and every combined program that lists it as a part."""
    return frozenset({code, *(p.code for p in catalogue() if code in p.parts)})


def case_parameters(case: Case, base_dir: Path | None = None, extra_layers: Iterable[Path | str] = ()) -> ParameterSet:
    """The parameter set a case names: its packaged jurisdiction, its layer files, then ``extra_layers``."""
    files = [Path(f) if base_dir is None or Path(f).is_absolute() else base_dir / f for f in case.layer_files]
    files += [Path(f) for f in extra_layers]
    if not files:
        return jurisdiction(case.jurisdiction)
    return parameter_set(case.jurisdiction, files)


def decide(
    case: Case,
    program: str,
    as_of: date | None = None,
    *,
    params: ParameterSet | None = None,
    base_dir: Path | None = None,
) -> Decision:
    """Decide ``program`` (a code with rules) for ``case`` as of ``as_of``.

    ``as_of`` defaults to the case's own ``as_of``, else today. Everything
    dated after it (payments, contributions, events) is out of the decision.
    ``params`` overrides the layers the case names; otherwise they are
    loaded (layer files relative to ``base_dir``).

    The decision's ``schedule`` is the entitlement month by month (status,
    amount in 元); :meth:`Decision.entitled` gives ``{month: amount}`` — the
    stable way for set-based checks to ask what a person was entitled to.

    Raises:
        UnknownCodeError: ``program`` has no rule of its own (use :func:`decide_all` for combined rows).
        DataFileError: the case is not usable (problems by JSON path), or a layer file is broken.
    """
    spec = RULES.get(program)
    if spec is None:
        raise UnknownCodeError(f"no eligibility rule for {program!r}; use one of {', '.join(RULES)}", list(RULES)[:3])
    problems = check_case(case)
    if problems:
        raise DataFileError(problems)
    when = as_of or case.as_of or date.today()
    if params is None:
        params = case_parameters(case, base_dir)
    facts = CaseFacts(case, memo_for(params), when)
    return logic_of(spec)(facts, spec, _payment_codes(program))


def programs_for(case: Case) -> tuple[str, ...]:
    """The programs to decide when none is asked for: the case's list, else what its facts suggest."""
    if case.programs:
        return case.programs
    found: list[str] = []
    if case.first_approval is not None and case.left_school_on is not None:
        found.append(GRADUATE)
    elif case.first_approval is not None or case.flexible_registrations:
        found.append(FLEXIBLE)
    if case.placements:
        found += [POST, POST_SI]
    return tuple(found) or (FLEXIBLE,)


def decide_all(
    case: Case,
    programs: Sequence[str] = (),
    as_of: date | None = None,
    *,
    params: ParameterSet | None = None,
    base_dir: Path | None = None,
) -> tuple[Decision, ...]:
    """Decide each program (combined rows expanded to their parts), in order, each part once."""
    codes: dict[str, None] = {}
    for code in programs or programs_for(case):
        for part in rule_programs(code):
            codes.setdefault(part, None)
    if params is None:
        params = case_parameters(case, base_dir)
    return tuple(decide(case, code, as_of, params=params) for code in codes)


def total(decisions: Iterable[Decision]) -> Decimal:
    """The entitled total of several decisions, in 元."""
    return sum((d.total_entitled for d in decisions), Decimal("0.00"))

"""Hypothesis strategies for the domain, in one place (one section per area).

Edit by adding or changing your own section; keep sections independent.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from subsidy_rules.core.citation import Citation
from subsidy_rules.parameters.model import DatedValue, Parameter, ParamKind
from subsidy_rules.programs.model import Beneficiary, Channel, Fund, FundItem, Level, Program, Source

# ---------------------------------------------------------------------------
# Foundation: citations, parameters, programs

ascii_code = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
cjk_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12)
any_text = st.text(min_size=1, max_size=30)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2, allow_nan=False)

citations = st.builds(
    Citation,
    document_key=ascii_code,
    document_number=st.none() | cjk_text,
    title=cjk_text,
    issuer=cjk_text,
    date=st.none() | dates,
    article=st.none() | any_text,
    quote=st.none() | cjk_text,
    url=st.none() | st.just("https://example.gov.cn/doc"),
    seed=st.none() | st.just("000_6a8f6a9cdbfd8f54.txt"),
    confirmed=st.booleans(),
)

_values_by_kind = {
    ParamKind.DECIMAL: st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False),
    ParamKind.RATIO: st.fractions(min_value=0, max_value=10, max_denominator=12),
    ParamKind.INTEGER: st.integers(min_value=0, max_value=600),
    ParamKind.TEXT: any_text,
    ParamKind.LIST: st.lists(ascii_code, max_size=5).map(tuple),
    ParamKind.BOOLEAN: st.booleans(),
}


_parameter_ids = st.from_regex(r"[a-z]{1,8}(\.[a-z_]{1,8}){0,3}", fullmatch=True)


@st.composite
def parameters(draw: st.DrawFn) -> Parameter:
    """A parameter of any kind; numeric ones may declare a range, which then holds every value."""
    kind = draw(st.sampled_from(list(ParamKind)))
    when = draw(st.lists(dates, min_size=1, max_size=5, unique=True))
    values = []
    for i, d in enumerate(sorted(when)):
        ends = i == len(when) - 1 and i > 0 and draw(st.booleans())
        value: object = None if ends else draw(_values_by_kind[kind])
        values.append(
            DatedValue(
                effective_from=d,
                value=value,  # type: ignore[arg-type]
                citation=draw(citations),
                confirmed=draw(st.booleans()),
                note=draw(st.none() | any_text),
                until=draw(st.none() | st.dates(min_value=d, max_value=date(2040, 12, 31))),
                anchor=draw(st.none() | _parameter_ids),
            )
        )
    numbers = [Fraction(v.value) for v in values if isinstance(v.value, Decimal | Fraction | int)]
    numeric = kind in (ParamKind.DECIMAL, ParamKind.RATIO, ParamKind.INTEGER) and numbers
    low = Decimal(math.floor(min(numbers))) if numeric else None
    high = Decimal(math.ceil(max(numbers))) if numeric else None
    return Parameter(
        id=draw(st.from_regex(r"[a-z]{1,8}(\.[a-z_]{1,8}){0,3}", fullmatch=True)),
        description_zh=draw(cjk_text),
        description_en=draw(any_text),
        unit=draw(st.sampled_from(["元", "元/月", "月", "比例", "工作日"])),
        kind=kind,
        values=tuple(values),
        layer=draw(ascii_code),
        minimum=draw(st.none() | st.just(low)) if low is not None else None,
        maximum=draw(st.none() | st.just(high)) if high is not None else None,
    )


sources = st.builds(
    Source,
    catalogue=ascii_code,
    document_key=ascii_code,
    text=cjk_text,
    seed=st.none() | st.just("003_744609e8b39f4e34.txt"),
    table=st.none() | cjk_text,
    row=st.none() | st.integers(min_value=1, max_value=41),
)

programs = st.builds(
    Program,
    code=ascii_code,
    name_zh=cjk_text,
    name_en=any_text,
    fund_item=st.sampled_from(list(FundItem)),
    aliases=st.lists(cjk_text, max_size=3).map(tuple),
    fund=st.none() | st.sampled_from(list(Fund)),
    level=st.none() | st.sampled_from(list(Level)),
    beneficiary=st.none() | st.sampled_from(list(Beneficiary)),
    channel=st.none() | st.sampled_from(list(Channel)),
    citations=st.lists(citations, max_size=3).map(tuple),
    sources=st.lists(sources, max_size=3).map(tuple),
    parts=st.lists(ascii_code, max_size=3).map(tuple),
    note=st.none() | any_text,
)

# ---------------------------------------------------------------------------
# (other areas add their sections below)

# ---------------------------------------------------------------------------
# Eligibility: persons, retirement groups and flexible-employment cases


def _eligibility_strategies() -> dict[str, st.SearchStrategy[object]]:
    """Built lazily so importing this module stays cheap for other areas."""
    import attrs
    from dateutil.relativedelta import relativedelta

    from subsidy_rules.parameters import PACKAGED_LAYERS
    from subsidy_rules.programs.difficulty import CategorySpell
    from subsidy_rules.programs.eligibility.case import (
        Appraisal,
        Case,
        Contribution,
        Insurance,
        Month,
        Payer,
        Payment,
        Person,
        Placement,
        PlacementEnd,
        Spell,
        Suspension,
        SuspensionKind,
    )
    from subsidy_rules.programs.eligibility.decision import Decision
    from subsidy_rules.programs.eligibility.engine import decide
    from subsidy_rules.programs.eligibility.registry import rules
    from subsidy_rules.programs.retirement import RetirementGroup

    months_ = st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 1)).map(lambda d: d.replace(day=1))
    groups = st.sampled_from(list(RetirementGroup))
    amounts = st.sampled_from([Decimal("0.01"), Decimal("300.00"), Decimal("899.60"), Decimal("1234.57")])

    @st.composite
    def flexible_cases(draw: st.DrawFn) -> Case:
        fa = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 6, 30)))
        start = fa.replace(day=1) - relativedelta(months=2)
        age = draw(st.integers(min_value=40 * 12, max_value=62 * 12))
        birth = start - relativedelta(months=age)
        span = 44
        paid = draw(st.lists(st.booleans(), min_size=span, max_size=span))
        refunded = draw(st.lists(st.booleans(), min_size=span, max_size=span))
        contributions = []
        payments = []
        for i in range(span):
            m = Month.of(start) + i
            if paid[i]:
                pension = draw(amounts)
                refund = refunded[i] and i % 3 == 0
                flex = Payer.FLEXIBLE_WORKER
                contributions.append(Contribution(m, Insurance.PENSION, flex, pension, refunded=refund))
                contributions.append(Contribution(m, Insurance.MEDICAL, Payer.FLEXIBLE_WORKER, Decimal("300.00")))
            if i % 5 == 0:
                payments.append(Payment("flexible-employment-si-subsidy", m, Decimal("799.73")))
        stop = st.none() | st.integers(min_value=0, max_value=span).map(
            lambda k: start + relativedelta(months=k, days=9)
        )
        job = draw(stop)
        identified = fa - relativedelta(days=draw(st.integers(min_value=-30, max_value=400)))
        return Case(
            case_id="generated",
            person=Person(birth_month=Month.of(birth), group=draw(groups)),
            jurisdiction=draw(st.sampled_from(["national", "wuhan"])),
            as_of=start + relativedelta(months=draw(st.integers(min_value=0, max_value=span + 6)), days=20),
            difficulty=(CategorySpell(draw(st.sampled_from(["long-term-unemployed", "health"])), identified),),
            flexible_registrations=(Spell(start),),
            first_approval=fa,
            formal_employment=() if job is None else (Spell(job, job + relativedelta(months=draw(st.integers(0, 5)))),),
            pension_start=draw(stop),
            death=draw(stop),
            contributions=tuple(contributions),
            payments=tuple(payments),
        )

    @st.composite
    def decidable_cases(draw: st.DrawFn) -> Case:
        """A flexible case grown with what the other rules look at: posts, stop events, school, categories."""
        case = draw(flexible_cases())
        start = case.flexible_registrations[0].start
        placements = []
        for _ in range(draw(st.integers(min_value=1, max_value=2))):
            begin = start + relativedelta(months=draw(st.integers(min_value=0, max_value=30)))
            lengths = st.integers(min_value=0, max_value=30)
            end = draw(st.none() | lengths.map(lambda k, b=begin: b + relativedelta(months=k)))
            appraisals = tuple(
                Appraisal(begin + relativedelta(months=k, days=27), passed)
                for k, passed in enumerate(draw(st.lists(st.booleans(), max_size=3)), start=1)
            )
            placements.append(
                Placement(
                    start=begin,
                    end=end,
                    end_reason=None if end is None else draw(st.sampled_from(list(PlacementEnd))),
                    employer=draw(st.none() | cjk_text),
                    post=draw(st.none() | cjk_text),
                    appraisals=appraisals,
                )
            )
        employer = tuple(
            Contribution(Month.of(p.start) + k, insurance, Payer.EMPLOYER, draw(amounts), paid_on=p.start)
            for p in placements
            for k in range(draw(st.integers(min_value=0, max_value=6)))
            for insurance in (Insurance.PENSION, Insurance.MEDICAL, Insurance.UNEMPLOYMENT)
        )
        suspensions = tuple(
            Suspension(kind, begin, draw(st.none() | st.just(begin + relativedelta(months=3))))
            for kind, begin in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(list(SuspensionKind)),
                        st.integers(min_value=0, max_value=40).map(lambda k: start + relativedelta(months=k, days=3)),
                    ),
                    max_size=2,
                )
            )
        )
        extra = tuple(
            CategorySpell(category, start - relativedelta(months=1))
            for category in draw(
                st.lists(st.sampled_from(["disabled", "older-difficulty-person"]), min_size=1, max_size=2, unique=True)
            )
        )
        assert case.first_approval is not None
        left_school = draw(st.none() | st.integers(0, 30).map(lambda k: case.first_approval - relativedelta(months=k)))
        return attrs.evolve(
            case,
            jurisdiction=draw(st.sampled_from(PACKAGED_LAYERS)),
            placements=tuple(placements),
            contributions=case.contributions + employer,
            suspensions=suspensions,
            difficulty=case.difficulty + extra,
            left_school_on=left_school,
        )

    @st.composite
    def cases(draw: st.DrawFn) -> Case:
        """Any case the JSON shape allows (not all of them decidable: layer files, ID numbers)."""
        case = draw(decidable_cases())
        person = attrs.evolve(
            case.person,
            id_number=draw(st.none() | st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True)),
            name=draw(st.none() | cjk_text),
        )
        return attrs.evolve(
            case,
            case_id=draw(any_text),
            person=person,
            layer_files=tuple(draw(st.lists(st.just("my-district.toml"), max_size=1))),
            programs=tuple(draw(st.lists(st.sampled_from(sorted(rules())), max_size=2))),
            note=draw(st.none() | any_text),
        )

    @st.composite
    def decisions(draw: st.DrawFn) -> Decision:
        """A decision as the library makes it: :func:`decide` on a decidable case, for any program with a rule."""
        return decide(draw(decidable_cases()), draw(st.sampled_from(sorted(rules()))))

    return {
        "birth_months": months_,
        "retirement_groups": groups,
        "flexible_cases": flexible_cases(),
        "decidable_cases": decidable_cases(),
        "cases": cases(),
        "decisions": decisions(),
    }


_ELIGIBILITY: dict[str, st.SearchStrategy[object]] = {}


def eligibility(name: str) -> st.SearchStrategy[object]:
    """One of ``birth_months``, ``retirement_groups``, ``flexible_cases``, ``decidable_cases``, ``cases``,
    ``decisions``."""
    if not _ELIGIBILITY:
        _ELIGIBILITY.update(_eligibility_strategies())
    return _ELIGIBILITY[name]


# ---------------------------------------------------------------------------
# The JSON edge: problems and their places, validation reports


def _edge_strategies() -> dict[str, st.SearchStrategy[object]]:
    """Built lazily, like the eligibility section."""
    from subsidy_rules.core.month import Month
    from subsidy_rules.core.problem import Place, Problem, Severity, problem_kinds
    from subsidy_rules.forms.problems import FileReport, ValidationReport

    months = st.builds(Month, st.integers(1, 9999), st.integers(1, 12))
    places = st.builds(
        Place,
        file=st.none() | any_text,
        path=st.none() | any_text,
        sheet=st.none() | any_text,
        cell=st.none() | ascii_code,
        row_key=st.none() | ascii_code,
        column=st.none() | st.integers(1, 60),
        line=st.none() | st.integers(1, 10**6),
        field=st.none() | any_text,
        record=st.none() | any_text,
        month=st.none() | months,
    )
    problems = st.builds(
        Problem,
        code=st.sampled_from(sorted(problem_kinds())),
        severity=st.sampled_from(Severity),
        place=places,
        value=st.none() | any_text,
        message_zh=any_text,
        message_en=any_text,
        detail=st.dictionaries(ascii_code, any_text, max_size=3),
    )
    file_reports = st.builds(
        FileReport,
        path=any_text,
        valid=st.booleans(),
        unit=st.none() | cjk_text,
        problems=st.lists(problems, max_size=3).map(tuple),
    )
    validation_reports = st.builds(ValidationReport, files=st.lists(file_reports, max_size=3).map(tuple))
    return {
        "months": months,
        "places": places,
        "problems": problems,
        "file_reports": file_reports,
        "validation_reports": validation_reports,
    }


_EDGE: dict[str, st.SearchStrategy[object]] = {}


def edge(name: str) -> st.SearchStrategy[object]:
    """One of ``months``, ``places``, ``problems``, ``file_reports``, ``validation_reports``."""
    if not _EDGE:
        _EDGE.update(_edge_strategies())
    return _EDGE[name]


# ---------------------------------------------------------------------------
# Issues taxonomy: issue types, crosswalk items, findings

_ISSUES: dict[str, st.SearchStrategy[object]] = {}


def _issues_strategies() -> dict[str, st.SearchStrategy[object]]:
    """Built lazily, like the eligibility section."""
    from subsidy_rules.issues import (
        CrosswalkItem,
        Finding,
        Gravity,
        Handling,
        IssueType,
        Measure,
        NodeKind,
        Provenance,
    )

    codes = st.from_regex(r"[a-z][a-z0-9-]{0,8}(\.[a-z][a-z0-9-]{0,8}){0,3}", fullmatch=True)

    @st.composite
    def issue_types(draw: st.DrawFn) -> IssueType:
        code = draw(codes)
        cited = draw(st.lists(st.tuples(citations, cjk_text), min_size=1, max_size=3))
        return IssueType(
            code=code,
            name_zh=draw(cjk_text),
            name_en=draw(any_text),
            definition_zh=draw(cjk_text),
            definition_en=draw(any_text),
            parent=code.rpartition(".")[0] or None,
            kind=draw(st.sampled_from(list(NodeKind))),
            measure=draw(st.sampled_from(list(Measure))),
            gravity=draw(st.sampled_from(list(Gravity))),
            handling=tuple(draw(st.lists(st.sampled_from(list(Handling)), max_size=3, unique=True))),
            citations=tuple(c for c, _ in cited),
            source_text=tuple(t for _, t in cited),
            name_provenance=draw(st.sampled_from([Provenance.SOURCE, Provenance.RECONSTRUCTED])),
        )

    crosswalk_items = st.builds(
        CrosswalkItem,
        key=st.integers(min_value=1, max_value=40).map(str) | st.from_regex(r"[1-9](\.[1-9]){1,2}", fullmatch=True),
        label_zh=cjk_text,
        label_en=any_text,
        nodes=st.lists(codes, max_size=4).map(tuple),
        provenance=st.sampled_from(list(Provenance)),
        measure=st.none() | st.sampled_from(list(Measure)),
        group_zh=st.none() | cjk_text,
        article=st.none() | cjk_text,
        note=st.none() | any_text,
        candidates=st.lists(codes, max_size=2).map(tuple),
        column=st.none() | st.integers(min_value=1, max_value=40),
    )

    @st.composite
    def findings(draw: st.DrawFn) -> Finding:
        from subsidy_rules.core.month import Month
        from subsidy_rules.issues import finding_id

        months = tuple(sorted(set(draw(st.lists(dates.map(Month.of), min_size=1, max_size=4)))))
        detector = draw(ascii_code)
        id_number = draw(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
        program = draw(st.none() | ascii_code)
        return Finding(
            finding_id=finding_id(detector, id_number, program, months),
            detector=detector,
            issue=draw(codes),
            program=program,
            unit=draw(cjk_text),
            id_number=id_number,
            name=draw(st.none() | cjk_text),
            months=months,
            amount_yuan=draw(money),
            evidence=tuple(draw(st.lists(ascii_code, min_size=1, max_size=3))),
            explanation_zh=draw(cjk_text),
            explanation_en=draw(any_text),
            citations=tuple(draw(st.lists(citations, max_size=2))),
            account=draw(st.none() | ascii_code),
        )

    return {"codes": codes, "issue_types": issue_types(), "crosswalk_items": crosswalk_items, "findings": findings()}


def issue_strategy(name: str) -> st.SearchStrategy[object]:
    """One of ``codes``, ``issue_types``, ``crosswalk_items``, ``findings``."""
    if not _ISSUES:
        _ISSUES.update(_issues_strategies())
    return _ISSUES[name]


# ---------------------------------------------------------------------------
# Forms: cell values by column kind, filled forms of a layout, units for roll-ups


def form_cell_values(column: object, *, max_amount: int = 10**8) -> st.SearchStrategy[object]:
    """Values a unit may put in ``column`` (a forms Column) that survive a write/read round trip."""
    from subsidy_rules.forms.model import ColumnKind

    kind = column.kind
    if kind is ColumnKind.AMOUNT:
        return st.decimals(min_value=0, max_value=max_amount, places=column.decimals, allow_nan=False)
    if kind in (ColumnKind.COUNT, ColumnKind.SERIAL):
        return st.integers(min_value=0, max_value=10**6).map(Decimal)
    if kind is ColumnKind.YES_NO:
        return st.booleans()
    if kind is ColumnKind.DATE:
        return st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
    if kind is ColumnKind.STANDARD:
        return st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False) | _form_words
    if column.choices:
        return st.sampled_from(column.choices)
    if kind is ColumnKind.ISSUE_TYPE:
        from subsidy_rules.issues import taxonomy

        return st.sampled_from(sorted(issue.code for issue in taxonomy()))
    return _form_words


# Text a person types in a text cell: CJK and ASCII letters (no digits, so it never reads as a number;
# never a leading "=", which a spreadsheet takes for a formula).
_form_words = st.text(alphabet=st.sampled_from("一卡通补贴资金问题整改落实abcXYZ"), min_size=1, max_size=12)


@st.composite
def form_data(
    draw: st.DrawFn, layout: object, *, max_cells: int = 40, max_rows: int = 4, max_amount: int = 10**8
) -> object:
    """A filled form of ``layout`` with up to ``max_cells`` filled cells; 合计 computed for fixed rows.

    Cells are drawn sparsely (which row, which column, what value) so the smallest example is a blank form.
    """
    from subsidy_rules.forms.data import FormData
    from subsidy_rules.forms.model import ColumnKind, RowAxisKind

    lay = layout
    fixed = lay.rows.kind is RowAxisKind.FIXED
    count = len(lay.rows.rows) if fixed else draw(st.integers(1, max_rows))
    keys = [r.key for r in lay.rows.rows] if fixed else [str(i + 1) for i in range(count)]
    fillable = [c for c in lay.columns if c.kind is not ColumnKind.SERIAL]
    values: dict[str, dict[int, object]] = {key: {} for key in keys}
    for key, column in draw(st.lists(st.tuples(st.sampled_from(keys), st.sampled_from(fillable)), max_size=max_cells)):
        values[key][column.number] = draw(form_cell_values(column, max_amount=max_amount))
    if not fixed:
        for key, row in values.items():
            if not row:  # a free row exists only when something is filled in it
                row[fillable[0].number] = draw(form_cell_values(fillable[0], max_amount=max_amount))
            for column in lay.columns:
                if column.kind is ColumnKind.SERIAL:
                    row[column.number] = Decimal(int(key))
    unit = draw(st.sampled_from(["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区"]))
    return FormData.from_values(lay, values, unit=unit, with_totals=fixed)


def additive_units(layout: object, *, min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[list[object]]:
    """Unit forms of a fixed-row ``layout`` with amounts and counts only (for the roll-up algebra)."""
    from subsidy_rules.forms.data import FormData

    lay = layout

    @st.composite
    def one(draw: st.DrawFn) -> object:
        keys = [r.key for r in lay.rows.rows]
        values: dict[str, dict[int, object]] = {key: {} for key in keys}
        cells = st.tuples(st.sampled_from(keys), st.sampled_from(lay.additive_columns))
        for key, column in draw(st.lists(cells, max_size=30)):
            values[key][column.number] = draw(form_cell_values(column, max_amount=10**6))
        unit = draw(st.text(alphabet=st.sampled_from("东西南北中区县镇"), min_size=1, max_size=4))
        return FormData.from_values(lay, values, unit=unit, with_totals=True)

    return st.lists(one(), min_size=min_size, max_size=max_size)

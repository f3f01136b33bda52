"""Hypothesis strategies for the domain, in one place (one section per area).

Edit by adding or changing your own section; keep sections independent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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


@st.composite
def parameters(draw: st.DrawFn) -> Parameter:
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
            )
        )
    return Parameter(
        id=draw(st.from_regex(r"[a-z]{1,8}(\.[a-z_]{1,8}){0,3}", fullmatch=True)),
        description_zh=draw(cjk_text),
        description_en=draw(any_text),
        unit=draw(st.sampled_from(["元", "元/月", "月", "比例", "工作日"])),
        kind=kind,
        values=tuple(values),
        layer=draw(ascii_code),
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
    from dateutil.relativedelta import relativedelta

    from subsidy_rules.programs.difficulty import CategorySpell
    from subsidy_rules.programs.eligibility.case import (
        Case,
        Contribution,
        Insurance,
        Month,
        Payer,
        Payment,
        Person,
        Spell,
    )
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
            m = Month(start + relativedelta(months=i))
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
            person=Person(birth_month=Month(birth), group=draw(groups)),
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

    return {"birth_months": months_, "retirement_groups": groups, "flexible_cases": flexible_cases()}


_ELIGIBILITY: dict[str, st.SearchStrategy[object]] = {}


def eligibility(name: str) -> st.SearchStrategy[object]:
    """One of ``birth_months``, ``retirement_groups``, ``flexible_cases``."""
    if not _ELIGIBILITY:
        _ELIGIBILITY.update(_eligibility_strategies())
    return _ELIGIBILITY[name]


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

    findings = st.builds(
        Finding,
        issue=codes,
        unit=cjk_text,
        period=dates.map(lambda d: d.replace(day=1)),
        program=st.none() | ascii_code,
        persons=st.none() | st.integers(min_value=0, max_value=10**6),
        amount_yuan=st.none() | money,
        note=st.none() | any_text,
    )
    return {"codes": codes, "issue_types": issue_types(), "crosswalk_items": crosswalk_items, "findings": findings}


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

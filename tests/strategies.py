"""Hypothesis strategies for the domain, in one place (one section per area).

Edit by adding or changing your own section; keep sections independent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from subsidy_rules.citations import Citation
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

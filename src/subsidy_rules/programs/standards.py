"""A ceiling is not a standard: the bound of the flexible-employment SI subsidies, and which fund text governs.

The national rule for the flexible-employment social-insurance subsidy (of
employment-difficulty persons and of graduates) is a **ceiling**:
"补贴标准原则上不超过其实际缴费的2/3" (ministry policy card; 财社〔2017〕164号,
财社〔2023〕181号, carried over into 财社〔2026〕1号). What a person is paid is
the **local standard** a city states (乌海: 2/3 of the lowest grade's pension
and medical contributions, rounded to the yuan; 常州: 50 % of the pension and
medical contributions actually paid; 大连 graduates: 60 % of the contribution
at the minimum base). So:

* :class:`SubsidyBound` holds, for one variant and one date, the national
  cap (ratio, base, counted insurance types, any monthly cap a layer sets)
  and the :class:`LocalStandard` (ratio, counted types, base rule, rounding)
  where a layer states one — each part with the dated, cited parameter values
  it came from;
* entitlement = the local standard bounded by the cap
  (:meth:`SubsidyBound.entitlement`); with no local standard it is
  **undetermined** (``None``): money above the cap is excess under any local
  rule (``above-standard`` still fires against :meth:`SubsidyBound.cap_amount`),
  but a shortfall or an entitled-but-unpaid month cannot be asserted.

:func:`fund_regime` says which national text governs a date in a
jurisdiction (164号, 181号 from its anchor date — a province's own date where
its layer gives one —, 财社〔2026〕1号 from 2026-01-09) and whether that text's
articles were read (the 2026 text's were not: every value it uses is
"carried over from 181号, not yet checked against the 2026 text").

For the ledger audit (set-based checks), :func:`bound_rows` turns the bounds
of a range of months into plain rows (one per variant and month) that a
detector joins on.

Usage::

    from datetime import date
    from subsidy_rules.parameters import jurisdiction
    from subsidy_rules.programs.standards import subsidy_bound, fund_regime

    b = subsidy_bound(jurisdiction("wuhan"), "flexible", date(2026, 3, 1))
    b.standard is None                          # True: Wuhan's standard is not known
    b.cap_amount({"pension": Decimal("900"), "medical": Decimal("300")})   # Decimal('800.00')
    fund_regime(jurisdiction("wuhan"), date(2026, 3, 1)).number            # '财社〔2026〕1号'

References:
    shared/policy-facts.md, "Checked against sources, December 2026" (2/3 is a
    ceiling; local standards; the 2026 revision); the documents cited in
    ``core/data/documents.toml`` (财社〔2026〕1号 unconfirmed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import attrs

from subsidy_rules.core.citation import documents
from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import ParameterGapError, ParameterSet, Resolved, carried_over_text

#: The two variants of the flexible-employment SI subsidy and their parameter prefixes.
VARIANTS: Mapping[str, str] = MappingProxyType({"flexible": "ssi.flexible", "graduate": "ssi.graduate"})
#: The programs (catalogue codes) of each variant, as the ledger names them (combined rows count for their part).
VARIANT_PROGRAMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "flexible": ("flexible-employment-si-subsidy", "difficulty-person-si-subsidy"),
        "graduate": ("graduate-flexible-employment-si-subsidy", "graduate-si-subsidy"),
    }
)
#: The counted-insurance parameter of each variant's ceiling (the eligibility rules read the same one).
CAP_COUNTED = "ssi.flexible.counted_insurance"
BASES = ("actual-contribution", "minimum-contribution")
ROUNDINGS = {"fen": Decimal("0.01"), "yuan": Decimal("1")}
INSURANCE_TYPES = ("pension", "medical", "unemployment")

#: Why a month is undetermined where the local standard is on the lowest grade and its amount is not known.
NO_MINIMUM_ZH = "本地标准按最低档缴费计算，但参数中没有最低档缴费额，应享受金额待定；仅按上限检查超标准发放"
NO_MINIMUM_EN = "the local standard uses the lowest grade, whose amount is not in the parameters: undetermined"

#: The fund texts in order, with the regime parameter that dates each (None: the first, dated by itself).
FUND_TEXTS: tuple[tuple[str, str | None], ...] = (
    ("caishe-2017-164", None),
    ("caishe-2023-181", "regime.caishe_2023_181.effective_from"),
    ("caishe-2026-1", "regime.caishe_2026_1.effective_from"),
)
#: Fund texts whose articles were not read here: values dated from them are carried over, unverified.
UNVERIFIED_TEXTS = frozenset({"caishe-2026-1"})


# ---------------------------------------------------------------------------
# Which text governs


@attrs.frozen
class FundRegime:
    """The national fund text that governs a date in a jurisdiction."""

    document_key: str
    number: str
    effective_from: date  #: the date it governs from here (a province's own date where its layer moves it)
    #: The regime parameter value that set the date (its layer and citation: the local adopting text), if any.
    anchor: Resolved | None
    verified: bool  #: False: the text's articles were not read (values dated from it are carried over)

    @property
    def note_zh(self) -> str:
        where = ""
        if self.anchor is not None and self.anchor.layer != "national":
            where = f"（日期见 {self.anchor.layer} 层：{self.anchor.citation.label}）"
        head = f"本月适用{self.number}（自{self.effective_from.isoformat()}起）{where}"
        if self.verified:
            return head
        return head + "；该文本条文尚未核读，所用数值沿用财社〔2023〕181号，尚未与2026年文本核对"

    @property
    def note_en(self) -> str:
        where = ""
        if self.anchor is not None and self.anchor.layer != "national":
            where = f" (date from layer {self.anchor.layer}: {self.anchor.citation.label})"
        head = f"{self.number} applies (from {self.effective_from.isoformat()}){where}"
        if self.verified:
            return head
        return head + "; its articles were not read: the values are carried over from 181号, not yet checked"


def _anchor(params: ParameterSet, pid: str) -> Resolved | None:
    """The regime parameter as anchors read it: the last value of the most local layer that sets it."""
    try:
        timeline = params.timeline(pid)
    except UnknownCodeError:
        return None
    for layer, param in timeline:
        entry = next((v for v in reversed(param.values) if isinstance(v.value, str)), None)
        if entry is None or entry.value is None:
            continue
        try:
            date.fromisoformat(str(entry.value))
        except ValueError:
            continue
        return Resolved(
            parameter_id=pid,
            value=entry.value,
            effective_from=entry.effective_from,
            citation=entry.citation,
            confirmed=entry.confirmed,
            layer=layer.id,
            unit=param.unit,
            kind=param.kind,
        )
    return None


@lru_cache(maxsize=8192)
def fund_regime(params: ParameterSet, when: date) -> FundRegime:
    """The fund text in force at ``when`` in ``params`` (the most local regime anchor wins)."""
    docs = documents()
    found: FundRegime | None = None
    for key, anchor_id in FUND_TEXTS:
        doc = docs[key]
        anchor: Resolved | None = None
        if anchor_id is None:
            start = doc.date or date.min
        else:
            anchor = _anchor(params, anchor_id)
            if anchor is None:
                continue
            start = date.fromisoformat(str(anchor.value))
        if start <= when:
            found = FundRegime(key, doc.number or doc.title, start, anchor, key not in UNVERIFIED_TEXTS)
    if found is None:  # before 164号: still say which text the library knows first
        doc = docs[FUND_TEXTS[0][0]]
        found = FundRegime(doc.key, doc.number or doc.title, doc.date or date.min, None, True)
    return found


# ---------------------------------------------------------------------------
# The ceiling and the local standard


def _round(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _share(amount: Decimal, ratio: Fraction) -> Decimal:
    return amount * ratio.numerator / ratio.denominator


def _frozen_amounts(value: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(value))


@attrs.frozen
class LocalStandard:
    """A layer's own standard: ``ratio`` of the ``counted`` contributions on the ``base`` rule."""

    ratio: Fraction
    base: str  #: actual-contribution | minimum-contribution
    counted: tuple[str, ...]
    #: For ``minimum-contribution``: the month's contribution at the lowest grade / minimum base, by insurance type.
    minimum: Mapping[str, Decimal] = attrs.field(converter=_frozen_amounts, hash=False)
    rounding: str = "fen"
    used: tuple[Resolved, ...] = ()
    layer: str = ""

    def amount(self, paid: Mapping[str, Decimal]) -> Decimal | None:
        """The standard for a month whose counted (not refunded) contributions by type are ``paid``.

        ``None`` when the base is the lowest grade and its amount for a type
        that was paid is not in the parameters. A type counts only when
        something was paid for it ("仅缴纳基本养老保险费的按一项给予补贴").
        """
        step = ROUNDINGS.get(self.rounding, ROUNDINGS["fen"])
        if self.base == "actual-contribution":
            base = sum((paid.get(t, Decimal(0)) for t in self.counted), Decimal(0))
        else:
            items = [t for t in self.counted if paid.get(t, Decimal(0)) > 0]
            if any(t not in self.minimum for t in items):
                return None
            base = sum((self.minimum[t] for t in items), Decimal(0))
        return _round(_share(base, self.ratio), step)

    def text_zh(self) -> str:
        names = {"pension": "养老", "medical": "医疗", "unemployment": "失业"}
        kinds = "、".join(names.get(t, t) for t in self.counted)
        base = "实际缴纳" if self.base == "actual-contribution" else "最低档（最低缴费基数）"
        rounding = "，四舍五入取整数" if self.rounding == "yuan" else ""
        return f"本地标准：按{base}的{kinds}保险费的{_ratio_text(self.ratio)}{rounding}（{self.layer} 层）"


def _ratio_text(r: Fraction) -> str:
    return f"{r.numerator}/{r.denominator}" if r.denominator != 1 else str(r.numerator)


@attrs.frozen
class SubsidyBound:
    """The cap and the local standard of one variant on one date, with what each rests on."""

    variant: str
    when: date
    cap_ratio: Fraction
    cap_base: str
    cap_counted: tuple[str, ...]
    monthly_cap: Decimal | None
    standard: LocalStandard | None
    #: Why there is no local standard (the gap's note), when there is none.
    no_standard_reason: str | None
    basis: tuple[Resolved, ...]  #: every parameter value used (cap, standard, regime)
    regime: FundRegime

    @property
    def determined(self) -> bool:
        """True when a local standard is stated (the amount may still need the lowest grade's values)."""
        return self.standard is not None

    @property
    def unverified(self) -> tuple[str, ...]:
        """Marks every output shows: values carried over from 181号, the 2026 text unread, unconfirmed values."""
        marks: list[str] = []
        if not self.regime.verified:
            marks.append(self.regime.note_zh)
        for r in self.basis:
            if r.carried_over_from is not None:
                zh = carried_over_text(r.carried_over_from, r.citation)[0]
                marks.append(f"{r.parameter_id}：{zh}")
        unconfirmed = sorted({r.parameter_id for r in self.basis if not r.confirmed})
        if unconfirmed:
            marks.append("未经原文确认的参数：" + "、".join(unconfirmed))
        return tuple(dict.fromkeys(marks))

    def cap_amount(self, paid: Mapping[str, Decimal]) -> Decimal:
        """The national ceiling for a month: ``cap_ratio`` × the counted contributions, at most ``monthly_cap``."""
        base = sum((paid.get(t, Decimal(0)) for t in self.cap_counted), Decimal(0))
        amount = _round(_share(base, self.cap_ratio), ROUNDINGS["fen"])
        if self.monthly_cap is not None and self.monthly_cap < amount:
            amount = _round(self.monthly_cap, ROUNDINGS["fen"])
        return amount

    def standard_amount(self, paid: Mapping[str, Decimal]) -> Decimal | None:
        return None if self.standard is None else self.standard.amount(paid)

    def entitlement(self, paid: Mapping[str, Decimal]) -> Decimal | None:
        """The local standard bounded by the cap; ``None`` (undetermined) where no standard can be computed."""
        standard = self.standard_amount(paid)
        if standard is None:
            return None
        return min(standard, self.cap_amount(paid))

    def undetermined_zh(self) -> str:
        """The sentence a decision or a finding shows when the entitlement is undetermined."""
        if self.standard is None:
            return (
                "当地未规定（或本库未收录）补贴标准，应享受金额待定："
                f"国家规定为上限（原则上不超过实际缴费的{_ratio_text(self.cap_ratio)}），不是标准；"
                "仅按上限检查超标准发放，不判断少发和应享未享"
            )
        return NO_MINIMUM_ZH

    def undetermined_en(self) -> str:
        if self.standard is None:
            return (
                "no local standard is stated here: the amount due is undetermined. The national "
                f"{_ratio_text(self.cap_ratio)} is a ceiling, not a standard: only payments above it are checked; "
                "short payments and unpaid months are not asserted"
            )
        return NO_MINIMUM_EN


@lru_cache(maxsize=64)
def _known(params: ParameterSet) -> frozenset[str]:
    return frozenset(params.ids)


def _read(params: ParameterSet, reader: str, pid: str, when: date) -> tuple[Any, Resolved] | None:
    if pid not in _known(params):
        return None  # never build an "unknown parameter" error (with its suggestions) for an optional read
    try:
        found: tuple[Any, Resolved] = getattr(params, reader)(pid, when)
    except (NoValueInForceError, UnknownCodeError):
        return None
    return found


def _gap_note(params: ParameterSet, pid: str, when: date) -> str | None:
    if pid not in _known(params):
        return None
    try:
        params.resolve(pid, when)
    except ParameterGapError as exc:
        return exc.note
    except (NoValueInForceError, UnknownCodeError):
        return None
    return None


@lru_cache(maxsize=8192)
def subsidy_bound(params: ParameterSet, variant: str, when: date) -> SubsidyBound:
    """The cap and local standard of ``variant`` (``flexible`` or ``graduate``) at ``when``.

    Raises:
        UnknownCodeError: an unknown variant.
        NoValueInForceError: no national cap in force at ``when`` (before 164号).
    """
    prefix = VARIANTS.get(variant)
    if prefix is None:
        raise UnknownCodeError(f"unknown variant {variant!r} (use {', '.join(VARIANTS)})", list(VARIANTS))
    used: list[Resolved] = []
    ratio, r_used = params.ratio(f"{prefix}.max_ratio", when)
    used.append(r_used)
    cap_base = "actual-contribution"
    if (got := _read(params, "text", f"{prefix}.cap_base", when)) is not None:
        cap_base = got[0]
        used.append(got[1])
    counted, c_used = params.codes(CAP_COUNTED, when)
    used.append(c_used)
    monthly_cap: Decimal | None = None
    if (got := _read(params, "decimal", f"{prefix}.monthly_cap", when)) is not None:
        monthly_cap = got[0]
        used.append(got[1])
    standard: LocalStandard | None = None
    reason: str | None = None
    s_ratio = _read(params, "ratio", f"{prefix}.standard.ratio", when)
    s_base = _read(params, "text", f"{prefix}.standard.base", when)
    s_counted = _read(params, "codes", f"{prefix}.standard.counted_insurance", when)
    if s_ratio is None or s_base is None:
        reason = _gap_note(params, f"{prefix}.standard.ratio", when) or "no local standard in these layers"
    else:
        s_used = [s_ratio[1], s_base[1]]
        kinds: tuple[str, ...] = counted
        if s_counted is not None:
            kinds = s_counted[0]
            s_used.append(s_counted[1])
        minimum: dict[str, Decimal] = {}
        if s_base[0] == "minimum-contribution":
            for t in INSURANCE_TYPES:
                got = _read(params, "decimal", f"{prefix}.standard.minimum_contribution.{t}", when)
                if got is not None:
                    minimum[t] = got[0]
                    s_used.append(got[1])
        rounding = "fen"
        if (got := _read(params, "text", f"{prefix}.standard.rounding", when)) is not None:
            rounding = got[0]
            s_used.append(got[1])
        standard = LocalStandard(s_ratio[0], s_base[0], kinds, minimum, rounding, tuple(s_used), s_ratio[1].layer)
        used += s_used
    regime = fund_regime(params, when)
    if regime.anchor is not None:
        used.append(regime.anchor)
    return SubsidyBound(
        variant, when, ratio, cap_base, counted, monthly_cap, standard, reason, tuple(dict.fromkeys(used)), regime
    )


def bound_rows(params: ParameterSet, months: Iterable[Month]) -> list[dict[str, Any]]:
    """The bounds of both variants for ``months``, as plain rows for a set-based check (one per variant and month).

    Columns (amounts in fen, ratios as integer numerator/denominator; ``None`` where not set):

    ``variant``, ``pm`` (month index ``year*12 + month - 1``), ``cap_num``, ``cap_den``,
    ``cap_counted`` (list of insurance types), ``cap_fen`` (a layer's monthly cap),
    ``has_standard`` (bool), ``std_num``, ``std_den``, ``std_base``
    (``actual-contribution`` | ``minimum-contribution``), ``std_counted`` (list),
    ``std_min_pension_fen`` / ``std_min_medical_fen`` / ``std_min_unemployment_fen``,
    ``std_round`` (``fen`` | ``yuan``), ``confirmed`` (every value used confirmed),
    ``unverified_zh`` (the marks, joined by "；"), ``regime`` (the text's number), ``regime_verified``,
    ``not_run_zh`` / ``not_run_en`` (why a shortfall cannot be asserted; None with a standard).
    A month before any cap is in force has no row.
    """
    rows: list[dict[str, Any]] = []
    for month in months:
        when = month.first_day
        pm = month.year * 12 + month.month - 1
        for variant in VARIANTS:
            try:
                b = subsidy_bound(params, variant, when)
            except NoValueInForceError:
                continue
            s = b.standard
            rows.append(
                {
                    "variant": variant,
                    "pm": pm,
                    "cap_num": b.cap_ratio.numerator,
                    "cap_den": b.cap_ratio.denominator,
                    "cap_counted": list(b.cap_counted),
                    "cap_fen": None if b.monthly_cap is None else int(b.monthly_cap * 100),
                    "has_standard": s is not None,
                    "std_num": None if s is None else s.ratio.numerator,
                    "std_den": None if s is None else s.ratio.denominator,
                    "std_base": None if s is None else s.base,
                    "std_counted": None if s is None else list(s.counted),
                    **{
                        f"std_min_{t}_fen": (int(s.minimum[t] * 100) if s is not None and t in s.minimum else None)
                        for t in INSURANCE_TYPES
                    },
                    "std_round": None if s is None else s.rounding,
                    "confirmed": all(r.confirmed for r in b.basis),
                    "unverified_zh": "；".join(b.unverified),
                    "regime": b.regime.number,
                    "regime_verified": b.regime.verified,
                    "not_run_zh": None if s is not None else b.undetermined_zh(),
                    "not_run_en": None if s is not None else b.undetermined_en(),
                }
            )
    return rows


def regime_rows(params: ParameterSet, months: Iterable[Month]) -> list[dict[str, Any]]:
    """Which fund text governs each month, as plain rows for any detector's finding note.

    Columns: ``pm`` (month index), ``regime`` (the text's number), ``regime_key``, ``regime_from``
    (ISO date), ``regime_verified`` (False for 财社〔2026〕1号), ``note_zh``, ``note_en`` (what a
    finding about that month shows).
    """
    rows: list[dict[str, Any]] = []
    for month in months:
        r = fund_regime(params, month.first_day)
        rows.append(
            {
                "pm": month.year * 12 + month.month - 1,
                "regime": r.number,
                "regime_key": r.document_key,
                "regime_from": r.effective_from.isoformat(),
                "regime_verified": r.verified,
                "note_zh": r.note_zh,
                "note_en": r.note_en,
            }
        )
    return rows

"""The registries the site documents besides the stable ones, as the generator reads them.

The eligibility rules (``subsidy_rules.programs.eligibility.rules()``) and the
audit detectors (``subsidy_rules.issues.audit.detectors()``) are read through
the structural types below, which name exactly the attributes the pages use;
tests hand in small stand-in specs of the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from subsidy_rules.core.citation import Citation

#: A citation field as a spec may hold it: one citation, several, or none.
Cites = Citation | Sequence[Citation] | None


class ConditionLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def text_zh(self) -> str: ...
    @property
    def text_en(self) -> str: ...
    @property
    def basis(self) -> Cites: ...
    @property
    def checkpoint(self) -> Cites: ...


class RuleSpecLike(Protocol):
    @property
    def program(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def parameters(self) -> Sequence[str]: ...
    @property
    def conditions(self) -> Sequence[ConditionLike]: ...
    @property
    def stop_events(self) -> Sequence[object]: ...
    @property
    def excludes(self) -> Sequence[str]: ...
    @property
    def limitations_zh(self) -> str | Sequence[str]: ...
    @property
    def limitations_en(self) -> str | Sequence[str]: ...


class DetectorSpecLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def issue(self) -> str: ...
    @property
    def needs(self) -> Sequence[str]: ...
    @property
    def citations(self) -> Sequence[Citation]: ...
    @property
    def description_zh(self) -> str: ...
    @property
    def description_en(self) -> str: ...
    @property
    def uses(self) -> Sequence[str]: ...
    @property
    def explain_zh(self) -> str: ...


@attrs.frozen
class Sources:
    """The rule and detector registries to document (keyed as their registries key them)."""

    rules: Mapping[str, RuleSpecLike] = attrs.field(factory=dict)
    detectors: Sequence[DetectorSpecLike] = ()


def cites(value: Cites) -> tuple[Citation, ...]:
    """A spec's citation field as a tuple."""
    if value is None:
        return ()
    if isinstance(value, Citation):
        return (value,)
    return tuple(value)


def texts(value: str | Sequence[str]) -> tuple[str, ...]:
    """A spec's text-or-list field (limitations) as a tuple of paragraphs."""
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(v for v in value if v.strip())


def default_sources() -> Sources:
    """The library's own registries: every eligibility rule and every audit detector."""
    from subsidy_rules.issues.audit import detectors
    from subsidy_rules.programs.eligibility.registry import rules

    return Sources(rules=rules(), detectors=detectors())

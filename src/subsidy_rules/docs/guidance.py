"""What an auditor does with a detector's lead: 核实要点 and 处置, from ``data/detector_guidance.toml``.

Keyed by detector name; the registry is read through its public function
(:func:`subsidy_rules.issues.audit.detectors`), never through the detectors'
modules. ``programs`` lists the programs a detector checks (``*``: all).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import attrs

from subsidy_rules.core.datafile import Node, load_toml


@attrs.frozen
class Guidance:
    detector: str
    verify: tuple[str, ...]
    handling: tuple[str, ...]
    programs: tuple[str, ...]


@cache
def guidance() -> dict[str, Guidance]:
    name = "subsidy_rules/docs/data/detector_guidance.toml"
    text = resources.files("subsidy_rules.docs").joinpath("data/detector_guidance.toml").read_text(encoding="utf-8")
    root = Node(name, load_toml(name, text=text))
    out: dict[str, Guidance] = {}
    table = root.get_table("guidance")
    if table is not None:
        for key in list(table.table):
            node = table.get_table(key)
            if node is None:
                continue

            def strs(field: str, node: Node = node) -> tuple[str, ...]:
                raw = node.table.get(field, [])
                return tuple(str(x) for x in raw) if isinstance(raw, list) else ()

            out[key] = Guidance(key, strs("verify"), strs("handling"), strs("programs"))
    root.raise_if_problems()
    return out


def detectors_checking(programs: Iterable[str], *, general: bool = True) -> list[str]:
    """Names of the detectors whose guidance lists any of ``programs`` (and, with ``general``, those for all)."""
    wanted = set(programs)
    return [g.detector for g in guidance().values() if (general and "*" in g.programs) or wanted & set(g.programs)]

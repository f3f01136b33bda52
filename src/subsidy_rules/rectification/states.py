"""The states of a ledger item and the moves between them, read from ``states.toml`` (data, not code).

A move that ``states.toml`` does not list is refused; each move names what
it requires (a note, an owner/measure/deadline, the money recovered, a
person other than the one who recorded the rectification).

References:
    seed 000 四（二）1 (销号管理); seed 001 五（二）1; seed 002 四（四）; seed 003 三（三）.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import attrs

#: What a move may require (``states.toml`` ``requires``).
REQUIREMENTS = frozenset({"note", "owner", "measure", "deadline", "recovered_yuan", "other_person"})


@attrs.frozen
class State:
    """One state: its English code (the JSON spelling), its Chinese and English names, whether it is final."""

    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    final: bool


@attrs.frozen
class Move:
    """An allowed move ``source`` → ``target`` with what it requires."""

    source: str
    target: str
    name_zh: str
    name_en: str
    requires: tuple[str, ...]
    cited: str


@attrs.frozen
class StateMachine:
    """The states in their order, the initial state and the allowed moves."""

    initial: str
    states: tuple[State, ...]
    moves: tuple[Move, ...]

    def state(self, code: str) -> State:
        for s in self.states:
            if s.code == code:
                return s
        raise KeyError(code)

    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.states)

    def move(self, source: str, target: str) -> Move | None:
        """The allowed move, or None when ``states.toml`` does not list it."""
        for m in self.moves:
            if m.source == source and m.target == target:
                return m
        return None

    def moves_from(self, source: str) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.source == source)

    def name_zh(self, code: str) -> str:
        return self.state(code).name_zh


def parse_states(text: str, source: str = "states.toml") -> StateMachine:
    """Read a state file; a malformed one is a ``ValueError`` naming the place (a packaging bug)."""
    data = tomllib.loads(text)
    states: list[State] = []
    for code, spec in data.get("states", {}).items():
        states.append(
            State(
                code,
                str(spec["name_zh"]),
                str(spec["name_en"]),
                str(spec["description_zh"]),
                str(spec["description_en"]),
                bool(spec["final"]),
            )
        )
    known = {s.code for s in states}
    initial = str(data.get("initial", ""))
    if initial not in known:
        raise ValueError(f"{source}: initial state {initial!r} is not one of the states")
    moves: list[Move] = []
    for i, spec in enumerate(data.get("moves", [])):
        where = f"{source}: moves[{i}]"
        if spec["from"] not in known or spec["to"] not in known:
            raise ValueError(f"{where}: from/to must be states ({', '.join(sorted(known))})")
        unknown = set(spec["requires"]) - REQUIREMENTS
        if unknown:
            raise ValueError(f"{where}: unknown requirement {sorted(unknown)}")
        moves.append(
            Move(
                spec["from"],
                spec["to"],
                str(spec["name_zh"]),
                str(spec["name_en"]),
                tuple(spec["requires"]),
                str(spec["source"]),
            )
        )
    return StateMachine(initial, tuple(states), tuple(moves))


@cache
def state_machine() -> StateMachine:
    """The packaged states and moves."""
    text = resources.files("subsidy_rules.rectification").joinpath("states.toml").read_text("utf-8")
    return parse_states(text)

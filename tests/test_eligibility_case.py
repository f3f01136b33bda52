"""Case files: JSON round trip, problems by JSON path, the shipped schema matches the model."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.month import Month
from subsidy_rules.io.eligibility import case_from_json, case_to_json, load_case
from subsidy_rules.programs.difficulty import CategorySpell, held_on
from subsidy_rules.programs.eligibility import Case, case_schema, check_case
from subsidy_rules.programs.eligibility.case import Contribution, Person, Placement

EXAMPLES = Path(__file__).resolve().parents[1] / "src/subsidy_rules/programs/eligibility/examples"


def _problems(data: Any) -> dict[str, str]:
    with pytest.raises(DataFileError) as info:
        case_from_json(data, "case.json")
    return {p.place.path or "$": p.message_en for p in info.value.problems}


def _minimal(**extra: Any) -> dict[str, Any]:
    return {"case_id": "c", "person": {"birth_month": "1970-05", "group": "male"}, **extra}


def test_every_shipped_example_reads_and_round_trips() -> None:
    files = sorted(EXAMPLES.glob("*.json"))
    assert len(files) >= 4
    for f in files:
        case = load_case(f)
        assert case_from_json(json.loads(json.dumps(case_to_json(case)))) == case


def test_months_are_written_as_yyyy_mm_and_money_as_strings() -> None:
    case = load_case(EXAMPLES / "01-plain.json")
    data = case_to_json(case)
    assert data["contributions"][0]["month"] == "2019-04"
    assert data["contributions"][0]["amount"] == "700.00"


def test_type_errors_are_reported_by_json_path_in_plain_words() -> None:
    problems = _problems(
        _minimal(
            contributions=[
                {"month": "2021-13", "insurance": "pensio", "payer": "flexible-worker", "amount": "x"},
                {"month": "2021-03", "insurance": "pension", "payer": "flexible-worker", "amount": "1", "extra": 1},
            ],
            formal_employment=[{"start": "2021-02-30"}],
            placements=[{"start": "2021-01-01", "appraisals": [{"on": "2021-06-30", "passed": "yes"}]}],
        )
    )
    # In the user's words, never Python type names (issue 8).
    assert "2021-13" in problems["$.contributions[0].month"] and "YYYY-MM" in problems["$.contributions[0].month"]
    assert "pension" in problems["$.contributions[0].insurance"]
    assert "decimal" in problems["$.contributions[0].amount"]
    assert any("extra" in path or "extra" in text for path, text in problems.items())
    assert '2021-02-30" is not a date' in problems["$.formal_employment[0].start"]
    assert "$.placements[0].appraisals[0].passed" in problems
    assert not any("datetime" in text or "Month" in text or "Insurance" in text for text in problems.values())


def test_problems_of_meaning_are_reported_by_json_path() -> None:
    problems = _problems(
        {
            "case_id": "c",
            "person": {"id_number": "110105194912310021"},
            "jurisdiction": "mars",
            "programs": ["no-such-program"],
            "flexible_registrations": [{"start": "2021-05-01", "end": "2021-04-01"}],
            "difficulty": [{"category": "health", "identified_on": "2021-05-01", "ended_on": "2021-01-01"}],
            "contributions": [
                {
                    "month": "2021-03",
                    "insurance": "pension",
                    "payer": "employer",
                    "amount": "-1",
                    "refunded_on": "2021-05-01",
                }
            ],
            "placements": [{"start": "2021-05-01", "end": "2021-04-30"}],
            "payments": [{"program": "flexible-employment-si-subsid", "month": "2021-03", "amount": "-2"}],
        }
    )
    assert "check character" in problems["$.person.id_number"]
    assert "$.person.group" not in problems  # the bad ID number is the one problem about the person
    assert "mars" in problems["$.jurisdiction"]
    assert "no-such-program" in problems["$.programs[0]"]
    assert "before it starts" in problems["$.flexible_registrations[0].end"]
    assert "before it was identified" in problems["$.difficulty[0].ended_on"]
    assert "negative" in problems["$.contributions[0].amount"]
    assert "not marked refunded" in problems["$.contributions[0].refunded_on"]
    assert "$.placements[0].end" in problems
    assert "did you mean" in problems["$.payments[0].program"]
    assert "negative" in problems["$.payments[0].amount"]


def test_the_person_needs_a_birth_month_and_a_group_consistent_with_the_id_number() -> None:
    assert "$.person" in _problems({"case_id": "c", "person": {}})
    woman = "11010519491231002X"
    assert "cannot be derived" in _problems({"case_id": "c", "person": {"id_number": woman}})["$.person.group"]
    assert (
        "does not match"
        in _problems({"case_id": "c", "person": {"id_number": woman, "group": "male"}})["$.person.group"]
    )
    wrong = _problems({"case_id": "c", "person": {"id_number": woman, "group": "female-55", "birth_month": "1950-01"}})
    assert "differs" in wrong["$.person.birth_month"]
    case = Case("c", Person(birth_month=Month(1970, 5), group=None))
    paths = {p.place.path for p in check_case(case)}
    assert {"$.person.group"} <= paths


def test_a_wrong_retirement_group_is_named_in_the_users_words() -> None:
    problems = _problems({"case_id": "c", "person": {"birth_month": "1970-05", "group": "female-60"}})
    assert "male, female-55, female-50" in problems["$.person.group"]
    assert "RetirementGroup" not in problems["$.person.group"]


def test_a_duplicate_key_in_a_case_file_is_named(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text('{"case_id": "a", "case_id": "b", "person": {"birth_month": "1970-05", "group": "male"}}', "utf-8")
    with pytest.raises(DataFileError, match="case_id"):
        load_case(f)


def test_a_case_file_that_cannot_be_read_or_parsed_is_one_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read file"):
        load_case(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"case_id": ', "utf-8")
    with pytest.raises(DataFileError, match="not valid JSON"):
        load_case(bad)
    bad.write_bytes(b"\xff\xfe{")
    with pytest.raises(DataFileError, match="UTF-8"):
        load_case(bad)
    with pytest.raises(DataFileError, match="JSON object"):
        case_from_json([1, 2])


def test_a_float_amount_is_refused_because_money_is_a_decimal_string(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    contribution = {"month": "2021-03", "insurance": "pension", "payer": "flexible-worker", "amount": 0.1}
    f.write_text(json.dumps(_minimal(contributions=[contribution])), "utf-8")
    with pytest.raises(DataFileError, match="money is a decimal string") as caught:
        load_case(f)
    assert caught.value.problems[0].place.path == "$.contributions[0].amount"
    contribution["amount"] = "0.1"
    f.write_text(json.dumps(_minimal(contributions=[contribution])), "utf-8")
    assert load_case(f).contributions[0].amount == Decimal("0.1")


def test_the_shipped_schema_names_exactly_the_fields_of_the_model() -> None:
    schema = case_schema()
    props = schema["properties"]
    assert set(props) == {a.name for a in attrs.fields(Case)}
    assert set(props["person"]["properties"]) == {a.name for a in attrs.fields(Person)}
    assert set(props["contributions"]["items"]["properties"]) == {a.name for a in attrs.fields(Contribution)}
    assert set(props["placements"]["items"]["properties"]) == {a.name for a in attrs.fields(Placement)}
    assert set(props["difficulty"]["items"]["properties"]) == {a.name for a in attrs.fields(CategorySpell)}
    assert schema["required"] == ["case_id", "person"]


def test_a_category_spell_touches_the_months_it_covers() -> None:
    spell = CategorySpell("health", date(2020, 1, 1), date(2020, 12, 31))
    assert held_on([spell], date(2020, 6, 1)) == (spell,) and held_on([spell], date(2021, 1, 1)) == ()
    assert spell.touches(date(2020, 12, 1), date(2020, 12, 31)) and not spell.touches(
        date(2021, 1, 1), date(2021, 1, 31)
    )


def test_spells_and_contributions_answer_for_dates() -> None:
    from subsidy_rules.programs.eligibility import Insurance, Payer, Spell

    spell = Spell(date(2021, 3, 20))
    assert spell.touches(date(2021, 3, 1), date(2021, 3, 31)) and not spell.touches(date(2021, 2, 1), date(2021, 2, 28))
    c = Contribution(date(2021, 3, 1), Insurance.PENSION, Payer.FLEXIBLE_WORKER, Decimal(1), paid_on=date(2021, 3, 20))  # type: ignore[arg-type]
    assert not c.counts_at(date(2021, 3, 19)) and c.counts_at(date(2021, 3, 20))
    refunded = attrs.evolve(c, refunded=True, refunded_on=date(2021, 5, 1))
    assert refunded.counts_at(date(2021, 4, 30)) and not refunded.counts_at(date(2021, 5, 1))


def test_a_decision_summarises_its_months_and_names_its_conditions() -> None:
    from subsidy_rules.programs.eligibility import FLEXIBLE, decide
    from subsidy_rules.programs.eligibility.render import statuses

    # 05: placed 2025-06 in Wuhan, judged 2026-03: 10 months. Issue 18 corrected Hubei's minimum wages:
    # 2025-06 .. 2025-11 lie in the gap before the undated 2210 step (undetermined, never 2010 carried
    # over); 2025-12 .. 2026-03 are paid at 2400.
    d = decide(load_case(EXAMPLES / "05-public-welfare-post.json"), "public-welfare-post-subsidy")
    assert statuses(d) == {"entitled": 4, "not-entitled": 0, "undetermined": 6}
    with pytest.raises(KeyError):
        d.condition("no-such-condition")
    assert decide(load_case(EXAMPLES / "01-plain.json"), FLEXIBLE).problems == ()

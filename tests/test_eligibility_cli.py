"""``subsidy-rules eligibility check`` and the demo step."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.demo import STEPS
from subsidy_rules.demo import eligibility as demo_step
from subsidy_rules.io.eligibility import load_case
from subsidy_rules.io.json import from_json, loads_document
from subsidy_rules.programs.eligibility import Decision, decide_all
from subsidy_rules.programs.eligibility.engine import case_parameters

EXAMPLES = Path(__file__).resolve().parents[1] / "src/subsidy_rules/programs/eligibility/examples"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["eligibility", "check", *args])
    return result.exit_code, result.output


def test_a_clean_case_exits_0_and_reads_like_an_officers_note() -> None:
    code, out = _run(str(EXAMPLES / "01-plain.json"))
    assert code == 0, out
    assert out.startswith("【灵活就业社会保险补贴】")
    assert "结论：符合条件 ELIGIBLE" in out and "依据" in out and "UNCONFIRMED" in out


def test_a_case_with_payments_beyond_the_entitlement_exits_1_with_the_problems_in_json() -> None:
    code, out = _run(str(EXAMPLES / "03-found-a-job.json"), "--format", "json")
    assert code == 1
    doc = loads_document(out)
    assert doc["schema_version"] and doc["problem_count"] == 4
    problems = doc["decisions"][0]["problems"]
    assert {p["code"] for p in problems} == {"paid-not-entitled"}
    assert problems[0]["place"]["month"] == "2024-05"


def test_program_and_as_of_options_choose_what_is_decided() -> None:
    code, out = _run(
        str(EXAMPLES / "05-public-welfare-post.json"),
        "--program",
        "public-welfare-post-si-subsidy",
        "--as-of",
        "2025-12-31",
        "--format",
        "json",
    )
    assert code == 0, out
    doc = loads_document(out)
    assert [d["program"] for d in doc["decisions"]] == ["public-welfare-post-si-subsidy"]
    assert doc["decisions"][0]["as_of"] == "2025-12-31" and doc["decisions"][0]["entitled_months"] == 7


def test_a_user_layer_is_stacked_on_the_case(tmp_path: Path) -> None:
    layer = tmp_path / "cap.toml"
    layer.write_text(
        '[layer]\nid = "cap"\nname_zh = "区"\nname_en = "d"\nlevel = "user"\n'
        '[parameters."ssi.flexible.monthly_cap"]\ndescription_zh = "上限"\ndescription_en = "cap"\nunit = "元/月"\n'
        'kind = "decimal"\n[[parameters."ssi.flexible.monthly_cap".values]]\nfrom = 2019-01-01\nvalue = 100\n'
        'document = "seed-002"\nconfirmed = false\n',
        "utf-8",
    )
    code, out = _run(str(EXAMPLES / "01-plain.json"), "--layer", str(layer), "--format", "json")
    assert code == 1  # paid 653.33 a month against a cap of 100
    # Issue 18: Wuhan states no local standard, so the month is undetermined and the layer's cap bounds it.
    first = loads_document(out)["decisions"][0]["schedule"][0]
    assert (first["status"], first["amount"], first["cap"]) == ("undetermined", None, "100.00")
    assert "paid-above-cap" in {p["code"] for p in loads_document(out)["decisions"][0]["problems"]}


def test_every_decision_printed_as_json_reads_back_through_the_librarys_own_reader() -> None:
    for example in sorted(EXAMPLES.glob("*.json")):
        code, out = _run(str(example), "--format", "json")
        assert code in (0, 1), out
        doc = loads_document(out, source=example.name)
        case = load_case(example)
        expected = decide_all(case, params=case_parameters(case, EXAMPLES, ()))
        assert tuple(from_json(d, Decision, source=example.name) for d in doc["decisions"]) == expected
        assert doc["problem_count"] == sum(len(d.problems) for d in expected)


def test_a_local_value_older_than_a_newer_national_one_is_flagged_and_still_reads_back(tmp_path: Path) -> None:
    # The user's layer sets the ratio to 1/2 from 2018-01-01; the national layer restates 2/3 from 2024-01-01
    # (财社〔2023〕181号). Case 04 is first approved on 2024-02-20, so it is judged by the older local value
    # (the most local layer wins) and the newer national one is named beside it — and both read back.
    layer = tmp_path / "half.toml"
    layer.write_text(
        '[layer]\nid = "half"\nname_zh = "区"\nname_en = "d"\nlevel = "user"\n'
        '[parameters."ssi.flexible.max_ratio"]\ndescription_zh = "比例"\ndescription_en = "ratio"\nunit = "比例"\n'
        'kind = "ratio"\n[[parameters."ssi.flexible.max_ratio".values]]\nfrom = 2018-01-01\nvalue = "1/2"\n'
        'document = "seed-002"\nconfirmed = false\n',
        "utf-8",
    )
    code, out = _run(str(EXAMPLES / "04-refunded-month.json"), "--layer", str(layer), "--format", "json")
    assert code == 1, out
    (decision,) = (from_json(d, Decision) for d in loads_document(out)["decisions"])
    uses = [r for c in decision.conditions for r in c.parameters if r.parameter_id == "ssi.flexible.max_ratio"]
    assert uses and all(r.value == Fraction(1, 2) and r.layer == "half" for r in uses)
    flagged = [r.newer_below for r in uses if r.newer_below is not None]
    assert flagged, uses
    assert flagged[0].value == Fraction(2, 3) and flagged[0].effective_from == date(2024, 1, 1)


def test_bad_input_is_one_clear_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"case_id": "x", "person": {"birth_month": "1970-13", "group": "male"}}), "utf-8")
    for args in (
        [str(bad)],
        [str(tmp_path / "missing.json")],
        [str(EXAMPLES / "01-plain.json"), "--as-of", "2025/1/1"],
        [str(EXAMPLES / "01-plain.json"), "--program", "entrepreneurship-subsidy"],
    ):
        code, out = _run(*args)
        assert code == 2, (args, out)
        assert "Traceback" not in out and (out.startswith("error:") or "Error: Invalid value" in out), out
    code, out = _run(str(bad))
    assert "$.person.birth_month" in out


def test_the_demo_step_writes_text_and_json_for_every_sample(tmp_path: Path) -> None:
    assert "eligibility" in dict(STEPS)
    lines = demo_step.run(tmp_path)
    written = sorted(p.name for p in (tmp_path / "eligibility").iterdir())
    stems = [s for s, _ in demo_step.example_cases()]
    assert written == sorted([f"{s}.json" for s in stems] + [f"{s}.txt" for s in stems])
    assert "02-near-retirement" in lines[0] and "retirement" in lines[0]
    note = (tmp_path / "eligibility" / "04-refunded-month.txt").read_text("utf-8")
    # Issue 18: no Wuhan standard, so the overpayment is found against the national ceiling.
    assert "paid-above-cap" in note and "当月缴费未退费" in note and "应享受金额待定" in note


def test_every_condition_cites_at_least_one_source() -> None:
    from subsidy_rules.programs.eligibility.spec import shared_data

    uncited = [s.code for s in shared_data()[0].values() if not s.citations]
    assert uncited == []

"""``subsidy-rules retirement-age``: the statutory retirement month of a birth month and group."""

from __future__ import annotations

from datetime import date

import click

from subsidy_rules.cli._common import emit_json, fail, format_option, handle_errors
from subsidy_rules.programs.eligibility.render import UNCONFIRMED, citation_to_json, resolved_to_json
from subsidy_rules.programs.idcard import Sex, parse_resident_id
from subsidy_rules.programs.months import format_month, parse_month
from subsidy_rules.programs.retirement import RetirementGroup, retirement


@click.command("retirement-age")
@click.option("--birth", "birth_text", metavar="YYYY-MM", help="Birth month.")
@click.option(
    "--group",
    "group_text",
    type=click.Choice([g.value for g in RetirementGroup]),
    help="Retirement group: male, female-55 (originally 55) or female-50 (originally 50).",
)
@click.option("--id-number", help="A resident ID number to take the birth month (and, for a man, the group) from.")
@click.option("--law-date", metavar="YYYY-MM-DD", help="Apply the law in force on this date (default: today).")
@format_option
@handle_errors
def retirement_age(
    birth_text: str | None, group_text: str | None, id_number: str | None, law_date: str | None, fmt: str
) -> None:
    """Statutory retirement month and age, before and after the 2025 reform (NPCSC decision of 2024-09-13)."""
    birth: date | None = None
    group = RetirementGroup(group_text) if group_text else None
    if id_number:
        rid = parse_resident_id(id_number)
        birth = rid.birth_month
        if group is None and rid.sex is Sex.MALE:
            group = RetirementGroup.MALE
        if group is not None and (group is RetirementGroup.MALE) != (rid.sex is Sex.MALE):
            fail(f"--group {group.value} does not match the ID number's sex ({rid.sex.value})")
    if birth_text:
        try:
            birth = parse_month(birth_text)
        except ValueError as exc:
            fail(f"--birth: {exc}")
    if birth is None:
        fail("give --birth YYYY-MM (or --id-number)")
    if group is None:
        fail("give --group male, female-55 or female-50 (a woman's group cannot be derived from an ID number)")
    when: date | None = None
    if law_date:
        try:
            when = date.fromisoformat(law_date)
        except ValueError:
            fail(f"--law-date: expected YYYY-MM-DD, got {law_date!r}")
    assert birth is not None and group is not None
    r = retirement(birth, group, law_date=when)
    if fmt == "json":
        emit_json(
            {
                "birth_month": format_month(r.birth_month),
                "group": r.group.value,
                "law_date": r.law_date.isoformat(),
                "retirement_month": format_month(r.retirement_month),
                "age_years": r.age_years,
                "age_months": r.age_months,
                "delay_months": r.delay_months,
                "confirmed": r.confirmed,
                "citation": citation_to_json(r.citation),
                "parameters": [resolved_to_json(p) for p in r.parameters],
            }
        )
        return
    flag = "" if r.confirmed else f"  [{UNCONFIRMED}: table from secondary material]"
    click.echo(
        f"{r.group.name_zh}（{r.group.value}），{format_month(r.birth_month)} 出生："
        f"法定退休年龄 {r.age_years} 岁 {r.age_months} 个月，退休月份 {format_month(r.retirement_month)}"
        f"（延迟 {r.delay_months} 个月）"
    )
    click.echo(
        f"born {format_month(r.birth_month)}, {r.group.value}: retires {format_month(r.retirement_month)} "
        f"at {r.age_years} y {r.age_months} m (law as of {r.law_date.isoformat()})"
    )
    click.echo(f"依据 {r.citation.label}{flag}")

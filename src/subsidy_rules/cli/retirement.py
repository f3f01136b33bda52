"""``subsidy-rules retirement-age``: the statutory retirement month of a birth month and group."""

from __future__ import annotations

from datetime import date

import click

from subsidy_rules.cli._common import DATE, MONTH, emit_json, fail, format_option
from subsidy_rules.core.month import Month
from subsidy_rules.io.json import to_json
from subsidy_rules.programs.eligibility.render import UNCONFIRMED
from subsidy_rules.programs.idcard import Sex, parse_resident_id
from subsidy_rules.programs.retirement import RetirementGroup, retirement


@click.command("retirement-age")
@click.option("--birth", "birth", type=MONTH, help="Birth month YYYY-MM.")
@click.option(
    "--group",
    "group_text",
    type=click.Choice([g.value for g in RetirementGroup]),
    help="Retirement group: male, female-55 (originally 55) or female-50 (originally 50).",
)
@click.option("--id-number", help="A resident ID number to take the birth month (and, for a man, the group) from.")
@click.option(
    "--law-date",
    "--as-of",
    "law_date",
    type=DATE,
    help="The law as in force on this date decides the age (default: today). --as-of is the same option.",
)
@format_option
def retirement_age(
    birth: Month | None, group_text: str | None, id_number: str | None, law_date: date | None, fmt: str
) -> None:
    """Statutory retirement month and age, before and after the 2025 reform (NPCSC decision of 2024-09-13)."""
    group = RetirementGroup(group_text) if group_text else None
    if id_number:
        rid = parse_resident_id(id_number)
        birth = birth or rid.birth_month
        if group is None and rid.sex is Sex.MALE:
            group = RetirementGroup.MALE
        if group is not None and (group is RetirementGroup.MALE) != (rid.sex is Sex.MALE):
            fail(
                f"--group {group.value} does not match the ID number's sex ({rid.sex.value})",
                f"--group {group.value} 与身份证号码的性别（{rid.sex.value}）不符",
            )
    if birth is None:
        fail("give --birth YYYY-MM (or --id-number)", "请给出 --birth YYYY-MM（或 --id-number）")
    if group is None:
        fail(
            "give --group male, female-55 or female-50 (a woman's group cannot be derived from an ID number)",
            "请给出 --group male、female-55 或 female-50（女性的类别不能从身份证号码推出）",
        )
    try:
        r = retirement(birth, group, law_date=law_date)
    except ValueError:
        fail(
            f"born {birth}: the retirement month would fall after the year 9999",
            f"出生于 {birth}：退休月份将超出9999年",
        )
    if fmt == "json":
        emit_json(
            {
                "birth_month": str(r.birth_month),
                "group": r.group.value,
                "law_date": r.law_date.isoformat(),
                "retirement_month": str(r.retirement_month),
                "age_years": r.age_years,
                "age_months": r.age_months,
                "delay_months": r.delay_months,
                "confirmed": r.confirmed,
                "citation": to_json(r.citation),
                "parameters": to_json(list(r.parameters)),
            }
        )
        return
    flag = "" if r.confirmed else f"  [{UNCONFIRMED}: table from secondary material]"
    click.echo(
        f"{r.group.name_zh}（{r.group.value}），{r.birth_month} 出生："
        f"法定退休年龄 {r.age_years} 岁 {r.age_months} 个月，退休月份 {r.retirement_month}"
        f"（延迟 {r.delay_months} 个月）"
    )
    click.echo(
        f"born {r.birth_month}, {r.group.value}: retires {r.retirement_month} "
        f"at {r.age_years} y {r.age_months} m (law as of {r.law_date.isoformat()})"
    )
    click.echo(f"依据 {r.citation.label}{flag}")

"""非就业困难人员享受补贴: SI or post subsidy for a month outside the person's difficulty identification."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import DIFFICULTY_CODES, evidence, month_index, of_programs, within_spell

ENDED = "420103198101150112"
LOCAL_WORD = "420103198102160128"


def query(c: Context) -> Table:
    d = c.rosters["difficulty"]
    cats = c.helpers["categories"]
    d = d.select(d_id=d.id_number, cat=d.category, s_start=month_index(d.identified_on), s_end=month_index(d.ended_on))
    led = c.ledger.filter(lambda t: of_programs(t, DIFFICULTY_CODES))
    j = led.join(d, led.id_number == d.d_id).filter(within_spell)
    j = j.left_join(cats, [j.cat == cats.c_cat, j.period == cats.c_pm])
    known = cats.select(k_cat=cats.c_cat).distinct()
    j = j.left_join(known, j.cat == known.k_cat)
    # A blank category, or a text that is no category code the parameters know (a local word, say),
    # cannot prove a problem: the spell covers the month. A known code not listed that month does not.
    ok = j.filter(lambda t: t.cat.isnull() | t.c_cat.notnull() | t.k_cat.isnull()).select(ok_pid=j.payment_id)
    ok = ok.distinct()
    miss = led.anti_join(ok, led.payment_id == ok.ok_pid)
    return evidence(miss)


SPEC = DetectorSpec(
    name="not-difficulty-person",
    name_zh="非就业困难人员享受补贴",
    issue="eligibility.ineligible.not-difficulty-person",
    needs=("difficulty",),
    helpers=("categories",),
    regime_note=True,
    citations=(cite("seed-002", "三（一）1", quote="重点核查申请人是否为就业困难人员"),),
    description_zh="社会保险补贴或公益性岗位补贴的所属月本人不在就业困难人员认定期内（或类别不在当月名单）。",
    description_en=(
        "SI or post subsidy for a month in which the person was not an identified employment-difficulty person."
    ),
    explain_zh="{name}（{id_number}）{months}不是认定的就业困难人员，领取{program_zh}{amount}元。",
    explain_en=(
        "{name} ({id_number}) was not an identified employment-difficulty person in {months} yet drew {program_zh}"
        " of {amount} yuan."
    ),
    query=query,
    examples=(
        Example(
            title="The identification ended on 31 March: April and May are paid to a person no longer identified",
            ledger=(
                {"payment_id": "DIF-1", "id_number": ENDED, "period": "2025-03"},
                {"payment_id": "DIF-2", "id_number": ENDED, "period": "2025-04"},
                {"payment_id": "DIF-3", "id_number": ENDED, "period": "2025-05"},
            ),
            rosters={
                "difficulty": (
                    {
                        "id_number": ENDED,
                        "category": "long-term-unemployed",
                        "identified_on": "2024-06-01",
                        "ended_on": "2025-03-31",
                    },
                )
            },
            expect=(Expect(ENDED, ("2025-04", "2025-05"), "933.34", ("DIF-2", "DIF-3")),),
        ),
        Example(
            title="A category written in a local word proves nothing: the spell covers the month",
            ledger=({"payment_id": "DIF-11", "id_number": LOCAL_WORD, "period": "2025-03"},),
            rosters={
                "difficulty": (
                    {"id_number": LOCAL_WORD, "category": "长期失业人员（本地认定）", "identified_on": "2024-06-01"},
                )
            },
        ),
    ),
)

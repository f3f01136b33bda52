"""The conditions the rules judge, each with its title and its sources.

Each :class:`ConditionSpec` has a stable code (used in the schedule's
reasons and in JSON), a Chinese and an English title, and the citations of
the text that imposes it — the check points of seed 002 sentence by
sentence, the Employment Promotion Law, the NPCSC retirement decision.
Conditions whose content is a number (ratio, period, reference wage) also
cite, at decision time, the 164号 or 181号 value in force through the
parameters they read.

References:
    seed 002 三（一）1 and 三（一）2 (the check points of the two social-insurance
    subsidies); seed 003 二（三） (disabled persons' posts); 就业促进法 第五十二条、
    第五十三条; NPCSC decision of 2024-09-13; 财社〔2017〕164号 / 财社〔2023〕181号.

Limitations:
    Death as a stop event is a common local trigger that seed 002 covers only
    as "应停发补贴而未及时停发补贴的情形"; its citation is marked unconfirmed.
"""

from __future__ import annotations

from functools import cache

import attrs

from subsidy_rules.core.citation import Citation, cite

_FLEX = "三（一）1"
_POST = "三（一）2"


@attrs.frozen
class ConditionSpec:
    code: str
    title_zh: str
    title_en: str
    citations: tuple[Citation, ...]


def _s(code: str, zh: str, en: str, *citations: Citation) -> ConditionSpec:
    return ConditionSpec(code, zh, en, tuple(citations))


@cache
def specs() -> dict[str, ConditionSpec]:
    """Every condition, by code."""
    seed_flex = f"{_FLEX}：灵活就业社会保险补贴"
    items = [
        _s(
            "first-approval",
            "已初次核定享受补贴",
            "The subsidy was first approved (初次核定)",
            # The period and the near-retirement test both run from the first approval (164号/181号).
            cite("caishe-2017-164", "社会保险补贴期限：以初次核定其享受社会保险补贴时年龄为准"),
            cite("caishe-2023-181", "社会保险补贴期限：以初次核定其享受社会保险补贴时年龄为准"),
        ),
        _s(
            "difficulty-person",
            "申请人为就业困难人员（在认定有效期内，且类别在本地认定范围内）",
            "The applicant is an identified employment-difficulty person of a category the jurisdiction lists",
            cite("seed-002", f"{seed_flex}：重点核查申请人是否为就业困难人员"),
            cite("employment-promotion-law", "第五十二条"),
        ),
        _s(
            "disabled-person",
            "申请人为残疾人（残疾人证等级认定规范）",
            "The person is a disabled person (disability certificate properly graded)",
            cite("seed-003", "二（三）治理内容：残疾人公益性岗位补贴…重点关注残疾人证等级认定是否规范"),
        ),
        _s(
            "graduate-window",
            "高校毕业生在离校后规定期限内初次核定（毕业年度或离校后期限内）",
            "A graduate first approved within the window after leaving school",
            cite("caishe-2017-164", "离校1年内未就业的高校毕业生灵活就业"),
            cite("caishe-2023-181", "毕业年度或离校2年内未就业高校毕业生灵活就业"),
        ),
        _s(
            "flexible-registration",
            "按规定进行灵活就业登记",
            "Registered as in flexible employment",
            cite("seed-002", f"{seed_flex}：是否按规定进行灵活就业登记"),
        ),
        _s(
            "contribution-paid",
            "以灵活就业身份缴纳社会保险（计入险种）",
            "Contributions paid as a flexible worker for the month (counted insurance types)",
            cite("seed-002", f"{seed_flex}：并以灵活就业身份缴纳社会保险"),
        ),
        _s(
            "not-refunded",
            "当月缴费未退费",
            "The month's contributions were not refunded",
            cite("seed-002", f"{seed_flex}：是否存在因灵活就业社会保险缴费退费原因不符合补贴条件"),
        ),
        _s(
            "not-formally-employed",
            "当月未正规就业",
            "Not in formal employment that month",
            cite("seed-002", f"{seed_flex}：是否存在已正规就业…应停发补贴而未及时停发补贴的情形"),
        ),
        _s(
            "no-pension",
            "未享受养老保险待遇",
            "Not drawing a pension",
            cite("seed-002", f"{seed_flex}：是否存在…享受养老保险待遇等应停发补贴而未及时停发补贴的情形"),
        ),
        _s(
            "before-retirement",
            "未达到法定退休年龄（按渐进式延迟退休后的年龄）",
            "Below the statutory retirement age (as reformed)",
            cite("npcsc-2024-retirement"),
        ),
        _s(
            "alive",
            "在世（死亡为停发情形）",
            "Alive (death stops the subsidy)",
            cite(
                "seed-002",
                f"{_FLEX}/{_POST}：应停发补贴而未及时停发补贴的情形、有无应停止享受情形（死亡为常见地方停发情形）",
                confirmed=False,
            ),
        ),
        _s(
            "period",
            "在补贴期限内（自初次核定起；距法定退休年龄不足规定年限的可延长至退休，以初次核定时年龄为准）",
            "Within the period from first approval (to retirement when, at first approval, fewer than the set "
            "years remain)",
            cite("caishe-2017-164", "社会保险补贴期限；公益性岗位补贴期限"),
            cite("caishe-2023-181", "社会保险补贴期限；公益性岗位补贴期限"),
        ),
        _s(
            "amount",
            "补贴额不超过实际缴费的规定比例及地方上限",
            "The amount is at most the set share of the contribution actually paid, and at most any local cap",
            cite("caishe-2017-164", "社会保险补贴（不超过其实际缴费的2/3）"),
            cite("caishe-2023-181", "社会保险补贴（不超过其实际缴费的2/3）"),
        ),
        _s(
            "placed-on-post",
            "经安置在公益性岗位（就业困难人员优先）",
            "Placed on a public-welfare post (difficulty persons first)",
            cite("seed-002", f"{_POST}：重点核查申请人是否符合享受公益性岗位社会保险补贴条件"),
            cite("employment-promotion-law", "第五十三条"),
        ),
        _s(
            "re-placement",
            "再次安置符合规定（期满后可再次安置的人员类别、安置次数上限）",
            "Any later placement is allowed (categories that may be re-placed, the local limit on placements)",
            cite("caishe-2023-181", "公益性岗位补贴期限（大龄就业困难人员、零就业家庭人员、重度残疾人可再次安置）"),
            cite("hubei-public-welfare-post-rules"),
        ),
        _s(
            "in-post",
            "当月在岗（离岗为停止享受情形）",
            "On the post that month (leaving it stops the subsidy)",
            cite("seed-002", f"{_POST}：享受公益性岗位社会保险补贴期间有无应停止享受情形"),
        ),
        _s(
            "appraisal",
            "考核合格（考核不合格为停止享受情形）",
            "Passed appraisals (a failed appraisal stops the subsidy)",
            cite("seed-002", f"{_POST}：公益性岗位从业人员日常出勤、考核等情况"),
        ),
        _s(
            "post-amount",
            "岗位补贴参照当地最低工资标准确定",
            "The post subsidy is set with reference to the local minimum wage",
            cite("seed-002", f"{_POST}：发放公益性岗位社会保险补贴是否准确及时"),
        ),
        _s(
            "employer-contribution",
            "补贴单位实际缴纳的基本养老、基本医疗和失业保险费，不含个人缴费",
            "The subsidy is the employer's actual pension, medical and unemployment contributions, "
            "not the individual's share",
            cite("seed-002", f"{_POST}：发放公益性岗位社会保险补贴是否准确及时"),
        ),
    ]
    return {s.code: s for s in items}


def spec(code: str) -> ConditionSpec:
    return specs()[code]

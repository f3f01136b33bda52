"""The input contract of the ledger audit: the payment ledger and the rosters.

Each input is a table whose header may use the English field names or the
Chinese headers below (compared after :func:`~subsidy_rules.core.text.fold`,
so full-width characters and spaces do not matter). Coded columns accept
the English code or the Chinese word.

References:
    Issue 9 (the contract tables); seed 003 附件2 注6 (社保卡 is not counted
    as one of a person's several cards); seed 002 三（一）1 (flexible-worker
    contributions, refunds).
"""

from __future__ import annotations

import enum

import attrs


class FieldType(enum.Enum):
    TEXT = "text"
    DATE = "date"
    MONTH = "month"
    AMOUNT = "amount"
    CODE = "code"  #: a closed set of values (English code or Chinese word)
    PROGRAM = "program"  #: resolved with the catalogue's lookup
    BOOL = "bool"


@attrs.frozen
class Field:
    name: str
    name_zh: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    #: for CODE fields: code -> accepted spellings (the code itself is always accepted)
    codes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.name, self.name_zh)


@attrs.frozen
class Kind:
    """One input kind: the ledger or a roster."""

    kind: str
    name_zh: str
    name_en: str
    fields: tuple[Field, ...]


CHANNELS = (
    ("social-security-card", ("社保卡", "社会保障卡", "social security card")),
    ("one-card", ("一卡通", "one card", "one-card-account")),
    ("bank-account", ("银行账户", "银行卡", "bank account")),
    ("cash", ("现金",)),
)
INSURANCES = (
    ("pension", ("养老保险", "基本养老保险")),
    ("medical", ("医疗保险", "基本医疗保险")),
    ("unemployment", ("失业保险",)),
    ("work-injury", ("工伤保险",)),
    ("maternity", ("生育保险",)),
)
PAYERS = (
    ("flexible-worker", ("灵活就业", "灵活就业人员", "个人")),
    ("employer", ("单位", "单位缴费")),
)
YES_NO = (("yes", ("是", "true", "1", "y")), ("no", ("否", "false", "0", "n")))
GROUPS = (
    ("male", ("男", "男职工")),
    ("female-55", ("女55", "女干部", "原法定退休年龄55周岁的女职工")),
    ("female-50", ("女50", "女工人", "原法定退休年龄50周岁的女职工")),
)

_ID = Field("id_number", "身份证号", required=True)

LEDGER = Kind(
    "ledger",
    "发放台账",
    "payment ledger",
    (
        Field("payment_id", "流水号", required=True),
        Field("unit", "发放单位", required=True),
        Field("program", "项目名称", FieldType.PROGRAM, required=True),
        _ID,
        Field("name", "姓名"),
        Field("period", "所属期", FieldType.MONTH),
        Field("amount", "发放金额", FieldType.AMOUNT, required=True),
        Field("paid_on", "发放日期", FieldType.DATE, required=True),
        Field("channel", "发放方式", FieldType.CODE, codes=CHANNELS),
        Field("account", "账号"),
        Field("bank", "开户银行"),
        Field("applied_on", "申请日期", FieldType.DATE),
        Field("approved_on", "审核日期", FieldType.DATE),
        Field("accepted_by", "受理人"),
        Field("approved_by", "审核人"),
        Field("reverses", "原流水号"),  # the payment a reversal (冲正, a negative amount) reverses
    ),
)

def missing_columns(columns: tuple[str, ...], found: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The Chinese headers of the optional ledger ``columns`` (a detector's ``columns``) the ledger lacks."""
    zh = {f.name: f.name_zh for f in LEDGER.fields}
    return tuple(zh[c] for c in columns if c not in found)


ROSTERS: dict[str, Kind] = {
    k.kind: k
    for k in (
        Kind("deaths", "死亡人员", "deaths", (_ID, Field("died_on", "死亡日期", FieldType.DATE, required=True))),
        Kind(
            "pensions",
            "养老待遇领取人员",
            "pensioners",
            (_ID, Field("pension_start", "养老待遇起始日期", FieldType.DATE, required=True)),
        ),
        Kind(
            "employment",
            "正规就业（单位参保）",
            "formal employment",
            (
                _ID,
                Field("start", "开始日期", FieldType.DATE, required=True),
                Field("end", "结束日期", FieldType.DATE),
                Field("employer", "单位"),
            ),
        ),
        Kind(
            "public-payroll",
            "财政供养人员",
            "public payroll",
            (
                _ID,
                Field("employer", "单位"),
                Field("start", "开始日期", FieldType.DATE, required=True),
                Field("end", "结束日期", FieldType.DATE),
            ),
        ),
        Kind(
            "persons",
            "人员信息",
            "persons",
            (_ID, Field("retirement_group", "退休类别", FieldType.CODE, required=True, codes=GROUPS)),
        ),
        Kind(
            "contributions",
            "社会保险缴费",
            "contributions",
            (
                _ID,
                Field("month", "所属期", FieldType.MONTH, required=True),
                Field("insurance", "险种", FieldType.CODE, required=True, codes=INSURANCES),
                Field("payer", "缴费类型", FieldType.CODE, required=True, codes=PAYERS),
                Field("amount", "金额", FieldType.AMOUNT, required=True),
                Field("paid_on", "缴费日期", FieldType.DATE),
                Field("refunded", "是否退费", FieldType.BOOL),
            ),
        ),
        Kind(
            "difficulty",
            "就业困难人员",
            "employment-difficulty persons",
            (
                _ID,
                Field("category", "类别"),
                Field("identified_on", "认定日期", FieldType.DATE, required=True),
                Field("ended_on", "终止日期", FieldType.DATE),
            ),
        ),
        Kind(
            "staff",
            "工作人员",
            "staff",
            (Field("staff_id", "工号"), _ID, Field("name", "姓名"), Field("unit", "单位")),
        ),
        Kind(
            "approvals",
            "初次核定",
            "first approvals",
            (
                _ID,
                Field("program", "项目名称", FieldType.PROGRAM, required=True),
                Field("first_approval", "初次核定日期", FieldType.DATE, required=True),
            ),
        ),
    )
}

KINDS: dict[str, Kind] = {"ledger": LEDGER, **ROSTERS}

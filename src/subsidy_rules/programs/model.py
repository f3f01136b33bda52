"""The program record and its enumerations.

A :class:`Program` is one subsidy program as the sources name it. The
classification fields (fund item, fund, level, beneficiary, channel) are the
maintainers' reading unless a citation on the program states them; ``None``
means no source says and we did not guess.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from subsidy_rules.core.citation import Citation


class FundItem(enum.Enum):
    """The national spending items of 就业补助资金 (财社〔2017〕164号 art. 3; 181号)."""

    VOCATIONAL_TRAINING = "vocational-training"
    SKILL_ASSESSMENT = "skill-assessment"
    SOCIAL_INSURANCE = "social-insurance"
    PUBLIC_WELFARE_POST = "public-welfare-post"
    ENTREPRENEURSHIP = "entrepreneurship"
    INTERNSHIP = "internship"
    JOB_SEEKING = "job-seeking"
    PUBLIC_SERVICE_CAPACITY = "public-service-capacity"
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return _FUND_ITEM_ZH[self]


_FUND_ITEM_ZH = {
    FundItem.VOCATIONAL_TRAINING: "职业培训补贴",
    FundItem.SKILL_ASSESSMENT: "职业技能鉴定补贴（181号：职业技能评价补贴）",
    FundItem.SOCIAL_INSURANCE: "社会保险补贴",
    FundItem.PUBLIC_WELFARE_POST: "公益性岗位补贴",
    FundItem.ENTREPRENEURSHIP: "创业补贴",
    FundItem.INTERNSHIP: "就业见习补贴",
    FundItem.JOB_SEEKING: "求职创业补贴（181号：一次性求职补贴）",
    FundItem.PUBLIC_SERVICE_CAPACITY: "公共就业服务能力建设补助",
    FundItem.OTHER: "其他",
}


class Fund(enum.Enum):
    """The fund a program is paid from, where a seed or a citation says."""

    EMPLOYMENT_SUBSIDY = "employment-subsidy-fund"
    UNEMPLOYMENT_INSURANCE = "unemployment-insurance-fund"
    DISABLED_EMPLOYMENT_SECURITY = "disabled-employment-security-fund"
    FISCAL_BUDGET = "fiscal-budget"

    @property
    def name_zh(self) -> str:
        return {
            Fund.EMPLOYMENT_SUBSIDY: "就业补助资金",
            Fund.UNEMPLOYMENT_INSURANCE: "失业保险基金",
            Fund.DISABLED_EMPLOYMENT_SECURITY: "残疾人就业保障金",
            Fund.FISCAL_BUDGET: "财政预算资金",
        }[self]


class Level(enum.Enum):
    """The level of government that sets and funds the program."""

    CENTRAL = "central"
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"

    @property
    def name_zh(self) -> str:
        return {Level.CENTRAL: "中央", Level.PROVINCE: "省", Level.CITY: "市", Level.DISTRICT: "区"}[self]


class Beneficiary(enum.Enum):
    INDIVIDUAL = "individual"
    EMPLOYER = "employer"
    INSTITUTION = "institution"

    @property
    def name_zh(self) -> str:
        return {
            Beneficiary.INDIVIDUAL: "个人",
            Beneficiary.EMPLOYER: "用人单位",
            Beneficiary.INSTITUTION: "机构",
        }[self]


class Channel(enum.Enum):
    """How the rules expect the money to reach the beneficiary."""

    SOCIAL_SECURITY_CARD = "social-security-card"
    ONE_CARD = "one-card-account"
    CORPORATE_ACCOUNT = "corporate-account"

    @property
    def name_zh(self) -> str:
        return {
            Channel.SOCIAL_SECURITY_CARD: "社会保障卡",
            Channel.ONE_CARD: "“一卡通”账户",
            Channel.CORPORATE_ACCOUNT: "对公账户",
        }[self]


@attrs.frozen
class Source:
    """Where a source document names the program: seed, table, row, and the text as printed."""

    catalogue: str
    document_key: str
    text: str
    seed: str | None = None
    table: str | None = None
    row: int | None = None


@attrs.frozen
class Program:
    """One subsidy program.

    ``parts`` lists the codes of narrower programs a combined row covers
    (seed 000 row 24 公益性岗位补贴和社保补贴 covers the post subsidy and
    its social-insurance subsidy).
    """

    code: str
    name_zh: str
    name_en: str
    fund_item: FundItem
    aliases: tuple[str, ...] = ()
    fund: Fund | None = None
    level: Level | None = None
    beneficiary: Beneficiary | None = None
    channel: Channel | None = None
    citations: tuple[Citation, ...] = ()
    sources: tuple[Source, ...] = ()
    parts: tuple[str, ...] = ()
    note: str | None = None
    #: The last day the program applies (执行期限), where a source states one; a payment for a later
    #: period, or made later, is a lead the audit can see (:meth:`ended_by`).
    ends_on: date | None = None
    #: Chinese and English notes on amounts and funding the docs show (e.g. ≤ 1,500 元 per hire).
    note_zh: str | None = None

    def ended_by(self, when: date) -> bool:
        """True when ``when`` is after the program's end date (``ends_on``)."""
        return self.ends_on is not None and when > self.ends_on

    def source_in(self, catalogue: str) -> Source | None:
        """This program's source row in ``catalogue``, if it is listed there."""
        for src in self.sources:
            if src.catalogue == catalogue:
                return src
        return None

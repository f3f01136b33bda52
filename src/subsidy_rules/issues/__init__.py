"""The issue taxonomy: one tree of audit problems, crosswalked to every campaign.

The five seeds name the same problems in different words and cut them
differently. This package holds one tree of issue types (问题类型) with
stable codes, and crosswalks from each seed's own category list and each
form's columns to the tree, so a finding classified once can be reported on
any campaign's form.

Usage::

    from subsidy_rules.issues import taxonomy

    tx = taxonomy()
    tx.get("funds.embezzlement").name_zh                  # '贪污侵占'
    [c.code for c in tx.children("payment.excess")]        # beyond-standard, beyond-scope
    tx.columns_for("payment.excess.beyond-scope")          # {'wuhan-2022-problem-stats': [6],
                                                           #  'tongchuan-2021-problems': [8], …}
    tx.crosswalk("wuhan-2022-problem-stats").item(13).nodes  # ('cards.held-by-others',)

The tree has problem branches (``funds``, ``conduct``, ``payment``,
``eligibility``, ``channel``, ``cards``, ``disclosure``, ``policy``,
``management``, ``systems``, ``posts``, ``rectification``) and two branches
that are not problems but that the forms count: ``screening`` (screening
facts) and ``accountability`` (what was done: statements, referrals,
sanctions, money recovered).

Crosswalk sources (ids are stable):

==============================  =====================================================
``wuhan-2022-areas``            seed 000 三（二）: three areas, the problems each lists
``jianghan-2022-items``         seed 001 三: the 7 + 3 + 4 numbered items
``chongqing-2023-checkpoints``  seed 002 三: policy, finance, information-system checks
``tongchuan-2021-violations``   seed 003 一, 二（三）: the problems to look for
``inner-mongolia-2023-problems`` seed 004 二: deadlines, arrears, misconduct, misuse
``wuhan-2022-problem-stats``    form, seed 000 附件2: 13 problem columns
``wuhan-2022-summary``          form, seed 000 附件3: 14 fact/outcome columns
``tongchuan-2021-screening``    form, seed 003 附件1: 21 columns (labels reconstructed)
``tongchuan-2021-problems``     form, seed 003 附件2: 19 columns (labels reconstructed)
``chongqing-2023-problem-list`` form, seed 002 附件 (reconstructed): 9 columns
==============================  =====================================================

List item keys are positions (``"1"`` an area or heading, ``"1.3"`` its third
item); form item keys are column numbers (栏次). Seed 000 prints no column
numbers: its columns are numbered in printed order.

References:
    Seeds 000–004 in ``shared/seeds``; each node cites the seed sections
    it comes from and quotes the seed's words.

Limitations:
    Seed 003's forms survive only as notes. 附件1's labels are lost: the
    crosswalk shows the forms layout's reconstruction, and every column maps
    to ``screening.coverage`` except column 7 (the standard applied, 注3).
    附件2's columns 9 and 12 are described nowhere: they follow seed 000's
    form (结存资金未按规定存放, 未按规定形式发放), flagged reconstructed,
    with other readings listed as ``candidates``. Seed 002's 问题清单 is not
    reproduced in the seed; its columns are reconstructed. Form column labels
    are kept identical to the forms layouts (a test compares them).
"""

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.issues.model import (
    Crosswalk,
    CrosswalkItem,
    Finding,
    FindingStatus,
    Gravity,
    Handling,
    IssueType,
    Measure,
    NodeKind,
    SourceKind,
    finding_id,
)
from subsidy_rules.issues.registry import Taxonomy, load_taxonomy, taxonomy

__all__ = [
    "Crosswalk",
    "CrosswalkItem",
    "Finding",
    "FindingStatus",
    "Gravity",
    "Handling",
    "IssueType",
    "Measure",
    "NodeKind",
    "Provenance",
    "SourceKind",
    "Taxonomy",
    "finding_id",
    "load_taxonomy",
    "taxonomy",
]

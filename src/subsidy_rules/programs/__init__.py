"""Subsidy programs: the catalogue, lookups, and (in submodules) eligibility rules.

Usage::

    from subsidy_rules.programs import catalogue

    cat = catalogue()
    cat.lookup("就业困难人员社会保险补贴").code   # 'difficulty-person-si-subsidy'
    [p.name_zh for p in cat.programs_in("wuhan-2022")][:2]
"""

from subsidy_rules.programs.catalogue import Catalogue, CatalogueInfo, Match, catalogue
from subsidy_rules.programs.model import (
    Beneficiary,
    Channel,
    Fund,
    FundItem,
    Level,
    Program,
    Source,
)

__all__ = [
    "Beneficiary",
    "Catalogue",
    "CatalogueInfo",
    "Channel",
    "Fund",
    "FundItem",
    "Level",
    "Match",
    "Program",
    "Source",
    "catalogue",
]

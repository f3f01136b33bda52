"""Demo step: the program catalogue and the national parameters as JSON, plus a summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from subsidy_rules.io.json import write_document
from subsidy_rules.io.text import table
from subsidy_rules.parameters import national
from subsidy_rules.programs import catalogue


def run(out: Path) -> list[str]:
    cat = catalogue()
    write_document(out / "catalogue.json", catalogues=list(cat.catalogues), programs=list(cat))
    ps = national()
    write_document(out / "parameters-national.json", parameters=[ps.definition(pid) for pid in ps.ids])

    rows = [[c.id, str(len(c.codes)), c.title_zh] for c in cat.catalogues]
    lines = [table(["catalogue", "programs", "title"], rows)]
    by_item: dict[str, int] = {}
    for p in cat.programs_in("wuhan-2022"):
        by_item[p.fund_item.name_zh] = by_item.get(p.fund_item.name_zh, 0) + 1
    lines.append("")
    lines.append("wuhan-2022 by fund item: " + "，".join(f"{k} {v}" for k, v in by_item.items()))
    before = ps.resolve("ssi.graduate.window_months", date(2023, 12, 31))
    after = ps.resolve("ssi.graduate.window_months", date(2024, 1, 1))
    lines.append(
        f"graduate window: {before.value} months on 2023-12-31 ({before.citation.label}),"
        f" {after.value} months on 2024-01-01 ({after.citation.label})"
    )
    lines.append(f"wrote {out / 'catalogue.json'} ({len(cat)} programs) and parameters-national.json")
    return lines

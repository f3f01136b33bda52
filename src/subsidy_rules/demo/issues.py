"""Demo step: the issue taxonomy and every crosswalk as JSON, plus a summary.

Writes ``issues.json`` (the tree in tree order, each crosswalk with its
items, and the reverse lookup of every node onto every form).
"""

from __future__ import annotations

from pathlib import Path

from subsidy_rules.io.json import write_document
from subsidy_rules.io.text import table
from subsidy_rules.issues import NodeKind, SourceKind, taxonomy


def run(out: Path) -> list[str]:
    tx = taxonomy()
    path = write_document(
        out / "issues.json",
        issues=list(tx),
        crosswalks=[tx.crosswalk(sid) for sid in tx.sources()],
        columns={i.code: tx.columns_for(i.code) for i in tx},
    )

    kinds = {k: sum(1 for i in tx if i.kind is k) for k in NodeKind}
    lines = [
        f"{len(tx)} issue types in {len(tx.roots())} branches: "
        + "，".join(f"{k.name_zh} {n}" for k, n in kinds.items())
    ]
    rows = []
    for sid in tx.sources():
        cw = tx.crosswalk(sid)
        mapped = sum(1 for it in cw.items if it.nodes)
        where = f"{cw.citation.document_number or cw.citation.document_key} {cw.citation.article or ''}"
        rows.append([sid, cw.kind.value, f"{mapped}/{len(cw.items)}", where.strip()])
    lines.append("")
    lines.append(table(["source", "kind", "mapped", "where"], rows))
    # One finding, classified once, reported on every form (the point of the taxonomy).
    code = "payment.excess.beyond-scope"
    reported = [f"{form} 第{cols[0]}栏" for form, cols in tx.columns_for(code).items() if cols]
    lines.append("")
    lines.append(f"{code} ({tx.get(code).name_zh}) is reported in: {'；'.join(reported)}")
    leaves = [i for i in tx if i.kind is NodeKind.PROBLEM and not tx.children(i.code)]
    unreported = [i.code for i in leaves if not any(tx.columns_for(i.code).values())]
    forms = len([s for s in tx.sources() if tx.crosswalk(s).kind is SourceKind.FORM])
    lines.append(
        f"{len(unreported)} of {len(leaves)} leaf problem types have no column on any of the {forms} forms"
        f" (they appear only in the seeds' lists), e.g. {', '.join(unreported[:3])}"
    )
    lines.append(f"wrote {path}")
    return lines

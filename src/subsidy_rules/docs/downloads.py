"""Files the site offers for download: roster CSV header templates and blank form workbooks.

Written into the Markdown source folder, so mkdocs copies them beside the
pages. A roster template is the header row the audit reads (Chinese headers,
UTF-8 with BOM so Excel opens it as Chinese); a form template is the blank
workbook ``subsidy-rules forms template`` writes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from subsidy_rules.issues.audit.schema import KINDS, Kind

ROSTER_DIR = "downloads/rosters"
FORM_DIR = "downloads/forms"


def roster_path(kind: str) -> str:
    return f"{ROSTER_DIR}/{kind}.csv"


def form_path(form_id: str) -> str:
    return f"{FORM_DIR}/{form_id}.xlsx"


def roster_csv(kind: Kind) -> bytes:
    """The header row of a roster (Chinese headers), UTF-8 with BOM."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([f.name_zh for f in kind.fields])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_downloads(src_dir: Path, form_ids: list[str]) -> None:
    from subsidy_rules.forms import layout
    from subsidy_rules.forms.template import write_template

    for name, kind in KINDS.items():
        path = src_dir / roster_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(roster_csv(kind))
    for fid in form_ids:
        path = src_dir / form_path(fid)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_template(layout(fid), path)

"""Markdown building blocks for the generated pages.

Every piece of registry text goes through :func:`t` before it reaches a page:
HTML-escaped, and the characters Markdown would read as markup (``| * _ [ ]``
and back-ticks) written as character references, so a title such as
``《办法》[2023]`` or a quote with ``*`` shows as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

_MD_SPECIAL = str.maketrans({
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "|": "&#124;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "`": "&#96;",
    "\\": "&#92;",
    "#": "&#35;",
    "\r": " ",
    "\n": " ",
})


def t(text: object) -> str:
    """Registry text, safe inside Markdown (tables included)."""
    return str(text).translate(_MD_SPECIAL)


def code(text: object) -> str:
    """An identifier a script needs, in a code span (safe inside tables)."""
    return "<code>" + escape(str(text), quote=True).replace("|", "&#124;") + "</code>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells are already-safe Markdown."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    count = 0
    for row in rows:
        lines.append("| " + " | ".join(cell or "—" for cell in row) + " |")
        count += 1
    if not count:
        return "（无）\n"
    return "\n".join(lines) + "\n"


def heading(level: int, text: str, anchor: str) -> str:
    """A heading with a fixed, unique anchor (Chinese headings slugify badly)."""
    return f"\n{'#' * level} {text} {{#{anchor}}}\n\n"

"""The tables of a web page saved as .xls (what many business systems export as "Excel").

Parsed with the standard library's :class:`html.parser.HTMLParser` (no entities resolved beyond HTML's
own, no scripts run); a ``colspan`` or ``rowspan`` repeats its text, as a merged cell is read.
"""

from __future__ import annotations

import codecs
from html.parser import HTMLParser

#: the largest web page read as a table (a business system's "Excel" export of a district is a few MB)
MAX_HTML_BYTES = 256 * 1024 * 1024


class _Tables(HTMLParser):
    """The tables of a web page as rows of cell texts; a colspan or rowspan repeats its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._rows: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._down: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._down = [], {}
        elif tag == "tr" and self._rows is not None:
            self._row = []
            self._fill_down()
        elif tag in ("td", "th") and self._row is not None:
            a = dict(attrs)
            self._cell = []
            self._span = (_int(a.get("colspan")), _int(a.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def _fill_down(self) -> None:
        assert self._row is not None
        while len(self._row) in self._down:
            left, text = self._down[len(self._row)]
            self._row.append(text)
            if left <= 1:
                del self._down[len(self._row) - 1]
            else:
                self._down[len(self._row) - 1] = (left - 1, text)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            cols, rows = self._span
            for _ in range(cols):
                if rows > 1:
                    self._down[len(self._row)] = (rows - 1, text)
                self._row.append(text)
                self._fill_down()
            self._cell = None
        elif tag == "tr" and self._row is not None and self._rows is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table" and self._rows is not None:
            self.tables.append(self._rows)
            self._rows = None


def _int(text: str | None) -> int:
    try:
        return max(1, min(int(text or "1"), 1000))
    except ValueError:
        return 1


def html_tables(data: bytes) -> list[list[list[str]]]:
    """Every ``<table>`` of the page as rows of cell texts (UTF-8, GB18030 or UTF-16 with BOM)."""
    text = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        return []
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return parser.tables

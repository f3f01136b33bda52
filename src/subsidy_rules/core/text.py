"""Text folding for matching what offices type against what documents print.

:func:`fold` folds what differs between a typed or pasted name and the
printed one: full-width ASCII and digits (ＡＢＣ１２３), every kind of space
(U+3000 and U+00A0 included) and line breaks inside a cell, and the several
quote styles (“”「」『』""‘’''). It keeps every character that carries
meaning — 省/市/区 prefixes stay, so 省就业见习补贴 and 市就业见习补贴 never meet.

Limitations:
    NFKC is deliberately not used: it also folds ① to 1 and ㈠ to (一),
    merging distinct text.
"""

from __future__ import annotations

import unicodedata

_QUOTES = dict.fromkeys(map(ord, "“”„‟「」『』\"'‘’‚‛〝〞＂＇"), None)


def fold(text: str) -> str:
    """The comparison key of a name, label or alias."""
    chars = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        chars.append(ch)
    folded = "".join(chars).translate(_QUOTES)
    kept = "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch) in {"Zs", "Cc", "Cf"}))
    return kept.casefold()


#: control characters a spreadsheet cell or a printed line must not carry as they are
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL_LINES = {**_CONTROL, 0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
#: a text beginning with one of these is a formula (or a DDE payload) to Excel, LibreOffice and WPS
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_control(text: str, *, lines: bool = False) -> str:
    """``text`` with its control characters shown escaped (``\\x01``); with ``lines``, also tab and line breaks.

    For a printed line (``lines=True``) and for a spreadsheet cell (tab and line breaks are kept there:
    openpyxl refuses the other control characters, and a reader would not see them).
    """
    return text.translate(_CONTROL_LINES if lines else _CONTROL)


def safe_cell_text(text: str) -> str:
    """Text taken from an input as a spreadsheet cell may hold it: control characters escaped.

    Whether the text would read as a formula (:data:`FORMULA_STARTS`) is the writer's to handle — it
    writes such a cell as a string (:func:`is_formula_like`), never as a formula; the text is kept.
    """
    return escape_control(text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)

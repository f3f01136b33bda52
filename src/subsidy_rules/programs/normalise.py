"""Name normalisation for lookups typed or pasted from spreadsheets.

Folds what differs between how offices type a name and how the document
prints it: full-width ASCII and digits (ＡＢＣ１２３), every kind of space
(U+3000 ideographic space included) and line breaks inside a cell, and the
several quote styles (“”「」『』""‘’''). It keeps every character that
carries meaning — 省/市/区 prefixes stay, so 省就业见习补贴 and 市就业见习补贴
never meet.
"""

from __future__ import annotations

import unicodedata

_QUOTES = dict.fromkeys(map(ord, "“”„‟「」『』\"'‘’‚‛〝〞＂＇"), None)


def normalise_name(text: str) -> str:
    """The comparison key of a program name or alias."""
    # Full-width forms (U+FF01–FF5E) to ASCII, U+3000 to space; NFKC is not
    # used because it also folds ① to 1 and ㈠ to (一), merging distinct text.
    chars = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        chars.append(ch)
    folded = "".join(chars).translate(_QUOTES)
    kept = "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch) in {"Zs", "Cc", "Cf"}))
    return kept.casefold()

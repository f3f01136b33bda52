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

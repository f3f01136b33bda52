"""Masking personal data in what circulates: ID numbers (``420103********1234``) and names (``李*``).

Reports, exports and listings mask unless the user asks ``--unmasked``;
the database keeps the full values (it is created readable by its owner only).
"""

from __future__ import annotations

import re

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id(id_number: str) -> str:
    """The first six and last four characters kept, the rest starred (18 characters: 6 + 8 stars + 4)."""
    if len(id_number) <= 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str | None) -> str | None:
    """The family name kept (the first character), the rest starred."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_text(text: str, name: str | None = None) -> str:
    """``text`` with every 18-character ID number in it masked, and ``name`` replaced by its masked form."""
    out = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(3)[-4:], text)
    if name:
        masked = mask_name(name)
        assert masked is not None
        out = out.replace(name, masked)
    return out


def is_masked(id_number: str) -> bool:
    return "*" in id_number

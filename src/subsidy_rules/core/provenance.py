"""Whether a name, label or structure is printed in a source or is the maintainers'.

``source``: the seed or document prints these words. ``reconstructed``: our
wording of something the source describes (a check question turned into a
problem, a column known only from the notes under its table, a 栏次 row the
notice does not print). ``unknown``: the source lost the label and nothing
describes it.

References:
    shared/DESIGN.md, "The seeds": never invent a label and present it as
    the source's; a reconstructed label carries a provenance flag.
"""

from __future__ import annotations

import enum


class Provenance(enum.Enum):
    SOURCE = "source"
    RECONSTRUCTED = "reconstructed"
    UNKNOWN = "unknown"

    @property
    def label_zh(self) -> str:
        return {"source": "原文", "reconstructed": "重构", "unknown": "原文缺失"}[self.value]

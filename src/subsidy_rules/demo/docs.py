"""Demo step: the documentation site, generated from the registries."""

from __future__ import annotations

from pathlib import Path

from subsidy_rules.docs import build_site


def run(out: Path) -> list[str]:
    written = build_site(out / "site")
    return [f"wrote {len(written)} pages under {out / 'site'} (open index.html)"]

"""Demo step: the documentation site (mkdocs-material), generated from the registries."""

from __future__ import annotations

import time
from pathlib import Path

from subsidy_rules.docs import build_site


def run(out: Path) -> list[str]:
    started = time.perf_counter()
    written = build_site(out / "site")
    elapsed = time.perf_counter() - started
    return [
        f"wrote {len(written)} pages under {out / 'site'} in {elapsed:.0f} s",
        f"read it offline: python -m http.server -d {out / 'site'} 8000, then open http://127.0.0.1:8000/",
    ]

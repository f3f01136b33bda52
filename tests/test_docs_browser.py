"""The browser test's own guards (the walk itself runs under `make docs-browser-test`, with chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.docs_browser import main


def test_without_axe_core_the_browser_test_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--axe", "/nonexistent/axe.min.js"]) == 2
    assert "axe-core not found" in capsys.readouterr().err


def test_without_chromium_the_browser_test_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    axe = tmp_path / "axe.min.js"
    axe.write_text("", encoding="utf-8")
    assert main(["--axe", str(axe), "--chromium", str(tmp_path / "no-chromium")]) == 2
    assert "apt-get install -y chromium" in capsys.readouterr().err


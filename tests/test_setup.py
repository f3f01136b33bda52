"""Set-up: `make` checks the Python version before making anything; the seed checks never pass by skipping in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import seeds

REPO = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!{python}
# A stand-in for an old interpreter: runs `-c CODE` with sys.version_info of Python 3.10.
import sys
sys.version_info = (3, 10, 12, "final", 0)
if sys.argv[1:2] != ["-c"]:
    sys.exit("the fake Python only runs -c")
exec(compile(sys.argv[2], "<string>", "exec"))
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_with_python_3_10_says_what_it_needs_and_leaves_no_venv(tmp_path: Path) -> None:
    fake = tmp_path / "python3.10"
    fake.write_text(FAKE_PYTHON.format(python=sys.executable), "utf-8")
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["make", "-C", str(REPO), "install", f"PYTHON={fake}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    assert done.returncode != 0
    assert "needs Python ≥ 3.11, found 3.10" in done.stderr
    assert not venv.exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_accepts_this_python() -> None:
    done = subprocess.run(
        ["make", "-s", "-C", str(REPO), "check-python", f"PYTHON={sys.executable}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_the_makefile_installs_every_extra() -> None:
    assert "-e '.[dev,audit,spark,docs,browser,ledger]'" in (REPO / "Makefile").read_text("utf-8")


def test_missing_seeds_skip_a_local_run_and_fail_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(seeds, "SEEDS", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="SUBSIDY_RULES_SEEDS"):
        seeds.seeds_folder()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        seeds.seeds_folder()


def test_a_missing_seed_file_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(seeds, "SEEDS", tmp_path)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match=r"seed 000_x\.txt"):
        seeds.seed_file("000_x.txt")
    (tmp_path / "000_x.txt").write_text("武汉", "utf-8")
    assert seeds.seed_file("000_x.txt").read_text("utf-8") == "武汉"


def test_the_seed_folder_comes_from_the_environment_variable() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from tests.seeds import SEEDS; print(SEEDS)"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "SUBSIDY_RULES_SEEDS": "/somewhere/seeds"},
    )
    assert done.stdout.strip() == "/somewhere/seeds", done.stderr

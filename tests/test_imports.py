"""Each command module imports on its own in a fresh interpreter (no import cycles hidden by test order)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from subsidy_rules.cli import COMMANDS


@pytest.mark.parametrize("target", sorted(COMMANDS.values()))
def test_a_command_module_imports_first_in_a_fresh_interpreter(target: str) -> None:
    module = target.split(":")[0]
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

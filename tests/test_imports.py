"""The package's walls: modules import on their own, only downwards, without importlib tricks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from subsidy_rules.cli import cli

SRC = Path(__file__).resolve().parents[1] / "src" / "subsidy_rules"


def _modules() -> list[str]:
    return sorted({command.callback.__module__ for command in cli.commands.values() if command.callback})


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("module", _modules())
def test_a_command_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_every_command_group_is_on_the_root_group() -> None:
    groups = {"programs", "parameters", "issues", "forms", "eligibility", "retirement-age", "demo", "docs", "audit"}
    assert groups <= set(cli.commands)


def test_no_module_loads_another_through_importlib_but_the_detector_registry() -> None:
    # the registry of detectors imports the files it finds in its own folder: adding a detector is adding its file
    offenders = [str(p.relative_to(SRC)) for p in _python_files(SRC) if "import_module" in p.read_text("utf-8")]
    assert offenders == ["issues/audit/detectors/__init__.py"]


def test_exactly_one_module_imports_cattrs() -> None:
    pattern = re.compile(r"^\s*(import cattrs|from cattrs)", re.MULTILINE)
    users = [str(p.relative_to(SRC)) for p in _python_files(SRC) if pattern.search(p.read_text("utf-8"))]
    assert users == ["io/json.py"]


@pytest.mark.parametrize(("folder", "forbidden"), [("cli", "subsidy_rules.demo."), ("demo", "subsidy_rules.cli")])
def test_the_cli_and_the_demo_do_not_import_each_other(folder: str, forbidden: str) -> None:
    # The CLI may call demo.run (the command `demo`), but never a demo step; the demo never imports the CLI.
    found = [
        str(p.relative_to(SRC))
        for p in _python_files(SRC / folder)
        if re.search(rf"^\s*(from|import) {re.escape(forbidden)}", p.read_text("utf-8"), re.MULTILINE)
    ]
    assert found == []


def test_the_old_serialization_module_is_gone() -> None:
    assert not (SRC / "serialization.py").exists()
    pattern = re.compile(r"^\s*(from|import) subsidy_rules\.serialization", re.MULTILINE)
    users = [str(p.relative_to(SRC)) for p in _python_files(SRC) if pattern.search(p.read_text("utf-8"))]
    assert users == []


def test_schema_version_is_added_only_by_the_json_edge() -> None:
    pattern = re.compile(r"""["']schema_version["']\s*:""")
    users = [str(p.relative_to(SRC)) for p in _python_files(SRC) if pattern.search(p.read_text("utf-8"))]
    assert users == ["io/json.py"]


#: the floors of the package, top first: a module imports only from its own floor or the floors below
LAYERS = (
    "cli", "demo", "docs", "rectification", "io", "forms", "issues", "programs", "parameters", "workbooks", "core",
)
#: imports that still break the layers, each to be removed by the module's owner (then delete the line here)
KNOWN_BREACHES: set[tuple[str, str]] = set()


def test_the_package_s_floors_hold_io_above_the_domain_and_below_docs_demo_and_cli() -> None:
    import grimp

    graph = grimp.build_graph("subsidy_rules", cache_dir=None)
    found = graph.find_illegal_dependencies_for_layers(layers=[grimp.Layer(f"subsidy_rules.{name}") for name in LAYERS])
    breaches = {(head, tail) for dep in found for route in dep.routes for head in route.heads for tail in route.tails}
    assert breaches == KNOWN_BREACHES

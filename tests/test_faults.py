"""Under faults: real signals sent to the CLI run as a subprocess, killed runs, concurrent runs.

Each run starts a small driver (``python -c``) that makes one step of the
command wait (a DuckDB query that runs for minutes, the writing of
findings.xlsx, a forms worker) and prints ``READY`` on stderr when it is in
that step; the test then sends a real signal and checks what the operator
sees (exit code, one line, no traceback) and what is left on disk (nothing).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from subsidy_rules.io.findings import XLSX_TEMP
from subsidy_rules.issues.audit.sample import generate

SRC = Path(__file__).resolve().parents[1] / "src"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc are Linux's")

#: The driver: patches (given per test) and then the console entry point, as the installed script runs it.
DRIVER = """
import os, sys, time
{patch}
from subsidy_rules.cli import main
sys.argv = ["subsidy-rules", *sys.argv[1:]]
main()
"""

#: A DuckDB query that runs for minutes, started where the audit prepares its helper tables.
SLOW_QUERY = """
from subsidy_rules.issues.audit import helpers
_build = helpers.build
def _slow(wanted, inputs, *a, **k):
    sys.stderr.write("READY\\n"); sys.stderr.flush()
    inputs.con.execute("SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3").fetchall()
    return _build(wanted, inputs, *a, **k)
helpers.build = _slow
"""

#: findings.xlsx is being written (XlsxWriter's constant-memory sheets and their temporary files exist) when READY.
SLOW_XLSX = """
from xlsxwriter.worksheet import Worksheet
_write = Worksheet.write_string
_n = [0]
def _slow(self, *a, **k):
    _n[0] += 1
    if _n[0] == 5:
        sys.stderr.write("READY\\n"); sys.stderr.flush()
        time.sleep(float(os.environ.get("SLOW_SECONDS", "60")))
    return _write(self, *a, **k)
Worksheet.write_string = _slow
"""


#: Each forms worker waits when it gets its file.
SLOW_WORKER = """
from subsidy_rules.forms import batch
_check = batch._check_path
def _slow(*a, **k):
    sys.stderr.write("READY\\n"); sys.stderr.flush()
    time.sleep(60)
    return _check(*a, **k)
batch._check_path = _slow
"""


def interrupted_line(name: str) -> str:
    """The one line an interrupted run prints: Chinese first, the English beside it."""
    return f"已中断（{name}），未留下不完整的文件（interrupted ({name}); no partial file was left）"


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["TMPDIR"] = str(tmp)  # so the run's temporary folders can be looked for
    return env


def _default_sigint() -> None:  # pragma: no cover - runs in the child before exec
    # A shell that starts the suite in the background ignores SIGINT for it; a terminal's child would not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(patch: str, args: list[str], tmp: Path, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER.format(patch=textwrap.dedent(patch)), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**_env(tmp), **extra},
        preexec_fn=_default_sigint,
        start_new_session=True,  # its own process group: a "terminal" Ctrl-C to the group reaches only the run
    )


def _wait_ready(proc: subprocess.Popen[bytes], seconds: float = 120) -> bytes:
    """Read the child's stderr until it says READY; returns what it wrote so far."""
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + seconds
    while b"READY" not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"the run never reached the step: {seen.decode(errors='replace')}"
        ready, _, _ = select.select([proc.stderr], [], [], left)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 65536)
            assert chunk, f"the run ended before the step: {seen.decode(errors='replace')}"
            seen += chunk
    return seen


def _finish(proc: subprocess.Popen[bytes], before: bytes = b"") -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the run did not stop within 120 s of the signal")
    return proc.returncode, (before + err).decode("utf-8", errors="replace")


def _the_one_line(err: str, name: str) -> None:
    lines = [line for line in err.splitlines() if line.strip() and line.strip() != "READY"]
    assert lines == [f"error: {interrupted_line(name)}"], err
    assert "Traceback" not in err and "Exception ignored" not in err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths, _ = generate(tmp_path_factory.mktemp("sample"), persons=30)
    return paths


def _audit_args(sample: dict[str, Path], out: Path) -> list[str]:
    return ["audit", "run", str(sample["ledger"]), "--roster", f"deaths={sample['deaths']}", "--as-of", "2025-12-31",
            "-o", str(out)]


@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl-C")])
def test_a_signal_inside_a_duckdb_query_stops_it_with_one_line_and_no_temporary_folder(
    sample: dict[str, Path], tmp_path: Path, signum: int, code: int, name: str
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "work" / "out"
    out.parent.mkdir()
    proc = _start(SLOW_QUERY, _audit_args(sample, out), temp)
    before = _wait_ready(proc)
    assert any(p.name.startswith("subsidy-audit-") for p in temp.iterdir())
    started = time.monotonic()
    proc.send_signal(signum)
    rc, err = _finish(proc, before)
    assert time.monotonic() - started < 30  # the query was stopped, not waited for
    assert rc == code
    _the_one_line(err, name)
    assert _leftovers(temp) == [] and _leftovers(out.parent) == []


def test_sigterm_while_findings_xlsx_is_written_leaves_no_file_and_no_finalizer_noise(
    sample: dict[str, Path], tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    proc = _start(SLOW_XLSX, _audit_args(sample, work / "out"), temp)
    before = _wait_ready(proc)
    staged = [p for p in work.iterdir() if p.name.endswith(".partial")]
    assert staged
    # its temporary sheet files exist now, inside the staged folder (never loose in the temporary directory)
    assert any(p.is_file() for p in (staged[0] / XLSX_TEMP).iterdir())
    proc.send_signal(signal.SIGTERM)
    rc, err = _finish(proc, before)
    assert rc == 143
    _the_one_line(err, "SIGTERM")
    assert _leftovers(temp) == [] and _leftovers(work) == []


def test_a_signal_during_start_up_is_answered_with_one_line(tmp_path: Path) -> None:
    proc = _start("", ["programs", "list"], tmp_path)
    status = Path(f"/proc/{proc.pid}/status")
    deadline = time.monotonic() + 60
    # The handler is the first thing the entry point installs; the heavy imports come after it.
    while time.monotonic() < deadline:
        caught = next(
            (int(line.split()[1], 16) for line in status.read_text().splitlines() if line.startswith("SigCgt:")), 0
        )
        if caught & (1 << (signal.SIGTERM - 1)):
            break
        time.sleep(0.001)
    proc.send_signal(signal.SIGTERM)
    rc, err = _finish(proc)
    assert rc == 143, err
    _the_one_line(err, "SIGTERM")


def _workbooks(tmp_path: Path) -> list[str]:
    from subsidy_rules.forms.loader import layout
    from subsidy_rules.forms.template import render

    raw = render(layout("wuhan-2022-problem-stats"))
    names = []
    for i in range(2):
        path = tmp_path / f"unit{i}.xlsx"
        path.write_bytes(raw)
        names.append(str(path))
    return names


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_at_the_terminal_reaches_the_forms_workers_without_a_worker_traceback(tmp_path: Path) -> None:
    args = ["forms", "validate", "wuhan-2022-problem-stats", *_workbooks(tmp_path), "--workers", "2"]
    proc = _start(SLOW_WORKER, args, tmp_path)
    before = _wait_ready(proc)
    workers = _children(proc.pid)
    assert workers
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group gets it
    rc, err = _finish(proc, before)
    assert rc == 130
    _the_one_line(err, "Ctrl-C")
    assert "ForkProcess" not in err
    time.sleep(0.2)
    assert not any(_alive(w) for w in workers)


def test_the_forms_workers_die_with_a_parent_killed_by_sigkill_so_a_capturing_caller_returns(tmp_path: Path) -> None:
    args = ["forms", "validate", "wuhan-2022-problem-stats", *_workbooks(tmp_path), "--workers", "2"]
    proc = _start(SLOW_WORKER, args, tmp_path)
    _wait_ready(proc)
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    started = time.monotonic()
    proc.communicate(timeout=30)  # end of file on both pipes: no worker holds them any more
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert not any(_alive(w) for w in workers)


def test_a_run_killed_with_sigkill_leaves_nothing_the_next_run_trips_on(
    sample: dict[str, Path], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out"
    proc = _start(SLOW_XLSX, _audit_args(sample, out), tmp_path)
    _wait_ready(proc)
    proc.kill()
    proc.communicate(timeout=30)
    left = _leftovers(work)
    assert any(n.startswith(".out.") and n.endswith(".partial") for n in left) and "out" not in left
    done = subprocess.run(
        [sys.executable, "-c", DRIVER.format(patch=""), *_audit_args(sample, out)],
        capture_output=True,
        env=_env(tmp_path),
        timeout=300,
    )
    assert done.returncode == 1, done.stderr.decode()
    assert _leftovers(work) == ["out"]
    assert (out / "findings.xlsx").is_file() and (out / "summary.json").is_file()


def test_two_audits_writing_one_folder_at_once_one_wins_whole_the_other_is_refused(
    sample: dict[str, Path], tmp_path: Path
) -> None:
    import json

    out = tmp_path / "out"
    first = _start(SLOW_XLSX, [*_audit_args(sample, out), "--format", "json"], tmp_path, SLOW_SECONDS="4")
    before = _wait_ready(first)
    second = subprocess.run(
        [sys.executable, "-c", DRIVER.format(patch=""), *_audit_args(sample, out), "--format", "json"],
        capture_output=True,
        env=_env(tmp_path),
        timeout=300,
    )
    assert second.returncode == 2
    assert json.loads(second.stdout)["error"]["code"] == "output-busy"
    assert "another run is writing this output" in second.stderr.decode()
    stdout, err = first.communicate(timeout=300)
    assert first.returncode == 1, (before + err).decode()
    doc = json.loads(stdout)
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == doc["findings"]  # the winner's outputs, whole
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_a_closed_standard_output_ends_the_run_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: every write is a broken pipe
    try:
        done = subprocess.run(
            [sys.executable, "-c", DRIVER.format(patch=""), "programs", "list"],
            stdout=write,
            stderr=subprocess.PIPE,
            env=_env(tmp_path),
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode in (0, 141)
    assert done.stderr == b""


def test_sigterm_during_docs_build_removes_the_mkdocs_project_and_the_staged_site(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    proc = _start("", ["docs", "build", "-o", str(work / "site")], temp)
    deadline = time.monotonic() + 120
    while not any(p.name.startswith("subsidy-rules-docs-") for p in temp.iterdir()):  # the mkdocs project
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    rc, err = _finish(proc)
    assert rc == 143
    _the_one_line(err, "SIGTERM")
    assert [p.name for p in temp.iterdir() if p.name != "jieba.cache"] == [] and _leftovers(work) == []


def test_spark_says_nothing_on_stderr_but_errors_unless_debug(sample: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    env = _env(tmp_path)
    env.pop("SPARK_CONF_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", DRIVER.format(patch=""), *_audit_args(sample, tmp_path / "out"), "--engine", "spark",
         "--only", "duplicate-period"],
        capture_output=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr.decode()
    err = done.stderr.decode()
    # The JVM launcher's own notice about its incubator module is not Spark's logging and cannot be configured.
    lines = [line for line in err.splitlines() if line.strip() and "incubator modules" not in line]
    assert lines == [], err
    assert "[Stage" not in err and " WARN " not in err and "log4j" not in err

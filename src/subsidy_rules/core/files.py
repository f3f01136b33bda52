"""Writing output files safely: atomically, never over an input, never with the wrong extension.

Every file the library writes for a user goes through here:

* :func:`atomic_write_bytes` / :func:`atomic_write_text` and the context
  managers :func:`atomic_output` (an open binary file) and :func:`atomic_path`
  (a temporary path, for writers that take a path, such as openpyxl's
  ``save``) write to a temporary file *in the target folder* and
  :func:`os.replace` it onto the target only when everything was written.
  On any failure — an exception, Ctrl-C — the temporary file is removed and
  the target is untouched: never a half-written file.
* :func:`staged_directory` does the same for a folder of outputs (the demo,
  the docs site): everything is written under a temporary sibling folder,
  checked against what is already at the target, then moved into place.
* :func:`refuse_same_path` and :func:`check_extension` refuse an output that
  is one of the inputs or whose extension does not say what is written.
* :func:`guard_input` is the one check every file a command reads passes
  first: a FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a
  file past its size cap is refused with one line — it would otherwise hang
  the run or exhaust memory. :func:`read_stdin_bytes` does the same for
  standard input.

Outputs get the user's permissions: a staged folder is created with the
mode ``mkdir`` would give it under the user's umask (``mkdtemp`` alone makes
it 0700, and a docs site served by a web server would be unreadable).

Killed runs and concurrent runs. A staged folder is written under a lock
on its target (``.NAME.lock`` beside it, an ``flock`` the kernel releases
when the process dies, ``kill -9`` included): a second run writing the same
output while the first holds the lock is refused (``output-busy``) before it
writes anything, so a folder never mixes two runs. Holding the lock, a run
removes the ``.NAME.*.partial`` entries an earlier run of the same output
left when it was killed — no live run can own them. Temporary files beside
a single output file carry their own lock for the same clean-up.

Problems are :class:`~subsidy_rules.core.errors.DataFileError` with codes
from ``core/data/problems/io.toml``.

Limitations:
    The rename is atomic per file. :func:`staged_directory` merging into an
    existing folder moves file by file, so a Ctrl-C in that last step can
    leave some files new and some old (never a partial file). The locks are
    advisory ``flock`` locks (POSIX); on a network file system that does not
    support them, two runs are not kept apart. The ``.NAME.lock`` file is
    removed when the run ends; after ``kill -9`` it stays (empty) until the
    next run of the same output.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Place, Problem


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")


# -- permissions ---------------------------------------------------------------------------------


def current_umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):  # pragma: no cover - not Linux
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)  # pragma: no cover - not Linux
    return mask  # pragma: no cover - not Linux


def _as_mkdir_would(path: Path, *, folder: bool) -> None:
    """Give ``path`` the mode ``mkdir``/``open`` would have given it under the user's umask."""
    base = 0o777 if folder else 0o666
    os.chmod(path, base & ~current_umask())


# -- locks: the kernel releases them when the holder dies (kill -9 included) ---------------------


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - platform guard
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _busy(target: Path) -> DataFileError:
    return DataFileError([Problem.make("output-busy", place=Place(file=str(target)), value=str(target))])


def _take_lock(target: Path) -> int:
    """An open descriptor holding the exclusive lock on ``target``'s lock file; ``output-busy`` when held."""
    lock = _lock_name(target)
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise _unwritable(target, exc) from None
        if not _try_lock(fd):
            os.close(fd)
            raise _busy(target)
        try:  # the lock file may have been replaced between open and lock: lock the one at the name
            if os.path.samestat(os.fstat(fd), os.stat(lock)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # pragma: no cover - a race with another run's clean-up


def _leftovers(target: Path) -> list[Path]:
    """``.NAME.*.partial`` entries beside ``target`` (what killed runs of this output left)."""
    parent = target.parent if str(target.parent) else Path()
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    head = f".{target.name}."
    return [parent / n for n in names if n.startswith(head) and n.endswith(".partial") and len(n) > len(head) + 8]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def clean_leftovers(target: Path | str) -> list[Path]:
    """Remove the ``.NAME.*.partial`` entries beside ``target`` that no live run holds; returns them.

    A partial file written by :func:`atomic_path` is locked by its writer; a
    partial folder of :func:`staged_directory` is covered by the target's
    lock, which the caller holds when it calls this for a folder.
    """
    removed: list[Path] = []
    for entry in _leftovers(Path(target)):
        if entry.is_dir() and not entry.is_symlink():
            _remove(entry)
            removed.append(entry)
            continue
        try:
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _try_lock(fd):
                _remove(entry)
                removed.append(entry)
        finally:
            os.close(fd)
    return removed


def _unwritable(path: Path, exc: OSError) -> DataFileError:
    reason = exc.strerror or str(exc)
    problem = Problem.make("output-unwritable", place=Place(file=str(path)), value=str(path), reason=reason)
    return DataFileError([problem])


def check_output_file(path: Path | str) -> Path:
    """``path`` as an output file: refused when it is an existing folder."""
    target = Path(path)
    if target.is_dir():
        raise DataFileError([Problem.make("output-is-a-folder", place=Place(file=str(target)), value=str(target))])
    return target


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path``; on success it replaces ``path``, on any failure it is removed.

    A writer that left the temporary file untouched (it wrote nothing) is an error: ``path`` is kept.
    """
    with _atomic_path(path, empty_ok=False) as temp:
        yield temp


@contextlib.contextmanager
def _atomic_path(path: Path | str, *, empty_ok: bool) -> Iterator[Path]:
    target = check_output_file(path)
    if target.parent != Path() and not target.parent.is_dir():
        raise _unwritable(target, FileNotFoundError(2, "the folder does not exist"))
    temp = _temp_name(target)
    try:
        # created here and locked while it is written, so a later run can tell it from a live one's
        holder = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _unwritable(target, exc) from None
    try:
        _try_lock(holder)
        clean_leftovers(target)
        created = os.fstat(holder)
        yield temp
        if not empty_ok:
            now = os.stat(temp)
            if now.st_size == 0 and now.st_mtime_ns == created.st_mtime_ns:
                raise FileNotFoundError(2, "nothing was written")
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _unwritable(target, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        os.close(holder)


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[BinaryIO]:
    """An open binary file that becomes ``path`` only if the ``with`` block completes."""
    with _atomic_path(path, empty_ok=True) as temp:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_TRUNC)
        except OSError as exc:
            raise _unwritable(Path(path), exc) from None
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path) as handle:
        handle.write(data)


def atomic_write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (UTF-8 by default, ``\\n`` line ends kept)."""
    atomic_write_bytes(path, text.encode(encoding))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:  # pragma: no cover - a race with a deleted file
        return False


def refuse_same_path(output: Path | str, inputs: Iterable[Path | str]) -> None:
    """Refuse an output that is one of the inputs (by path, or the same file through a link)."""
    out = Path(output)
    for given in inputs:
        source = Path(given)
        if out.resolve() == source.resolve() or _same(out, source):
            raise DataFileError(
                [Problem.make("output-same-as-input", place=Place(file=str(out)), value=str(out), input=str(source))]
            )


def check_extension(path: Path | str, allowed: Sequence[str]) -> None:
    """Refuse ``path`` unless it ends in one of ``allowed`` (``[".xlsx"]``; case does not matter)."""
    target = Path(path)
    if not any(target.name.lower().endswith(ext.lower()) for ext in allowed):
        shown = " or ".join(allowed)
        raise DataFileError(
            [Problem.make("output-wrong-extension", place=Place(file=str(target)), value=str(target), allowed=shown)]
        )


def _conflicts(staged: Path, target: Path) -> list[Problem]:
    """What at ``target`` is in the way of moving ``staged``'s tree onto it."""
    found: list[Problem] = []
    for root, dirs, files in os.walk(staged):
        rel = Path(root).relative_to(staged)
        for name in dirs:
            where = target / rel / name
            if where.exists() and not where.is_dir():
                found.append(Problem.make("output-is-a-file", place=Place(file=str(where)), value=str(where)))
        for name in files:
            where = target / rel / name
            if where.is_dir():
                found.append(Problem.make("output-is-a-folder", place=Place(file=str(where)), value=str(where)))
    return found


def _merge(staged: Path, target: Path) -> list[Path]:
    written: list[Path] = []
    for root, _dirs, files in os.walk(staged):
        rel = Path(root).relative_to(staged)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.replace(Path(root) / name, target / rel / name)
            written.append(target / rel / name)
    return written


@contextlib.contextmanager
def staged_directory(target: Path | str) -> Iterator[Path]:
    """A temporary folder beside ``target``; on success its files are moved into ``target``.

    ``target`` may be missing (it is created), or an existing folder (files
    of the same name are replaced, other files are left alone). Before
    anything is moved, every name is checked: a file where a folder is to
    go, or a folder where a file is to go, refuses the whole output and
    leaves ``target`` exactly as it was. On any failure (Ctrl-C included)
    the temporary folder is removed.

    The staged folder is yielded as an absolute path, with the permissions
    the user's umask gives a new folder. The whole step holds the target's
    lock: a second run writing the same ``target`` meanwhile is refused
    (``output-busy``), and leftovers of killed runs of this target are
    removed first (see the module's notes).
    """
    out = Path(target)
    if out.exists() and not out.is_dir():
        raise DataFileError([Problem.make("output-is-a-file", place=Place(file=str(out)), value=str(out))])
    parent = out.parent.absolute()
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out, exc) from None
    lock = _take_lock(parent / out.name)
    try:
        clean_leftovers(parent / out.name)
        try:
            staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
            _as_mkdir_would(staged, folder=True)
        except OSError as exc:
            raise _unwritable(out, exc) from None
        try:
            yield staged
            if not out.exists():
                os.replace(staged, out)
                return
            conflicts = _conflicts(staged, out)
            if conflicts:
                raise DataFileError(conflicts)
            _merge(staged, out)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    finally:
        with contextlib.suppress(OSError):  # the next run makes a fresh one (and checks it got that one)
            _lock_name(parent / out.name).unlink()
        os.close(lock)


# -- the one guard in front of every file a command reads ----------------------------------------

#: Size cap for documents (JSON case files, TOML layers and layouts): far above any real one.
MAX_DOCUMENT_BYTES = 16 * 1024**2
#: Size cap for data files (ledgers, rosters, workbooks): a province's ledger fits, a runaway file does not.
MAX_DATA_BYTES = 64 * 1024**3
#: Suffixes read as documents (the smaller cap).
DOCUMENT_SUFFIXES = (".json", ".toml")

_KINDS = {
    stat.S_IFIFO: ("命名管道（FIFO）", "a FIFO"),
    stat.S_IFCHR: ("字符设备", "a character device"),
    stat.S_IFBLK: ("块设备", "a block device"),
    stat.S_IFSOCK: ("套接字", "a socket"),
}


def _size_text(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def input_limit(path: Path | str) -> int:
    """The size cap for ``path``: :data:`MAX_DOCUMENT_BYTES` for ``.json``/``.toml``, else :data:`MAX_DATA_BYTES`."""
    return MAX_DOCUMENT_BYTES if str(path).lower().endswith(DOCUMENT_SUFFIXES) else MAX_DATA_BYTES


def _refuse_kind(where: str, mode: int) -> None:
    kind = _KINDS.get(stat.S_IFMT(mode))
    if kind is not None:
        raise DataFileError(
            [Problem.make("input-not-a-file", place=Place(file=where), value=where, kind_zh=kind[0], kind_en=kind[1])]
        )


def _refuse_size(where: str, size: int, limit: int) -> None:
    if size > limit:
        raise DataFileError(
            [
                Problem.make(
                    "input-too-large",
                    place=Place(file=where),
                    value=where,
                    size=_size_text(size),
                    limit=_size_text(limit),
                )
            ]
        )


def guard_input(path: Path | str, *, limit: int | None = None) -> Path:
    """Refuse ``path`` before anything reads it when it is a FIFO, a device, a socket or past its size cap.

    A missing path passes (the reader says "no such file" in its own words);
    ``limit`` defaults to :func:`input_limit`. Links are followed: a
    ``ledger.csv`` that points at ``/dev/zero`` is a device.
    """
    target = Path(path)
    try:
        info = os.stat(target)
    except (OSError, ValueError):
        return target
    _refuse_kind(str(target), info.st_mode)
    if stat.S_ISREG(info.st_mode):
        _refuse_size(str(target), info.st_size, input_limit(target) if limit is None else limit)
    return target


def read_stdin_bytes(*, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Standard input, at most ``limit`` bytes: a pipe or a file is read, a device is refused."""
    stream = sys.stdin.buffer
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        info = None
    # a terminal is read as typed; /dev/zero would never end
    device = info is not None and stat.S_IFMT(info.st_mode) in (stat.S_IFCHR, stat.S_IFBLK)
    if info is not None and device and not os.isatty(stream.fileno()):
        _refuse_kind("<standard input>", info.st_mode)
    if info is not None and stat.S_ISREG(info.st_mode):
        _refuse_size("<standard input>", info.st_size, limit)
    data = stream.read(limit + 1)
    _refuse_size("<standard input>", len(data), limit)
    return data

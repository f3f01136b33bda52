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

Problems are :class:`~subsidy_rules.core.errors.DataFileError` with codes
from ``core/data/problems/io.toml``.

Limitations:
    The rename is atomic per file. :func:`staged_directory` merging into an
    existing folder moves file by file, so a Ctrl-C in that last step can
    leave some files new and some old (never a partial file).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Place, Problem


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")


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
    """A temporary path beside ``path``; on success it replaces ``path``, on any failure it is removed."""
    target = check_output_file(path)
    if target.parent != Path() and not target.parent.is_dir():
        raise _unwritable(target, FileNotFoundError(2, "the folder does not exist"))
    temp = _temp_name(target)
    try:
        yield temp
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _unwritable(target, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[BinaryIO]:
    """An open binary file that becomes ``path`` only if the ``with`` block completes."""
    with atomic_path(path) as temp:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
    """
    out = Path(target)
    if out.exists() and not out.is_dir():
        raise DataFileError([Problem.make("output-is-a-file", place=Place(file=str(out)), value=str(out))])
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
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

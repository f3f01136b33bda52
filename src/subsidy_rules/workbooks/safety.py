"""Opening an untrusted workbook safely: limits, zip checks, XML checks, cell references.

Everything here runs BEFORE openpyxl sees the file, because openpyxl cannot
defend itself against most of what offices (and the occasional attacker)
send: a 5 MB zip that inflates to 2 GB never returns from ``load_workbook``;
a bzip2 member inflates without limit; ``<dimension ref="A1:XFD1048576">``
makes read-only mode pad every row to 16,384 columns; one cell at
XFD1048576 makes normal mode build a 4 GB bounding box.

:func:`subsidy_rules.workbooks.book.open_book` decides the format by the
bytes; for a zip (xlsx, ods) this module then checks every member's
declared size, the total, the count, the compression ratio and method
(stored or deflate only: zipfile enforces the declared sizes, so they can
be trusted), and reads every XML part, refusing any ``<!DOCTYPE`` or
``<!ENTITY``. :mod:`subsidy_rules.workbooks.book` then reads the sheet
(python-calamine, or one expat pass where calamine cannot tell an error
or an uncalculated formula from a blank) by its real geometry.

References:
    ``shared/xlsx-input-hazards.md`` — every row of its table is handled
    here or in :mod:`subsidy_rules.forms.reader`.

Limitations:
    Limits are per file (:class:`Limits`); a form needs little, so they are
    tight. A workbook from a tool that writes cells without ``r`` attributes
    is scanned by position, as Excel reads it.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from typing import Any

import attrs
import openpyxl

from subsidy_rules.core.errors import SubsidyRulesError
from subsidy_rules.core.problem import Place, Problem


def problem(code: str, **fields: Any) -> Problem:
    """A whole-file problem (no sheet or cell yet: the caller adds the file's name)."""
    return Problem.make(code, place=Place(), **fields)


@attrs.frozen
class Limits:
    """Resource limits for one submitted file (defaults suit monthly forms with room to spare)."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_members: int = 1000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    #: Ratio uncompressed/compressed allowed for members over ``ratio_floor_bytes``.
    max_ratio: int = 100
    ratio_floor_bytes: int = 1024 * 1024
    max_rows: int = 20_000
    max_cols: int = 1_000
    max_cells: int = 2_000_000
    max_merge_area: int = 1_000_000
    #: Wall-clock seconds and address-space bytes for one file in a worker process.
    timeout_seconds: float = 60.0
    memory_bytes: int = 2 * 1024**3


class UnsafeEnvironmentError(SubsidyRulesError, RuntimeError):
    """openpyxl is not using defusedxml (``OPENPYXL_DEFUSEDXML=False`` or defusedxml missing)."""


def require_defusedxml() -> None:
    """Refuse to parse untrusted XML unless openpyxl's defusedxml path is on."""
    if openpyxl.DEFUSEDXML is not True:
        raise UnsafeEnvironmentError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML=False set, or defusedxml missing?);"
            " refusing to read untrusted workbooks"
        )


class Rejected(Exception):
    """Internal: the file cannot be read further; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def _reject(code: str, what: str = "", what_zh: str | None = None) -> Rejected:
    return Rejected(problem(code, what=what_zh if what_zh is not None else what, what_en=what))


_BINARY = (".bin", ".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".tif", ".tiff", ".bmp")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BOMS = (b"\xff\xfe", b"\xfe\xff")


def reject(code: str, what: str = "", what_zh: str | None = None) -> Rejected:
    """A :class:`Rejected` carrying the problem ``code`` with its English and Chinese explanations."""
    return _reject(code, what, what_zh)


@attrs.frozen
class CheckedZip:
    """A zip package that passed :func:`check_zip`: its member names and its inflated, checked XML parts."""

    names: frozenset[str]
    parts: dict[str, bytes]

    def part(self, name: str) -> bytes:
        """The checked part ``name`` (b"" when the package has none)."""
        return self.parts.get(name, b"")


def check_zip(data: bytes, limits: Limits) -> CheckedZip:
    """Open a zip and check every member before anything is inflated; raise :class:`Rejected`.

    Declared sizes (enforced by zipfile while inflating), the total, the member count, the
    compression ratio and method (stored or deflate only) and the encryption flag; then every
    XML part is inflated once and refused if it declares a DOCTYPE or ENTITY (kept for
    :func:`xml_part`).
    """
    if len(data) > limits.max_file_bytes:
        raise _reject(
            "too-large",
            f"{len(data)} bytes (limit {limits.max_file_bytes})",
            f"文件大小{len(data)}字节，上限{limits.max_file_bytes}",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _reject("damaged-file", f"the zip structure is broken ({exc})", "压缩结构损坏") from None
    if len(infos) > limits.max_members:
        raise _reject("too-large", f"{len(infos)} parts in the package", f"包含{len(infos)}个部件")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejected(problem("encrypted"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2/lzma members inflate without limit in openpyxl (hazards list).
            raise _reject(
                "hostile-content",
                f"part {info.filename} uses compression method {info.compress_type} (only stored and deflate allowed)",
                f"部件{info.filename}使用了不允许的压缩方式{info.compress_type}",
            )
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if (
            info.file_size > limits.max_member_bytes
            or total > limits.max_total_bytes
            or (info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio)
        ):
            raise _reject(
                "too-large",
                f"part {info.filename} inflates to {info.file_size} bytes (ratio {ratio:.0f}:1; a zip bomb?)",
                f"部件{info.filename}解压后{info.file_size}字节（压缩比{ratio:.0f}:1，疑为压缩炸弹）",
            )
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.filename.lower().endswith(_BINARY) or info.is_dir():
            continue
        parts[info.filename] = _inflate(archive, info)
    return CheckedZip(frozenset(info.filename for info in infos), parts)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        raw = archive.read(info)
    except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError — all "damaged"
        raise _reject(
            "damaged-file",
            f"part {info.filename} cannot be read ({type(exc).__name__})",
            f"部件{info.filename}无法读取",
        ) from None
    text = raw.decode("utf-16", "replace").encode("utf-8", "replace") if raw[:2] in _BOMS else raw
    if _DTD.search(text):
        # No DTDs anywhere: entity expansion (billion laughs) and XXE both need one.
        raise _reject(
            "hostile-content",
            f"part {info.filename} declares a DOCTYPE or ENTITY",
            f"部件{info.filename}含有DOCTYPE或ENTITY声明",
        )
    return text


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


@functools.lru_cache(maxsize=65536)
def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"B5"`` → (5, 2); None for anything else."""
    m = _CELL_REF.fullmatch(ref.replace("$", ""))
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col

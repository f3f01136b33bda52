"""Opening an untrusted workbook safely: sniffing, zip checks, XML checks, geometry.

Everything here runs BEFORE openpyxl sees the file, because openpyxl cannot
defend itself against most of what offices (and the occasional attacker)
send: a 5 MB zip that inflates to 2 GB never returns from ``load_workbook``;
a bzip2 member inflates without limit; ``<dimension ref="A1:XFD1048576">``
makes read-only mode pad every row to 16,384 columns; one cell at
XFD1048576 makes normal mode build a 4 GB bounding box.

In order: sniff the first bytes (zip, OLE — encrypted or old .xls — HTML,
text); check every zip member's declared size, the total, the count, the
compression ratio and method (stored or deflate only: zipfile enforces the
declared sizes, so they can be trusted); read every XML part and refuse any
``<!DOCTYPE``/``<!ENTITY``; find the sheets from ``workbook.xml`` and its
relationships; scan the form's sheet with expat for its real geometry
(cells holding values, formulas without cached values, hidden rows and
columns, merged areas). openpyxl then reads by explicit bounds.

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
from collections.abc import Callable, Iterator
from xml.parsers import expat

import attrs
import openpyxl

from subsidy_rules.core.errors import SubsidyRulesError
from subsidy_rules.forms.problems import Problem, ProblemCode


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


def _reject(code: ProblemCode, what: str = "", what_zh: str | None = None) -> Rejected:
    problem = Problem.make(code, what=what_zh if what_zh is not None else what, what_en=what)
    if what_zh is not None:
        problem = attrs.evolve(problem, message_en=Problem.make(code, what=what).message_en)
    return Rejected(problem)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04",)
_EMPTY_ZIP = b"PK\x05\x06"


def sniff(data: bytes) -> None:
    """Decide by content what the bytes are; raise :class:`Rejected` unless they may be an xlsx zip."""
    if not data:
        raise _reject(ProblemCode.NOT_A_WORKBOOK, "the file is empty", "文件为空")
    if data.startswith(_ZIP):
        return
    if data.startswith(_OLE):
        # An OLE compound file is either an encrypted xlsx (its streams are
        # named EncryptedPackage/EncryptionInfo, in UTF-16) or an old .xls.
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Rejected(Problem.make(ProblemCode.ENCRYPTED))
        raise _reject(
            ProblemCode.NOT_A_WORKBOOK,
            "an old Excel 97-2003 file (.xls); save it as .xlsx",
            "旧版Excel 97-2003格式（.xls），请另存为.xlsx",
        )
    if data.startswith(_EMPTY_ZIP):
        raise _reject(ProblemCode.NOT_A_WORKBOOK, "an empty zip archive", "空的压缩包")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise _reject(ProblemCode.NOT_A_WORKBOOK, "an HTML or XML page saved as .xlsx", "网页或XML文件被改名为.xlsx")
    try:
        data[:4096].decode("utf-8")
        is_text = True
    except UnicodeDecodeError:
        try:
            data[:4096].decode("gb18030")
            is_text = b"\x00" not in data[:4096]
        except UnicodeDecodeError:
            is_text = False
    if is_text:
        raise _reject(ProblemCode.NOT_A_WORKBOOK, "a text file (CSV?) saved as .xlsx", "文本文件（CSV？）被改名为.xlsx")
    raise _reject(ProblemCode.NOT_A_WORKBOOK, "unknown content", "内容无法识别")


@attrs.frozen
class SheetRef:
    name: str
    part: str
    state: str  # visible / hidden / veryHidden


@attrs.frozen
class Package:
    """What the zip checks learnt: the sheets, macros, and the decompressed parts we keep."""

    sheets: tuple[SheetRef, ...]
    macros: bool
    parts: dict[str, bytes]

    def sheet(self, name: str) -> SheetRef | None:
        for ref in self.sheets:
            if ref.name == name:
                return ref
        return None


_BINARY = (".bin", ".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".tif", ".tiff", ".bmp")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BOMS = (b"\xff\xfe", b"\xfe\xff")


def open_package(data: bytes, limits: Limits) -> Package:
    """Check the zip and every XML part; raise :class:`Rejected` with the file's problem."""
    if len(data) > limits.max_file_bytes:
        raise _reject(
            ProblemCode.TOO_LARGE,
            f"{len(data)} bytes (limit {limits.max_file_bytes})",
            f"文件大小{len(data)}字节，上限{limits.max_file_bytes}",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _reject(ProblemCode.DAMAGED_FILE, f"the zip structure is broken ({exc})", "压缩结构损坏") from None
    if len(infos) > limits.max_members:
        raise _reject(ProblemCode.TOO_LARGE, f"{len(infos)} parts in the package", f"包含{len(infos)}个部件")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejected(Problem.make(ProblemCode.ENCRYPTED))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2/lzma members inflate without limit in openpyxl (hazards list).
            raise _reject(
                ProblemCode.HOSTILE_CONTENT,
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
                ProblemCode.TOO_LARGE,
                f"part {info.filename} inflates to {info.file_size} bytes (ratio {ratio:.0f}:1; a zip bomb?)",
                f"部件{info.filename}解压后{info.file_size}字节（压缩比{ratio:.0f}:1，疑为压缩炸弹）",
            )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _reject(
            ProblemCode.NOT_A_WORKBOOK, "a zip archive that is not an Excel workbook", "压缩包不是Excel工作簿"
        )
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.filename.lower().endswith(_BINARY) or info.is_dir():
            continue
        try:
            raw = archive.read(info)
        except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError — all "damaged"
            raise _reject(
                ProblemCode.DAMAGED_FILE,
                f"part {info.filename} cannot be read ({type(exc).__name__})",
                f"部件{info.filename}无法读取",
            ) from None
        text = raw.decode("utf-16").encode("utf-8", "replace") if raw[:2] in _BOMS else raw
        if _DTD.search(text):
            # No DTDs anywhere: entity expansion (billion laughs) and XXE both need one.
            raise _reject(
                ProblemCode.HOSTILE_CONTENT,
                f"part {info.filename} declares a DOCTYPE or ENTITY",
                f"部件{info.filename}含有DOCTYPE或ENTITY声明",
            )
        parts[info.filename] = text
    macros = any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in parts.get(
        "[Content_Types].xml", b""
    )
    return Package(sheets=_sheets(parts), macros=macros, parts=parts)


def _parse(data: bytes, start: Callable[[str, dict[str, str]], None]) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.buffer_text = True
    parser.Parse(data, True)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _sheets(parts: dict[str, bytes]) -> tuple[SheetRef, ...]:
    rels: dict[str, str] = {}
    listed: list[tuple[str, str, str]] = []

    def on_rel(name: str, attrs_: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            rels[attrs_.get("Id", "")] = attrs_.get("Target", "")

    def on_book(name: str, attrs_: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs_.items() if _local(k) == "id"), "")
            listed.append((attrs_.get("name", ""), rid, attrs_.get("state", "visible")))

    try:
        _parse(parts.get("xl/_rels/workbook.xml.rels", b""), on_rel)
        _parse(parts["xl/workbook.xml"], on_book)
    except expat.ExpatError as exc:
        raise _reject(ProblemCode.DAMAGED_FILE, f"the workbook part is malformed ({exc})", "工作簿结构损坏") from None
    sheets = []
    for name, rid, state in listed:
        target = rels.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        sheets.append(SheetRef(name, _normpath(part), state))
    return tuple(sheets)


def _normpath(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


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


def _area(ref: str) -> int:
    first, _, last = ref.partition(":")
    a, b = parse_ref(first), parse_ref(last or first)
    if a is None or b is None:
        return 0
    return (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)


@attrs.frozen
class SheetScan:
    """The real geometry of a sheet, from its XML rather than its ``<dimension>`` claim."""

    filled: frozenset[tuple[int, int]]
    uncalculated: frozenset[tuple[int, int]]
    errors: frozenset[tuple[int, int]]
    hidden_rows: frozenset[int]
    hidden_cols: tuple[tuple[int, int], ...]
    max_row: int
    max_col: int

    def col_hidden(self, col: int) -> bool:
        return any(lo <= col <= hi for lo, hi in self.hidden_cols)

    def filled_outside(self, last_row: int, last_col: int) -> Iterator[tuple[int, int]]:
        for row, col in sorted(self.filled):
            if row > last_row or col > last_col:
                yield row, col


class _Scanner:
    """expat handlers for :func:`scan_sheet` (plain attributes: expat calls these per element)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.filled: set[tuple[int, int]] = set()
        self.uncalculated: set[tuple[int, int]] = set()
        self.errors: set[tuple[int, int]] = set()
        self.hidden_rows: set[int] = set()
        self.hidden_cols: list[tuple[int, int]] = []
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.has_formula = False
        self.has_value = False
        self.in_value = False
        self.cells = 0
        self.max_row = 0
        self.max_col = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # Names arrive as "c" (default namespace) or "x:c" (prefixed); no namespace processing, for speed.
        tag = name.rpartition(":")[2] if ":" in name else name
        if tag == "c":
            ref = parse_ref(attributes["r"]) if "r" in attributes else None
            if ref is None:
                ref = (self.row, self.col + 1)
            self.col = ref[1]
            self.cell = ref
            self.has_formula = False
            cell_type = attributes.get("t")
            self.has_value = cell_type == "inlineStr"
            if cell_type == "e":
                # Error cells (#REF!, #DIV/0!): read by type, never confused with the text "#REF!".
                self.errors.add(ref)
        elif tag == "row":
            r = attributes.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            if attributes.get("hidden") in ("1", "true"):
                self.hidden_rows.add(self.row)
        elif tag == "f" and self.cell is not None:
            self.has_formula = True
        elif tag == "v" and self.cell is not None:
            self.in_value = True
        elif tag in ("mergeCell", "hyperlink"):
            ref_text = attributes.get("ref", "")
            if _area(ref_text) > self.limits.max_merge_area:
                raise _reject(ProblemCode.TOO_LARGE, f"a {tag} covers {ref_text}", f"合并或超链接区域过大：{ref_text}")
        elif tag == "col" and attributes.get("hidden") in ("1", "true"):
            lo, hi = attributes.get("min", ""), attributes.get("max", "")
            if lo.isdigit() and hi.isdigit():
                self.hidden_cols.append((int(lo), int(hi)))

    def chars(self, data: str) -> None:
        if self.in_value and data.strip():
            self.has_value = True

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2] if ":" in name else name
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.cell is not None:
            cell, self.cell = self.cell, None
            if not (self.has_formula or self.has_value):
                return
            self.cells += 1
            if self.cells > self.limits.max_cells:
                raise _reject(
                    ProblemCode.TOO_LARGE,
                    f"more than {self.limits.max_cells} cells",
                    f"单元格超过{self.limits.max_cells}个",
                )
            self.filled.add(cell)
            self.max_row = max(self.max_row, cell[0])
            self.max_col = max(self.max_col, cell[1])
            if self.has_formula and not self.has_value:
                # A formula with no cached value: data_only reading would say "blank" (hazards list).
                self.uncalculated.add(cell)


def scan_sheet(xml: bytes, limits: Limits) -> SheetScan:
    """Scan a worksheet part with expat; raise :class:`Rejected` on absurd geometry or bad XML.

    Never trusts ``<dimension>``: the geometry is what the cells say.
    """
    scanner = _Scanner(limits)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.chars
    parser.buffer_text = True
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise _reject(ProblemCode.DAMAGED_FILE, f"the sheet's XML is malformed ({exc})", "工作表XML格式错误") from None
    return SheetScan(
        filled=frozenset(scanner.filled),
        uncalculated=frozenset(scanner.uncalculated),
        errors=frozenset(scanner.errors),
        hidden_rows=frozenset(scanner.hidden_rows),
        hidden_cols=tuple(scanner.hidden_cols),
        max_row=scanner.max_row,
        max_col=scanner.max_col,
    )

"""Safe reading of the contracts workbook: sniff, guard, stream cells, find headers.

Every file is treated as hostile until proven a workbook: its kind is sniffed from its
bytes (not its name), zip containers are checked for bombs before anything is inflated,
XML goes through defusedxml, and cells are streamed as they occur in the file, so a
sheet that *claims* a million rows or has one stray cell at XFD1048576 costs nothing.
Reading stops at fixed caps and after a time budget, always with a one-line reason.

The result is a :class:`RawWorkbook`: the cells as read, under their headers, with Excel
row numbers. It holds no interpretation; planner.validate turns it into a Dataset, and
the app edits its cells and validates again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import re
import sys
import time as _time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from planner.domain import SourceInfo, normalize_key
from planner.parse import FORMULA_NO_VALUE
from planner.problems import Problem, Severity, WorkbookUnreadable
from planner.schema import SETTINGS_KEYS, SETTINGS_SHEET, SHEETS, SheetSchema

# Caps: beyond them a file is refused (or the extra cells ignored, with a warning).
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # all members together
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR bytes
RATIO_FLOOR = 2 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_SHEETS = 1000
MAX_ROWS = 100_000  # rows read per sheet
MAX_COLS = 200  # columns read per sheet
HEADER_SEARCH_ROWS = 20
READ_BUDGET_SECONDS = 4.5
MAX_CSV_BYTES = 50 * 1024 * 1024

SCHEMA_SHEET_KEYS = {s.key: s for s in SHEETS}

Cell = Any  # str | int | float | bool | date | datetime | FORMULA_NO_VALUE | None


@dataclass
class RawRow:
    excel_row: int
    cells: list[Cell]


@dataclass
class RawSheet:
    name: str
    header_row: int
    headers: list[str]
    rows: list[RawRow] = field(default_factory=list)


@dataclass
class RawWorkbook:
    source: SourceInfo
    sheets: dict[str, RawSheet]
    date1904: bool = False
    sheet_problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Lossless JSON form for project files (dates and formula markers tagged)."""
        return {
            "source": {"path": self.source.path, "modified": self.source.modified,
                       "sha256": self.source.sha256},
            "date1904": self.date1904,
            "sheets": {
                key: {"name": s.name, "header_row": s.header_row, "headers": list(s.headers),
                      "rows": [[r.excel_row, [_cell_to_json(c) for c in r.cells]]
                               for r in s.rows]}
                for key, s in self.sheets.items()
            },
            "sheet_problems": [_problem_to_json(p) for p in self.sheet_problems],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawWorkbook:
        src = data["source"]
        sheets = {
            key: RawSheet(
                name=str(s["name"]), header_row=int(s["header_row"]),
                headers=[str(h) for h in s["headers"]],
                rows=[RawRow(int(r[0]), [_cell_from_json(c) for c in r[1]]) for r in s["rows"]],
            )
            for key, s in data["sheets"].items()
        }
        return cls(
            source=SourceInfo(str(src["path"]), src.get("modified"), str(src.get("sha256", ""))),
            sheets=sheets,
            date1904=bool(data.get("date1904", False)),
            sheet_problems=[_problem_from_json(p) for p in data.get("sheet_problems", [])],
        )


def _cell_to_json(value: Cell) -> Any:
    if value is FORMULA_NO_VALUE:
        return {"formula": None}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _cell_from_json(value: Any) -> Cell:
    if isinstance(value, dict):
        if "formula" in value:
            return FORMULA_NO_VALUE
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        raise ValueError(f"unknown tagged cell {value!r}")
    return value


def _problem_to_json(p: Problem) -> dict[str, Any]:
    return {"severity": p.severity.value, "sheet": p.sheet, "message": p.message, "row": p.row,
            "column": p.column, "found": p.found, "expected": p.expected}


def _problem_from_json(d: dict[str, Any]) -> Problem:
    return Problem(Severity(d["severity"]), d["sheet"], d["message"], d.get("row"),
                   d.get("column"), d.get("found", ""), d.get("expected", ""))


# --- sniffing ------------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _unreadable(path: Path, reason: str) -> WorkbookUnreadable:
    return WorkbookUnreadable(str(path), reason)


def _describe_non_workbook(head: bytes) -> str:
    """Name what a non-workbook file looks like, so the user knows what went wrong."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return "not a workbook: it is a web page (HTML), perhaps a download error page"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "not a workbook: it is an XML or HTML text file"
    if text.startswith(b"%pdf"):
        return "not a workbook: it is a PDF document"
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        sample = ""
    if sample and ("," in sample or ";" in sample or "\t" in sample) and "\n" in sample:
        return ("not a workbook: it is a CSV/text file (save it as .xlsx, or put one CSV "
                "per sheet in a folder)")
    return "not a workbook (.xlsx, .xlsm or .ods) or a folder of .csv files"


def _check_ole2(data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p" in data:
        return "the workbook is password-protected: remove the password and save it again"
    return "an old Excel 97-2003 (.xls) file: save it as .xlsx and try again"


def _check_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the directory sizes before anything is inflated."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _unreadable(path, f"the file holds {len(infos)} parts (at most "
                          f"{MAX_ZIP_MEMBERS} are read): not a normal workbook")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _unreadable(path, "the workbook is encrypted: remove the password and save "
                              "it again")
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > RATIO_FLOOR
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _unreadable(path, f"part {info.filename!r} would inflate to "
                              f"{info.file_size:,} bytes: refused as a possible zip bomb")
        total += info.file_size
    if total > MAX_UNZIPPED_BYTES:
        raise _unreadable(path, f"the file would inflate to {total:,} bytes: refused as a "
                          "possible zip bomb")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and _has_dtd(zf, info):
            raise _unreadable(path, f"unsafe XML refused in {info.filename!r} (a DTD with "
                              "entity declarations or external references)")


_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Office XML never carries a DTD: any DOCTYPE in a part's prolog is refused outright,
    whichever parser (defusedxml, calamine) would read it later.

    The whole part is inflated here (at most its declared size, CRC-checked), so a part
    whose directory entry understates its size fails now, before calamine, which trusts
    the stream, could inflate it without bound.
    """
    with zf.open(info) as fh:
        head = fh.read(65536)
        while fh.read(1 << 20):
            pass
    root = _ROOT_START.search(head)
    prolog = head if root is None else head[: root.start()]
    return b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper()


class _Budget:
    """CPU-time budget for one read, so no file can keep the app busy for long.

    The reading thread's CPU time, not wall-clock time: a legitimate file must not fail
    because the machine, or another thread of the app (a solve), is busy."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.deadline = _time.thread_time() + READ_BUDGET_SECONDS

    def check(self) -> None:
        if _time.thread_time() > self.deadline:
            raise _unreadable(self.path, f"reading took more than {READ_BUDGET_SECONDS:g} s "
                              "of CPU: the file is too large or malformed (remove stray cells "
                              "far outside the tables, or split the data)")


def read_workbook(path: str | Path) -> RawWorkbook:
    """Read a workbook or CSV folder; raises WorkbookUnreadable with a one-line reason."""
    p = Path(path)
    try:
        if p.is_dir():
            return _read_csv_folder(p)
        return _read_file(p)
    except WorkbookUnreadable:
        raise
    except MemoryError:
        raise _unreadable(p, "the file is too large to read") from None
    except Exception as exc:  # any library failure is a damaged file, never a traceback
        if _caused_by_unsafe_xml(exc):
            raise _unreadable(p, "unsafe XML refused (entity declarations or external "
                              "references): not a normal workbook") from None
        raise _unreadable(p, f"the workbook is damaged or not supported ({_short(exc)})") from None


def _caused_by_unsafe_xml(exc: BaseException | None) -> bool:
    """defusedxml's refusal, even when a library re-raised it as something else."""
    for _ in range(10):
        if exc is None:
            return False
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _read_file(p: Path) -> RawWorkbook:
    if not p.exists():
        raise _unreadable(p, "no such file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _unreadable(p, f"the file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are "
                              "read")
        with open(p, "rb") as fh:  # bounded even if the file grows meanwhile
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise _unreadable(p, f"the file is larger than {MAX_FILE_BYTES:,} bytes")
        modified = p.stat().st_mtime
    except OSError as exc:
        raise _unreadable(p, f"cannot read the file ({exc.strerror or exc})") from None
    if not data:
        raise _unreadable(p, "the file is empty")
    source = SourceInfo(str(p), modified, hashlib.sha256(data).hexdigest())
    if data.startswith(OLE2_MAGIC):
        raise _unreadable(p, _check_ole2(data))
    if not data.startswith(b"PK"):
        raise _unreadable(p, _describe_non_workbook(data[:4096]))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable(p, "the file is truncated or damaged (not a complete zip "
                          "container)") from None
    with zf:
        _check_zip(p, zf)
        names = set(zf.namelist())
        budget = _Budget(p)
        if "xl/workbook.bin" in names:
            raise _unreadable(p, "a binary workbook (.xlsb) is not supported: save it as "
                              ".xlsx and try again")
        if "mimetype" in names and zf.read("mimetype").strip() == ODS_MIMETYPE:
            return _read_ods(p, zf, source, budget)
        if "[Content_Types].xml" not in names:
            raise _unreadable(p, "not a workbook: a zip archive without spreadsheet content")
        if not any(n.startswith("xl/") for n in names):
            kind = ("a Word document" if any(n.startswith("word/") for n in names) else
                    "a PowerPoint file" if any(n.startswith("ppt/") for n in names) else
                    "an Office file without a workbook")
            raise _unreadable(p, f"not a workbook: it is {kind}")
        sheet_count = sum(1 for n in names if n.startswith("xl/worksheets/sheet"))
        if sheet_count > MAX_SHEETS:
            raise _unreadable(p, f"the workbook has {sheet_count} sheets; at most "
                              f"{MAX_SHEETS} are read")
    return _read_xlsx(p, data, source, budget)


# --- assembling sheets from streamed rows -------------------------------------------

@dataclass
class _SheetCells:
    """Cells of one sheet as streamed: Excel row -> {column (1-based): value}."""

    name: str
    hidden: bool
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # coordinates beyond the caps
    too_many_rows: bool = False


def _col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _collect(name: str, hidden: bool, rows: Iterable[tuple[int, Iterable[tuple[int, Cell]]]],
             budget: _Budget) -> _SheetCells:
    """Keep the non-empty cells within the caps; note what lies beyond them."""
    sheet = _SheetCells(name, hidden)
    beyond = 0
    for count, (row_idx, cells) in enumerate(rows):
        if count % 512 == 0:
            budget.check()
        kept: dict[int, Cell] = {}
        for col, cell in cells:
            value = _normalize(cell)
            if value is None:
                continue
            if row_idx > MAX_ROWS or col > MAX_COLS:
                if len(sheet.ignored) < 5:
                    sheet.ignored.append(f"{_col_letter(col)}{row_idx}")
                if row_idx > MAX_ROWS:
                    beyond += 1
                continue
            kept[col] = value
        if kept:
            sheet.rows.setdefault(row_idx, {}).update(kept)
        if beyond > 100:
            sheet.too_many_rows = True
            break
    return sheet


_UNIT_SUFFIX = re.compile(r"\s*[\[(][^\[\]()]*[\])]\s*$")


def header_key(header: object) -> str:
    """Header matching key: normalize_key, ignoring a trailing unit such as
    ``Unit Price ($)`` or ``weekly_volume [tasks/wk]`` (the app's own column titles)."""
    text = str(header)
    return normalize_key(_UNIT_SUFFIX.sub("", text) or text)


def _find_header(schema: SheetSchema, rows: dict[int, dict[int, Cell]]) -> int:
    """The first of the first 20 rows holding every required column.

    Failing that, the row naming the most known columns, so that validation can say
    exactly which columns are missing; 0 when no row names any.
    """
    required = {c.key for c in schema.required_columns}
    known = {c.key for c in schema.columns}
    best, best_count = 0, 0
    for row_idx in sorted(r for r in rows if r <= HEADER_SEARCH_ROWS):
        keys = {header_key(v) for v in rows[row_idx].values() if isinstance(v, str)}
        if required <= keys:
            return row_idx
        if len(keys & known) > best_count:
            best, best_count = row_idx, len(keys & known)
    return best


def _build_sheet(schema: SheetSchema, cells: _SheetCells,
                 problems: list[Problem]) -> RawSheet:
    header_row = _find_header(schema, cells.rows)
    if cells.too_many_rows:
        problems.append(Problem(Severity.ERROR, schema.name,
                                f"sheet {cells.name!r} has more than {MAX_ROWS:,} rows; "
                                "split the data or remove stray cells",
                                found=", ".join(cells.ignored)))
    elif cells.ignored:
        problems.append(Problem(Severity.WARNING, schema.name,
                                f"cells beyond row {MAX_ROWS:,} or column {MAX_COLS} are "
                                "ignored", found=", ".join(cells.ignored)))
    if not header_row and _is_bare_settings(schema, cells.rows):
        # A Settings sheet typed without its key/value header: columns A and B.
        width, headers = 2, [c.name for c in schema.columns]
    elif not header_row:
        return RawSheet(cells.name, 0, [], [])
    else:
        header_cells = cells.rows[header_row]
        width = max(header_cells)
        headers = [_header_text(header_cells.get(c)) for c in range(1, width + 1)]
    orphans = 0
    rows: list[RawRow] = []
    named = {c for c in range(1, width + 1) if headers[c - 1]}
    span = range(1, width + 1)
    for row_idx in sorted(r for r in cells.rows if r > header_row):
        values = cells.rows[row_idx]  # non-empty values only (see _collect)
        orphans += len(values.keys() - named)
        if values.keys() & named:
            rows.append(RawRow(row_idx, [values.get(c) for c in span]))
    if orphans:
        problems.append(Problem(Severity.WARNING, schema.name,
                                f"{orphans} cell(s) in columns without a header are ignored"))
    return RawSheet(cells.name, header_row, headers, rows)


def _is_bare_settings(schema: SheetSchema, rows: dict[int, dict[int, Cell]]) -> bool:
    if schema is not SETTINGS_SHEET or not rows:
        return False
    keys = {c.key for c in SETTINGS_KEYS}
    return normalize_key(rows[min(rows)].get(1, "")) in keys


def _header_text(value: Cell) -> str:
    if value is None or value is FORMULA_NO_VALUE:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _assemble(source: SourceInfo, date1904: bool,
              sheets: list[tuple[str, bool]], load: Callable[[str, bool], _SheetCells],
              ) -> RawWorkbook:
    """Pick the sheet for each schema sheet (visible wins) and read only those."""
    problems: list[Problem] = []
    chosen: dict[str, RawSheet] = {}
    by_key: dict[str, list[tuple[str, bool]]] = {}
    for name, hidden in sheets:
        by_key.setdefault(normalize_key(name), []).append((name, hidden))
    for schema in SHEETS:
        candidates = by_key.get(schema.key, [])
        visible = [n for n, hidden in candidates if not hidden]
        hidden_names = [n for n, hidden in candidates if hidden]
        if len(visible) > 1:
            problems.append(Problem(Severity.ERROR, schema.name,
                                    f"several sheets are named like {schema.name}: keep one",
                                    found=", ".join(repr(n) for n in visible)))
            continue
        if not visible:
            if hidden_names:
                problems.append(Problem(
                    Severity.ERROR, schema.name,
                    f"the only {schema.name} sheet is hidden: unhide it to use it",
                    found=hidden_names[0]))
            continue
        for h in hidden_names:
            problems.append(Problem(Severity.WARNING, schema.name,
                                    f"hidden sheet {h!r} ignored; the visible sheet "
                                    f"{visible[0]!r} is used"))
        chosen[schema.name] = _build_sheet(schema, load(visible[0], False), problems)
    return RawWorkbook(source, chosen, date1904, problems)


# --- xlsx / xlsm: calamine where provably safe and identical, else openpyxl streaming --

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
FAST_MAX_SHEET_BYTES = 32 * 1024 * 1024  # larger sheet XML goes the streaming way
FAST_MAX_CELLS = 2_000_000  # calamine allocates the bounding box of the cells densely


@dataclass
class _XlsxMeta:
    sheets: list[tuple[str, bool, str]]  # name, hidden, zip member of its XML
    date1904: bool


def _xlsx_meta(zf: zipfile.ZipFile) -> _XlsxMeta:
    """Sheet names, visibility and parts, and the date system, from workbook.xml."""
    from defusedxml.ElementTree import fromstring

    names = set(zf.namelist())
    book = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in fromstring(zf.read("_rels/.rels")).iter(_PKG_REL):
            if rel.get("Type", "").endswith("/officeDocument"):
                book = rel.get("Target", book).lstrip("/")
    if book not in names:
        raise ValueError("no workbook part")
    folder, _, leaf = book.rpartition("/")
    rels_path = f"{folder}/_rels/{leaf}.rels"
    targets: dict[str, str] = {}
    if rels_path in names:
        for rel in fromstring(zf.read(rels_path)).iter(_PKG_REL):
            target = rel.get("Target", "")
            targets[rel.get("Id", "")] = (target.lstrip("/") if target.startswith("/")
                                          else posixpath.normpath(f"{folder}/{target}"))
    root = fromstring(zf.read(book))
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    pr = root.find(f"{ns}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    sheets = []
    for el in root.iter(f"{ns}sheet"):
        name = el.get("name", "")
        state = el.get("state", "visible")
        sheets.append((name, state != "visible", targets.get(el.get(f"{_REL_NS}id", ""), "")))
        if len(sheets) > MAX_SHEETS:
            raise WorkbookUnreadable("", f"the workbook has more than {MAX_SHEETS} sheets")
    return _XlsxMeta(sheets, date1904)


_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'<c\b[^>]*?\st="([^"]*)"')
_FAST_TYPES = {b"s", b"n", b"b", b"str", b"inlineStr", b"e"}
_ROW_THEN_CELL = re.compile(rb"<row\b[^>]*(?<!/)><c\b")
_EMPTY_CELL_THEN_CELL = re.compile(rb"<c\b[^>]*/><c\b")


def _cells_in_place(xml: bytes) -> int:
    """Cells that open right after their row's start or the previous cell's end.

    When every cell does, none is nested in another or stray outside a row (both of
    which calamine and openpyxl would read differently); checked by counting, fast.
    """
    return (xml.count(b"</c><c ") + len(_ROW_THEN_CELL.findall(xml))
            + len(_EMPTY_CELL_THEN_CELL.findall(xml)))


_INLINE_CELL = re.compile(rb'<c\b[^>]*\st="inlineStr"[^>]*(?<!/)>\s*<is>')  # <is> alone
_CELL_BLOCK = re.compile(rb"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.S)
_CELL_ATTR_R = re.compile(rb'\sr="([A-Z]{1,3}[0-9]{1,7})"')
_HAS_FORMULA = re.compile(rb"<f[\s/>]")
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _fast_plan(xml: bytes) -> dict[tuple[int, int], Cell] | None:
    """Whether calamine may read this sheet XML, and what it would read differently.

    None sends the sheet down the streaming path: cells beyond the caps (calamine would
    allocate their whole bounding box), cells without an address, prefixed or malformed
    XML, or a DTD.
    Otherwise the answer maps (row, column) to what the streaming reader gives where
    calamine reads an empty cell: formulas saved without a value, and error cells
    (``#N/A``).
    """
    if (b"<sheetData" not in xml or b"t='e'" in xml or b"<!DOCTYPE" in xml
            or MAIN_NS not in xml[:2048] or not _well_formed(xml)):
        return None
    refs = _CELL_REF.findall(xml)
    if len(refs) != sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")):
        return None
    if not set(_CELL_TYPE.findall(xml)) <= _FAST_TYPES:  # e.g. ISO-date cells (t="d")
        return None
    inline = xml.count(b"<is>")
    if (len(refs) != _cells_in_place(xml)
            or inline != len(_INLINE_CELL.findall(xml))
            or inline != xml.count(b"</is></c>")
            or xml.count(b"</v>") != xml.count(b"</v></c>")):
        return None  # schema-invalid cells: the two readers would read them apart
    columns = {c: _col_number(c) for c in {c for c, _ in refs}}
    last_row = last_col = 0
    for letters, digits in refs:
        row, col = int(digits), columns[letters]
        if row < last_row or (row == last_row and col <= last_col):
            return None  # cells out of order or repeated: the readers would resolve it apart
        last_row, last_col = row, col
    max_row, max_col = last_row, max(columns.values(), default=0)
    if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > FAST_MAX_CELLS:
        return None
    overlay: dict[tuple[int, int], Cell] = {}
    if _HAS_FORMULA.search(xml) or b't="e"' in xml:
        for m in _CELL_BLOCK.finditer(xml):
            attrs, body = m.groups()
            is_error, has_formula = b't="e"' in attrs, _HAS_FORMULA.search(body) is not None
            if not (is_error or has_formula):
                continue
            ref = _CELL_ATTR_R.search(attrs)
            if ref is None:
                return None
            value = _VALUE.search(body)
            text = value.group(1) if value else b""
            if is_error and text:
                overlay[_coordinate(ref.group(1).decode())] = text.decode()
            elif has_formula and not text:
                overlay[_coordinate(ref.group(1).decode())] = FORMULA_NO_VALUE
    return overlay


MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _well_formed(xml: bytes) -> bool:
    """calamine reads malformed XML that openpyxl refuses; check it first, in C.

    Safe with the stdlib parser: a document without a DTD can declare no entity.
    """
    from xml.parsers import expat

    try:
        expat.ParserCreate().Parse(xml, True)
    except expat.ExpatError:
        return False
    return True


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _coordinate(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), _col_number(letters)


def _read_xlsx(p: Path, data: bytes, source: SourceInfo, budget: _Budget) -> RawWorkbook:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            meta = _xlsx_meta(zf)
        except WorkbookUnreadable as exc:
            raise _unreadable(p, exc.reason) from None
        plans = {name: _fast_plan(zf.read(part))
                 if part in zf.namelist() and zf.getinfo(part).file_size <= FAST_MAX_SHEET_BYTES
                 else None for name, _, part in meta.sheets if normalize_key(name)
                 in SCHEMA_SHEET_KEYS}
    slow = _OpenpyxlReader(data, {name: part for name, _, part in meta.sheets}, budget)
    fast = _CalamineReader(data, budget)

    def load(name: str, hidden: bool) -> _SheetCells:
        plan = plans.get(name)
        if plan is not None:
            cells = fast.read(name, hidden, plan)
            if cells is not None:
                return cells
        return slow.read(name, hidden)

    try:
        listed = [(name, hidden) for name, hidden, _ in meta.sheets]
        return _assemble(source, meta.date1904, listed, load)
    finally:
        slow.close()


class _CalamineReader:
    """Fast path (Rust); only used on sheets that _fast_plan cleared."""

    def __init__(self, data: bytes, budget: _Budget) -> None:
        self.data, self.budget = data, budget
        self.book: Any = None

    def read(self, name: str, hidden: bool,
             overlay: dict[tuple[int, int], Cell]) -> _SheetCells | None:
        try:
            import python_calamine

            if self.book is None:
                self.book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            sheet = self.book.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=True)
            top, left = sheet.start or (0, 0)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # also pyo3's PanicException: let the streaming reader decide
            return None

        def rows() -> Iterator[tuple[int, Iterable[tuple[int, Cell]]]]:
            for r, row in enumerate(values, top + 1):
                if overlay:
                    yield r, [(c, overlay.get((r, c), v)) for c, v in enumerate(row, left + 1)]
                else:
                    yield r, enumerate(row, left + 1)

        return _collect(name, hidden, rows(), self.budget)


class _OpenpyxlReader:
    """Streaming path: openpyxl's cell parser over the actual <c> elements, no padding."""

    def __init__(self, data: bytes, parts: dict[str, str], budget: _Budget) -> None:
        self.data, self.parts, self.budget = data, parts, budget
        self.reader: Any = None

    def close(self) -> None:
        if self.reader is not None:
            self.reader.archive.close()

    def _open(self) -> Any:
        """Only what cells need (strings, date system, date styles): document properties,
        themes and the like are never parsed, so damage there cannot stop the read."""
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(io.BytesIO(self.data), read_only=True, keep_vba=False,
                             data_only=True, keep_links=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            try:
                apply_stylesheet(reader.archive, reader.wb)
            except Exception:  # damaged styles: dates then read as serial numbers
                if _caused_by_unsafe_xml(sys.exc_info()[1]):
                    raise
        return reader

    def read(self, name: str, hidden: bool) -> _SheetCells:
        from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
        from openpyxl.xml.functions import iterparse  # defusedxml's, as it is installed

        class CellParser(WorkSheetParser):  # type: ignore[misc]
            """Cached values, plus a marker for formulas saved without one; rows only
            (views, print settings and the like are never parsed, so they cannot fail)."""

            def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
                for _, element in iterparse(self.source):
                    if element.tag == ROW_TAG:
                        row = self.parse_row(element)
                        element.clear()
                        yield row

            def parse_cell(self, element: Any) -> dict[str, Any]:
                cell: dict[str, Any] = super().parse_cell(element)
                if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                    cell["value"] = FORMULA_NO_VALUE
                return cell

        if self.reader is None:
            self.reader = self._open()
        reader = self.reader
        wb = reader.wb

        def stream() -> Iterator[tuple[int, Iterable[tuple[int, Cell]]]]:
            with reader.archive.open(self.parts[name]) as src, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parser = CellParser(src, reader.shared_strings, data_only=True, epoch=wb.epoch,
                                    date_formats=wb._date_formats,
                                    timedelta_formats=wb._timedelta_formats)
                for _, cells in parser.parse():
                    # A cell's own address wins over its row's, as in Excel and calamine.
                    by_row: dict[int, list[tuple[int, Cell]]] = {}
                    for c in cells:
                        by_row.setdefault(c["row"], []).append((c["column"], c["value"]))
                    yield from by_row.items()

        return _collect(name, hidden, stream(), self.budget)


def _normalize(value: Any) -> Cell:
    """One representation whichever reader ran (calamine and openpyxl differ in type).

    Whole numbers are ints, midnight datetimes are dates, text is trimmed (empty text is
    no value), and times or durations, valid in no column, become readable text.
    """
    kind = type(value)
    if kind is str:
        return value.strip() or None
    if kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, datetime):
        return value.date() if value.time() == dtime() else value
    if isinstance(value, dtime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value


# --- ods (own streaming parser: repeat counts are never expanded past the caps) ------

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def _ods_cell_value(el: Any) -> Cell:
    vtype = el.get(_q("office", "value-type"))
    if vtype in ("float", "percentage", "currency"):
        number = float(el.get(_q("office", "value"), "nan"))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if vtype == "date":
        text = el.get(_q("office", "date-value"), "")
        if "T" in text:
            parsed = datetime.fromisoformat(text)
            return parsed.date() if parsed.time() == dtime() else parsed
        return date.fromisoformat(text)
    if vtype == "boolean":
        return el.get(_q("office", "boolean-value"), "") == "true"
    paragraphs = ["".join(p.itertext()) for p in el.iter(_q("text", "p"))]
    if vtype is None and el.get(_q("table", "formula")) is not None:
        return FORMULA_NO_VALUE
    text = "\n".join(paragraphs)
    if vtype is None and not text:
        return None
    return el.get(_q("office", "string-value")) or text


def _read_ods(p: Path, zf: zipfile.ZipFile, source: SourceInfo,
              budget: _Budget) -> RawWorkbook:
    from defusedxml.ElementTree import iterparse

    if "content.xml" not in zf.namelist():
        raise _unreadable(p, "the .ods file has no content (damaged)")
    manifest = "META-INF/manifest.xml"
    if manifest in zf.namelist() and b"encryption-data" in zf.read(manifest):
        raise _unreadable(p, "the workbook is password-protected: remove the password and "
                          "save it again")
    hidden_styles: set[str] = set()
    tables: dict[str, _SheetCells] = {}
    order: list[tuple[str, bool]] = []
    t_table, t_row, t_cell = _q("table", "table"), _q("table", "table-row"), \
        _q("table", "table-cell")
    t_covered, t_style = _q("table", "covered-table-cell"), _q("style", "style")
    repeat_rows, repeat_cols = _q("table", "number-rows-repeated"), \
        _q("table", "number-columns-repeated")
    with zf.open("content.xml") as src:
        current: _SheetCells | None = None
        row_idx = col = elements = 0
        row_cells: dict[int, Cell] = {}
        pending: list[tuple[int, Iterable[tuple[int, Cell]]]] = []
        stack: list[Any] = []  # open elements: each finished row or cell leaves its parent
        for event, el in iterparse(src, events=("start", "end")):
            tag = el.tag
            if event == "start":
                stack.append(el)
                if tag == t_table:
                    name = el.get(_q("table", "name"), f"Sheet{len(order) + 1}")
                    hidden = el.get(_q("table", "style-name"), "") in hidden_styles
                    current = _SheetCells(name, hidden)
                    row_idx = 0
                elif tag == t_row:
                    row_cells, col = {}, 0
                continue
            stack.pop()
            elements += 1
            if elements % 4096 == 0:
                budget.check()
            if tag == t_style:
                props = el.find(_q("style", "table-properties"))
                if props is not None and props.get(_q("table", "display")) == "false":
                    hidden_styles.add(el.get(_q("style", "name"), ""))
            elif tag in (t_cell, t_covered) and current is not None:
                repeat = _repeat(el.get(repeat_cols))
                value = _normalize(_ods_cell_value(el)) if tag == t_cell else None
                if value is None:
                    col += repeat
                else:  # never expanded past the column cap
                    for _ in range(min(repeat, MAX_COLS + 1)):
                        col += 1
                        row_cells[col] = value
                    col += max(0, repeat - (MAX_COLS + 1))
                stack[-1].remove(el)
            elif tag == t_row and current is not None:
                repeat = _repeat(el.get(repeat_rows))
                if row_cells and row_idx + repeat > MAX_ROWS:
                    # Content repeated past the cap: refuse without expanding it.
                    current.too_many_rows = True
                    current.ignored.append(f"{_col_letter(min(row_cells))}{row_idx + repeat}")
                elif row_cells:
                    for _ in range(repeat):
                        row_idx += 1
                        pending.append((row_idx, row_cells.items()))
                row_idx += 0 if row_cells else repeat
                stack[-1].remove(el)
                if len(pending) > 4096:
                    _flush_ods(current, pending, budget)
            elif tag == t_table and current is not None:
                _flush_ods(current, pending, budget)
                if current.name not in tables:
                    tables[current.name] = current
                    order.append((current.name, current.hidden))
                if len(order) > MAX_SHEETS:
                    raise _unreadable(p, f"the workbook has more than {MAX_SHEETS} sheets")
                if stack:
                    stack[-1].remove(el)
                current = None

    def load(name: str, hidden: bool) -> _SheetCells:
        return tables[name]

    return _assemble(source, False, order, load)


def _flush_ods(sheet: _SheetCells, pending: list[tuple[int, Any]], budget: _Budget) -> None:
    collected = _collect(sheet.name, sheet.hidden, pending, budget)
    sheet.rows.update(collected.rows)
    sheet.ignored.extend(collected.ignored[: max(0, 5 - len(sheet.ignored))])
    sheet.too_many_rows = sheet.too_many_rows or collected.too_many_rows
    pending.clear()


def _repeat(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


# --- folder of .csv files ------------------------------------------------------------

def _read_csv_folder(folder: Path) -> RawWorkbook:
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() == ".csv" and f.is_file())
    if not files:
        raise _unreadable(folder, "the folder holds no .csv files (one per sheet: "
                          "Contracts.csv, Workstreams.csv, Vendors.csv, Capacity.csv)")
    digest = hashlib.sha256()
    contents: dict[str, bytes] = {}
    total = 0
    for f in files[:MAX_SHEETS]:
        size = f.stat().st_size
        total += size
        if size > MAX_CSV_BYTES or total > MAX_FILE_BYTES:
            raise _unreadable(folder, f"{f.name} is too large to read ({size:,} bytes)")
        data = f.read_bytes()
        digest.update(f.name.encode() + b"\0" + data + b"\0")
        contents[f.stem] = data
    modified = max(f.stat().st_mtime for f in files)
    source = SourceInfo(str(folder), modified, digest.hexdigest())
    budget = _Budget(folder)

    def load(name: str, hidden: bool) -> _SheetCells:
        return _collect(name, False, _csv_rows(folder, name, contents[name]), budget)

    return _assemble(source, False, [(name, False) for name in contents], load)


def _csv_rows(folder: Path, name: str, data: bytes) -> Iterator[tuple[int, list[tuple[int, Cell]]]]:
    if b"\0" in data[:4096]:
        raise _unreadable(folder, f"{name}.csv is not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for idx, record in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            yield idx, [(c, v) for c, v in enumerate(record[: MAX_COLS + 1], 1) if v.strip()]
    except csv.Error as exc:
        raise _unreadable(folder, f"{name}.csv is not valid CSV ({exc})") from None

"""Excel workbook -> plain rows of cell values: one of the two modules that import openpyxl.

Everything Excel-specific ends here: merged cells are filled with their top-left
value, dates become `date` (or the year typed into a date-formatted cell), whole
floats become ints, formulas count by their cached value, and every way a file can
be unreadable becomes a QaplanError naming the file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError

META_SHEET = "qaplan"
# A year typed into a date-formatted cell reads back as a date in 1905: before this
# year a date cell holds a year (its serial number), not a date.
YEAR_DATE_BEFORE = 1950
MAX_UNPACKED = 512 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")

Value = str | int | float | date | None


@dataclass(slots=True)
class Sheet:
    """One visible worksheet: its rows of values (1-based row numbers) and what was noticed."""

    title: str
    rows: list[list[Value]]
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, list[list[Value]]] = field(default_factory=dict)  # the hidden qaplan sheet

    def value(self, row: int, column: int) -> Value:
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return cells[column - 1] if 0 < column <= len(cells) else None


def cell_name(row: int, column: int) -> str:
    """`G7` for row 7, column 7."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def read_workbook(path: Path, display: str) -> list[Sheet]:
    """Every visible worksheet of an .xlsx file, or a QaplanError saying why it cannot be read."""
    raw = _read_bytes(path, display)
    _check_package(raw, display)
    import io

    from openpyxl import load_workbook

    try:
        # read-only mode streams the sheet XML instead of building a cell object per cell;
        # sheets are parsed lazily, so reading them is inside the try as well.
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            return _sheets(workbook, raw, display)
        finally:
            workbook.close()
    except QaplanError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken packages
        raise QaplanError(
            f"{display}: cannot read the workbook ({type(exc).__name__}: {exc}); "
            "open it in Excel or LibreOffice and save it again as .xlsx"
        ) from None


def _sheets(workbook: Any, raw: bytes, display: str) -> list[Sheet]:
    epoch = workbook.epoch
    formulas = _formula_cells(raw) if _FORMULA.search(_sheet_xml(raw)) else {}
    meta = _meta(workbook)
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.title == META_SHEET or worksheet.sheet_state != "visible":
            continue
        rows = _rows(worksheet, epoch)
        _fill_merged(_merged_ranges(raw, worksheet), rows)
        sheet = Sheet(worksheet.title, rows, meta=meta.get(worksheet.title, {}))
        for (row, column), formula in sorted(formulas.get(worksheet.title, {}).items()):
            if sheet.value(row, column) is None:
                sheet.warnings.append(
                    f"{display}, sheet '{sheet.title}', cell {cell_name(row, column)}: the "
                    f"formula {formula} has no saved value, so the cell is read as empty; open "
                    "and save the file in Excel or LibreOffice to calculate it"
                )
        sheets.append(sheet)
    return sheets


def _rows(worksheet: Any, epoch: datetime) -> list[list[Value]]:
    """Every row from row 1, all as wide as the widest (as in openpyxl's normal mode)."""
    worksheet.reset_dimensions()  # the <dimension> a file states may be wrong; read what is there
    rows = [[_value(v, epoch) for v in row] for row in worksheet.iter_rows(values_only=True)]
    width = max((len(cells) for cells in rows), default=0)
    for cells in rows:
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)[\"']")


def _merged_ranges(raw: bytes, worksheet: Any) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of each merged range, from the sheet's <mergeCell ref=...>:
    read-only mode does not expose them."""
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(_bytes_io(raw)) as package:
        xml = package.read(worksheet._worksheet_path)
    start = max(xml.rfind(b"sheetData>"), 0)  # merged ranges come after the rows
    ranges = []
    for match in _MERGE_CELL.finditer(xml, start):
        left, top, right, bottom = range_boundaries(match.group(1).decode("ascii"))
        ranges.append((top, left, bottom, right))
    return ranges


def _read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise QaplanError(f"{display}: no such file") from None
    except IsADirectoryError:
        raise QaplanError(f"{display}: is a directory, not an .xlsx file") from None
    except OSError as exc:
        raise QaplanError(f"{display}: cannot read ({exc.strerror})") from None


def _check_package(raw: bytes, display: str) -> None:
    """Refuse what is not an .xlsx package, saying what it is and what to do."""
    if raw.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise QaplanError(
                f"{display}: the workbook is password-protected (encrypted); remove the password "
                "(File > Info > Protect Workbook in Excel) and save it again"
            )
        raise QaplanError(
            f"{display}: this is an old Excel 97–2003 (.xls) file; save it as .xlsx and try again"
        )
    if not raw:
        raise QaplanError(f"{display}: the file is empty, not an .xlsx workbook")
    if not raw.startswith(b"PK"):
        kind = "a text file (CSV?)" if _looks_like_text(raw) else "not a zip package"
        raise QaplanError(f"{display}: not an Excel workbook (.xlsx): it is {kind}")
    try:
        with zipfile.ZipFile(_bytes_io(raw)) as package:
            names = set(package.namelist())
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and b"opendocument" in package.read("mimetype"):
                    raise QaplanError(
                        f"{display}: this is an OpenDocument spreadsheet (.ods); save it as .xlsx"
                    )
                raise QaplanError(f"{display}: a zip file, but not an Excel workbook (.xlsx)")
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED:
                raise QaplanError(f"{display}: the workbook unpacks to more than 512 MB; refused")
            bad = package.testzip()
            if bad is not None:
                raise QaplanError(f"{display}: the workbook is damaged (part {bad} is corrupt)")
    except zipfile.BadZipFile as exc:
        raise QaplanError(
            f"{display}: the workbook is damaged or truncated ({exc}); save it again from Excel"
        ) from None
    except (EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise QaplanError(f"{display}: the workbook is damaged or truncated ({exc})") from None


def _bytes_io(raw: bytes) -> Any:
    import io

    return io.BytesIO(raw)


def _looks_like_text(raw: bytes) -> bool:
    try:
        raw[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sheet_xml(raw: bytes) -> bytes:
    with zipfile.ZipFile(_bytes_io(raw)) as package:
        return b"".join(
            package.read(name) for name in package.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _formula_cells(raw: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet -> (row, column) -> formula, for workbooks that hold formulas at all."""
    from openpyxl import load_workbook

    workbook = load_workbook(_bytes_io(raw), read_only=True, data_only=False)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for worksheet in workbook.worksheets:
        cells: dict[tuple[int, int], str] = {}
        for row in worksheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    cells[(cell.row, cell.column)] = str(cell.value)
        found[worksheet.title] = cells
    workbook.close()
    return found


def _value(value: Any, epoch: datetime) -> Value:
    if value is None or isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        if value.year < YEAR_DATE_BEFORE:
            return _serial(value, epoch)
        return value.date()
    if isinstance(value, date):
        if value.year < YEAR_DATE_BEFORE:
            return _serial(datetime(value.year, value.month, value.day), epoch)
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _serial(value: datetime, epoch: datetime) -> int:
    """The number typed into a date-formatted cell (2024 reads back as 1905-07-16)."""
    from openpyxl.utils.datetime import to_excel

    return int(to_excel(value, epoch))


def _fill_merged(merged: list[tuple[int, int, int, int]], rows: list[list[Value]]) -> None:
    for top, left, bottom, right in merged:
        if top > len(rows):
            continue
        value = rows[top - 1][left - 1] if left <= len(rows[top - 1]) else None
        for r in range(top, min(bottom, len(rows)) + 1):
            cells = rows[r - 1]
            for c in range(left, right + 1):
                if c <= len(cells):
                    cells[c - 1] = value


def _meta(workbook: Any) -> dict[str, dict[str, list[list[Value]]]]:
    """The hidden qaplan sheet that export writes: sheet -> field -> values."""
    if META_SHEET not in workbook.sheetnames:
        return {}
    found: dict[str, dict[str, list[list[Value]]]] = {}
    worksheet = workbook[META_SHEET]
    worksheet.reset_dimensions()
    for row in worksheet.iter_rows(values_only=True):
        if len(row) < 3 or not isinstance(row[0], str) or not isinstance(row[1], str):
            continue
        values = [_value(v, workbook.epoch) for v in row[2:]]
        while values and values[-1] is None:
            values.pop()
        found.setdefault(row[0], {}).setdefault(row[1], []).append(values)
    return found

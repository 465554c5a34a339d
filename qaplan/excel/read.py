"""Excel workbook -> plain rows of cell values: one of the two modules that import openpyxl.

Everything Excel-specific ends here: merged cells are filled with their top-left
value, dates become `date` (or the year typed into a date-formatted cell), whole
floats become ints, formulas count by their cached value, and every way a file can
be unreadable becomes a QaplanError naming the file.

Work is bounded by what a file really holds, never by the extent it claims: only filled
cells are kept (a cell at XFD1048576 costs one entry, not a sheet of blanks), merged
ranges are filled only where filled rows and columns meet, and the file, its parts and
its cells have caps far above any plan table (10,000 activities unpack to about 5 MB).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError
from qaplan.excel.package import bytes_io, check_package, read_bytes

META_SHEET = "qaplan"
# A year typed into a date-formatted cell reads back as a date in 1905: before this
# year a date cell holds a year (its serial number), not a date.
YEAR_DATE_BEFORE = 1950
MAX_CELLS = 1_000_000  # filled cells, merged-cell copies included (10,000 rows: about 110,000)
MAX_MERGES = 100_000  # merged ranges in a workbook (10,000 rows: about 1,100)
META_COLUMNS = 5  # the hidden sheet's rows: sheet, field and up to three values
_LAST_ROW, _LAST_COLUMN = 1_048_576, 16_384

Value = str | int | float | date | None
Row = dict[int, Value]  # column -> value, filled cells only


@dataclass(slots=True)
class Sheet:
    """One visible worksheet: its filled cells by row (1-based numbers) and what was noticed."""

    title: str
    cells: dict[int, Row]
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, list[list[Value]]] = field(default_factory=dict)  # the hidden qaplan sheet

    def value(self, row: int, column: int) -> Value:
        return self.cells.get(row, {}).get(column)

    def row(self, number: int) -> Row:
        """The filled cells of one row (empty when it has none)."""
        return self.cells.get(number, {})

    def numbers(self) -> list[int]:
        """The numbers of the rows that hold a filled cell, in order."""
        return sorted(self.cells)


def cell_name(row: int, column: int) -> str:
    """`G7` for row 7, column 7."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def read_workbook(path: Path, display: str) -> list[Sheet]:
    """Every visible worksheet of an .xlsx file, or a QaplanError saying why it cannot be read."""
    raw = read_bytes(path, display)
    check_package(raw, display)

    try:
        workbook = _Workbook(raw)
        try:
            return _sheets(workbook, display)
        finally:
            workbook.close()
    except QaplanError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken packages
        raise QaplanError(
            f"{display}: cannot read the workbook ({type(exc).__name__}: {exc}); "
            "open it in Excel or LibreOffice and save it again as .xlsx"
        ) from None


class _Workbook:
    """What openpyxl reads of a workbook besides its sheets: their names and parts, the shared
    strings, the epoch and the date formats.

    openpyxl's loader also opens each sheet and, when the sheet states no <dimension>,
    parses all of it only to find its size; the sheets are streamed by _parse_sheet instead.
    """

    def __init__(self, raw: bytes) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(bytes_io(raw), read_only=True, data_only=True)
        reader.read_manifest()
        reader.shared_strings = _shared_strings(reader)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self.archive = reader.archive
        self.shared_strings = reader.shared_strings
        self.epoch = reader.wb.epoch
        self.date_formats = reader.wb._date_formats
        self.timedelta_formats = reader.wb._timedelta_formats
        # (title, state, part) of each worksheet, in order; chart sheets hold no cells
        self.sheets = [(sheet.name, sheet.state, rel.target)
                       for sheet, rel in reader.parser.find_sheets()
                       if rel.target in reader.valid_files and "chartsheet" not in rel.Type]

    def close(self) -> None:
        self.archive.close()


def _shared_strings(reader: Any) -> list[str]:
    """The shared strings as text, as openpyxl's `read_string_table` reads them (plain text and
    rich-text runs joined; phonetic runs left out), through ElementTree's C parser: openpyxl
    builds an object per string through defusedxml's pure-Python parser (240,000 strings:
    20 s here)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    item, plain, run = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    strings: list[str] = []
    with reader.archive.open(part.PartName[1:]) as source:
        for _, element in iterparse(source):
            if element.tag == item:
                texts = [(child.text if child.tag == plain else child.findtext(plain)) or ""
                         for child in element if child.tag in (plain, run)]
                strings.append("".join(texts).replace("x005F_", ""))
                element.clear()  # an empty shell stays: at most package.MAX_TAGS of them
    return strings


@dataclass(slots=True)
class _Budget:
    """What the sheets read so far have cost, against the workbook's caps."""

    display: str
    cells: int = 0
    merges: int = 0

    def spend(self, cells: int = 0, merges: int = 0) -> None:
        self.cells += cells
        self.merges += merges
        if self.cells > MAX_CELLS:
            raise QaplanError(
                f"{self.display}: more than {MAX_CELLS:,} filled cells (merged cells counted "
                "once per cell); refused, a plan table holds far fewer"
            )
        if self.merges > MAX_MERGES:
            raise QaplanError(
                f"{self.display}: more than {MAX_MERGES:,} merged ranges; refused, a plan "
                "table holds far fewer"
            )


def _sheets(workbook: _Workbook, display: str) -> list[Sheet]:
    budget = _Budget(display)
    meta = _meta(workbook, budget)
    sheets = []
    for title, state, part in workbook.sheets:
        if title == META_SHEET or (state or "visible") != "visible":
            continue
        cells, merges, formulas = _parse_sheet(workbook, part, budget)
        _fill_merged(merges, cells, budget)
        sheet = Sheet(title, cells, meta=meta.get(title, {}))
        for (row, column), formula in sorted(formulas.items()):
            if sheet.value(row, column) is None:
                sheet.warnings.append(
                    f"{display}, sheet '{sheet.title}', cell {cell_name(row, column)}: the "
                    f"formula {formula} has no saved value, so the cell is read as empty; open "
                    "and save the file in Excel or LibreOffice to calculate it"
                )
        sheets.append(sheet)
    return sheets


def _parse_sheet(
    workbook: _Workbook, part: str, budget: _Budget
) -> tuple[dict[int, Row], list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """A sheet's filled cells, merged ranges and formulas, in one streaming pass over its XML.

    ElementTree's iterparse reads the XML (comments are skipped; package.py refused any
    DTD, so no entity can expand) and openpyxl's own cell parser reads each cell (shared
    strings, dates, inline text). Every element is dropped from the tree once read, so
    memory stays flat however the rows and cells are shaped.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, MERGE_TAG, ROW_TAG

    merge_tag = MERGE_TAG[:-1]  # {ns}mergeCell: one range
    formulas: dict[tuple[int, int], str] = {}
    cells: dict[int, Row] = {}
    merges: list[tuple[int, int, int, int]] = []
    with workbook.archive.open(part) as source:
        parser = _cell_parser(workbook, source)
        path: list[Any] = []  # the open elements, root first
        in_cell = 0  # how many <c> are open: their content is read with them
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                path.append(element)
                if element.tag == CELL_TAG:
                    in_cell += 1
                elif element.tag == ROW_TAG and not in_cell:
                    _start_row(parser, element)
                continue
            path.pop()
            if element.tag == CELL_TAG and not len(element):
                in_cell -= 1  # no value, no formula: only its place counts
                _skip_cell(parser, element)
            elif element.tag == CELL_TAG:
                in_cell -= 1
                cell = parser.parse_cell(element)
                value = _value(cell["value"], workbook.epoch)
                if value is not None:
                    budget.spend(cells=1)
                    cells.setdefault(cell["row"], {})[cell["column"]] = value
                elif element.find(FORMULA_TAG) is not None:
                    # data_only gives the saved value; the formula is for the warning
                    formula = parser.parse_formula(element)
                    formulas[(cell["row"], cell["column"])] = str(getattr(formula, "text",
                                                                          formula))
            elif in_cell:
                continue  # part of a cell: read with it
            elif element.tag == merge_tag:
                budget.spend(merges=1)
                left, top, right, bottom = range_boundaries(str(element.get("ref", "")))
                # a whole-row or whole-column range (A:A, 1:1) leaves its open sides None
                merges.append((top or 1, left or 1, bottom or _LAST_ROW, right or _LAST_COLUMN))
            if path:
                path[-1].remove(element)  # read: earlier siblings are gone, so this is quick
    return cells, merges, formulas


def _cell_parser(workbook: _Workbook, source: Any) -> Any:
    """openpyxl's parser of one sheet, used cell by cell (it knows dates and shared strings)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    return WorkSheetParser(source, workbook.shared_strings, data_only=True,
                           epoch=workbook.epoch, date_formats=workbook.date_formats,
                           timedelta_formats=workbook.timedelta_formats)


def _skip_cell(parser: Any, element: Any) -> None:
    """Count an empty cell's place as `parse_cell` would, without building it."""
    coordinate = element.get("r")
    if coordinate is None:
        parser.col_counter += 1
    else:
        from openpyxl.utils.cell import coordinate_to_tuple

        parser.col_counter = coordinate_to_tuple(coordinate)[1]


def _start_row(parser: Any, element: Any) -> None:
    """Number a row as openpyxl's `parse_row` does: its `r`, else the one after the last."""
    number = element.get("r")
    if number is None:
        parser.row_counter += 1
    else:
        value = float(number)
        if not value.is_integer():
            raise ValueError(f"{number} is not a valid row number")
        parser.row_counter = int(value)
    parser.col_counter = 0


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


def _fill_merged(merged: list[tuple[int, int, int, int]], cells: dict[int, Row],
                 budget: _Budget) -> None:
    """Copy each merged range's top-left value into its other cells, only where a filled row
    and a filled column meet: a range over the whole sheet costs what the table holds."""
    if not merged or not cells:
        return
    numbers = sorted(cells)
    columns = sorted({column for row in cells.values() for column in row})
    for top, left, bottom, right in merged:
        value = cells.get(top, {}).get(left)
        inside = columns[bisect_left(columns, left):bisect_right(columns, right)]
        for number in numbers[bisect_left(numbers, top):bisect_right(numbers, bottom)]:
            row = cells[number]
            budget.spend(cells=len(inside))
            for column in inside:
                if value is None:
                    row.pop(column, None)
                else:
                    row[column] = value


def _meta(workbook: _Workbook, budget: _Budget) -> dict[str, dict[str, list[list[Value]]]]:
    """The hidden qaplan sheet that export writes: sheet -> field -> values."""
    parts = [part for title, _, part in workbook.sheets if title == META_SHEET]
    if not parts:
        return {}
    found: dict[str, dict[str, list[list[Value]]]] = {}
    cells, _, _ = _parse_sheet(workbook, parts[0], budget)
    for number in sorted(cells):
        row = cells[number]
        sheet, name = row.get(1), row.get(2)
        if not isinstance(sheet, str) or not isinstance(name, str):
            continue
        values = [row.get(column) for column in range(3, META_COLUMNS + 1)]
        while values and values[-1] is None:
            values.pop()
        found.setdefault(sheet, {}).setdefault(name, []).append(values)
    return found

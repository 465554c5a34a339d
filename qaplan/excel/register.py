"""The deviation register as one Excel sheet, a row per measure, for the quality contact who
prefers a table. Written only: the register lives in the case files, and no import reads this
sheet back.

A case without measures has one row with empty measure cells. Headers, categories and states
are in the language asked for; ids, dates and owner keys as written. Overdue measures (as of the
export's as-of date, by the reports' rules) are highlighted; text that starts like a formula is
stored as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan import i18n
from qaplan.excel.write import _text_cell
from qaplan.reports.cases import CaseEntry, measure_days_overdue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config
    from qaplan.formats.deviation import Deviation, Measure

# (word in the translation table, column width)
COLUMNS = (("case", 14), ("title", 40), ("unit", 24), ("category", 26), ("case_state", 16),
           ("reported", 12), ("id", 8), ("measure", 40), ("owner", 10), ("due", 12),
           ("measure_state", 14), ("done_on", 12), ("done_note", 40))
FIRST_ROW = 3  # the info line, the header, then the rows
OVERDUE_FILL = "F8D7DA"
HEADER_FILL = "D9E2F3"


@dataclass(frozen=True, slots=True)
class Written:
    """The workbook's bytes and what it holds."""

    data: bytes
    cases: int
    measures: int


def _state(state: str, w: Mapping[str, str]) -> str:
    return w[state.replace("-", "_")].lower()


def _deadline(measure: Measure) -> Any:
    """A date as a date; a year or a term as written (`2025`, `VT2025`)."""
    if measure.deadline is None:
        return None
    return measure.deadline.day if measure.deadline.day is not None else measure.deadline.text


def case_rows(
    case: Deviation, w: Mapping[str, str], language: str | None, unit_name: str | None
) -> list[list[Any]]:
    """The values of a case's rows: one per measure, or one for a case without measures."""
    head = [case.id, case.title, unit_name, i18n.category(language, case.category),
            _state(case.state, w), case.reported]
    if not case.measures:
        return [head + [None] * 7]
    return [
        head + [m.id, m.title, m.owner, _deadline(m), _state(m.state, w),
                m.done.date if m.done is not None else None,
                m.done.note if m.done is not None else None]
        for m in case.measures
    ]


def register_workbook(
    cases: Iterable[CaseEntry], *, as_of: date, language: str | None, units: Config | None
) -> Written:
    """The .xlsx of the register: one sheet, the cases in path order, streamed as they come."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    w = i18n.words(language)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(w["register_sheet"])
    for number, (_word, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # Printed: landscape, every column on the page width, as many pages down as it takes.
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    info = WriteOnlyCell(sheet, w["register_info"].format(as_of=as_of.isoformat()))
    info.font = Font(bold=True, size=12)
    sheet.append([info])
    header = []
    for word, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, w[word])
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    overdue = PatternFill("solid", fgColor=OVERDUE_FILL)
    names = {key: unit.name for key, unit in units.units.items()} if units is not None else {}
    count = measures = 0
    row_number = FIRST_ROW - 1
    for entry in cases:
        case = entry.value
        count += 1
        measures += len(case.measures)
        late = [(measure_days_overdue(case, m, as_of) or 0) > 0 for m in case.measures] or [False]
        for values, highlight in zip(case_rows(case, w, language, names.get(case.unit or "",
                                                                            case.unit)), late):
            row_number += 1
            cells = [_text_cell(sheet, value) for value in values]
            if highlight:
                cells = [_filled(sheet, cell, overdue) for cell in cells]
            sheet.append(cells)
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{FIRST_ROW - 1}:{last}{max(row_number, FIRST_ROW - 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Written(buffer.getvalue(), count, measures)


def _filled(sheet: Any, value: Any, fill: Any) -> Any:
    """A cell of an overdue row: the value with the row's fill."""
    from openpyxl.cell import Cell, WriteOnlyCell

    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)
    cell.fill = fill
    return cell

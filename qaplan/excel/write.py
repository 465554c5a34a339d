"""Plans -> an Excel workbook in the layout used today: one of the two modules that import openpyxl.

One sheet per plan: the plan's title, an info line, then the familiar columns
(criterion, goal, activity, start, end, owner, status) in the plan's language,
followed by State (a drop-down), the previous year's status (grey, read-only, never
imported) and the id columns that let a round trip keep ids.
A hidden sheet `qaplan` keeps what the table cannot show (plan id, period, owner
names) so that `qaplan import` gives the same plan back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.excel import vocabulary as V
from qaplan.excel.read import META_SHEET

COLUMNS = (V.CRITERION, V.GOAL, V.ACTIVITY, V.START, V.END, V.OWNERS, V.STATUS, V.STATE,
           V.PREVIOUS, V.CRITERION_ID, V.GOAL_ID, V.ACTIVITY_ID, V.HELP)
WIDTHS = {V.CRITERION: 32, V.GOAL: 30, V.ACTIVITY: 46, V.START: 11, V.END: 11, V.OWNERS: 16,
          V.STATUS: 52, V.STATE: 12, V.PREVIOUS: 40, V.CRITERION_ID: 11, V.GOAL_ID: 11,
          V.ACTIVITY_ID: 13, V.HELP: 36}
READ_ONLY_FILL, READ_ONLY_TEXT = "EDEDED", "595959"
FIRST_ROW = 4  # title, info line, header, then the rows
EXTRA_VALIDATION_ROWS = 500  # the State drop-down also covers rows people add below
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class SheetPlan:
    """A plan to export, with what the sheet needs to know about it."""

    plan: Any  # PlanFile
    language: str
    owner_names: dict[str, str]  # every owner key the plan uses or declares -> name
    year: int
    as_of: date


def sheet_name(plan_id: str, taken: set[str]) -> str:
    """A sheet name from the plan id: at most 31 characters, unique in the workbook."""
    base = plan_id[:31]
    name, number = base, 2
    while name.casefold() in taken or name == META_SHEET:
        suffix = f"~{number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.casefold())
    return name


def workbook_bytes(plans: Iterable[SheetPlan]) -> bytes:
    """The .xlsx file's bytes, each plan's sheet written as the plan comes (none kept).

    Written in openpyxl's write-only mode: rows stream straight to the sheet XML instead of
    being kept as 100,000 cell objects and then serialised; what comes after the rows
    (merged ranges, auto-filter, data validation, page set-up) is set on the sheet before save.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    meta_rows: list[list[Any]] = []
    for item in plans:
        name = sheet_name(item.plan.plan.id, taken)
        sheet = workbook.create_sheet(name)
        _plan_sheet(sheet, item)
        # Finished now, not at save: an open sheet keeps its writer's buffers and temporary
        # file, about 150 KB for each of thousands of plans.
        sheet.close()
        meta_rows.extend(_meta_rows(name, item))
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["sheet", "field", "value", "value", "value"])
    for row in meta_rows:
        meta.append([_text_cell(meta, value) for value in row])
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _meta_rows(name: str, item: SheetPlan) -> list[list[Any]]:
    """The hidden sheet's rows for one plan's sheet."""
    info = item.plan.plan
    rows: list[list[Any]] = [["id", info.id], ["title", info.title],
                             ["language", item.language], ["year", item.year]]
    if info.unit is not None:
        rows.append(["unit", info.unit])
    if info.period is not None:
        rows.append(["period", info.period.start, info.period.end])
    declared = [key for key in item.plan.owners]
    used = sorted(key for key in item.owner_names if key not in item.plan.owners)
    for key in declared + used:
        kind = "declared" if key in item.plan.owners else "used"
        rows.append(["owner", key, item.owner_names.get(key, key), kind])
    return [[name, *row] for row in rows]


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def excel_text(value: str) -> str:
    """Text a worksheet can hold: the control characters XML 1.0 forbids (ESC, BEL, ...; tab
    and line breaks are allowed) written as escapes (`\\x1b`), so nothing is lost silently."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text: str = ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
    return text


def _text_cell(sheet: Any, value: Any) -> Any:
    """Text that starts like a formula is stored as text, never run (formula injection)."""
    if isinstance(value, str):
        value = excel_text(value)
    if not _is_formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _plan_sheet(sheet: Any, item: SheetPlan) -> None:
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    words = V.headings(item.language)
    labels = V.state_labels(item.language)
    plan = item.plan
    wrap = Alignment(wrap_text=True, vertical="top")
    overdue_fill = PatternFill("solid", fgColor="F8D7DA")
    header_fill = PatternFill("solid", fgColor="D9E2F3")
    index = {kind: number for number, kind in enumerate(COLUMNS, start=1)}
    last_letter = get_column_letter(len(COLUMNS))

    # What the writer puts before the rows must be set before the first row.
    for kind, width in WIDTHS.items():
        sheet.column_dimensions[get_column_letter(index[kind])].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    title = _text_cell(sheet, plan.plan.title)
    if not isinstance(title, Cell):
        title = WriteOnlyCell(sheet, title)
    title.font = Font(bold=True, size=14)
    info = WriteOnlyCell(sheet, words["info"].format(year=item.year, as_of=item.as_of.isoformat(),
                                                     plan_id=plan.plan.id))
    info.font = Font(italic=True, color="595959")
    bottom = Border(bottom=Side(style="thin", color="8EA9DB"))
    header = []
    for kind in COLUMNS:
        cell = WriteOnlyCell(sheet, words[kind].format(year=item.year - 1 if kind == V.PREVIOUS
                                                       else item.year))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=READ_ONLY_FILL) if kind == V.PREVIOUS \
            else header_fill
        cell.alignment = wrap
        cell.border = bottom
        header.append(cell)
    top = [[title], [info], header]
    for number, top_cells in enumerate(top, start=1):
        for column, cell in enumerate(top_cells, start=1):
            cell.row, cell.column = number, column

    # Building and styling 100,000 openpyxl cells is most of the time an export takes: cells
    # that look alike share one registered style, and the rows are handed to openpyxl's sheet
    # writer as light cells that carry just what it reads.
    styles: dict[tuple[bool, bool, bool, bool], str] = {}

    def style(look: tuple[bool, bool, bool, bool]) -> str:
        """(text that looks like a formula, date, overdue, read-only) -> a registered style."""
        found = styles.get(look)
        if found is None:
            model = WriteOnlyCell(sheet)
            model.alignment = wrap
            model.quotePrefix = look[0]
            if look[1]:
                model.number_format = "yyyy-mm-dd"
            if look[3]:
                model.fill = PatternFill("solid", fgColor=READ_ONLY_FILL)
                model.font = Font(italic=True, color=READ_ONLY_TEXT)
            elif look[2]:
                model.fill = overdue_fill
            found = styles[look] = str(model.style_id)
        return found

    letters = [get_column_letter(column) for column in range(1, len(COLUMNS) + 1)]
    first_overdue = index[V.ACTIVITY]
    merges: list[tuple[int, int, int]] = []  # (column, first row, last row)
    rows: list[list[Any]] = top
    row = FIRST_ROW
    for criterion in plan.criteria:
        criterion_first = row
        for goal in criterion.goals or [None]:
            goal_first = row
            for activity in (goal.activities if goal is not None else []) or [None]:
                values: list[Any] = [criterion.title, goal.title if goal else None]
                values += _activity_values(activity, item, labels)
                values.append(_previous(activity, item.year - 1, labels))
                values += [criterion.key, goal.key if goal else None,
                           activity.key if activity else None,
                           activity.help_needed if activity else None]
                overdue = activity is not None and _overdue(activity, item.as_of)
                cells: list[Any] = []
                for column, value in enumerate(values, start=1):
                    text = isinstance(value, str) and value.startswith(_FORMULA_START)
                    look = (text, isinstance(value, date), overdue and column >= first_overdue,
                            column == index[V.PREVIOUS])
                    cells.append(_cell(sheet, f"{letters[column - 1]}{row}", value, style(look)))
                rows.append(cells)
                row += 1
            if goal is not None and row - goal_first > 1:
                merges += [(index[V.GOAL], goal_first, row - 1),
                           (index[V.GOAL_ID], goal_first, row - 1)]
        if row - criterion_first > 1:
            merges += [(index[V.CRITERION], criterion_first, row - 1),
                       (index[V.CRITERION_ID], criterion_first, row - 1)]
    # A merged range shows its top-left cell; the others are left out, as Excel does.
    for column, first, last in merges:
        for number in range(first + 1, last + 1):
            rows[number - 1][column - 1] = None
    _stream_rows(sheet, rows)
    _merge(sheet, merges)

    last_row = max(row - 1, FIRST_ROW - 1)
    sheet.auto_filter.ref = f"A{FIRST_ROW - 1}:{last_letter}{max(last_row, FIRST_ROW)}"
    state_letter = get_column_letter(index[V.STATE])
    choices = DataValidation(
        type="list", formula1='"' + ",".join(labels[s] for s in labels) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle=words[V.STATE],
        error=", ".join(labels.values()),
    )
    sheet.data_validations.append(choices)
    choices.add(f"{state_letter}{FIRST_ROW}:{state_letter}{last_row + EXTRA_VALIDATION_ROWS}")
    # Last year's column is read-only without protecting the sheet (which would lock every
    # cell people fill in): Excel and LibreOffice refuse any text typed into it.
    previous_letter = get_column_letter(index[V.PREVIOUS])
    status_heading = words[V.STATUS].format(year=item.year)
    read_only = DataValidation(
        type="textLength", operator="lessThan", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle=words[V.PREVIOUS].format(year=item.year - 1)[:32],
        error=words["read_only"].format(status=status_heading),
    )
    sheet.data_validations.append(read_only)
    read_only.add(f"{previous_letter}{FIRST_ROW}:{previous_letter}{max(last_row, FIRST_ROW)}")
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{FIRST_ROW - 1}:{FIRST_ROW - 1}"


class _Cell:
    """What openpyxl's row writer reads of a cell (`worksheet/_writer.py`, `cell/_writer.py`)."""

    __slots__ = ("_value", "coordinate", "data_type", "parent", "style_id")
    has_style = True
    hyperlink = None
    _comment = None

    def __init__(self, parent: Any, coordinate: str, value: Any, data_type: str,
                 style_id: str) -> None:
        self.parent = parent
        self.coordinate = coordinate
        self._value = value
        self.data_type = data_type
        self.style_id = style_id


def _cell(sheet: Any, coordinate: str, value: Any, style_id: str) -> Any:
    """A styled cell for the row writer; text that looks like a formula is stored as text."""
    if value is None:
        return _Cell(sheet, coordinate, None, "n", style_id)
    if isinstance(value, str):
        value = excel_text(value)[:32767]  # what openpyxl's Cell does with text
        return _Cell(sheet, coordinate, value, "s", style_id)
    if isinstance(value, int) and not isinstance(value, bool):
        return _Cell(sheet, coordinate, value, "n", style_id)
    if isinstance(value, date):
        return _Cell(sheet, coordinate, value, "d", style_id)
    raise TypeError(f"cannot write {value!r} to Excel")  # not reached: values come from the plan


def _stream_rows(sheet: Any, rows: list[list[Any]]) -> None:
    """Write the sheet's rows, from row 1, through the write-only sheet's own row writer.

    `WriteOnlyWorksheet.append` would turn every value into an openpyxl cell first (and a
    styled cell goes through an exception each); this is its `_write_rows` without that step.
    None in a row leaves the cell out (the covered cells of a merged range).
    """
    width = max((len(cells) for cells in rows), default=1)
    # The <dimension> normal mode writes (readers such as openpyxl's read-only mode use it).
    dimension = f"A1:{_letter(width)}{max(len(rows), 1)}"  # not `rows`: the sheet outlives them
    sheet.calculate_dimension = lambda: dimension
    sheet._get_writer()
    writer = sheet._writer
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        for number, cells in enumerate(rows, start=1):
            writer.write_row(xf, [c for c in cells if c is not None], number)
    writer.xf.send(None)
    sheet._rows = _written()  # what close() expects once rows were streamed


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _written() -> Any:
    yield

def _merge(sheet: Any, merges: list[tuple[int, int, int]]) -> None:
    """Merge the ranges; they never overlap, so skip openpyxl's overlap check (quadratic)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    for column, first, last in merges:
        letter = get_column_letter(column)
        sheet.merged_cells.ranges.add(CellRange(f"{letter}{first}:{letter}{last}"))


def _activity_values(activity: Any, item: SheetPlan, labels: dict[str, str]) -> list[Any]:
    if activity is None:
        return [None] * 6
    follow_up = activity.status.get(item.year)
    return [
        activity.title,
        _due(activity.start),
        _due(activity.end),
        ", ".join(activity.owners) or None,
        follow_up.note if follow_up is not None else None,
        labels[follow_up.state.value] if follow_up is not None and follow_up.state else None,
    ]


def _previous(activity: Any, year: int, labels: dict[str, str]) -> str | None:
    """Last year's follow-up as one text: `klar: Rutin på plats.`, the state or the note."""
    follow_up = activity.status.get(year) if activity is not None else None
    if follow_up is None:
        return None
    state = labels[follow_up.state.value] if follow_up.state else None
    parts = [part for part in (state, follow_up.note) if part]
    return ": ".join(parts) or None


def _due(due: Any) -> Any:
    """A year as a number, a date as a date, a term as the text written."""
    if due is None:
        return None
    if due.text.strip().isdigit():
        return int(due.text)
    if due.day is not None:
        return due.day
    return due.text


def _overdue(activity: Any, as_of: date) -> bool:
    return (
        activity.end is not None
        and activity.end.due_date < as_of
        and not activity.finished(as_of.year)
    )

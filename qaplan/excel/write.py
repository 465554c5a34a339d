"""Plans -> an Excel workbook in the layout used today: one of the two modules that import openpyxl.

One sheet per plan: the plan's title, an info line, then the familiar columns
(criterion, goal, activity, start, end, owner, status) in the plan's language,
followed by State (a drop-down) and the id columns that let a round trip keep ids.
A hidden sheet `qaplan` keeps what the table cannot show (plan id, period, owner
names) so that `qaplan import` gives the same plan back.
"""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.excel import vocabulary as V
from qaplan.excel.read import META_SHEET

COLUMNS = (V.CRITERION, V.GOAL, V.ACTIVITY, V.START, V.END, V.OWNERS, V.STATUS, V.STATE,
           V.CRITERION_ID, V.GOAL_ID, V.ACTIVITY_ID)
WIDTHS = {V.CRITERION: 32, V.GOAL: 30, V.ACTIVITY: 46, V.START: 11, V.END: 11, V.OWNERS: 16,
          V.STATUS: 52, V.STATE: 12, V.CRITERION_ID: 11, V.GOAL_ID: 11, V.ACTIVITY_ID: 13}
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


def workbook_bytes(plans: list[SheetPlan]) -> bytes:
    """The .xlsx file's bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["sheet", "field", "value", "value", "value"])
    taken: set[str] = set()
    for item in plans:
        name = sheet_name(item.plan.plan.id, taken)
        _plan_sheet(workbook.create_sheet(name), item)
        _meta_rows(meta, name, item)
    workbook.move_sheet(meta, offset=len(plans))
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _meta_rows(meta: Any, name: str, item: SheetPlan) -> None:
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
    for row in rows:
        meta.append([name, *row])
        for cell in meta[meta.max_row]:
            _as_text(cell)


def _as_text(cell: Any) -> None:
    """Text that starts like a formula is stored as text, never run (formula injection)."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _plan_sheet(sheet: Any, item: SheetPlan) -> None:
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

    sheet.append([plan.plan.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([words["info"].format(year=item.year, as_of=item.as_of.isoformat(),
                                       plan_id=plan.plan.id)])
    sheet["A2"].font = Font(italic=True, color="595959")
    _as_text(sheet["A1"])
    sheet.append([words[kind].format(year=item.year) for kind in COLUMNS])
    bottom = Border(bottom=Side(style="thin", color="8EA9DB"))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = wrap
        cell.border = bottom

    merges: list[tuple[int, int, int]] = []  # (column, first row, last row)
    # Styling each of 100,000 cells through openpyxl's descriptors is slow; cells that look
    # alike share a copy of one style array.
    styles: dict[tuple[bool, bool, bool], Any] = {}
    row = FIRST_ROW
    for criterion in plan.criteria:
        criterion_first = row
        for goal in criterion.goals or [None]:
            goal_first = row
            for activity in (goal.activities if goal is not None else []) or [None]:
                values: list[Any] = [criterion.title, goal.title if goal else None]
                values += _activity_values(activity, item, labels)
                values += [criterion.key, goal.key if goal else None,
                           activity.key if activity else None]
                overdue = activity is not None and _overdue(activity, item.as_of)
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row, column, value)
                    text = isinstance(value, str) and value.startswith(_FORMULA_START)
                    if text:
                        cell.data_type = "s"
                    look = (text, isinstance(value, date),
                            overdue and column >= index[V.ACTIVITY])
                    if look in styles:
                        cell._style = copy(styles[look])
                        continue
                    cell.alignment = wrap
                    cell.quotePrefix = text
                    if look[1]:
                        cell.number_format = "yyyy-mm-dd"
                    if look[2]:
                        cell.fill = overdue_fill
                    styles[look] = copy(cell._style)
                row += 1
            if goal is not None and row - goal_first > 1:
                merges += [(index[V.GOAL], goal_first, row - 1),
                           (index[V.GOAL_ID], goal_first, row - 1)]
        if row - criterion_first > 1:
            merges += [(index[V.CRITERION], criterion_first, row - 1),
                       (index[V.CRITERION_ID], criterion_first, row - 1)]
    _merge(sheet, merges)

    last_row = max(row - 1, FIRST_ROW - 1)
    for kind, width in WIDTHS.items():
        sheet.column_dimensions[get_column_letter(index[kind])].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.auto_filter.ref = f"A{FIRST_ROW - 1}:{last_letter}{max(last_row, FIRST_ROW)}"
    state_letter = get_column_letter(index[V.STATE])
    choices = DataValidation(
        type="list", formula1='"' + ",".join(labels[s] for s in labels) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle=words[V.STATE],
        error=", ".join(labels.values()),
    )
    sheet.add_data_validation(choices)
    choices.add(f"{state_letter}{FIRST_ROW}:{state_letter}{last_row + EXTRA_VALIDATION_ROWS}")
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{FIRST_ROW - 1}:{FIRST_ROW - 1}"


def _merge(sheet: Any, merges: list[tuple[int, int, int]]) -> None:
    """Merge the ranges; they never overlap, so skip openpyxl's overlap check (quadratic)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    for column, first, last in merges:
        letter = get_column_letter(column)
        merged = MergedCellRange(sheet, f"{letter}{first}:{letter}{last}")
        sheet.merged_cells.ranges.add(merged)
        sheet._clean_merge_range(merged)


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

"""Plans -> an Excel workbook in the layout used today.

One sheet per plan: the plan's title, an info line, then the familiar columns
(criterion, goal, activity, start, end, owner, status) in the plan's language,
followed by State (a drop-down), the previous year's status (grey, read-only, never
imported) and the id columns that let a round trip keep ids.
A hidden sheet `qaplan` keeps what the table cannot show (plan id, period, owner
names) so that `qaplan import` gives the same plan back.

Each sheet is laid out here and written as XML text by `sheetxml.py`, straight into the
package; `book.py` has openpyxl register the styles and write the rest of the package.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from qaplan.excel import sheetxml as X
from qaplan.excel import vocabulary as V
from qaplan.excel.read import META_SHEET

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zipfile import ZipFile

    from qaplan.excel.book import Styles

COLUMNS = (V.CRITERION, V.GOAL, V.ACTIVITY, V.START, V.END, V.OWNERS, V.STATUS, V.STATE,
           V.PREVIOUS, V.CRITERION_ID, V.GOAL_ID, V.ACTIVITY_ID, V.HELP)
WIDTHS = {V.CRITERION: 32, V.GOAL: 30, V.ACTIVITY: 46, V.START: 11, V.END: 11, V.OWNERS: 16,
          V.STATUS: 52, V.STATE: 12, V.PREVIOUS: 40, V.CRITERION_ID: 11, V.GOAL_ID: 11,
          V.ACTIVITY_ID: 13, V.HELP: 36}
FIRST_ROW = 4  # title, info line, header, then the rows
EXTRA_VALIDATION_ROWS = 500  # the State drop-down also covers rows people add below
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:len(COLUMNS)]
_PENDING_STYLE = "\x00"  # in the hidden sheet's cells until their style's id is known


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
    """The .xlsx file's bytes, each plan's sheet put in the package as the plan comes.

    A sheet is written as XML text (`sheetxml.py`) straight into the zip package; what
    stays in memory is its name and its rows of the hidden sheet, which wait in a temporary
    file. openpyxl gives the styles and the rest of the package (`book.py`).
    """
    import tempfile
    import zipfile

    from openpyxl import Workbook

    from qaplan.excel import book

    workbook = Workbook(write_only=True)
    styles = book.Styles(workbook)
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    taken: set[str] = set()
    with tempfile.TemporaryFile() as spill:
        meta = _MetaSheet(spill)
        for item in plans:
            name = sheet_name(item.plan.plan.id, taken)
            number = len(workbook._sheets) + 1
            xml, last_row = _plan_sheet(item, styles)
            archive.writestr(X.SHEET_PATH.format(number), xml)
            workbook._sheets.append(book.PackagedSheet(
                workbook, name, number, filter_ref=f"$A${FIRST_ROW - 1}:${_LETTERS[-1]}$"
                f"{max(last_row, FIRST_ROW)}", title_rows=f"${FIRST_ROW - 1}:${FIRST_ROW - 1}"))
            meta.add(name, item)
        number = len(workbook._sheets) + 1
        meta.write(archive, X.SHEET_PATH.format(number), styles)
    workbook._sheets.append(book.PackagedSheet(workbook, META_SHEET, number, hidden=True))
    workbook.active = 0
    book.finish(workbook, archive)
    return buffer.getvalue()


class _MetaSheet:
    """The hidden sheet: its rows as XML in a temporary file, written as each plan comes."""

    def __init__(self, spill: IO[bytes]) -> None:
        self.spill = spill
        self.rows = 0
        self.quoted = False  # whether a cell waits for the style of text stored as text
        self.row(["sheet", "field", "value", "value", "value"])

    def add(self, name: str, item: SheetPlan) -> None:
        for values in _meta_rows(name, item):
            self.row(values)

    def row(self, values: list[Any]) -> None:
        self.rows += 1
        cells = []
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            ref = f"{_LETTERS[column - 1]}{self.rows}"
            if isinstance(value, str):
                value = excel_text(value)[:X.MAX_TEXT]
            if _is_formula_like(value):
                self.quoted = True
                cells.append(X.cell(ref, value, _PENDING_STYLE))
            else:
                cells.append(X.cell(ref, value, None, error_codes=True))
        self.spill.write(X.row(self.rows, cells).encode("utf-8"))

    def write(self, archive: ZipFile, path: str, styles: Styles) -> None:
        """Put the sheet in the package. Its one style is registered now, after every plan
        sheet's, where openpyxl registered it when it wrote this sheet last."""
        quoted = styles.frame("quoted").encode("ascii") if self.quoted else b""
        self.spill.seek(0)
        with archive.open(path, "w") as part:
            part.write(X.top(fit_to_page=False, dimension=None, frozen_rows=0,
                             widths=[]).encode("utf-8"))
            while chunk := self.spill.read(1 << 20):
                part.write(chunk.replace(_PENDING_STYLE.encode("ascii"), quoted))
            part.write(f"</sheetData>{X.MARGINS}</worksheet>".encode("ascii"))


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


def _plan_sheet(item: SheetPlan, styles: Styles) -> tuple[str, int]:
    """A plan's sheet as XML, and its last table row."""
    words = V.headings(item.language)
    labels = V.state_labels(item.language)
    plan = item.plan
    index = {kind: number for number, kind in enumerate(COLUMNS, start=1)}
    first_overdue, previous = index[V.ACTIVITY], index[V.PREVIOUS]
    # A merged range shows its top-left cell; the others are left out, as Excel does. Merged
    # are a criterion's cells (and id) over its rows, a goal's over its activities' rows.
    criterion_columns = (index[V.CRITERION], index[V.CRITERION_ID])
    goal_columns = (index[V.GOAL], index[V.GOAL_ID])
    merges: list[tuple[int, int, int]] = []  # (column, first row, last row)
    body: list[str] = []
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
                cells = []
                for column, value in enumerate(values, start=1):
                    if (row > criterion_first and column in criterion_columns) or (
                            row > goal_first and column in goal_columns):
                        continue  # covered by a merged range (same look as the cell on top)
                    text = isinstance(value, str) and value.startswith(_FORMULA_START)
                    look = (text, isinstance(value, date), overdue and column >= first_overdue,
                            column == previous)
                    if isinstance(value, str):
                        value = excel_text(value)[:X.MAX_TEXT]
                    cells.append(X.cell(f"{_LETTERS[column - 1]}{row}", value, styles.body(look)))
                body.append(X.row(row, cells))
                row += 1
            if goal is not None and row - goal_first > 1:
                merges += [(column, goal_first, row - 1) for column in goal_columns]
        if row - criterion_first > 1:
            merges += [(column, criterion_first, row - 1) for column in criterion_columns]
    last_row = max(row - 1, FIRST_ROW - 1)
    parts = [X.top(fit_to_page=True, dimension=f"A1:{_LETTERS[-1]}{row - 1}",
                   frozen_rows=FIRST_ROW - 1, widths=[WIDTHS[kind] for kind in COLUMNS])]
    parts += _frame_rows(item, words, styles)
    parts += body
    parts.append("</sheetData>")
    parts.append(f'<autoFilter ref="A{FIRST_ROW - 1}:{_LETTERS[-1]}{max(last_row, FIRST_ROW)}" />')
    parts.append(X.merge_cells(_merged_refs(merges)))
    parts.append(X.validations(_validations(item, words, labels, last_row)))
    parts.append(f'{X.MARGINS}<pageSetup orientation="landscape" fitToHeight="0" /></worksheet>')
    return "".join(parts), last_row


def _frame_rows(item: SheetPlan, words: dict[str, str], styles: Styles) -> list[str]:
    """The title, the info line and the header (their styles asked for after the table's)."""
    title = excel_text(item.plan.plan.title)[:X.MAX_TEXT]
    quoted = _is_formula_like(title)
    info = words["info"].format(year=item.year, as_of=item.as_of.isoformat(),
                                plan_id=item.plan.plan.id)
    rows = [X.row(1, [X.cell("A1", title, styles.frame("quoted_title" if quoted else "title"),
                             error_codes=not quoted)]),
            X.row(2, [X.cell("A2", info[:X.MAX_TEXT], styles.frame("info"), error_codes=True)])]
    header = []
    for column, kind in enumerate(COLUMNS, start=1):
        text = words[kind].format(year=item.year - 1 if kind == V.PREVIOUS else item.year)
        style = styles.frame("previous" if kind == V.PREVIOUS else "header")
        header.append(X.cell(f"{_LETTERS[column - 1]}{FIRST_ROW - 1}", text[:X.MAX_TEXT], style,
                             error_codes=True))
    rows.append(X.row(FIRST_ROW - 1, header))
    return rows


def _merged_refs(merges: list[tuple[int, int, int]]) -> list[str]:
    """The merged ranges in the order openpyxl writes them: that of a set of its ranges, whose
    hash is that of (first row, first column, last row, last column)."""
    ranges: set[tuple[int, int, int, int]] = set()
    for column, first, last in merges:
        ranges.add((first, column, last, column))
    return [f"{_LETTERS[column - 1]}{first}:{_LETTERS[column - 1]}{last}"
            for first, column, last, _ in ranges]


def _validations(item: SheetPlan, words: dict[str, str], labels: dict[str, str],
                 last_row: int) -> list[str]:
    """The State drop-down, and last year's column made read-only without protecting the
    sheet (which would lock every cell people fill in): Excel and LibreOffice refuse any text
    typed into it."""
    state = _LETTERS[COLUMNS.index(V.STATE)]
    previous = _LETTERS[COLUMNS.index(V.PREVIOUS)]
    status_heading = words[V.STATUS].format(year=item.year)
    return [
        X.validation(_span(state, FIRST_ROW, last_row + EXTRA_VALIDATION_ROWS), "list",
                     '"' + ",".join(labels[s] for s in labels) + '"', words[V.STATE],
                     ", ".join(labels.values())),
        X.validation(_span(previous, FIRST_ROW, max(last_row, FIRST_ROW)), "textLength", "0",
                     words[V.PREVIOUS].format(year=item.year - 1)[:32],
                     words["read_only"].format(status=status_heading), operator="lessThan"),
    ]


def _span(letter: str, first: int, last: int) -> str:
    """A range in one column, as openpyxl writes it (one cell without the colon)."""
    return f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}"


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

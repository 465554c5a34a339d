"""A sheet's plan-table header: finding it, and reading the rows below by their columns' roles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from qaplan.errors import QaplanError
from qaplan.excel import vocabulary as V
from qaplan.excel.read import Row, Sheet, Value, cell_name

HEADER_ROWS = 20
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_ACTIVITY_KINDS = (V.START, V.END, V.OWNERS, V.STATUS, V.STATE)


@dataclass(slots=True)
class Column:
    """A recognised column: its kind, 1-based index, the header as written and its year."""

    kind: str
    index: int
    header: str
    year: int | None = None


@dataclass(slots=True)
class Options:
    """What the user asked for, and what the repository knows."""

    sheet: str | None = None
    year: int | None = None
    plan_id: str | None = None
    guess_state: bool = False
    owners: Mapping[str, str] = field(default_factory=dict)  # known key -> name
    language: str | None = None  # the repository's default
    fallback_id: str = "plan"
    fallback_title: str = "Plan"


def choose_table_sheet(
    sheets: list[Sheet], display: str, wanted: str | None
) -> tuple[Sheet, int, list[Column]]:
    """The sheet asked for, else the first that holds a table: with its header row and columns."""
    if not sheets:
        raise QaplanError(f"{display}: the workbook has no visible sheets")
    if wanted is not None:
        chosen = [s for s in sheets if s.title == wanted] or [
            s for s in sheets if s.title.casefold() == wanted.casefold()
        ]
        if not chosen:
            names = ", ".join(f"'{s.title}'" for s in sheets)
            raise QaplanError(f"{display}: no sheet named '{wanted}'; the sheets are {names}")
        header_row, columns, problem = find_header(chosen[0])
        if header_row is None:
            raise QaplanError(f"{display}, sheet '{chosen[0].title}': {problem}")
        return chosen[0], header_row, columns
    problems = []
    for sheet in sheets:
        header_row, columns, problem = find_header(sheet)
        if header_row is not None:
            return sheet, header_row, columns
        problems.append(f"sheet '{sheet.title}': {problem}")
    raise QaplanError(f"{display}: no plan table found\n  " + "\n  ".join(problems))


def find_header(sheet: Sheet) -> tuple[int | None, list[Column], str]:
    """The header row (within the first 20), its columns, or why none was found."""
    best: tuple[int, list[Column]] | None = None
    for number in range(1, HEADER_ROWS + 1):
        columns = []
        for index, value in sorted(sheet.row(number).items()):
            if isinstance(value, str):
                matched = V.match_header(value)
                if matched is not None:
                    columns.append(Column(matched[0], index, " ".join(value.split()), matched[2]))
        kinds = {c.kind for c in columns}
        if all(kind in kinds for kind in V.REQUIRED_COLUMNS):
            return number, columns, ""
        if columns and (best is None or len(columns) > len(best[1])):
            best = (number, columns)
    wanted = " / ".join(
        V.HEADER_SYNONYMS[kind]["sv"][0] + " / " + V.HEADER_SYNONYMS[kind]["en"][-1]
        for kind in V.REQUIRED_COLUMNS
    )
    if best is None:
        return None, [], (
            f"no header row in the first {HEADER_ROWS} rows (expected columns for criteria, "
            f"goals and activities, such as {wanted})"
        )
    found = ", ".join(f"'{c.header}'" for c in best[1])
    missing = [k for k in V.REQUIRED_COLUMNS if k not in {c.kind for c in best[1]}]
    return None, [], (
        f"row {best[0]} looks like a header ({found}) but has no column for "
        f"{' or '.join(missing)}; name it e.g. "
        + " or ".join(f"'{V.HEADER_SYNONYMS[k]['sv'][0]}'" for k in missing)
    )


def text_of(value: Value) -> str:
    """A cell as text: NFC, line breaks kept, surrounding blanks trimmed."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = V.nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


class TableColumns:
    """A sheet read through its header row: columns by role, the years of the status
    columns, the language, cells by role, and messages that name the cell."""

    def __init__(self, sheet: Sheet, display: str, header_row: int, columns: list[Column],
                 options: Options) -> None:
        self.sheet = sheet
        self.display = display
        self.header_row = header_row
        self.options = options
        self.warnings: list[str] = list(sheet.warnings)
        self.single: dict[str, Column] = {}
        self.status: list[Column] = []
        self.states: list[Column] = []
        for column in columns:
            if column.kind == V.STATUS:
                self.status.append(column)
            elif column.kind == V.STATE:
                self.states.append(column)
            elif column.kind in self.single:
                first = cell_name(header_row, self.single[column.kind].index)
                self.warn(header_row, column.index,
                          f"a second '{column.header}' column; only the one in {first} is read")
            else:
                self.single[column.kind] = column
        # a row is read cell by cell, so its cost is the cells it holds, not the header's width
        self.status_at = {column.index: column for column in self.status}
        self.states_at = {column.index: column for column in self.states}
        self.meta = sheet.meta
        self.language = self._language(columns)
        self._years()

    # --- messages ------------------------------------------------------------------------------

    def where(self, row: int, column: int) -> str:
        return f"{self.display}, sheet '{self.sheet.title}', cell {cell_name(row, column)}"

    def warn(self, row: int, column: int, message: str) -> None:
        self.warnings.append(f"warning: {self.where(row, column)}: {message}")

    # --- set-up --------------------------------------------------------------------------------

    def _meta_value(self, name: str) -> Value:
        rows = self.meta.get(name)
        return rows[0][0] if rows and rows[0] else None

    def _language(self, columns: list[Column]) -> str:
        from qaplan.values import LANGUAGES

        meta = self._meta_value("language")
        if isinstance(meta, str) and meta in LANGUAGES:
            return meta
        votes: Counter[str] = Counter()
        for column in columns:
            matched = V.match_header(column.header)
            if matched and matched[1]:
                votes[matched[1]] += 1
        if votes:
            return votes.most_common(1)[0][0]
        return self.options.language or "en"

    def _years(self) -> None:
        for column in self.status:
            if column.year is None:
                column.year = self.options.year
            if column.year is None:
                raise QaplanError(
                    f"{self.where(self.header_row, column.index)}: the status column "
                    f"'{column.header}' names no year; pass --year YEAR (the year of the "
                    "follow-up it holds) or put the year in the header, e.g. 'Status 2024'"
                )
        seen: dict[int, Column] = {}
        for column in self.status:
            assert column.year is not None
            if column.year in seen:
                raise QaplanError(
                    f"{self.where(self.header_row, column.index)}: a second status column for "
                    f"{column.year}; name each column's year in its header (Status 2023, "
                    "Status 2024)"
                )
            seen[column.year] = column
        for state in self.states:
            if state.year is None:
                left = [c for c in self.status if c.index < state.index]
                partner = left[-1] if left else (self.status[-1] if self.status else None)
                state.year = partner.year if partner else self.options.year
            if state.year is None:
                raise QaplanError(
                    f"{self.where(self.header_row, state.index)}: the state column has no status "
                    "column or year to belong to; pass --year YEAR"
                )

    # --- a row's cells -------------------------------------------------------------------------

    def cell(self, cells: Row, kind: str) -> tuple[Value, int]:
        column = self.single.get(kind)
        if column is None:
            return None, 0
        return cells.get(column.index), column.index

    def text(self, cells: Row, kind: str) -> str:
        return text_of(self.cell(cells, kind)[0])

    @staticmethod
    def notes(cells: Row, columns: dict[int, Column]) -> list[tuple[Column, str]]:
        """The row's text in the given columns, left to right, filled cells only."""
        return [(columns[index], text_of(value)) for index, value in sorted(cells.items())
                if index in columns]

    def row_id(self, cells: Row, kind: str, number: int) -> str | None:
        value, column = self.cell(cells, kind)
        text = text_of(value)
        if not text:
            return None
        if not _SLUG.match(text) or len(text) > 200:
            self.warn(number, column, f"'{text}' is not an id (letters, digits, . _ -); ignored")
            return None
        return text

"""CSV for spreadsheets: UTF-8 with a byte order mark (so Excel reads å, ä, ö), one flat table.

Text cells that start with =, +, -, @ (or a tab or carriage return) get a leading
apostrophe so that a spreadsheet shows them as text and never runs them as a formula.
Control characters, line breaks included, are written as their YAML escapes (`\n`, `\x1b`):
CSV is often printed into a CI log, where a line break inside a cell followed by `::` would
start a workflow command. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import TextIO

from qaplan.render.text import printable
from qaplan.render.view import Cell, Section, View, walk

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(value: Cell) -> Cell:
    """A cell safe against spreadsheet formula injection and terminal control codes."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def write(view: View, out: TextIO) -> None:
    """One flat table: a column per level of headings, then each section's columns, written to
    `out` a block of rows at a time."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    current: list[str] | None = None
    levels = len(view.csv_headings)
    for _depth, path, section in walk(view.sections or [Section(None, [], [])]):
        if section.sections and not section.body:
            continue  # a level of grouping only: its heading is a column of the rows below
        columns = section.columns_for("csv")
        header = [*view.csv_headings, *(c.header for c in columns)]
        if header != current:
            # Sections with other columns (a second table in one report) follow after a blank row.
            if current is not None:
                writer.writerow([])
            writer.writerow(header)
            current = header
        parents = [escape(heading) for heading in (*path, *([None] * levels))[:levels]]
        keys = [c.key for c in columns]
        for count, row in enumerate(section.body, 1):
            cells = [*parents, *(escape(row.get(key)) for key in keys)]
            writer.writerow(["" if cell is None else cell for cell in cells])
            if count % BLOCK == 0:
                out.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
    out.write(buffer.getvalue())


BLOCK = 2000  # rows written to the stream at a time

"""Tables for people: rich on a terminal (colour, sections), plain text elsewhere."""

from __future__ import annotations

import io
from collections.abc import Sequence
import os
import shutil

from tabulate import tabulate  # type: ignore[import-untyped]

from qaplan.render.view import Cell, Section, View

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.table import Table

_STYLES = {"overdue": "red", "soon": "yellow", "done": "green", "muted": "dim", "total": "bold"}


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def render(view: View, color: bool) -> str:
    if color:
        return _rich(view)
    return _plain(view)


def _plain(view: View) -> str:
    parts = [view.title, "=" * len(view.title), ""]
    if not view.shown:
        parts += [view.empty, ""]
    for section in view.shown:
        if section.heading:
            parts += [section.heading, "-" * len(section.heading)]
        columns = section.columns_for("table")
        rows = [[_text(row.get(c.key)) for c in columns] for row in section.rows]
        headers = [c.header for c in columns]
        aligns = [c.align for c in columns]
        if any("\n" in cell for row in rows for cell in row):
            parts.append(tabulate(rows, headers=headers, tablefmt="simple", colalign=aligns,
                                  disable_numparse=True))
        else:
            parts.append(_simple(headers, rows, aligns))
        parts.append("")
    parts.append(view.summary)
    return "\n".join(parts) + "\n"


def _simple(headers: list[str], rows: list[list[str]], aligns: Sequence[str]) -> str:
    """tabulate's "simple" layout for one-line cells, without its per-cell type inference
    (which costs seconds on the tens of thousands of rows of a large repository)."""
    rows = [[cell.strip() for cell in row] for row in rows]
    widths = [max([len(h) + 2, *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if align == "right" else cell.ljust(width)
            for cell, width, align in zip(cells, widths, aligns)
        ).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])


def _rich(view: View) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    width = shutil.get_terminal_size((120, 40)).columns
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=width,
                      no_color=bool(os.environ.get("NO_COLOR")))
    console.print(Text(view.title, style="bold"))
    if not view.shown:
        console.print(Text(view.empty))
    for section in view.shown:
        if section.heading:
            console.print()
            console.print(Text(section.heading, style="bold"))
        console.print(_rich_table(section))
    summary_style = _STYLES.get(view.summary_style) if view.summary_style else None
    console.print()
    console.print(Text(view.summary, style=summary_style or ""), highlight=False)
    return buffer.getvalue()


def _rich_table(section: Section) -> Table:
    from rich.table import Table
    from rich.text import Text

    columns = section.columns_for("table")
    table = Table(header_style="bold", expand=False)
    for column in columns:
        table.add_column(column.header, justify=column.align, overflow="fold")
    for index, row in enumerate(section.rows):
        style = section.style(index)
        table.add_row(*(Text(_text(row.get(c.key))) for c in columns),
                      style=_STYLES.get(style) if style else None)
    return table

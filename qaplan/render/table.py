"""Tables for people: rich on a terminal (colour, sections), plain text elsewhere."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import TextIO

from qaplan.render.text import printable
from qaplan.render.view import Cell, Column, Section, View, walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.table import Table

_STYLES = {"overdue": "red", "soon": "yellow", "done": "green", "muted": "dim", "total": "bold"}


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def write(view: View, color: bool, out: TextIO) -> None:
    """rich on a terminal (colour), else plain text, written to `out`."""
    if color:
        out.write(_rich(view))
    else:
        _plain(view, out)


INDENT = 2  # columns per level of nested sections
CHUNK = 2000  # lines written at a time: a long table is never one string in memory
KEEP = 20_000  # rows of a table kept between its two passes; a longer one is made twice


def _plain(view: View, out: TextIO) -> None:
    title = printable(view.title)
    out.write(f"{title}\n{'=' * len(title)}\n\n")
    if not view.shown:
        out.write(printable(view.empty) + "\n\n")
    for depth, _path, section in walk(view.shown):
        if not section.has_rows:
            continue
        indent = " " * (INDENT * depth)
        if section.heading:
            heading = printable(section.heading)
            out.write(f"{indent}{heading}\n{indent}{'-' * len(heading)}\n")
        if not section.body:
            continue
        columns = section.columns_for("plain")
        # Two passes over the rows, each made as it is reached: the column widths, then the
        # lines; a report over 10,000 plans never holds its table.
        lines = _layout_simple([c.header for c in columns], _cells(section, columns),
                               [c.align for c in columns])
        out.writelines(_blocks(lines, indent))
        out.write("\n")
    out.write(printable(view.summary) + "\n")


def _cells(section: Section, columns: list[Column]) -> Callable[[], Iterator[list[str]]]:
    """The printable cells of each row of `section`, anew each time they are asked for."""
    keys = [c.key for c in columns]

    def cells() -> Iterator[list[str]]:
        for row in section.body:
            texts = ["" if value is None else str(value) for value in map(row.get, keys)]
            # Most rows are printable as they are (checked in C, a row at a time).
            yield (texts if all(map(str.isprintable, texts))
                   else [text if text.isprintable() else printable(text) for text in texts])

    return cells


def _blocks(lines: Iterator[str], indent: str) -> Iterator[str]:
    """The lines indented, CHUNK lines to a piece of text."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(indent + line + "\n" if line else "\n")
        if len(chunk) == CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _simple(headers: list[str], rows: list[list[str]], aligns: Sequence[str]) -> str:
    """tabulate's "simple" layout for one-line cells (`printable` escapes line breaks), without
    its per-cell type inference (which costs seconds on the tens of thousands of rows of a large
    repository)."""
    return "\n".join(_layout_simple(headers, lambda: iter(rows), aligns))


def _layout_simple(headers: list[str], rows: Callable[[], Iterator[list[str]]],
                   aligns: Sequence[str]) -> Iterator[str]:
    """The lines of `_simple`'s layout; `rows` gives the cells anew for each of two passes
    (a table of up to KEEP rows is made once and kept between them)."""
    widths, again = two_passes(rows, [len(h) + 2 for h in headers], len)
    # str.format pads as ljust and rjust do, the whole line in one call.
    layout = "  ".join(f"{{:{'>' if align == 'right' else '<'}{width}}}"
                       for width, align in zip(widths, aligns))
    yield layout.format(*headers).rstrip()
    yield "  ".join("-" * w for w in widths)
    for block in again:
        for cells in block:
            yield layout.format(*cells).rstrip()


def two_passes(rows: Callable[[], Iterator[list[str]]], widths: list[int],
               width: Callable[[str], int]) -> tuple[list[int], Iterable[list[list[str]]]]:
    """The columns' widths (at least `widths`) over every row, and the rows again to draw: the
    first block kept when it is the only one, else `rows` made anew."""
    blocks = stripped_blocks(rows())
    first = next(blocks, [])
    kept: list[list[str]] | None = first
    for block in chain([first], blocks):
        if block is not first:
            kept = None
        for index, column in enumerate(zip(*block)):
            widths[index] = max(widths[index], *map(width, column))
    return widths, [kept] if kept is not None else stripped_blocks(rows())


def stripped_blocks(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    """The rows with their cells stripped, KEEP rows to a block."""
    while block := [list(map(str.strip, row)) for row in islice(rows, KEEP)]:
        yield block


# Below this width a wrapping column (a title) is too narrow to read; ids never wrap at all.
WRAP_MIN = 12
# (gap between columns, use short headers) from the roomiest layout to the most compact.
_LAYOUTS = ((2, False), (2, True), (1, True))


def _rich(view: View) -> str:
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    buffer = io.StringIO()
    width = shutil.get_terminal_size((120, 40)).columns
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=width,
                      no_color=bool(os.environ.get("NO_COLOR")))
    console.print(Text(printable(view.title), style="bold"))
    if not view.shown:
        console.print(Text(printable(view.empty)))
    for depth, _path, section in walk(view.shown):
        if not section.has_rows:
            continue
        indent = INDENT * depth
        if section.heading:
            console.print()
            console.print(Text(" " * indent + printable(section.heading), style="bold"))
        if not section.body:
            continue
        table, hidden = _rich_table(section, width - indent)
        console.print(Padding(table, (0, 0, 0, indent), expand=False) if indent else table)
        if hidden:
            console.print(Text(
                f"({', '.join(hidden)}: hidden at {width} columns; a wider terminal or "
                "--format markdown shows them)", style="dim"), highlight=False)
    summary_style = _STYLES.get(view.summary_style) if view.summary_style else None
    console.print()
    console.print(Text(printable(view.summary), style=summary_style or ""), highlight=False)
    return buffer.getvalue()


def _header(column: Column, short: bool) -> str:
    return column.short if short and column.short is not None else column.header


def _needed(columns: list[Column], cells: list[list[str]], gap: int, short: bool) -> int:
    """The narrowest table width that keeps every non-wrapping column whole."""
    from rich.cells import cell_len

    total = gap * (len(columns) - 1)
    for index, column in enumerate(columns):
        lines = _header(column, short).split("\n") + [row[index] for row in cells]
        widest = max(cell_len(line) for line in lines)
        total += min(widest, WRAP_MIN) if column.wrap else widest
    return total


def _layout(columns: list[Column], cells: list[list[str]], width: int) -> tuple[list[int], int, bool]:
    """Which columns to draw (indexes), the gap and the headers that fit in `width`."""
    shown = list(range(len(columns)))
    while True:
        drawn = [columns[i] for i in shown]
        rows = [[row[i] for i in shown] for row in cells]
        for gap, short in _LAYOUTS:
            if _needed(drawn, rows, gap, short) <= width:
                return shown, gap, short
        optional = [i for i in shown if columns[i].optional]
        if not optional:  # nothing left to hide: the most compact layout, as narrow as it gets
            return shown, _LAYOUTS[-1][0], True
        shown.remove(max(optional, key=lambda i: (columns[i].optional, i)))


def _rich_table(section: Section, width: int) -> tuple[Table, list[str]]:
    """The section as a rich table that fits `width`, and the headers of hidden columns."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    columns = section.columns_for("rich")
    cells = [[printable(_text(row.get(c.key))) for c in columns] for row in section.body]
    shown, gap, short = _layout(columns, cells, width)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=(0, gap - 1, 0, 0), header_style="bold", expand=False)
    for index in shown:
        column = columns[index]
        table.add_column(_header(column, short), justify=column.align, no_wrap=not column.wrap,
                         overflow="fold")
    for index, row in enumerate(cells):
        style = section.style(index)
        table.add_row(*(Text(row[i]) for i in shown), style=_STYLES.get(style) if style else None)
    hidden = [columns[i].header for i in range(len(columns)) if i not in shown]
    return table, hidden

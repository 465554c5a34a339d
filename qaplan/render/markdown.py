"""Markdown for CI job summaries and wikis: a heading, a table per section, the summary.

Every text is written as literal Markdown (`markdown_text`): a plan title cannot open HTML
(`<details>`), show an image, add a link, a list item or a table column to the summary.
Tables are laid out as tabulate's "github" format lays them out (tested cell for cell), in two
passes over rows made as they are reached: the widths, then the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TextIO

from qaplan.render.table import two_passes
from qaplan.render.text import markdown_text
from qaplan.render.view import Cell, Column, Section, View, walk

CHUNK = 2000  # lines written at a time

# Plan ids, dates and states repeat in every row: each is escaped once.
_escaped = lru_cache(maxsize=8192)(markdown_text)


def _cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return _escaped(value)
    return "" if value is None else value


def _bold(value: Cell) -> Cell:
    return f"**{value}**" if value not in ("", None) else value


def write(view: View, out: TextIO) -> None:
    """A heading, a table per section (nested sections under deeper headings), the summary,
    written to `out` as they are drawn."""
    out.write(f"## {markdown_text(view.title)}\n\n")
    if not view.shown:
        out.write(markdown_text(view.empty) + "\n\n")
    for depth, _path, section in walk(view.shown):
        if not section.has_rows:
            continue
        if section.heading:
            out.write(f"{'#' * min(3 + depth, 6)} {markdown_text(section.heading)}\n\n")
        if not section.body:
            continue
        columns = section.columns_for("markdown")
        headers = [str(_cell(c.header)) for c in columns]
        lines = github_table(headers, _cells(section, columns), [c.align for c in columns])
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) == CHUNK:
                out.write("\n".join(chunk) + "\n")
                chunk = []
        out.write("\n".join(chunk) + "\n\n")
    out.write(f"**{markdown_text(view.summary)}**\n")


def _cells(section: Section, columns: list[Column]) -> Callable[[], Iterator[list[str]]]:
    """The Markdown text of each cell of each row (a totals row in bold), anew each time."""
    keys = [c.key for c in columns]

    def cells() -> Iterator[list[str]]:
        for index, row in enumerate(section.body):
            values = [_cell(row.get(key)) for key in keys]
            if section.style(index) == "total":
                values = [_bold(value) for value in values]
            yield ["" if value is None else str(value) for value in values]

    return cells


def _width_function() -> Callable[[str], int]:
    """The columns a text takes, as tabulate counts them (wide characters when it can)."""
    try:
        from wcwidth import wcswidth  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # tabulate then counts characters too
        return len

    def width(text: str) -> int:
        return len(text) if text.isascii() else int(wcswidth(text))

    return width


def github_table(headers: list[str], rows: Callable[[], Iterator[list[str]]],
                 aligns: Sequence[str]) -> Iterator[str]:
    """The lines of tabulate's "github" layout of one-line cells with numbers not parsed;
    `rows` gives the cells anew for each of two passes (a table of up to `table.KEEP` rows is
    made once and kept between them)."""
    width = _width_function()
    widths, again = two_passes(rows, [width(header) + 2 for header in headers], width)
    right = [align == "right" for align in aligns]

    def line(cells: list[str]) -> str:
        padded = []
        for cell, size, flush in zip(cells, widths, right):
            fill = " " * (size - width(cell))
            padded.append(fill + cell if flush else cell + fill)
        return "| " + " | ".join(padded) + " |"

    yield line(headers)
    yield "|" + "|".join("-" * (size + 2) for size in widths) + "|"
    for block in again:
        yield from map(line, block)

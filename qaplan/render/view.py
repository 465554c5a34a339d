"""What a report hands to a renderer: titled sections of rows that may nest, a summary line,
and its JSON.

A section holds rows and, below them, sections of its own (unit -> plan -> activities): the
table renderers indent each level, Markdown gives it a deeper heading, CSV writes one flat
table with a column per level of headings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, overload

Cell = str | int | float | None
# How a row should stand out on a terminal: overdue (red), soon (yellow), done (green), muted,
# total (bold: a totals row).
Style = Literal["overdue", "soon", "done", "muted", "total"] | None


@dataclass(slots=True)
class Column:
    """One column: the row key it shows, its header, and its alignment."""

    key: str
    header: str
    align: Literal["left", "right"] = "left"
    # Draw this column only in these formats ("table", "markdown", "csv"); empty: in every one.
    # "table" means both table layouts; "rich" or "plain" names one of them.
    only: tuple[str, ...] = ()
    # On a terminal: text that may wrap at spaces (titles); everything else (ids, numbers, dates)
    # never wraps, so that an id is never split across lines.
    wrap: bool = False
    short: str | None = None  # a shorter header for a narrow terminal ("\n" breaks it)
    optional: int = 0  # > 0: hidden when the terminal is too narrow, the highest first


Item = TypeVar("Item")
Made = TypeVar("Made")


class Rows(Sequence[Made], Generic[Item, Made]):
    """A section's rows (or a list in a view's JSON) made from a report's items as they are
    drawn, each when it is reached and not kept: a list of 300,000 activities is held once, as
    its items, not as a dict of cells per row beside them."""

    __slots__ = ("_row", "_style", "items")

    def __init__(self, items: Sequence[Item], row: Callable[[Item], Made],
                 style: Callable[[Item], Style] | None = None) -> None:
        self.items = items
        self._row = row
        self._style = style

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> Made: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Made]: ...

    def __getitem__(self, index: int | slice) -> Made | Sequence[Made]:
        if isinstance(index, slice):
            return Rows(self.items[index], self._row, self._style)
        return self._row(self.items[index])

    def __iter__(self) -> Iterator[Made]:
        return map(self._row, self.items)

    def style(self, index: int) -> Style:
        return None if self._style is None else self._style(self.items[index])


@dataclass(slots=True)
class Section:
    """A block of rows under an optional heading (one owner, one plan, ...), and the sections
    nested below it."""

    heading: str | None
    columns: list[Column]
    rows: list[dict[str, Cell]]
    styles: list[Style] = field(default_factory=list)  # one per row, or empty
    sections: list[Section] = field(default_factory=list)  # one level deeper
    # A long list's rows, made from its items as they are drawn (in place of `rows`).
    made: Rows[Any, dict[str, Cell]] | None = None

    @property
    def body(self) -> Sequence[dict[str, Cell]]:
        """The rows to draw: `rows`, or those `made` one at a time."""
        return self.rows if self.made is None else self.made

    @property
    def has_rows(self) -> bool:
        """Rows here or anywhere below: whether a table or Markdown renderer draws it."""
        return bool(self.body) or any(child.has_rows for child in self.sections)

    def style(self, index: int) -> Style:
        if self.made is not None:
            return self.made.style(index)
        return self.styles[index] if index < len(self.styles) else None

    def columns_for(self, fmt: str) -> list[Column]:
        """The columns drawn in format `fmt`."""
        tables = ("rich", "plain")
        return [c for c in self.columns
                if not c.only or fmt in c.only or (fmt in tables and "table" in c.only)]


@dataclass(slots=True)
class View:
    """A report ready to draw in any format."""

    title: str
    sections: list[Section]
    summary: str
    data: dict[str, Any]  # the contract's JSON payload, printed as is by --format json
    # CSV is one flat table: the heading of each level of sections becomes a column with
    # these headers, the outermost first (empty: no such columns).
    csv_headings: tuple[str, ...] = ()
    empty: str = "Nothing to report."
    summary_style: Style = None  # how the summary line stands out on a terminal

    @property
    def shown(self) -> list[Section]:
        """The top-level sections that have rows (here or below): what a table or Markdown
        renderer draws."""
        return [section for section in self.sections if section.has_rows]


def walk(
    sections: list[Section], depth: int = 0, parents: tuple[str | None, ...] = ()
) -> Iterator[tuple[int, tuple[str | None, ...], Section]]:
    """Every section in reading order: (depth, the headings above it and its own, section)."""
    for section in sections:
        path = (*parents, section.heading)
        yield depth, path, section
        yield from walk(section.sections, depth + 1, path)

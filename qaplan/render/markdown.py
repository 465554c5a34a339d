"""Markdown for CI job summaries and wikis: a heading, a table per section, the summary.

Every text is written as literal Markdown (`markdown_text`): a plan title cannot open HTML
(`<details>`), show an image, add a link, a list item or a table column to the summary.
"""

from __future__ import annotations

from tabulate import tabulate  # type: ignore[import-untyped]

from qaplan.render.text import markdown_text
from qaplan.render.view import Cell, View, walk


def _cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return markdown_text(value)
    return "" if value is None else value


def _bold(value: Cell) -> Cell:
    return f"**{value}**" if value not in ("", None) else value


def render(view: View, color: bool) -> str:
    """A heading, a table per section (nested sections under deeper headings), the summary."""
    parts = [f"## {markdown_text(view.title)}", ""]
    if not view.shown:
        parts += [markdown_text(view.empty), ""]
    for depth, _path, section in walk(view.shown):
        if not section.has_rows:
            continue
        if section.heading:
            parts += [f"{'#' * min(3 + depth, 6)} {markdown_text(section.heading)}", ""]
        if not section.rows:
            continue
        columns = section.columns_for("markdown")
        rows = [
            [_bold(_cell(row.get(c.key))) if section.style(index) == "total" else _cell(row.get(c.key))
             for c in columns]
            for index, row in enumerate(section.rows)
        ]
        parts.append(
            tabulate(
                rows,
                headers=[_cell(c.header) for c in columns],
                tablefmt="github",
                colalign=[c.align for c in columns],
                disable_numparse=True,
            )
        )
        parts.append("")
    parts += [f"**{markdown_text(view.summary)}**", ""]
    return "\n".join(parts)

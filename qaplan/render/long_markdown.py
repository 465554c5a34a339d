"""Markdown for long reports (the yearly report lists every activity): the same headings and
tables as `qaplan.render.markdown`, written row by row without padding the columns.

Padding needs every cell's width before the first row is written, which for tens of thousands
of rows costs more than building the report; GitHub and GitLab render both alike.
"""

from __future__ import annotations

from qaplan.render.text import markdown_text
from qaplan.render.view import Cell, View, walk


def _cell(value: Cell, seen: dict[str, str]) -> str:
    """A cell as Markdown text; `seen` remembers texts already escaped (ids, plan ids and
    states repeat on every row)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    text = seen.get(value)
    if text is None:
        text = seen[value] = markdown_text(value)
    return text


def render(view: View) -> str:
    """A heading, a table per section (nested sections under deeper headings), the summary."""
    seen: dict[str, str] = {}
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
        parts.append("| " + " | ".join(_cell(c.header, seen) for c in columns) + " |")
        parts.append("|" + "|".join("---:" if c.align == "right" else "---" for c in columns)
                     + "|")
        keys = [c.key for c in columns]
        for row in section.rows:
            parts.append("| " + " | ".join([_cell(row.get(key), seen) for key in keys]) + " |")
        parts.append("")
    parts += [f"**{markdown_text(view.summary)}**", ""]
    return "\n".join(parts)

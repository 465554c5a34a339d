"""Renderers: turn a report's View into text in one format; they never compute.

REPORT_RENDERERS is the one registry of report formats (findings have theirs in
`qaplan.render.findings`). Each entry imports its module when it draws, so that rich and
tabulate load only for the format that needs them.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import TextIO

from qaplan.render.view import View

# Writes a view in one format to a stream as it draws it: a report of 300,000 rows is never one
# string in memory.
Renderer = Callable[[View, bool, TextIO], None]


def use_color() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _table(view: View, color: bool, out: TextIO) -> None:
    from qaplan.render import table

    table.write(view, color, out)


def _rich(view: View, color: bool, out: TextIO) -> None:
    from qaplan.render import table

    table.write(view, True, out)


def _markdown(view: View, color: bool, out: TextIO) -> None:
    from qaplan.render import markdown

    markdown.write(view, out)


def _csv(view: View, color: bool, out: TextIO) -> None:
    from qaplan.render import csv

    csv.write(view, out)


def _json(view: View, color: bool, out: TextIO) -> None:
    from qaplan.render import json

    json.write(view, out)


# format -> renderer; "table" is rich on a terminal and plain text elsewhere, "rich" always rich.
REPORT_RENDERERS: dict[str, Renderer] = {
    "table": _table,
    "rich": _rich,
    "markdown": _markdown,
    "csv": _csv,
    "json": _json,
}
REPORT_FORMATS = ("table", "markdown", "csv", "json")  # what --format offers


def render(view: View, fmt: str, color: bool | None = None) -> str:
    """Draw a report's view in one of REPORT_RENDERERS' formats."""
    buffer = io.StringIO()
    write(view, fmt, buffer, color)
    return buffer.getvalue()


def write(view: View, fmt: str, out: TextIO | None = None, color: bool | None = None) -> None:
    """Draw a report's view in one of REPORT_RENDERERS' formats onto `out` (default: stdout)
    as it is drawn."""
    REPORT_RENDERERS[fmt](view, use_color() if color is None else color,
                          sys.stdout if out is None else out)

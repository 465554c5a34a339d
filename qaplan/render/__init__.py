"""Renderers: turn a report's View into text in one format; they never compute.

REPORT_RENDERERS is the one registry of report formats (findings have theirs in
`qaplan.render.findings`). Each entry imports its module when it draws, so that rich and
tabulate load only for the format that needs them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from qaplan.render.view import View

Renderer = Callable[[View, bool], str]


def use_color() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _table(view: View, color: bool) -> str:
    from qaplan.render import table

    return table.render(view, color)


def _rich(view: View, color: bool) -> str:
    from qaplan.render import table

    return table.render(view, True)


def _markdown(view: View, color: bool) -> str:
    from qaplan.render import markdown

    return markdown.render(view, color)


def _csv(view: View, color: bool) -> str:
    from qaplan.render import csv

    return csv.render(view, color)


def _json(view: View, color: bool) -> str:
    from qaplan.render import json

    return json.render(view, color)


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
    return REPORT_RENDERERS[fmt](view, use_color() if color is None else color)

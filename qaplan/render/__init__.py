"""Renderers: turn a report's View into text in one format; they never compute."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module

from qaplan.render.view import View

REPORT_FORMATS = ("table", "markdown", "csv", "json")


def use_color() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def render(view: View, fmt: str, color: bool | None = None) -> str:
    """Draw a report's view in one of REPORT_FORMATS."""
    module = import_module(f"qaplan.render.{fmt}")
    draw: Callable[[View, bool], str] = module.render
    return draw(view, use_color() if color is None else color)

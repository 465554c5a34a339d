"""Renderers that write as they draw: rows made one at a time (`Rows`) draw exactly as rows
given whole, long tables take two passes, and each layout matches what it replaced."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest
from tabulate import tabulate  # type: ignore[import-untyped]

from qaplan.render import REPORT_RENDERERS, render, write
from qaplan.render import table as table_module
from qaplan.render.markdown import github_table
from qaplan.render.view import Cell, Column, Rows, Section, Style, View

COLUMNS = [Column("id", "ID"), Column("title", "Activity", wrap=True),
           Column("days", "Days overdue", "right"), Column("note", "Note", only=("csv",))]
ITEMS = [("A1", "Rubric", 60, None), ("C1.G1.A2", " Web | *pages* ", 426, "=1+1"),
         ("A3", "Survey\tnow", -3, "x"), ("A4", "", 0, None)]


def _row(item: tuple[str, str, int, str | None]) -> dict[str, Cell]:
    key, title, days, note = item
    return {"id": key, "title": title, "days": days, "note": note}


def _style(item: tuple[str, str, int, str | None]) -> Style:
    return "overdue" if item[2] > 0 else "total"


def _view(made: bool) -> View:
    """Two sections of the same items, their rows given whole or made as they are drawn."""
    def section(heading: str) -> Section:
        if made:
            return Section(heading, COLUMNS, [], made=Rows(ITEMS, _row, _style))
        return Section(heading, COLUMNS, [_row(item) for item in ITEMS],
                       [_style(item) for item in ITEMS])

    data: dict[str, Any] = {"as_of": "2025-03-01", "items": (
        Rows(ITEMS, _row) if made else [_row(item) for item in ITEMS]), "empty": [], "none": {}}
    return View("Overdue", [section("PD"), section("KA – Course lead")], "4 items.", data)


@pytest.mark.parametrize("keep", [20_000, 1])
@pytest.mark.parametrize("fmt", sorted(REPORT_RENDERERS))
def test_rows_made_as_they_are_drawn_print_what_whole_rows_print(
    fmt: str, keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_module, "KEEP", keep)  # 1: every table is made twice
    whole = render(_view(made=False), fmt, color=False)
    assert "Rubric" in whole
    assert render(_view(made=True), fmt, color=False) == whole
    stream = io.StringIO()
    write(_view(made=True), fmt, stream, color=False)
    assert stream.getvalue() == whole


def test_json_is_written_as_the_indenting_encoder_writes_it() -> None:
    rnd = random.Random(11)

    def value(depth: int) -> Any:
        kind = rnd.randrange(9 if depth < 4 else 6)
        if kind == 0:
            return rnd.choice([None, True, False])
        if kind == 1:
            return rnd.randint(-10**6, 10**6)
        if kind == 2:
            return rnd.choice([0.1, -2.5, 1e300, 3.0])
        if kind < 6:
            return "".join(rnd.choice('ab "\\\n\x1bå€😀') for _ in range(rnd.randint(0, 6)))
        if kind == 6:
            return [value(depth + 1) for _ in range(rnd.randint(0, 3))]
        if kind == 7:
            return tuple(value(depth + 1) for _ in range(rnd.randint(0, 3)))
        return {str(rnd.randint(0, 50)): value(depth + 1) for _ in range(rnd.randint(0, 3))}

    for _ in range(400):
        data = {"payload": value(0), 1: [value(1)], None: {"k": value(2)}}
        expected = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        assert render(View("t", [], "s", data), "json") == expected


@pytest.mark.parametrize("keep", [20_000, 2])
def test_markdown_tables_match_tabulates_github_layout(
    keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_module, "KEEP", keep)
    rnd = random.Random(3)
    alphabet = "abcåäö 19-*|x\u4e2d\u200b\u0301😀"
    for _ in range(500):
        width = rnd.randint(1, 5)
        headers = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
                   for _ in range(width)]
        rows = [[rnd.choice([None, 5, 2.5, True, "".join(
            rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))]) for _ in range(width)]
            for _ in range(rnd.randint(1, 6))]
        aligns = [rnd.choice(["left", "right"]) for _ in range(width)]
        expected = tabulate(rows, headers=headers, tablefmt="github", colalign=aligns,
                            disable_numparse=True)
        cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
        assert "\n".join(github_table(headers, cells.__iter__, aligns)) == expected

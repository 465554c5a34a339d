"""A view whose rows nest (units -> plans -> activities), drawn by every report renderer."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from conftest import ROOT

from qaplan.formats.plan import build
from qaplan.render import REPORT_RENDERERS, render
from qaplan.render.findings import FINDING_RENDERERS
from qaplan.render.view import Column, Section, View, walk
from qaplan.reports.diff import year_diff
from qaplan.reports.overdue import overdue_report
from qaplan.reports.status import status_report

COLUMNS = [Column("id", "ID"), Column("title", "Activity", wrap=True),
           Column("days", "Days overdue", "right")]


def tree() -> View:
    """Faculty MED with a department (one plan), and a plan of its own; faculty LAW, empty."""
    def plan(heading: str, rows: list[tuple[str, str, int]]) -> Section:
        return Section(heading, COLUMNS, [{"id": i, "title": t, "days": d} for i, t, d in rows],
                       ["overdue"] * len(rows))

    cardio = Section("CARD – Cardiology", [], [], sections=[
        plan("card-2025", [("A1", "Rubric", 60), ("A2", "Survey", 3)]),
    ])
    med = Section("MED – Medicine", [], [], sections=[
        cardio,
        plan("med-2025", [("C1.G1.A1", "Web pages", 426)]),
    ])
    law = Section("LAW – Law", [], [], sections=[plan("law-2025", [])])
    return View(
        title="Roll-up as of 2025-03-01",
        sections=[med, law],
        summary="3 activities overdue in 2 plans.",
        data={"units": [{"unit": "MED", "plans": ["card-2025", "med-2025"]}]},
        csv_headings=("Unit", "Department", "Plan"),
    )


def test_walk_gives_each_section_its_depth_and_the_headings_above_it() -> None:
    walked = [(depth, path) for depth, path, _section in walk(tree().sections)]
    assert walked[:4] == [
        (0, ("MED – Medicine",)),
        (1, ("MED – Medicine", "CARD – Cardiology")),
        (2, ("MED – Medicine", "CARD – Cardiology", "card-2025")),
        (1, ("MED – Medicine", "med-2025")),
    ]
    assert [section.heading for section in tree().shown] == ["MED – Medicine"]


def test_plain_table_indents_each_level_and_leaves_out_empty_branches() -> None:
    text = render(tree(), "table", color=False)
    lines = text.splitlines()
    assert lines[:3] == ["Roll-up as of 2025-03-01", "========================", ""]
    assert "MED – Medicine" in lines and "  CARD – Cardiology" in lines
    assert "    card-2025" in lines and "    ---------" in lines
    assert "  med-2025" in lines
    rubric = next(line for line in lines if "Rubric" in line)
    assert rubric.startswith("    A1") and rubric.endswith("60")
    web = next(line for line in lines if "Web pages" in line)
    assert web.startswith("  C1.G1.A1")
    assert "LAW" not in text and "law-2025" not in text
    assert lines[-1] == "3 activities overdue in 2 plans."


def test_rich_table_indents_each_level() -> None:
    text = re.sub("\x1b\\[[0-9;]*m", "", render(tree(), "rich", color=True))
    lines = text.splitlines()
    assert "  CARD – Cardiology" in lines and "    card-2025" in lines
    rubric = next(line for line in lines if "Rubric" in line)
    assert rubric.startswith("    A1")
    assert "LAW" not in text


def test_markdown_has_a_deeper_heading_per_level() -> None:
    text = render(tree(), "markdown", color=False)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "## Roll-up as of 2025-03-01",
        "### MED – Medicine",
        "#### CARD – Cardiology",
        "##### card-2025",
        "#### med-2025",
    ]
    assert "| A1   | Rubric     |" in text


def test_csv_is_one_flat_table_with_a_column_per_level() -> None:
    text = render(tree(), "csv", color=False)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [
        ["Unit", "Department", "Plan", "ID", "Activity", "Days overdue"],
        ["MED – Medicine", "CARD – Cardiology", "card-2025", "A1", "Rubric", "60"],
        ["MED – Medicine", "CARD – Cardiology", "card-2025", "A2", "Survey", "3"],
        # the heading columns go by depth: a plan right under its unit fills the second
        ["MED – Medicine", "med-2025", "", "C1.G1.A1", "Web pages", "426"],
    ]


def test_json_is_the_report_payload_unchanged() -> None:
    assert json.loads(render(tree(), "json", color=False)) == tree().data


def test_an_empty_tree_says_so() -> None:
    view = tree()
    view.sections = [view.sections[1]]  # LAW only: no rows anywhere
    assert "Nothing to report." in render(view, "table", color=False)
    assert "Nothing to report." in render(view, "markdown", color=False)


@pytest.mark.parametrize("fmt", sorted(set(REPORT_RENDERERS) - {"json"}))
def test_every_renderer_draws_the_tree(fmt: str) -> None:
    text = render(tree(), fmt, color=False)
    assert ("Rubric" in text) and ("Web pages" in text)


# --- reports feed views: one pass over the plans, no option checks inside ---------------------

def _entries(count: int) -> Iterator[SimpleNamespace]:
    """Plans built one at a time, as the workspace streams them."""
    for number in range(count):
        data = {
            "plan": {"id": f"p{number}", "title": f"Plan {number}"},
            "owners": {"PD": {"name": "Programme director"}},
            "criteria": [{"id": "C1", "title": "C", "goals": [{"id": "C1.G1", "title": "G",
                          "activities": [{"id": "A1", "title": "Late", "end": 2024,
                                          "owners": ["PD"]}]}]}],
        }
        yield SimpleNamespace(file=f"plans/p{number}.yaml", plan=build(data), language="en",
                              config=None)


def test_reports_read_the_plans_in_one_pass() -> None:
    day = date(2025, 3, 1)
    overdue = overdue_report(_entries(3), day)  # owner names gathered on the way
    assert overdue.plans == 3 and overdue.overdue_count == 3
    assert overdue.as_json()["owners"][0]["name"] == "Programme director"
    assert overdue.known_owners == {"PD"} and overdue.only(["XX"]).groups == ()
    status = status_report(_entries(3), day, within=30)
    assert status.totals.activities == 3 and len(status.activities) == 3
    assert status.as_json()["totals"]["overdue"] == 3
    diff = year_diff((entry.plan for entry in _entries(2)), 2023, 2024)
    assert diff.as_json() == {"changes": []}


def test_no_report_raises_a_usage_error() -> None:
    for path in (ROOT / "qaplan" / "reports").glob("*.py"):
        raised = [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Raise)]
        assert raised == [], f"{path.name}: options are checked by the command line"


def test_renderers_are_named_in_their_registries() -> None:
    assert set(REPORT_RENDERERS) == {"table", "rich", "markdown", "csv", "json"}
    assert set(FINDING_RENDERERS) == {"text", "json", "github", "gitlab", "sarif"}
    source = (ROOT / "qaplan" / "render" / "__init__.py").read_text(encoding="utf-8")
    assert "import_module" not in source

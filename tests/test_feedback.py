"""Feedback to stakeholders: the declarations, the checks, and `qaplan feedback` in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write

from qaplan.formats.plan import build_activity
from qaplan.reports.feedback import finished_on

CONFIG = """\
schema: qaplan/v1
stakeholders:
  students: {name: Studenter}
  staff: {name: Medarbetare, description: Lärare och handledare}
  partners: {name: Samarbetspartner}
channels:
  web: {name: Webbplatsen}
  council: {name: Programrådet}
units:
  MED: {name: Medicinska fakulteten}
  LAK: {name: Läkarprogrammet, parent: MED}
  HUM: {name: Humaniora}
"""

PLAN = """\
schema: qaplan/v1
plan: {id: lakare, title: Läkarprogrammet, unit: LAK}
criteria:
  - id: C1
    title: Studentinflytande
    goals:
      - id: C1.G1
        title: Användbar feedback
        activities:
          - id: A1
            title: Kursvärderingar
            end: VT2024
            feedback: [students, staff]
            status: {2024: {state: done}}
            communicated:
              - {to: students, channel: web, date: 2024-08-01}
              - {to: staff, channel: council, date: 2024-10-15}
          - id: A2
            title: Programvärdering
            end: 2024
            feedback: [students, staff, partners]
            status: {2024: {state: done}}
            communicated:
              - {to: students, date: 2025-01-20}
              - {to: staff, date: 2025-06-01, note: After the as-of date}
          - id: A3
            title: Alumnenkät
            end: 2025-02-15
            feedback: [partners]
            status: {2024: {state: ongoing}, 2025: {state: done}}
          - id: A4
            title: Unfinished
            end: 2024
            feedback: [students]
            status: {2024: {state: ongoing}}
"""

OTHER_PLAN = """\
schema: qaplan/v1
plan: {id: historia, title: Historia, unit: HUM}
criteria:
  - id: C1
    title: K
    goals:
      - id: C1.G1
        title: G
        activities:
          - id: B1
            title: Undated telling
            end: 2024
            feedback: [students]
            status: {2024: {state: done}}
            communicated:
              - {to: students}
"""

CASE = """\
schema: qaplan/v1
deviation:
  id: AV-2025-001
  title: Broken ventilation
  reported: 2025-01-10
  category: learning-environment-physical
  state: {state}
  unit: LAK
  closing: {{date: 2025-01-20, note: Fixed.}}
  feedback: [students]
"""

AS_OF = "2025-03-15"


@pytest.fixture
def repo_with_loops(repo: Path) -> Path:
    write(repo / "qaplan.yaml", CONFIG)
    write(repo / "plans" / "lakare.yaml", PLAN)
    write(repo / "plans" / "historia.yaml", OTHER_PLAN)
    return repo


def feedback_json(*args: str, code: int = 0) -> dict[str, Any]:
    result = run_cli("feedback", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == code, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def loop(id_: str, finished: str, deadline: str, state: str, days: int,
         told: str | None = None, plan: str = "lakare", unit: str = "LAK",
         title: str = "Programvärdering") -> dict[str, Any]:
    return {"kind": "activity", "plan": plan, "file": f"plans/{plan}.yaml", "id": id_,
            "title": title, "unit": unit, "finished": finished, "deadline": deadline,
            "state": state, "communicated": told, "days": days}


def test_open_late_pending_and_closed_loops_per_stakeholder_and_unit(repo_with_loops: Path) -> None:
    assert feedback_json() == {
        "as_of": AS_OF,
        "days": 60,
        "stakeholders": [
            {"stakeholder": "partners", "name": "Samarbetspartner", "open": 1, "loops": [
                loop("A2", "2024-12-31", "2025-03-01", "open", 14),
                loop("A3", "2025-02-15", "2025-04-16", "pending", 32, title="Alumnenkät"),
            ]},
            {"stakeholder": "staff", "name": "Medarbetare", "open": 1, "loops": [
                # told on 2025-06-01, after the as-of date: not yet told as of it
                loop("A2", "2024-12-31", "2025-03-01", "open", 14),
                loop("A1", "2024-06-30", "2024-08-29", "late", 47, "2024-10-15",
                     title="Kursvärderingar"),
            ]},
        ],
        "units": [
            {"unit": "HUM", "name": "Humaniora", "finished": 1, "open": 0, "pending": 0,
             "late": 0, "closed": 1},
            {"unit": "LAK", "name": "Läkarprogrammet", "finished": 3, "open": 2, "pending": 1,
             "late": 1, "closed": 2},
        ],
        "totals": {"finished": 4, "open": 2, "pending": 1, "late": 1, "closed": 3},
    }


def test_days_sets_the_deadline(repo_with_loops: Path) -> None:
    data = feedback_json("--days", "120")
    states = {(group["stakeholder"], item["id"]): item["state"]
              for group in data["stakeholders"] for item in group["loops"]}
    # A2 finished 2024-12-31: 120 days is 2025-04-30, so the partners' loop is pending.
    assert states == {("partners", "A2"): "pending", ("partners", "A3"): "pending",
                      ("staff", "A2"): "pending"}
    assert data["totals"]["closed"] == 4  # A1's staff, told on day 107, is now in time


def test_fail_on_open_exits_1_only_when_a_loop_is_open(repo_with_loops: Path) -> None:
    result = run_cli("feedback", "--as-of", AS_OF, "--fail-on-open")
    assert result.exit_code == 1
    assert "Open" in result.stdout
    # As of 2025-02-01 the A2 loops are pending and A1's late telling is no failure.
    assert run_cli("feedback", "--as-of", "2025-02-01", "--fail-on-open").exit_code == 0


def test_table_groups_per_stakeholder_then_unit(repo_with_loops: Path) -> None:
    result = run_cli("feedback", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.index("partners – Samarbetspartner") < text.index("staff – Medarbetare")
    assert "LAK – Läkarprogrammet" in text
    assert "Loops per unit" in text
    assert "4 finished items, 7 loops: 3 closed in time, 1 late, 1 pending, 2 open." in text


def test_markdown_and_language(repo_with_loops: Path) -> None:
    result = run_cli("feedback", "--as-of", AS_OF, "--format", "markdown", "--lang", "sv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## Återföring till intressenter per 2025-03-15")
    assert "### staff – Medarbetare" in result.stdout
    assert "#### LAK – Läkarprogrammet" in result.stdout
    assert "| Öppen |" in result.stdout.replace("  ", " ").replace("  ", " ")


def test_csv_is_one_row_per_loop_with_keys(repo_with_loops: Path) -> None:
    result = run_cli("feedback", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    loops_part, units_part = result.stdout.lstrip("\ufeff").replace("\r\n", "\n").split("\n\n")
    rows = list(csv.DictReader(io.StringIO(loops_part)))
    assert [(row["Stakeholder"], row["ID"], row["State"], row["Days"]) for row in rows] == [
        ("partners", "A2", "open", "14"), ("partners", "A3", "pending", "32"),
        ("staff", "A2", "open", "14"), ("staff", "A1", "late", "47"),
    ]
    assert rows[0]["Unit"] == "LAK" and rows[0]["File"] == "plans/lakare.yaml"
    assert next(csv.reader(io.StringIO(units_part))) == [
        "Unit", "Open", "Pending", "Late", "Closed in time"]


def test_unit_takes_the_units_below_it(repo_with_loops: Path) -> None:
    med = feedback_json("--unit", "MED")
    assert [unit["unit"] for unit in med["units"]] == ["LAK"]
    assert med["totals"] == {"finished": 3, "open": 2, "pending": 1, "late": 1, "closed": 2}
    hum = feedback_json("--unit", "HUM")
    assert hum["stakeholders"] == [] and hum["units"][0]["closed"] == 1
    result = run_cli("feedback", "--unit", "MDE")
    assert result.exit_code == 2
    assert "did you mean 'MED'" in result.stderr


def test_closed_deviation_cases_count(repo_with_loops: Path) -> None:
    write(repo_with_loops / "deviations" / "AV-2025-001.yaml", CASE.format(state="closed"))
    data = feedback_json("plans", "deviations", "--as-of", "2025-03-25")
    students = next(g for g in data["stakeholders"] if g["stakeholder"] == "students")
    assert students["loops"] == [{
        "kind": "case", "plan": None, "case": "AV-2025-001", "file": "deviations/AV-2025-001.yaml",
        "id": "AV-2025-001", "title": "Broken ventilation", "unit": "LAK",
        "finished": "2025-01-20", "deadline": "2025-03-21", "state": "open",
        "communicated": None, "days": 4,
    }]
    write(repo_with_loops / "deviations" / "AV-2025-001.yaml", CASE.format(state="in-progress"))
    data = feedback_json("plans", "deviations", "--as-of", "2025-03-25")
    assert "students" not in [g["stakeholder"] for g in data["stakeholders"]]


def test_nothing_finished_says_so(repo: Path) -> None:
    write(repo / "qaplan.yaml", CONFIG)
    write(repo / "plans" / "p.yaml", PLAN.replace("state: done", "state: ongoing"))
    result = run_cli("feedback", "--as-of", AS_OF, "--fail-on-open")
    assert result.exit_code == 0
    assert "No finished work waits for feedback." in result.stdout


# --- when an activity finished ------------------------------------------------------------------


def activity(end: object, **status: str) -> Any:
    return build_activity({"title": "T", "end": end,
                           "status": {int(year[1:]): {"state": state}
                                      for year, state in status.items()}})


@pytest.mark.parametrize(("end", "status", "expected"), [
    ("VT2024", {"y2024": "done"}, date(2024, 6, 30)),  # done in its due year: the due date
    (2025, {"y2024": "done"}, date(2024, 12, 31)),  # done early: the end of that year
    ("VT2023", {"y2023": "ongoing", "y2024": "done"}, date(2024, 12, 31)),  # done late
    (None, {"y2024": "done"}, date(2024, 12, 31)),  # no due date
    (2024, {"y2023": "done", "y2024": "ongoing", "y2025": "done"}, date(2025, 3, 15)),
    (2024, {"y2024": "ongoing"}, None),
    (2024, {"y2024": "cancelled"}, None),
])
def test_finished_on(end: object, status: dict[str, str], expected: date | None) -> None:
    assert finished_on(activity(end, **status), date(2025, 3, 15)) == expected


# --- the checks ---------------------------------------------------------------------------------

CHECKED = """\
schema: qaplan/v1
plan: {id: p, title: P}
criteria:
  - title: K
    goals:
      - title: G
        activities:
          - title: Done
            end: 2024
            feedback: [students, staf]
            status: {2024: {state: done}}
            communicated:
              - {to: students, channel: webb, date: 2024-08-01}
              - {to: studnets, date: 2025-01-01}
              - {to: staff, date: 2026-01-01}
              - {to: students}
          - title: Not done
            end: 2026
            feedback: [students]
            status: {2024: {state: ongoing}}
            communicated:
              - {to: students, date: 2024-03-01}
"""


def validate_lines(*args: str) -> list[str]:
    result = run_cli("validate", "--as-of", "2025-03-01", *args)
    return result.stdout.splitlines()


def test_names_dates_and_finished_work_are_checked(repo: Path) -> None:
    write(repo / "qaplan.yaml", CONFIG)
    write(repo / "plans" / "p.yaml", CHECKED)
    lines = validate_lines("plans/p.yaml")
    assert "plans/p.yaml:10:34: error QP601 stakeholder 'staf' is not declared in qaplan.yaml " \
        "(did you mean 'staff'?)" in lines
    assert "plans/p.yaml:13:41: error QP602 channel 'webb' is not declared in qaplan.yaml " \
        "(did you mean 'web'?)" in lines
    assert any(line.startswith("plans/p.yaml:14:22: error QP601 stakeholder 'studnets'")
               for line in lines)
    assert "plans/p.yaml:15:22: warning QP605 result communicated to 'staff', who is not among " \
        "this activity's `feedback`" in lines
    assert "plans/p.yaml:15:35: error QP603 communication date 2026-01-01 is after today " \
        "(2025-03-01)" in lines
    assert "plans/p.yaml:16:17: warning QP606 communication to 'students' has no date" in lines
    assert "plans/p.yaml:22:17: warning QP604 result communicated to 'students', but the " \
        "activity is not finished" in lines


def test_without_declarations_the_finding_says_where_to_declare(repo: Path) -> None:
    write(repo / "plans" / "p.yaml", CHECKED)
    lines = validate_lines("plans/p.yaml")
    assert "plans/p.yaml:10:24: error QP601 stakeholder 'students' is not declared; no " \
        "stakeholders are declared: add `stakeholders:` to qaplan.yaml" in lines


def test_bad_shapes_are_schema_errors(repo: Path) -> None:
    write(repo / "qaplan.yaml", CONFIG + "channels2: {name: x}\n")
    write(repo / "plans" / "p.yaml", CHECKED.replace("date: 2024-08-01", "date: 1 Aug 2024"))
    result = run_cli("validate", "--as-of", "2025-03-01", ".")
    assert result.exit_code == 1
    assert "plans/p.yaml:13:53: error QP100 date: expected a date such as 2025-02-01" \
        in result.stdout
    assert "qaplan.yaml:13:1: error QP101 unknown key 'channels2' (did you mean 'channels'?)" \
        in result.stdout


def test_a_report_refuses_a_plan_with_a_future_communication(repo: Path) -> None:
    write(repo / "qaplan.yaml", CONFIG)
    write(repo / "plans" / "p.yaml", PLAN.replace("2025-01-20", "2099-01-20"))
    result = run_cli("feedback")
    assert result.exit_code == 2
    assert "QP603" in result.stderr


# --- the shape check and the JSON Schema's models agree on the new fields -----------------------

_ACTIVITY = ("criteria", 0, "goals", 0, "activities", 0)


@pytest.mark.parametrize("fields", [
    {"feedback": ["students"], "communicated": [{"to": "students", "date": "2025-02-01"}]},
    {"feedback": None, "communicated": None},
    {"feedback": "students"},
    {"feedback": ["two words"]},
    {"communicated": [{"channel": "web"}]},
    {"communicated": [{"to": "students", "date": "2025-02-30"}]},
    {"communicated": [{"to": "students", "date": "1 Feb 2025"}]},
    {"communicated": [{"to": "students", "date": 20250201}]},
    {"communicated": [{"to": "students", "when": "2025-02-01"}]},
    {"communicated": [{"to": "students", "note": 3}]},
])
def test_shape_and_model_agree_on_an_activity(fields: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from qaplan import shape
    from qaplan.model import PlanFile

    data = {"schema": "qaplan/v1", "plan": {"id": "p", "title": "P"},
            "criteria": [{"title": "K", "goals": [{"title": "G", "activities": [
                {"title": "A", **fields}]}]}]}
    found = {(tuple(p["loc"]), p["type"]) for p in shape.problems(shape.PLAN, data)}
    try:
        PlanFile.model_validate(data)
        expected: set[tuple[tuple[Any, ...], str]] = set()
    except ValidationError as exc:
        expected = {(tuple(e["loc"]), e["type"]) for e in exc.errors()}
    assert found == expected
    assert all(loc[:len(_ACTIVITY)] == _ACTIVITY for loc, _ in found)


@pytest.mark.parametrize("section", [
    {"stakeholders": {"students": {"name": "Studenter", "description": "Alla"}}},
    {"channels": {"web": {"name": "Webben"}}},
    {"stakeholders": {"students": {"nam": "Studenter"}}},
    {"channels": {"a b": {"name": "x"}}},
    {"channels": ["web"]},
])
def test_shape_and_model_agree_on_the_declarations(section: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from qaplan import shape
    from qaplan.model_config import RepoConfig

    data = {"schema": "qaplan/v1", **section}
    found = {(tuple(p["loc"]), p["type"]) for p in shape.problems(shape.CONFIG, data)}
    try:
        RepoConfig.model_validate(data)
        expected: set[tuple[tuple[Any, ...], str]] = set()
    except ValidationError as exc:
        expected = {(tuple(e["loc"]), e["type"]) for e in exc.errors()}
    assert found == expected

"""Recurring activities (`every: term | year`): the date rules, `overdue` and `status` across a
year boundary, and the checks of `every` and `due`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli, write

from qaplan.formats.plan import build
from qaplan.recurrence import Occurrence, Recurrence, on_day, parse_month_day
from qaplan.values import State

PLAN = """\
schema: qaplan/v1
plan:
  id: prog
  title: Programme
  period: {start: 2025, end: 2027}
owners:
  KA: {name: Kursansvarig}
  PD: {name: Programdirektör}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
          - id: EVAL
            title: Course evaluation every term
            every: term
            start: HT25
            owners: [KA]
%(eval_status)s
          - id: FOLLOW
            title: Programme follow-up every year
            every: year
            due: "03-31"
            owners: [PD]
%(follow_status)s
"""


def plan_file(repo: Path, eval_status: str = "", follow_status: str = "") -> Path:
    return write(repo / "plans/prog.yaml",
                 PLAN % {"eval_status": eval_status, "follow_status": follow_status})


def overdue(as_of: str, *args: str) -> list[dict[str, object]]:
    result = run_cli("overdue", "--as-of", as_of, "--format", "json", "--no-cache", *args)
    assert result.exit_code == 0, result.stderr
    items = {(item["id"], item["due"]): item for owner in json.loads(result.stdout)["owners"]
             for item in owner["activities"]}
    return sorted(items.values(), key=lambda item: str(item["id"]))


# --- the date rules -------------------------------------------------------------------------------


def test_term_occurrences_cross_the_year_boundary() -> None:
    recurrence = Recurrence("term", first=date(2025, 7, 1), last=date(2026, 12, 31))
    assert list(recurrence.between(date(2025, 1, 1), date(2027, 12, 31))) == [
        Occurrence(date(2025, 12, 31), 2025, "HT2025"),
        Occurrence(date(2026, 6, 30), 2026, "VT2026"),
        Occurrence(date(2026, 12, 31), 2026, "HT2026"),
    ]


def test_the_current_term_moves_from_ht25_to_vt26_when_2025_is_done() -> None:
    recurrence = Recurrence("term", first=date(2025, 7, 1))
    assert recurrence.current({}, date(2026, 1, 10)) == Occurrence(date(2025, 12, 31), 2025,
                                                                   "HT2025")
    done_2025 = {2025: State.DONE}
    assert recurrence.current(done_2025, date(2026, 1, 10)) == Occurrence(
        date(2026, 6, 30), 2026, "VT2026")
    # A follow-up written for a year after the as-of year does not count yet.
    assert recurrence.current({2026: State.DONE}, date(2025, 12, 1)).label == "HT2025"
    assert recurrence.current({2026: State.CANCELLED}, date(2026, 2, 1)) is None


def test_yearly_occurrences_fall_on_their_day() -> None:
    recurrence = Recurrence("year", (3, 31), first=date(2025, 1, 1), last=date(2026, 12, 31))
    assert [o.due for o in recurrence.between(date(2020, 1, 1), date(2030, 1, 1))] == [
        date(2025, 3, 31), date(2026, 3, 31)]
    assert recurrence.current({2025: State.DONE, 2026: State.DONE}, date(2026, 12, 1)) is None
    assert recurrence.occurs_in(2026) and not recurrence.occurs_in(2027)


def test_an_unbounded_recurrence_starts_at_its_first_follow_up() -> None:
    recurrence = Recurrence("year")
    assert recurrence.current({}, date(2026, 5, 1)) == Occurrence(date(2026, 12, 31), 2026,
                                                                  "2026")
    assert recurrence.current({2024: State.ONGOING}, date(2026, 5, 1)).label == "2024"


def test_month_day() -> None:
    assert parse_month_day("06-15") == (6, 15)
    assert on_day(2025, 2, 29) == date(2025, 2, 28) and on_day(2024, 2, 29) == date(2024, 2, 29)
    for bad in ("6-15", "13-01", "02-30", "2025-06-15", 615, None):
        with pytest.raises(ValueError):
            parse_month_day(bad)


def test_the_plan_gives_the_recurrence_its_period() -> None:
    plan = build({
        "schema": "qaplan/v1", "plan": {"id": "p", "title": "P", "period": {"start": 2025,
                                                                              "end": 2026}},
        "criteria": [{"title": "C", "goals": [{"title": "G", "activities": [
            {"title": "A", "every": "year", "due": "06-15"},
            {"title": "B", "every": "term", "start": "VT2026", "end": "VT2026"},
        ]}]}],
    })
    yearly, termly = (activity for _, _, activity in plan.activities())
    assert yearly.occurrences(date(2020, 1, 1), date(2030, 1, 1)) == [
        Occurrence(date(2025, 6, 15), 2025, "2025"), Occurrence(date(2026, 6, 15), 2026, "2026")]
    assert [o.label for o in termly.occurrences(date(2020, 1, 1), date(2030, 1, 1))] == ["VT2026"]
    assert not yearly.finished(2026)
    assert termly.current_state(date(2026, 3, 1)) is None


# --- overdue and status ---------------------------------------------------------------------------


def test_overdue_treats_each_term_in_turn_across_the_year_boundary(repo: Path) -> None:
    plan_file(repo)
    # Before HT25 ends it is not overdue (the yearly FOLLOW's 2025-03-31 is); due soon with
    # --within.
    assert [item["id"] for item in overdue("2025-12-01")] == ["FOLLOW"]
    [soon] = [item for item in overdue("2025-12-01", "--within", "30") if item["id"] == "EVAL"]
    assert (soon["due"], soon["days_overdue"]) == ("2025-12-31", -30)
    # HT25 has passed without a follow-up for 2025: overdue.
    [late] = [item for item in overdue("2026-01-10") if item["id"] == "EVAL"]
    assert (late["due"], late["days_overdue"], late["state"]) == ("2025-12-31", 10, None)
    # The 2025 follow-up says done: VT26 is the one due now.
    plan_file(repo, eval_status="            status:\n              2025: {state: done}")
    assert [item["id"] for item in overdue("2026-01-10")] == ["FOLLOW"]
    [vt26] = [item for item in overdue("2026-07-05") if item["id"] == "EVAL"]
    assert (vt26["due"], vt26["days_overdue"]) == ("2026-06-30", 5)


def test_overdue_treats_each_year_in_turn(repo: Path) -> None:
    plan_file(repo, follow_status="            status:\n              2025: {state: done}")
    assert [item["id"] for item in overdue("2026-03-31")] == ["EVAL"]
    [late] = [item for item in overdue("2026-04-02") if item["id"] == "FOLLOW"]
    assert (late["due"], late["days_overdue"]) == ("2026-03-31", 2)
    table = run_cli("overdue", "--as-of", "2026-04-02", "--no-cache")
    assert "2026-03-31 (2026)" in table.stdout and "2025-12-31 (HT2025)" in table.stdout
    # Cancelled: no occurrence is due any more.
    plan_file(repo, follow_status="            status:\n              2026: {state: cancelled}")
    assert [item["id"] for item in overdue("2026-05-01")] == ["EVAL"]


def test_status_counts_a_recurring_activity_by_its_current_occurrence(repo: Path) -> None:
    plan_file(repo,
              eval_status="            status:\n              2025: {state: done}",
              follow_status="            status:\n              2025: {state: done}\n"
                            "              2026: {state: ongoing}")
    result = run_cli("status", "--as-of", "2026-07-05", "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["plans"]
    # EVAL: VT26 is current, with no follow-up for 2026 yet; FOLLOW: 2026's is ongoing.
    assert row["by_state"]["not_started"] == 1 and row["by_state"]["ongoing"] == 1
    assert row["overdue"] == 2  # VT26 (30 June) and FOLLOW's 31 March
    assert row["missing_follow_up"] == 0  # both have a 2025 entry
    result = run_cli("status", "--as-of", "2027-01-10", "--year", "2026", "--format", "json",
                     "--no-cache")
    [row] = json.loads(result.stdout)["plans"]
    assert row["missing_follow_up"] == 1  # EVAL falls due in 2026 and has no entry for it


# --- checks ---------------------------------------------------------------------------------------


def test_validate_checks_every_and_due(repo: Path) -> None:
    write(repo / "plans/p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: P}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - title: Due without every
                    end: 2025
                    due: "06-01"
                  - title: Term with a due day
                    every: term
                    start: 2025
                    due: "06-01"
                  - title: Not a day
                    every: year
                    start: 2025
                    due: "13-01"
                  - title: No start and no period
                    every: year
                  - title: Never due
                    every: year
                    due: "06-15"
                    start: HT2025
                    end: 2025-12-01
                  - title: Fine, and needs no end
                    every: term
                    start: HT2025
        """)
    result = run_cli("validate", "--no-cache", "plans/p.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("plans/p.yaml:10:18: error QP711 due (06-01)") for line in lines)
    assert any(line.startswith("plans/p.yaml:14:18: error QP713") for line in lines)
    assert any(line.startswith("plans/p.yaml:18:18: error QP712 due (13-01)") for line in lines)
    assert any(line.startswith("plans/p.yaml:20:20: warning QP714") for line in lines)
    assert any(line.startswith("plans/p.yaml:22:20: warning QP715") for line in lines)
    assert sum("QP202" in line for line in lines) == 0  # recurring ones need no end


RECURRING_REPORT_PLAN = """\
schema: qaplan/v1
plan:
  id: rec
  title: Recurring
  period: {start: 2024, end: 2028}
owners:
  PD: {name: Programme director}
criteria:
  - title: C
    goals:
      - title: G
        activities:
          - id: A1
            title: Course evaluation every term
            every: term
            start: 2025
            owners: [PD]
            status:
              2025: {state: done, note: Both terms evaluated.}
"""


def test_the_yearly_report_counts_each_years_occurrences(repo: Path) -> None:
    """Done last year does not make this year's terms done: the spring term is overdue."""
    write(repo / "plans/rec.yaml", RECURRING_REPORT_PLAN)
    result = run_cli("report", "--year", "2026", "--as-of", "2026-09-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [unit] = json.loads(result.stdout)["units"]
    assert unit["figures"]["own"]["overdue"] == 1
    assert unit["previous_figures"]["own"]["done"] == 1
    [concern] = unit["questions"]["concerns"]
    assert (concern["id"], concern["due"], concern["reasons"]) == (
        "A1", "2026-06-30", ["overdue", "missing_follow_up"])

"""The year diff at scale: each plan's changes worked out where it is checked and cached, kept
packed, drawn as they are written; cold, warm and uncached runs print the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, write
from test_continues import CLOSED, NEW, OLD
from test_scale import AS_OF, alive, many

from qaplan.formats.plan import Plan, build
from qaplan.reports.diff import year_diff
from qaplan.reports.packed import Packed

__all__ = ["alive", "many"]  # fixtures
FORMATS = ("table", "markdown", "csv", "json", "github", "sarif")
YEARS = ("--from-year", "2024", "--to-year", "2025")


def _diff(*args: str) -> str:
    result = run_cli("diff", *YEARS, "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_cold_warm_and_uncached_year_diffs_print_the_same(many: Path, fmt: str) -> None:
    fresh = _diff("--format", fmt, "--no-cache")
    assert "plan-00059" in fresh
    assert _diff("--format", fmt) == fresh  # checked in the pool, changes cached
    assert _diff("--format", fmt) == fresh  # read back from the cache


def test_a_warm_year_diff_builds_no_plan(many: Path, alive: list[int]) -> None:
    fresh = _diff("--format", "json", "--no-cache")
    assert _diff("--format", "json") == fresh
    alive.clear()
    assert _diff("--format", "json") == fresh
    assert alive == []
    changed = many / "plans" / "p007.yaml"
    text = changed.read_text(encoding="utf-8")
    line = '(2024)"}\n'  # the first activity followed up in 2024 is followed up in 2025 too
    changed.write_text(text.replace(line, line + "              2025: {state: done, note: Klart.}\n",
                                    1), encoding="utf-8")
    again = _diff("--format", "json")
    assert len(alive) == 1  # only the changed plan is checked and built again
    assert again != fresh and again == _diff("--format", "json", "--no-cache")
    before, after = json.loads(fresh)["changes"], json.loads(again)["changes"]
    assert [(c["plan"], c["kind"], c["to"]) for c in after if c not in before] == [
        ("plan-00007", "state_changed", "done")]
    assert [(c["plan"], c["kind"]) for c in before if c not in after] == [
        ("plan-00007", "follow_up_missing")]


def test_a_carried_activity_is_diffed_anew_when_its_earlier_plan_changes(repo: Path) -> None:
    write(repo / "plans/old.yaml", OLD.format(closed=CLOSED))
    write(repo / "plans/new/new.yaml", NEW)
    args = ("diff", "--from-year", "2025", "--to-year", "2026", "--as-of", "2026-11-01",
            "--format", "csv")
    first = run_cli(*args).stdout
    assert run_cli(*args).stdout == first == run_cli(*args, "--no-cache").stdout
    assert "old/A1" not in first and "delayed,done" in first
    write(repo / "plans/old.yaml", OLD.format(closed=CLOSED).replace("state: delayed",
                                                                      "state: ongoing"))
    again = run_cli(*args).stdout  # the new plan's facts were never cached: it reads old/A1 anew
    assert "ongoing,done" in again and again == run_cli(*args, "--no-cache").stdout


def _plan(plan_id: str, activities: dict[str, tuple[str, str | None]]) -> Plan:
    rows = [{"id": key, "title": f"Activity {key}", "end": 2026,
             "status": {2024: {"state": old}, **({2025: {"state": new}} if new else {})}}
            for key, (old, new) in activities.items()]
    return build({"schema": "qaplan/v1", "plan": {"id": plan_id, "title": plan_id},
                  "criteria": [{"id": "C1", "title": "C", "goals": [
                      {"id": "C1.G1", "title": "G", "activities": rows}]}]})


def test_plans_that_share_an_id_are_diffed_together() -> None:
    plans = [_plan("b", {"A10": ("ongoing", "done"), "A2": ("planned", None)}),
             _plan("a", {"A1": ("ongoing", None)}),
             _plan("b", {"A9": ("ongoing", "delayed"), "A2": ("planned", "ongoing")})]
    report = year_diff(plans, 2024, 2025)
    assert [(c.plan, c.id, c.kind) for c in report.changes] == [
        ("a", "A1", "follow_up_missing"),
        ("b", "A2", "state_changed"),  # the second file's A2: kinds keep their order
        ("b", "A2", "follow_up_missing"),
        ("b", "A9", "state_changed"),
        ("b", "A10", "state_changed"),
    ]
    assert report.done == 1 and report.count("follow_up_missing") == 2 and len(report.changes) == 5


def test_packed_rows_read_back_as_a_sequence() -> None:
    groups = [("y", [[3], [4]]), ("x", [[1], [2]]), ("z", []), ("y", [[0]])]
    packed = Packed(iter(groups), lambda key, row: (key, row[0]), lambda row: row[0])
    everything = [("x", 1), ("x", 2), ("y", 0), ("y", 3), ("y", 4)]
    assert list(packed) == everything and len(packed) == 5
    assert [packed[i] for i in range(-5, 5)] == everything * 2
    assert list(packed[1:4]) == everything[1:4] and list(packed[1:4][1:]) == everything[2:4]
    assert list(packed[::2]) == everything[::2] and list(packed[4:1]) == []
    assert packed[2:4][-1] == ("y", 3) and len(packed[2:]) == 3
    with pytest.raises(IndexError):
        packed[5]
    assert list(Packed(iter([]), lambda key, row: row, lambda row: 0)) == []

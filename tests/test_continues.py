"""`continues` links across plan periods: validate checks them (also in a one-file hook), reports
skip closed plans unless --include-closed, and diff reads a carried activity's earlier years."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, write

OLD = """\
schema: qaplan/v1
plan:
  id: old
  title: Old plan 2019–2025
  period: {{start: 2019, end: 2025}}{closed}
owners:
  PD: {{name: Programme director}}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: A1
            title: Carried activity
            start: 2023
            end: 2025
            owners: [PD]
            status:
              2024: {{state: ongoing, note: Begun.}}
              2025: {{state: delayed, note: Waiting for the budget.}}
          - id: A2
            title: Finished activity
            end: 2024
            owners: [PD]
            status:
              2024: {{state: done, note: Done.}}
"""
CLOSED = "\n  closed: 2025-12-31"
NEW = """\
schema: qaplan/v1
plan:
  id: new
  title: New plan 2026–2031
  period: {start: 2026, end: 2031}
owners:
  PD: {name: Programme director}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: A1
            title: Carried activity
            continues: old/A1
            start: 2023
            end: 2027
            owners: [PD]
            status:
              2026: {state: done, note: Finished at last.}
"""


@pytest.fixture
def periods(repo: Path) -> Path:
    """plans/old.yaml (closed) and plans/new/new.yaml, whose A1 continues old/A1."""
    write(repo / "plans/old.yaml", OLD.format(closed=CLOSED))
    write(repo / "plans/new/new.yaml", NEW)
    return repo


def findings(*args: str) -> list[tuple[str, int, int, str]]:
    result = run_cli("validate", *args, "--format", "json")
    data = json.loads(result.stdout)
    return [(f["file"], f["line"], f["column"], f["code"]) for f in data["findings"]]


BROKEN = NEW.replace("          - id: A1\n", """\
          - id: A0
            title: Unknown plan
            continues: olde/A1
            end: 2027
          - id: A00
            title: Unknown activity
            continues: old/A9
            end: 2027
          - id: A000
            title: Own plan
            continues: new/A1
            end: 2027
          - id: A1
""")


def test_validate_finds_each_broken_link_at_its_line(periods: Path) -> None:
    write(periods / "plans/new/new.yaml", BROKEN)
    assert findings() == [
        ("plans/new/new.yaml", 17, 24, "QP701"),
        ("plans/new/new.yaml", 21, 24, "QP702"),
        ("plans/new/new.yaml", 25, 24, "QP704"),
    ]
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "QP701 continues: no plan 'olde' in the repository" in result.stdout
    assert "QP702 continues: plan 'old' (plans/old.yaml) has no activity 'A9'" in result.stdout


def test_a_link_to_an_open_plan_is_an_error(periods: Path) -> None:
    write(periods / "plans/old.yaml", OLD.format(closed=""))
    assert findings() == [("plans/new/new.yaml", 17, 24, "QP703")]
    assert "plan 'old' (plans/old.yaml) is not closed" in run_cli("validate").stdout


def test_sound_links_pass(periods: Path) -> None:
    assert findings() == []


def test_the_one_file_hook_still_finds_a_broken_link(periods: Path) -> None:
    write(periods / "plans/new/new.yaml", BROKEN)
    for _ in range(2):  # cold, then with the ids index warm
        assert findings("plans/new/new.yaml") == [
            ("plans/new/new.yaml", 17, 24, "QP701"),
            ("plans/new/new.yaml", 21, 24, "QP702"),
            ("plans/new/new.yaml", 25, 24, "QP704"),
        ]
    # The old plan reopened: the index sees the change and the hook on the new file says so.
    write(periods / "plans/old.yaml", OLD.format(closed=""))
    assert ("plans/new/new.yaml", 29, 24, "QP703") in findings("plans/new/new.yaml")


def test_a_directory_run_looks_up_plans_outside_it(periods: Path) -> None:
    assert findings("plans/new") == []
    write(periods / "plans/new/new.yaml", NEW.replace("old/A1", "old/A7"))
    assert findings("plans/new") == [("plans/new/new.yaml", 17, 24, "QP702")]


def test_reports_skip_closed_plans_unless_asked(periods: Path) -> None:
    result = run_cli("status", "--as-of", "2026-06-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [p["plan"] for p in json.loads(result.stdout)["plans"]] == ["new"]
    assert "note: skipped 1 closed plan (plan.closed); --include-closed reports them" in result.stderr
    result = run_cli("status", "--as-of", "2026-06-01", "--format", "json", "--include-closed")
    assert [p["plan"] for p in json.loads(result.stdout)["plans"]] == ["new", "old"]
    assert "closed plan" not in result.stderr

    result = run_cli("overdue", "--as-of", "2028-01-15", "--format", "json")
    assert result.exit_code == 0
    plans = {a["plan"] for o in json.loads(result.stdout)["owners"] for a in o["activities"]}
    assert plans == set()  # new/A1 was done in 2026; old/A1 is in a closed plan
    result = run_cli("overdue", "--as-of", "2028-01-15", "--format", "json", "--include-closed")
    plans = {a["plan"] for o in json.loads(result.stdout)["owners"] for a in o["activities"]}
    assert plans == {"old"}


def test_status_reads_a_carried_activitys_state_from_the_closed_plan(periods: Path) -> None:
    write(periods / "plans/new/new.yaml", NEW.replace(
        "            status:\n              2026: {state: done, note: Finished at last.}\n", ""))
    result = run_cli("status", "--as-of", "2026-03-01", "--format", "json")
    row = json.loads(result.stdout)["plans"][0]
    assert row["by_state"]["delayed"] == 1 and row["by_state"]["not_started"] == 0
    assert row["missing_follow_up"] == 0  # 2025's follow-up is in the closed plan
    result = run_cli("overdue", "--as-of", "2028-01-15", "--format", "json")
    [item] = [a for o in json.loads(result.stdout)["owners"] for a in o["activities"]]
    assert (item["plan"], item["id"], item["state"]) == ("new", "A1", "delayed")


def test_the_year_diff_reads_earlier_years_from_the_closed_plan(periods: Path) -> None:
    result = run_cli("diff", "--from-year", "2025", "--to-year", "2026", "--as-of", "2026-11-01",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == [
        {"plan": "new", "id": "A1", "title": "Carried activity", "kind": "state_changed",
         "from": "delayed", "to": "done", "continues": "old/A1"},
    ]  # 2025's follow-up is the closed plan's: not a follow-up added
    result = run_cli("diff", "--rev", "HEAD", "--include-closed")
    assert result.exit_code == 2
    assert "--include-closed belongs to the year diff" in result.stderr


def test_the_yearly_report_reads_last_year_from_the_closed_plan(periods: Path) -> None:
    first = ("          - id: A0\n            title: New work\n            owners: [PD]\n"
             "            status:\n              2026: {state: ongoing, note: Begun.}\n")
    write(periods / "plans/new/new.yaml", NEW.replace("          - id: A1\n", first + "          - id: A1\n"))
    result = run_cli("report", "--year", "2026", "--as-of", "2027-02-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [unit] = json.loads(result.stdout)["units"]
    assert unit["plans"] == ["new"]  # the closed plan is left out, its years are not
    assert unit["previous_figures"]["own"]["by_state"]["delayed"] == 1  # A1's 2025, old plan
    assert [(i["plan"], i["id"]) for i in unit["questions"]["done"]] == [("new", "A1")]


def git(*args: str) -> None:
    subprocess.run(["git", *args], capture_output=True, text=True, check=True)


def test_the_revision_diff_compares_a_carried_activity_with_the_one_it_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{key}_NAME", "Test")
        monkeypatch.setenv(f"{key}_EMAIL", "test@example.org")
    monkeypatch.chdir(tmp_path)
    git("init", "-q")
    write(tmp_path / "plans/old.yaml", OLD.format(closed=""))
    git("add", "-A")
    git("commit", "-q", "--no-gpg-sign", "-m", "the old period")
    result = run_cli("rollover", "plans/old.yaml", "--period", "2026-2031", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.stderr
    new = tmp_path / "plans/old-2026-2031.yaml"
    new.write_text(new.read_text(encoding="utf-8").replace("end: 2025", "end: 2027"),
                   encoding="utf-8")
    result = run_cli("diff", "--rev", "HEAD", "--as-of", "2026-03-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == [
        {"plan": "old-2026-2031", "id": None, "title": "Old plan 2026–2031", "kind": "plan_added",
         "from": None, "to": None},
        {"plan": "old-2026-2031", "id": "A1", "title": "Carried activity", "kind": "due_postponed",
         "from": "2025", "to": "2027", "continues": "old/A1"},
    ]


@pytest.mark.parametrize(("field", "value", "valid"), [
    ("continues", "old/C1.G1.A1", True),
    ("continues", "old-2020_2026/A1", True),
    ("continues", "old", False),
    ("continues", "old/A1/A2", False),
    ("continues", "old/ A1", False),
    ("continues", "/A1", False),
    ("continues", 2024, False),
    ("closed", "2026-12-31", True),
    ("closed", "2026-13-01", False),
    ("closed", "2026", False),
    ("closed", 2026, False),
])
def test_the_shape_and_the_schema_model_agree_on_the_new_fields(
    field: str, value: object, valid: bool
) -> None:
    from pydantic import ValidationError

    from qaplan import shape
    from qaplan.model import PlanFile

    data: dict = {"schema": "qaplan/v1", "plan": {"id": "p", "title": "P"},
                  "criteria": [{"title": "C", "goals": [{"title": "G",
                                                         "activities": [{"title": "A"}]}]}]}
    if field == "closed":
        data["plan"]["closed"] = value
    else:
        data["criteria"][0]["goals"][0]["activities"][0]["continues"] = value
    assert (shape.problems(shape.PLAN, data) == []) is valid
    try:
        PlanFile.model_validate(data)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is valid

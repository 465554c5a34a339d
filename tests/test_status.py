"""`qaplan status`: per plan activities by state, overdue, missing follow-up, % done."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli, write
from report_fixture import ALPHA_FILE, AS_OF, BETA_FILE, BROKEN, build

from qaplan.formats.plan import build_activity
from qaplan.reports.status import EMPTY, STATE_KEYS, Counts, missing_follow_up


@pytest.fixture
def plans(repo: Path) -> Path:
    build(repo)
    return repo


def Activity(**fields: object) -> Any:  # noqa: N802  (reads as the row it builds)
    """An activity from the fields a plan file would hold."""
    return build_activity(fields)


def counts(activities: int, states: tuple[int, int, int, int, int, int], overdue: int,
           missing: int, pct: float | None) -> dict[str, object]:
    return {
        "activities": activities,
        "by_state": dict(zip(STATE_KEYS, states)),
        "overdue": overdue,
        "missing_follow_up": missing,
        "done_pct": pct,
    }


ALPHA = {"plan": "alpha", "file": ALPHA_FILE, "title": "Alpha plan",
         **counts(9, (1, 3, 1, 0, 1, 3), 4, 3, 12.5)}
BETA = {"plan": "beta", "file": BETA_FILE, "title": "Beta plan",
        **counts(4, (0, 0, 1, 2, 0, 1), 2, 1, 25.0)}
EXPECTED = {
    "as_of": "2025-03-01",
    "year": 2024,
    "plans": [ALPHA, BETA],
    "totals": counts(13, (1, 3, 2, 2, 1, 4), 6, 4, 16.7),
}


def status_json(*args: str) -> dict[str, object]:
    result = run_cli("status", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_is_the_contract_shape(plans: Path) -> None:
    assert STATE_KEYS == ("planned", "ongoing", "done", "delayed", "cancelled", "not_started")
    assert status_json() == EXPECTED


def test_year_picks_the_follow_up_year(plans: Path) -> None:
    data = status_json("--year", "2023")
    assert data["year"] == 2023
    # 2023: alpha's A1 and A3 had begun and have no 2023 entry; beta's were written or not begun.
    assert [p["missing_follow_up"] for p in data["plans"]] == [2, 0]  # type: ignore[attr-defined,index]
    assert data["totals"]["missing_follow_up"] == 2  # type: ignore[index]
    assert data["totals"]["by_state"] == EXPECTED["totals"]["by_state"]  # type: ignore[index]


def test_year_after_the_as_of_year_is_a_usage_error(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF, "--year", "2026")
    assert result.exit_code == 2
    assert "--year: 2026 is after the as-of year 2025" in result.stderr


def test_within_lists_overdue_and_due_soon_activities(plans: Path) -> None:
    data = status_json("--within", "121")
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    listed = [(a["plan"], a["id"], a["days_overdue"], a["owners"])  # type: ignore[index]
              for a in data["activities"]]  # type: ignore[attr-defined]
    assert listed == [
        ("beta", "C1.G1.A2", 426, ["PD"]),
        ("alpha", "A9", 244, []),
        ("alpha", "A1", 60, ["PD", "OEK"]),
        ("alpha", "A3", 60, ["OEK"]),
        ("alpha", "A6", 60, ["QX"]),
        ("beta", "C1.G1.A1", 60, ["KA", "SC"]),
        ("alpha", "A7", 0, ["PD"]),
        ("alpha", "A2", -121, ["KA"]),
    ]
    assert data["activities"][-1] == {  # type: ignore[index]
        "plan": "alpha", "file": ALPHA_FILE, "id": "A2", "title": "Spring term due",
        "due": "2025-06-30", "days_overdue": -121, "state": "ongoing", "kind": "activity",
        "owners": ["KA"],
    }


def test_table_for_people(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Status as of 2025-03-01 (follow-up year 2024)"
    assert lines[3].split() == ["Plan", "Activities", "Planned", "Ongoing", "Done", "Delayed",
                                "Cancelled", "Not", "started", "Overdue", "No", "follow-up",
                                "2024", "%", "done"]
    assert lines[5].split() == ["alpha", "9", "1", "3", "1", "0", "1", "3", "4", "3", "12.5", "%"]
    assert lines[7].split() == ["Total", "13", "1", "3", "2", "2", "1", "4", "6", "4", "16.7", "%"]
    assert lines[-1] == "2 plans, 13 activities: 2 done (16.7 %), 6 overdue, 4 without follow-up for 2024."
    assert "\x1b[" not in result.stdout


def test_table_with_within_adds_the_list(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF, "--within", "30")
    lines = result.stdout.splitlines()
    assert "Overdue or due within 30 days" in lines
    web = next(line for line in lines if "Web pages" in line)
    assert web.split() == ["beta", "C1.G1.A2", "Web", "pages", "PD", "2023-12-31", "(2023)", "426",
                           "days", "delayed"]
    assert "Spring term due" not in result.stdout


def test_markdown_bolds_the_totals(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## Status as of 2025-03-01 (follow-up year 2024)\n")
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ")]
    assert rows[0][:3] == ["Plan", "Title", "Activities"]
    assert rows[1] == ["alpha", "Alpha plan", "9", "1", "3", "1", "0", "1", "3", "4", "3", "12.5 %"]
    assert rows[-1] == ["**Total**", "", "**13**", "**1**", "**3**", "**2**", "**2**", "**1**",
                        "**4**", "**6**", "**4**", "**16.7 %**"]
    assert text.rstrip().endswith(
        "**2 plans, 13 activities: 2 done (16.7 %), 6 overdue, 4 without follow-up for 2024.**"
    )


def test_csv_has_numbers_and_a_total_row(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout[1:])))
    assert rows == [
        ["Plan", "File", "Title", "Activities", "Planned", "Ongoing", "Done", "Delayed",
         "Cancelled", "Not started", "Overdue", "No follow-up 2024", "% done"],
        ["alpha", ALPHA_FILE, "Alpha plan", "9", "1", "3", "1", "0", "1", "3", "4", "3", "12.5"],
        ["beta", BETA_FILE, "Beta plan", "4", "0", "0", "1", "2", "0", "1", "2", "1", "25.0"],
        ["Total", "", "", "13", "1", "3", "2", "2", "1", "4", "6", "4", "16.7"],
    ]


def test_csv_with_within_appends_the_list_as_a_second_table(plans: Path) -> None:
    result = run_cli("status", "--as-of", AS_OF, "--format", "csv", "--within", "0")
    rows = list(csv.reader(io.StringIO(result.stdout[1:])))
    assert rows[4] == []
    assert rows[5] == ["Plan", "File", "ID", "Activity", "Owners", "End", "Due", "Days overdue",
                       "State"]
    assert rows[-1] == ["alpha", ALPHA_FILE, "A7", "Due on the as-of date", "PD", "2025-03-01",
                        "2025-03-01", "0", "not started"]
    assert rows[6] == ["beta", BETA_FILE, "C1.G1.A2", "Web pages", "PD", "2023", "2023-12-31",
                       "426", "delayed"]


def test_a_broken_plan_stops_the_report_naming_file_and_line(plans: Path) -> None:
    write(plans / "plans" / "gamma.yaml", BROKEN)
    result = run_cli("status", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "plans/gamma.yaml:12:18: error QP103 end (2023) is before start (2024)" in result.stderr
    assert "qaplan validate plans/gamma.yaml" in result.stderr


def test_skip_invalid_reports_on_the_rest(plans: Path) -> None:
    write(plans / "plans" / "gamma.yaml", BROKEN)
    result = run_cli("status", "--as-of", AS_OF, "--format", "json", "--skip-invalid")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == EXPECTED
    assert "note: skipped 1 invalid file;" in result.stderr


def test_a_missing_path_is_exit_2(plans: Path) -> None:
    result = run_cli("status", "nowhere/")
    assert result.exit_code == 2
    assert "nowhere/: no such file or directory" in result.stderr


def test_the_bundled_example_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("status", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    for plan in ("idi-utdanningskvalitet", "lakarprogrammet", "msc-sustainable-energy", "Total"):
        assert plan in result.stdout
    assert result.stdout.splitlines()[-1].startswith("3 plans, ")


# --- the report functions ---------------------------------------------------------------------


def test_missing_follow_up_needs_an_unfinished_activity_begun_by_the_end_of_the_year() -> None:
    assert missing_follow_up(Activity(title="t", start=2024), 2024)
    assert missing_follow_up(Activity(title="t"), 2024)  # no start: counts as begun
    assert not missing_follow_up(Activity(title="t", start=2025), 2024)
    assert missing_follow_up(Activity(title="t", start="HT24"), 2024)
    assert not missing_follow_up(Activity(title="t", start="2025-01-01"), 2024)
    assert not missing_follow_up(
        Activity(title="t", start=2023, status={2024: {"note": "Nothing new."}}), 2024
    )
    assert not missing_follow_up(
        Activity(title="t", start=2022, status={2023: {"state": "done"}}), 2024
    )
    assert not missing_follow_up(
        Activity(title="t", start=2022, status={2023: {"state": "cancelled"}}), 2024
    )
    assert missing_follow_up(
        Activity(title="t", start=2022, status={2023: {"state": "delayed"}}), 2024
    )


@pytest.mark.parametrize(
    ("done", "activities", "cancelled", "pct"),
    [(1, 8, 0, 12.5), (1, 6, 0, 16.7), (1, 16, 0, 6.3), (2, 3, 1, 100.0), (0, 2, 2, None),
     (0, 0, 0, None)],
)
def test_done_pct_is_done_over_not_cancelled_with_one_decimal(
    done: int, activities: int, cancelled: int, pct: float | None
) -> None:
    by_state = dict(EMPTY.by_state, done=done, cancelled=cancelled)
    assert Counts(activities, by_state, 0, 0).done_pct == pct


def test_status_uses_the_as_of_date_not_today() -> None:
    from qaplan.reports.status import status_report

    report = status_report([], date(2025, 3, 1))
    assert report.year == 2024
    assert report.totals == EMPTY


@pytest.mark.parametrize("command", [
    "qaplan status --as-of 2026-11-23",
    "qaplan overdue --as-of 2026-11-23 --owner PD --owner OEK --within 45",
])
def test_readme_examples_are_real_output(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    assert run_cli(*command.split()[1:]).stdout == shown

"""`qaplan overdue`: unfinished activities past their due date, per owner, in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write
from report_fixture import ALPHA_FILE, AS_OF, BETA_FILE, BROKEN, build, item

from qaplan.formats.plan import build_activity
from qaplan.workspace import load_plans
from qaplan.render import render, use_color
from qaplan.reports.overdue import days_overdue, overdue_report
from qaplan.reports.overdue_view import overdue_view
from qaplan.reports.owners import owner_names


@pytest.fixture
def plans(repo: Path) -> Path:
    build(repo)
    return repo


def Activity(**fields: object) -> Any:  # noqa: N802  (reads as the row it builds)
    """An activity from the fields a plan file would hold."""
    return build_activity(fields)


def overdue_json(*args: str) -> dict[str, object]:
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


A1 = item("alpha", ALPHA_FILE, "A1", "Year due", "2024-12-31", 60, "ongoing")
A2 = item("alpha", ALPHA_FILE, "A2", "Spring term due", "2025-06-30", -121, "ongoing")
A3 = item("alpha", ALPHA_FILE, "A3", "Two-digit autumn term, no follow-up", "2024-12-31", 60, None)
A6 = item("alpha", ALPHA_FILE, "A6", "Note only in the latest year", "2024-12-31", 60, "planned")
A7 = item("alpha", ALPHA_FILE, "A7", "Due on the as-of date", "2025-03-01", 0, None)
A9 = item("alpha", ALPHA_FILE, "A9", "Two-digit spring term, no owner", "2024-06-30", 244, "ongoing")
RUBRIC = item("beta", BETA_FILE, "C1.G1.A1", "Rubric", "2024-12-31", 60, "delayed")
WEB = item("beta", BETA_FILE, "C1.G1.A2", "Web pages", "2023-12-31", 426, "delayed")
SURVEY = item("beta", BETA_FILE, "C1.G1.A3", "Survey", "2025-12-31", -305, None)

EXPECTED = {
    "as_of": "2025-03-01",
    "owners": [
        {"owner": "KA", "name": "Kursansvarig", "activities": [RUBRIC]},
        {"owner": "OEK", "name": "Examination board", "activities": [A1, A3]},
        {"owner": "PD", "name": "Programdirektör", "activities": [WEB, A1]},
        {"owner": "QX", "name": "Alpha QX", "activities": [A6]},
        {"owner": "SC", "name": "Student council", "activities": [RUBRIC]},
        {"owner": None, "name": None, "activities": [A9]},
    ],
}


def test_json_is_the_contract_shape_grouped_per_owner(plans: Path) -> None:
    assert overdue_json() == EXPECTED


def test_within_adds_activities_due_soon_with_negative_days(plans: Path) -> None:
    data = overdue_json("--within", "121")
    owners = {group["owner"]: group["activities"] for group in data["owners"]}  # type: ignore[attr-defined,index]
    assert owners["KA"] == [RUBRIC, A2]
    assert owners["PD"] == [WEB, A1, A7]
    assert overdue_json("--within", "120")["owners"][0]["activities"] == [RUBRIC]  # type: ignore[index]


def test_due_on_the_as_of_date_is_due_soon_not_overdue(plans: Path) -> None:
    listed = [item["id"] for group in overdue_json()["owners"]  # type: ignore[attr-defined]
              for item in group["activities"]]
    assert "A7" not in listed
    pd = overdue_json("--within", "0")["owners"][2]  # type: ignore[index]
    assert pd["owner"] == "PD" and pd["activities"] == [WEB, A1, A7]


def test_owner_filter_is_repeatable(plans: Path) -> None:
    data = overdue_json("--owner", "SC", "--owner", "PD", "--within", "400")
    assert data == {
        "as_of": AS_OF,
        "owners": [
            {"owner": "PD", "name": "Programdirektör", "activities": [WEB, A1, A7]},
            {"owner": "SC", "name": "Student council", "activities": [RUBRIC, SURVEY]},
        ],
    }


def test_unknown_owner_is_a_usage_error(plans: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--owner", "XY")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--owner: no owner 'XY' in the plans or qaplan.yaml" in result.stderr
    assert "known owners: KA, OEK, PD, QX, SC" in result.stderr


def test_fail_on_overdue_exits_1_after_printing(plans: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--fail-on-overdue", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == EXPECTED
    assert run_cli("overdue", "--as-of", AS_OF, "--owner", "KA").exit_code == 0


def test_fail_on_overdue_ignores_activities_only_due_soon(repo: Path) -> None:
    write(repo / "plans" / "p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: P}
        owners: {PD: {name: Programme director}}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - {title: Due today, start: 2025, end: 2025-03-01, owners: [PD]}
        """)
    plain = run_cli("overdue", "--as-of", AS_OF, "--fail-on-overdue")
    assert plain.exit_code == 0
    assert "Nothing overdue as of 2025-03-01." in plain.stdout
    soon = run_cli("overdue", "--as-of", AS_OF, "--within", "7", "--fail-on-overdue")
    assert soon.exit_code == 0
    assert "due today" in soon.stdout
    assert soon.stdout.rstrip().endswith(
        "0 activities overdue and 1 due within 7 days, for 1 owner (1 plan checked)."
    )


def test_table_shows_owners_as_sections_and_a_summary(plans: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--within", "121")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Overdue activities as of 2025-03-01 (and due within 121 days)"
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    for heading in ("KA – Kursansvarig", "OEK – Examination board", "PD – Programdirektör",
                    "QX – Alpha QX", "SC – Student council", "(no owner)"):
        assert heading in lines
    web = next(line for line in lines if "Web pages" in line).split()
    assert web == ["beta", "C1.G1.A2", "Web", "pages", "2023-12-31", "(2023)", "426", "days",
                   "delayed"]
    spring = next(line for line in lines if "Spring term due" in line)
    assert "2025-06-30 (VT2025)" in spring and "in 121 days" in spring
    assert "not started" in next(line for line in lines if "Two-digit autumn" in line)
    assert lines[-1] == (
        "6 activities overdue and 2 due within 121 days, for 5 owners and 1 activity without an "
        "owner (2 plans checked)."
    )


def test_markdown_has_a_heading_per_owner_and_the_summary_in_bold(plans: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## Overdue activities as of 2025-03-01\n")
    assert "### PD – Programdirektör\n" in text
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ")]
    assert ["Plan", "ID", "Activity", "Due", "Overdue", "State"] in rows
    assert ["beta", "C1.G1.A2", "Web pages", "2023-12-31 (2023)", "426 days", "delayed"] in rows
    assert text.rstrip().endswith("**6 activities overdue for 5 owners and 1 activity without an owner "
                                  "(2 plans checked).**")


def test_csv_is_one_flat_table_for_excel(plans: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "csv", "--owner", "PD")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout[1:])))
    assert rows == [
        ["Owner", "Owner name", "Plan", "File", "ID", "Activity", "End", "Due", "Days overdue",
         "State"],
        ["PD", "Programdirektör", "beta", BETA_FILE, "C1.G1.A2", "Web pages", "2023",
         "2023-12-31", "426", "delayed"],
        ["PD", "Programdirektör", "alpha", ALPHA_FILE, "A1", "Year due", "2024", "2024-12-31",
         "60", "ongoing"],
    ]


def test_csv_escapes_formulas(repo: Path) -> None:
    write(repo / "plans" / "p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: P}
        owners: {PD: {name: "=HYPERLINK(\\"http://x\\")"}}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - {title: "@SUM(A1)", end: 2024, owners: [PD]}
        """)
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout[1:])))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][5] == "'@SUM(A1)"


def test_empty_report_in_every_format(repo: Path) -> None:
    build(repo)
    args = ("overdue", "--as-of", "2024-06-01", "--owner", "QX")
    assert json.loads(run_cli(*args, "-f", "json").stdout) == {"as_of": "2024-06-01", "owners": []}
    assert run_cli(*args, "-f", "csv").stdout.splitlines() == [
        "\ufeffOwner,Owner name,Plan,File,ID,Activity,End,Due,Days overdue,State"
    ]
    markdown = run_cli(*args, "-f", "markdown").stdout
    assert "Nothing overdue as of 2024-06-01." in markdown
    table = run_cli(*args).stdout
    assert table.splitlines()[-1] == "0 activities overdue (2 plans checked)."


def test_unknown_format_is_a_usage_error(plans: Path) -> None:
    result = run_cli("overdue", "--format", "xml")
    assert result.exit_code == 2
    assert "--format: 'xml' is not one of table, markdown, csv, json" in result.stderr


def test_a_broken_plan_stops_the_report_naming_file_and_line(plans: Path) -> None:
    write(plans / "plans" / "gamma.yaml", BROKEN)
    result = run_cli("overdue", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "plans/gamma.yaml:12:18: error QP103" in result.stderr
    assert "qaplan validate plans/gamma.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_skip_invalid_reports_on_the_rest_and_says_how_many(plans: Path) -> None:
    write(plans / "plans" / "gamma.yaml", BROKEN)
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "json", "--skip-invalid")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == EXPECTED
    assert "skipped 1 invalid file;" in result.stderr


def test_warnings_never_block(plans: Path) -> None:
    # The fixture has a note-only follow-up (QP201) and an activity without a due date (QP202).
    assert run_cli("validate", "--as-of", AS_OF).exit_code == 0
    assert run_cli("overdue", "--as-of", AS_OF).exit_code == 0


def test_colour_only_on_a_terminal_and_never_with_no_color(
    plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = date(2025, 3, 1)
    results, _notes = load_plans(None, day, False)
    view = overdue_view(overdue_report(results, day, within=121))
    coloured = render(view, "table", color=True)
    red, yellow = "\x1b[31m", "\x1b[33m"
    assert red in coloured and yellow in coloured
    assert red + "1 activity" not in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color() is False
    assert "\x1b[3" not in render(view, "table", color=True)


# --- the report functions ---------------------------------------------------------------------


def test_days_overdue_counts_from_the_resolved_due_date() -> None:
    day = date(2025, 3, 1)
    assert days_overdue(Activity(title="t", end="VT25"), day) == -121
    assert days_overdue(Activity(title="t", end="H2024"), day) == 60
    assert days_overdue(Activity(title="t", end="2025-03-01"), day) == 0
    assert days_overdue(Activity(title="t"), day) is None
    late = Activity(title="t", end=2020, status={2020: {"state": "ongoing"},
                                                  2021: {"state": "done"}})
    assert days_overdue(late, day) is None
    # Finished is judged as of the as-of year: done in 2021 was still overdue during 2021.
    assert days_overdue(late, date(2020, 12, 31)) == 0
    assert days_overdue(late, date(2021, 1, 1)) is None
    reopened = Activity(title="t", end=2020, status={2020: {"state": "done"},
                                                      2021: {"state": "ongoing"}})
    assert days_overdue(reopened, date(2021, 1, 2)) == 2


def test_owner_names_prefer_the_repository_file_then_the_first_plan(plans: Path) -> None:
    results, _notes = load_plans(None, date(2025, 3, 1), False)
    assert owner_names(results) == {
        "PD": "Programdirektör",
        "KA": "Kursansvarig",
        "OEK": "Examination board",
        "QX": "Alpha QX",
        "SC": "Student council",
    }
    assert owner_names(reversed(results))["QX"] == "Alpha QX"


def test_an_activity_with_several_owners_is_listed_under_each_but_counted_once(plans: Path) -> None:
    day = date(2025, 3, 1)
    results, _notes = load_plans(None, day, False)
    report = overdue_report(results, day)
    listed = [(group.owner, item.id) for group in report.groups for item in group.items]
    assert ("OEK", "A1") in listed and ("PD", "A1") in listed
    assert report.overdue_count == 6
    assert report.soon_count == 0

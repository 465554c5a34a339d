"""`qaplan overdue` lists deviation measures past their deadline beside plan activities, per
owner, each marked with its case id."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from register_fixture import AS_OF, build


@pytest.fixture
def register(repo: Path) -> Path:
    return build(repo)


def overdue_json(*args: str, as_of: str = AS_OF) -> dict[str, Any]:
    result = run_cli("overdue", "--as-of", as_of, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def listed(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(group["owner"], item["kind"], item.get("case"), item["plan"], item["id"],
             item["days_overdue"])
            for group in data["owners"] for item in group["activities"]]


def test_measures_are_listed_per_owner_beside_activities(register: Path) -> None:
    assert listed(overdue_json()) == [
        ("GA", "measure", "AV-2024-007", None, "M1", 124),
        ("GA", "measure", "AV-2025-006", None, "M1", 31),  # done only after the as-of date
        ("PD", "measure", "AV-2025-002", None, "M1", 124),
        ("PD", "activity", None, "lak", "C1.G1.A1", 32),
    ]


def test_a_measure_item_keeps_every_key_of_an_activity_and_adds_its_case(register: Path) -> None:
    items = {item["id"]: item for group in overdue_json()["owners"] if group["owner"] == "PD"
             for item in group["activities"]}
    assert items["M1"] == {
        "plan": None, "file": "deviations/2025/AV-2025-002.yaml", "id": "M1",
        "title": "Talk with the supervisors", "due": "2025-06-30", "days_overdue": 124,
        "state": "accepted", "kind": "measure", "case": "AV-2025-002",
    }
    assert "case" not in items["C1.G1.A1"]
    assert items["C1.G1.A1"]["kind"] == "activity"


def test_within_adds_measures_due_soon(register: Path) -> None:
    data = overdue_json("--within", "60", "--owner", "KA")
    assert listed(data) == [("KA", "measure", "AV-2025-002", None, "M2", -60)]
    assert data["owners"][0]["activities"][0]["state"] == "proposed"


def test_measures_of_closed_and_rejected_cases_are_not_listed(register: Path) -> None:
    # By 2025-12-01 AV-2025-006 is closed; its measure is no longer overdue.
    assert [row[2] for row in listed(overdue_json(as_of="2025-12-01"))] == [
        "AV-2024-007", "AV-2025-002", None]


def test_fail_on_overdue_counts_measures_in_a_register_without_plans(register: Path) -> None:
    shutil.rmtree(register / "plans")
    result = run_cli("overdue", "--as-of", AS_OF, "--fail-on-overdue")
    assert result.exit_code == 1
    assert result.stdout.rstrip().endswith(
        "3 measures overdue for 2 owners (8 cases checked).")
    clean = run_cli("overdue", "--as-of", "2025-01-01", "--fail-on-overdue")
    assert clean.exit_code == 0, clean.stdout


def test_a_plan_repository_without_cases_is_unchanged(register: Path) -> None:
    shutil.rmtree(register / "deviations")
    result = run_cli("overdue", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Overdue activities as of 2025-11-01\n")
    assert "Plan / case" not in result.stdout
    assert result.stdout.rstrip().endswith("1 activity overdue for 1 owner (1 plan checked).")


def test_the_table_marks_measures_with_their_case(register: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--owner", "pd")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Overdue activities and measures as of 2025-11-01"
    assert any(line.startswith("AV-2025-002") and "Talk with the supervisors" in line
               for line in lines)
    assert "Plan / case" in result.stdout and "Activity / measure" in result.stdout
    assert lines[-1] == ("1 activity and 1 measure overdue for 1 owner "
                         "(1 plan and 8 cases checked).")


def test_csv_has_the_kind_of_each_row(register: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0][:6] == ["Owner", "Owner name", "Plan / case", "Kind", "File", "ID"]
    assert rows[1][:6] == ["GA", "Grundnivåansvarig", "AV-2024-007", "measure",
                           "deviations/2024/AV-2024-007.yaml", "M1"]
    assert rows[-1][2:4] == ["lak", "activity"]


def test_owner_names_a_measure_owner(register: Path) -> None:
    data = overdue_json("--owner", "GA")
    assert [group["owner"] for group in data["owners"]] == ["GA"]
    assert len(data["owners"][0]["activities"]) == 2

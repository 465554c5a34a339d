"""`qaplan coverage`: catalogue items with the work that covers them, and per unit the items no
active work covers, in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write

AS_OF = "2026-03-01"


def plan(repo: Path, name: str, unit: str | None, criteria: str) -> None:
    unit_line = f"\n  unit: {unit}" if unit else ""
    write(repo / f"plans/{name}.yaml",
          f"schema: qaplan/v1\nplan:\n  id: {name}\n  title: {name}{unit_line}\ncriteria:\n"
          + criteria)


@pytest.fixture
def units(repo: Path) -> Path:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        units:
          UNI: {name: University}
          MED: {name: Medicine, parent: UNI}
          LP: {name: Medical programme, parent: MED}
          TP: {name: Nursing programme, parent: MED}
          ENG: {name: Engineering, parent: UNI}
          IDLE: {name: No plans, parent: UNI}
        """)
    plan(repo, "lp", "LP", """\
  - id: C1
    title: Learning
    covers: [esg:1.3]
    goals:
      - id: G1
        title: Feedback
        activities:
          - {id: A1, title: Open work, end: 2026}
      - id: G2
        title: Reviews
        covers: [esg:1.9]
        activities:
          - {id: A2, title: Done long ago, end: 2023, status: {2023: {state: done}}}
""")
    plan(repo, "tp", "TP", """\
  - id: C1
    title: Reviews
    goals:
      - id: G1
        title: Programme review
        covers: [esg:1.9]
        activities:
          - {id: A1, title: Done last year, end: 2025, status: {2025: {state: done}}}
""")
    plan(repo, "eng", "ENG", """\
  - id: C1
    title: Policy
    covers: [esg:1.1]
    goals:
      - id: G1
        title: Write the policy
        activities:
          - {id: A1, title: Cancelled, end: 2026, status: {2025: {state: cancelled}}}
""")
    plan(repo, "free", None, """\
  - id: C1
    title: Programmes
    covers: [esg:1.2]
    goals:
      - id: G1
        title: Approval
        activities:
          - {id: A1, title: Recurring approval round, every: year, start: 2025}
""")
    return repo


def coverage(*args: str) -> dict[str, Any]:
    result = run_cli("coverage", "--as-of", AS_OF, "--format", "json", "--no-cache", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def items(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [esg] = data["catalogues"]
    return {item["id"]: item for item in esg["items"]}


def uncovered(data: dict[str, Any]) -> dict[str | None, list[str]]:
    return {unit["unit"]: [item["id"] for item in unit["uncovered"]] for unit in data["units"]}


ALL = [f"1.{n}" for n in range(1, 11)]


def but(*ids: str) -> list[str]:
    return [item for item in ALL if item not in ids]


def test_every_item_with_the_work_that_covers_it(units: Path) -> None:
    data = coverage()
    assert [c["name"] for c in data["catalogues"]] == ["esg"]  # the catalogues the plans name
    esg = items(data)
    assert len(esg) == 10 and esg["1.1"]["title"] == "Policy for quality assurance"
    learning = [(c["plan"], c["kind"], c["id"], c["active"]) for c in esg["1.3"]["covered_by"]]
    # The criterion's covers count for both goals and their activities.
    assert learning == [("lp", "goal", "G1", True), ("lp", "activity", "A1", True),
                        ("lp", "goal", "G2", False), ("lp", "activity", "A2", False)]
    reviews = [(c["plan"], c["id"], c["active"]) for c in esg["1.9"]["covered_by"]]
    assert reviews == [("lp", "G2", False), ("lp", "A2", False),
                       ("tp", "G1", True), ("tp", "A1", True)]
    assert esg["1.9"]["covered"] and esg["1.3"]["covered"] and esg["1.2"]["covered"]
    assert not esg["1.1"]["covered"]  # only cancelled work covers it
    assert esg["1.5"]["covered_by"] == []


def test_items_no_active_work_covers_per_unit(units: Path) -> None:
    data = coverage()
    gaps = uncovered(data)
    # MED has no plans of its own but two children with plans: listed; IDLE has none.
    assert list(gaps) == ["UNI", "ENG", "MED", "LP", "TP", None]
    assert gaps["LP"] == but("1.3")  # LP's 1.9 work was done in 2023: no longer active
    assert gaps["TP"] == but("1.9")  # done in 2025: active for a year
    assert gaps["MED"] == but("1.3", "1.9")
    assert gaps["UNI"] == but("1.3", "1.9")
    assert gaps["ENG"] == ALL
    assert gaps[None] == but("1.2")
    assert {u["unit"]: u["plans"] for u in data["units"]} == {
        "UNI": 3, "ENG": 1, "MED": 2, "LP": 1, "TP": 1, None: 1}


def test_a_year_later_the_done_work_no_longer_counts(units: Path) -> None:
    result = run_cli("coverage", "--as-of", "2027-03-01", "--format", "json", "--no-cache",
                     "--unit", "TP")
    assert uncovered(json.loads(result.stdout)) == {"TP": ALL}


def test_one_unit_and_the_units_below_it(units: Path) -> None:
    data = coverage("--unit", "MED")
    assert data["unit"] == "MED" and data["plans"] == 2
    assert list(uncovered(data)) == ["MED", "LP", "TP"]
    assert {c["plan"] for item in items(data).values() for c in item["covered_by"]} == {"lp", "tp"}
    assert list(uncovered(coverage("--unit", "LP"))) == ["LP"]


def test_named_catalogues(units: Path) -> None:
    data = coverage("--catalogue", "uka", "--catalogue", "esg")
    assert [c["name"] for c in data["catalogues"]] == ["uka", "esg"]
    assert all(item["covered_by"] == [] for item in data["catalogues"][0]["items"])


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "MDE"], "--unit: no unit 'MDE' (did you mean 'MED'?)"),
    (["--catalogue", "esk"], "--catalogue: no catalogue 'esk' (did you mean 'esg'?)"),
    (["--format", "html"], "--format: 'html' is not one of"),
])
def test_bad_options(units: Path, args: list[str], message: str) -> None:
    result = run_cli("coverage", "--no-cache", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_table_markdown_and_csv(units: Path) -> None:
    table = run_cli("coverage", "--as-of", AS_OF, "--no-cache", "--unit", "MED")
    assert table.exit_code == 0
    assert "Coverage of criteria catalogues as of 2026-03-01 (unit MED)" in table.stdout
    assert "Not covered by active work, per unit" in table.stdout
    assert "lp: G1, G2" in table.stdout
    assert "Covered by active work: esg: 2 of 10 items (2 plans)." in table.stdout
    markdown = run_cli("coverage", "--as-of", AS_OF, "--no-cache", "-f", "markdown", "--lang", "sv")
    assert "## Täckning av kriteriekataloger per 2026-03-01" in markdown.stdout
    assert "#### MED – Medicine (2 plans)" in markdown.stdout
    rows = list(csv.reader(io.StringIO(run_cli("coverage", "--as-of", AS_OF, "--no-cache",
                                               "-f", "csv").stdout.lstrip("\ufeff"))))
    assert rows[0] == ["Catalogue", "Item", "Title", "Goals", "Activities", "Active",
                       "Covered by"]
    assert ["esg", "1.3", "Student-centred learning, teaching and assessment", "2", "2", "1",
            "lp: G1, G2"] in rows
    assert ["LP", "esg", "1.1", "Policy for quality assurance"] in rows


def test_nothing_to_show(repo: Path) -> None:
    plan(repo, "bare", None, "  - {id: C1, title: Nothing covered}\n")
    result = run_cli("coverage", "--no-cache")
    assert result.exit_code == 0
    assert "no plan covers a catalogue item; name one with --catalogue" in result.stdout

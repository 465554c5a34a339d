"""The activity field `help_needed` in the Excel table: export writes it, import reads it back,
--into writes it into the plan, and a table without the column still imports."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import run_cli, write
from openpyxl import load_workbook
from workbooks import edit_cells, find_row

PLAN = """\
schema: qaplan/v1
plan: {id: prog, title: Programmet, language: sv}
owners:
  PD: {name: Programdirektör}
criteria:
  - id: C1
    title: Kriterium
    goals:
      - id: C1.G1
        title: Mål
        activities:
          - id: C1.G1.A1
            title: Med hjälpbehov
            end: 2026
            owners: [PD]
            help_needed: Stöd från fakulteten.
          - id: C1.G1.A2
            title: Utan hjälpbehov
            end: 2026
"""


def _activities(path: Path) -> dict[str, dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {a["id"]: a for c in data["criteria"] for g in c["goals"] for a in g["activities"]}


def test_export_writes_the_column_and_import_reads_it_back(repo: Path) -> None:
    write(repo / "plans" / "prog.yaml", PLAN)
    assert run_cli("export", "-o", "prog.xlsx", "--year", "2025", "--as-of",
                   "2026-02-01").exit_code == 0
    sheet = load_workbook(repo / "prog.xlsx")["prog"]
    assert sheet["M3"].value == "Behöver hjälp med"
    assert sheet.cell(find_row(repo / "prog.xlsx", "prog", 12, "C1.G1.A1"), 13).value == (
        "Stöd från fakulteten.")
    result = run_cli("import", "prog.xlsx", "-o", "back.yaml", "--plan-id", "back")
    assert result.exit_code == 0, result.stderr
    back = _activities(repo / "back.yaml")
    assert back["C1.G1.A1"]["help_needed"] == "Stöd från fakulteten."
    assert "help_needed" not in back["C1.G1.A2"]
    assert run_cli("validate", "back.yaml").exit_code == 0


def test_into_writes_help_needed_into_the_plan(repo: Path) -> None:
    plan = write(repo / "plans" / "prog.yaml", PLAN)
    assert run_cli("export", "-o", "prog.xlsx", "--year", "2025", "--as-of",
                   "2026-02-01").exit_code == 0
    row = find_row(repo / "prog.xlsx", "prog", 12, "C1.G1.A2")
    edit_cells(repo / "prog.xlsx", {f"M{row}": "Fler lärare i kursen."})
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml")
    assert result.exit_code == 0, result.stderr
    assert "C1.G1.A2: help_needed (none) -> 'Fler lärare i kursen.'" in result.stdout
    merged = _activities(plan)
    assert merged["C1.G1.A2"]["help_needed"] == "Fler lärare i kursen."
    assert merged["C1.G1.A1"]["help_needed"] == "Stöd från fakulteten."  # unchanged
    assert run_cli("validate", "plans/prog.yaml").exit_code == 0


def test_a_table_without_the_column_imports_and_keeps_the_plans_help(repo: Path) -> None:
    plan = write(repo / "plans" / "prog.yaml", PLAN)
    assert run_cli("export", "-o", "prog.xlsx", "--year", "2025").exit_code == 0
    workbook = load_workbook(repo / "prog.xlsx")
    workbook["prog"].delete_cols(13)  # a table from before the column existed
    workbook.save(repo / "prog.xlsx")
    fresh = run_cli("import", "prog.xlsx", "-o", "fresh.yaml")
    assert fresh.exit_code == 0, fresh.stderr
    assert all("help_needed" not in a for a in _activities(repo / "fresh.yaml").values())
    merged = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml")
    assert merged.exit_code == 0, merged.stderr
    assert _activities(plan)["C1.G1.A1"]["help_needed"] == "Stöd från fakulteten."

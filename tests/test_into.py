"""qaplan import --into: merge a filled-in table into a plan in git, keeping the file as it was."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from conftest import run_cli, write
from workbooks import edit_cells, find_row

PLAN = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
# Kvalitetsplan för programmet. Redigeras av kvalitetssamordnaren.
schema: qaplan/v1
plan:
  id: prog            # do not rename: CI depends on it
  title: Programmet – kvalitetsplan
  language: sv
owners:
  PD: {name: Programdirektör}   # the director
  KA: {name: Kursansvarig}
criteria:
  # --- first criterion ---
  - id: C1
    title: Studieresultaten motsvarar lärandemål.
    goals:
      - id: C1.G1
        title: Användbar återkoppling
        activities:
          - id: C1.G1.A1
            title: Analysera återkopplingen   # from the 2022 review
            start: 2022
            end: 2024
            owners: [PD]
            status:
              2023: {state: ongoing, note: Samlas in.}   # checked in March
          - title: Följ upp användningen
            end: VT25
            owners: [KA]
  - id: C2
    title: Lärandet i fokus.
    goals:
      - id: C2.G1
        title: Eget ansvar
        activities:
          # this one is kept even if the table loses it
          - id: C2.G1.A1
            title: Utveckla progression
            start: 2021
            end: 2024
            owners: [PD, KA]
            status:
              2023:
                state: delayed
                note: Inget nytt.
# end of plan
"""


def _comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def _export(repo: Path) -> Path:
    result = run_cli("export", "plans/prog.yaml", "-o", "prog.xlsx", "--year", "2024", "--as-of",
                     "2025-02-01")
    assert result.exit_code == 0, result.stderr
    return repo / "prog.xlsx"


def test_merge_keeps_comments_order_and_untouched_lines(repo: Path) -> None:
    plan = write(repo / "plans/prog.yaml", PLAN)
    table = _export(repo)
    row_a1 = find_row(table, "prog", 12, "C1.G1.A1")
    row_a2 = find_row(table, "prog", 12, "C1.G1.A2")
    row_c2 = find_row(table, "prog", 12, "C2.G1.A1")
    edit_cells(table, {
        f"G{row_a1}": "Rutin på plats.", f"H{row_a1}": "klar",      # this year's status
        f"E{row_a2}": "HT25", f"F{row_a2}": "KA, PD",              # new due date and owners
        f"C{row_a2}": "Följ upp användningen i alla kurser",       # edited title
    }, delete_rows=[row_c2])                                        # a row removed from the table
    edit_cells(table, {}, append=[[None, "Användbar återkoppling", "Ny aktivitet från mötet",
                                   2025, 2026, "PD + Arbetsgrupp", "Planeras.", "planerad"]])
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml", "--as-of", "2025-02-01")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "C1.G1.A1: status 2024 (none) -> done, 'Rutin på plats.'" in out
    assert "C1.G1.A2: end VT25 -> HT25" in out
    assert "C1.G1.A2: owners [KA] -> [KA, PD]" in out
    assert "C1.G1.A2: title 'Följ upp användningen' -> 'Följ upp användningen i alla kurser'" in out
    assert "C1.G1.A3: added 'Ny aktivitet från mötet'" in out
    assert "owners: added ARBETSGRUPP (Arbetsgrupp)" in out
    assert "not in the table (kept): C2.G1.A1 'Utveckla progression'" in out
    assert "wrote plans/prog.yaml" in out

    after = plan.read_text(encoding="utf-8")
    assert _comments(after) == _comments(PLAN)  # every comment, in place and in order
    assert "Utveckla progression" in after  # never deleted
    removed = [line for line in difflib.ndiff(PLAN.splitlines(), after.splitlines())
               if line.startswith("- ")]
    assert removed == [
        "-           - title: Följ upp användningen",
        "-             end: VT25",
        "-             owners: [KA]",
    ]
    assert "              2024: {state: done, note: Rutin på plats.}" in after
    assert "            end: HT25\n            owners: [KA, PD]" in after
    assert after.index("  ARBETSGRUPP: {name: Arbetsgrupp}") < after.index("criteria:")
    new_entry = after[after.index("          - id: C1.G1.A3"):]
    assert new_entry.startswith(
        "          - id: C1.G1.A3\n            title: Ny aktivitet från mötet\n"
        "            start: 2025\n            end: 2026\n            owners: [PD, ARBETSGRUPP]\n"
        "            status:\n              2024: {state: planned, note: Planeras.}\n")
    check = run_cli("validate", "plans/prog.yaml", "--as-of", "2025-02-01")
    assert check.exit_code == 0, check.stdout


def test_dry_run_writes_nothing(repo: Path) -> None:
    plan = write(repo / "plans/prog.yaml", PLAN)
    table = _export(repo)
    row = find_row(table, "prog", 12, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Klart.", f"H{row}": "klar"})
    before = plan.read_bytes()
    stamp = os.stat(plan).st_mtime_ns
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "C1.G1.A1: status 2024 (none) -> done, 'Klart.'" in result.stdout
    assert "dry run: nothing written" in result.stdout
    assert plan.read_bytes() == before and os.stat(plan).st_mtime_ns == stamp
    assert sorted(p.name for p in plan.parent.iterdir()) == ["prog.yaml"]  # no temporary file


def test_unchanged_table_changes_nothing(repo: Path) -> None:
    plan = write(repo / "plans/prog.yaml", PLAN)
    _export(repo)
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml")
    assert result.exit_code == 0, result.stderr
    assert "  no changes" in result.stdout
    assert plan.read_text(encoding="utf-8") == PLAN


def test_note_only_update_keeps_the_years_state(repo: Path) -> None:
    plan = write(repo / "plans/prog.yaml", PLAN)
    result = run_cli("export", "plans/prog.yaml", "-o", "prog.xlsx", "--year", "2023",
                     "--as-of", "2025-02-01")
    assert result.exit_code == 0
    row = find_row(repo / "prog.xlsx", "prog", 12, "C2.G1.A1")
    edit_cells(repo / "prog.xlsx", {f"G{row}": "Arbete påbörjat HT23.", f"H{row}": None})
    merged = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml")
    assert merged.exit_code == 0, merged.stderr
    assert "C2.G1.A1: status 2023 delayed, 'Inget nytt.' -> delayed, 'Arbete påbörjat HT23.'" \
        in merged.stdout
    text = plan.read_text(encoding="utf-8")
    assert "              2023:\n                state: delayed\n" \
           "                note: Arbete påbörjat HT23.\n" in text


def test_into_a_plan_with_errors_is_refused(repo: Path) -> None:
    write(repo / "plans/prog.yaml", PLAN)
    _export(repo)
    write(repo / "plans/prog.yaml", PLAN.replace("state: delayed", "state: klart"))
    before = (repo / "plans/prog.yaml").read_bytes()
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml")
    assert result.exit_code == 2
    assert "plans/prog.yaml" in result.stderr and "qaplan validate" in result.stderr
    assert (repo / "plans/prog.yaml").read_bytes() == before


def test_into_without_ids_matches_by_title_and_adds_the_modeline(repo: Path) -> None:
    text = PLAN.split("\n", 1)[1]  # no modeline
    plan = write(repo / "plans/prog.yaml", text)
    from workbooks import SV_HEADER, seed_workbook

    seed_workbook(repo / "filled.xlsx", header=[*SV_HEADER[:6], "Status 2024"], rows=[
        ["Studieresultaten motsvarar lärandemål.", "Användbar återkoppling",
         "Analysera återkopplingen", 2022, 2024, "PD", "Klart och utvärderat."],
    ], merge_first_criterion=False)
    result = run_cli("import", "filled.xlsx", "--into", "plans/prog.yaml", "--guess-state",
                     "--sheet", "Kvalitetsplan")  # a hand-made table: no sheet is named after the plan
    assert result.exit_code == 0, result.stderr
    assert "C1.G1.A1: status 2024 (none) -> done, 'Klart och utvärderat.'" in result.stdout
    assert "added the yaml-language-server modeline" in result.stdout
    assert "not in the table (kept): C1.G1.A2 'Följ upp användningen'" in result.stdout
    after = plan.read_text(encoding="utf-8")
    assert after.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert after.count("\n") == text.count("\n") + 2

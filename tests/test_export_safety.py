"""qaplan export: never replaces a workbook unasked, and shows last year's status read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import ROOT, run_cli, write
from openpyxl import load_workbook
from workbooks import edit_cells, find_row, libreoffice_convert

from qaplan.loader import compose


def bundled(repo: Path) -> None:
    shutil.copytree(ROOT / "plans", repo / "plans", dirs_exist_ok=True)
    shutil.copytree(ROOT / "schemas", repo / "schemas")


def statuses(path: Path) -> dict[str, object]:
    """Activity id -> its whole status mapping, as qaplan reads the file."""
    data = compose(path.read_text(encoding="utf-8"), path.name).data
    return {a["id"]: a.get("status") for c in data["criteria"] for g in c.get("goals", [])
            for a in g.get("activities", [])}


# --- 12.3: -o never replaces a workbook without --force -----------------------------------------

def test_export_refuses_to_replace_a_workbook_without_force(repo: Path) -> None:
    bundled(repo)
    filled = repo / "kp.xlsx"
    filled.write_bytes(b"a table that came back filled in")
    result = run_cli("export", "-o", "kp.xlsx", "--year", "2024")
    assert result.exit_code == 2
    assert result.stderr == ("qaplan: error: kp.xlsx exists; replace it with --force, or choose "
                             "another file\n")
    assert result.stdout == ""
    assert filled.read_bytes() == b"a table that came back filled in"
    forced = run_cli("export", "-o", "kp.xlsx", "--year", "2024", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert forced.stdout == "wrote kp.xlsx: 3 plans, 27 activities\n"
    assert load_workbook(filled).sheetnames[:1] == ["idi-utdanningskvalitet"]


def test_export_refuses_a_symlink_or_directory_in_the_way(repo: Path) -> None:
    bundled(repo)
    (repo / "elsewhere.xlsx").write_bytes(b"keep me")
    (repo / "link.xlsx").symlink_to(repo / "elsewhere.xlsx")
    result = run_cli("export", "-o", "link.xlsx")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (repo / "elsewhere.xlsx").read_bytes() == b"keep me"
    (repo / "dir.xlsx").mkdir()
    folder = run_cli("export", "-o", "dir.xlsx", "--force")
    assert folder.exit_code == 2 and "dir.xlsx: is a directory" in folder.stderr


# --- 12.19: last year's status beside this year's, read-only, never imported ------------------

def test_previous_year_is_shown_read_only_beside_the_year_filled_in(repo: Path) -> None:
    bundled(repo)
    assert run_cli("export", "-o", "kp.xlsx", "--year", "2024").exit_code == 0
    workbook = load_workbook(repo / "kp.xlsx")
    sheet = workbook["lakarprogrammet"]
    header = [cell.value for cell in sheet[3]]
    assert header[6:9] == ["Status/uppföljning 2024", "Läge",
                           "Status/uppföljning 2023 (föregående år, skrivskyddad)"]
    row = find_row(repo / "kp.xlsx", "lakarprogrammet", 12, "C1.G1.A1")
    assert sheet.cell(row, 7).value == "Rutin på plats."
    assert sheet.cell(row, 9).value == ("pågår: Feedback samlas in systematiskt. Ska arbeta "
                                        "vidare med mervärde för studenter och kliniker.")
    assert sheet.cell(row, 9).fill.fgColor.rgb.endswith("EDEDED")
    assert sheet.cell(row, 9).font.italic
    locked = [v for v in sheet.data_validations.dataValidation if v.type == "textLength"]
    assert len(locked) == 1 and str(locked[0].sqref).startswith("I4:I")
    assert locked[0].showErrorMessage and "Status/uppföljning 2024" in locked[0].error
    english = workbook["msc-sustainable-energy"]
    assert english["I3"].value == "Status 2023 (previous year, read only)"
    assert workbook["idi-utdanningskvalitet"]["I3"].value == (
        "Status/oppfølging 2023 (forrige år, skrivebeskyttet)")


def test_import_ignores_the_previous_year_column_even_when_edited(repo: Path) -> None:
    bundled(repo)
    assert run_cli("export", "-o", "kp.xlsx", "--year", "2024").exit_code == 0
    row = find_row(repo / "kp.xlsx", "lakarprogrammet", 12, "C1.G1.A1")
    edit_cells(repo / "kp.xlsx", {f"I{row}": "klar: rewritten history"}, sheet="lakarprogrammet")
    back = run_cli("import", "kp.xlsx", "--sheet", "lakarprogrammet", "-o", "back/lp.yaml")
    assert back.exit_code == 0, back.stderr
    assert "2023" not in back.stderr.split("status year")[1]
    original = statuses(repo / "plans/lakarprogrammet.yaml")
    imported = statuses(repo / "back/lp.yaml")
    assert imported == {key: ({2024: value[2024]} if value and 2024 in value else None)
                        for key, value in original.items()}
    before = (repo / "plans/lakarprogrammet.yaml").read_bytes()
    merged = run_cli("import", "kp.xlsx", "--sheet", "lakarprogrammet", "--into",
                     "plans/lakarprogrammet.yaml")
    assert merged.exit_code == 0, merged.stderr
    assert "no changes" in merged.stdout
    assert (repo / "plans/lakarprogrammet.yaml").read_bytes() == before


def test_export_resaved_by_libreoffice_still_imports(repo: Path) -> None:
    bundled(repo)
    assert run_cli("export", "plans/lakarprogrammet.yaml", "-o", "lp.xlsx", "--year",
                   "2024").exit_code == 0
    resaved = libreoffice_convert(repo / "lp.xlsx", repo / "lo")
    sheet = load_workbook(resaved)["lakarprogrammet"]
    assert sheet["I3"].value == "Status/uppföljning 2023 (föregående år, skrivskyddad)"
    result = run_cli("import", str(resaved.relative_to(repo)), "-o", "back/lp.yaml")
    assert result.exit_code == 0, result.stderr
    assert "status year 2024\n" in result.stderr
    original = statuses(repo / "plans/lakarprogrammet.yaml")
    assert statuses(repo / "back/lp.yaml") == {
        key: ({2024: value[2024]} if value and 2024 in value else None)
        for key, value in original.items()}
    back = yaml.safe_load((repo / "back/lp.yaml").read_text(encoding="utf-8"))
    assert back["plan"]["id"] == "lakarprogrammet"


def test_a_previous_year_with_only_a_state_or_nothing(repo: Path) -> None:
    write(repo / "plans/p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: P, language: en}
        owners: {PD: {name: Programme director}}
        criteria:
          - id: C1
            title: A criterion
            goals:
              - id: C1.G1
                title: A goal
                activities:
                  - id: C1.G1.A1
                    title: Only a state last year
                    owners: [PD]
                    status:
                      2023: {state: done}
                  - id: C1.G1.A2
                    title: A note that looks like a formula
                    owners: [PD]
                    status:
                      2023: {note: "=1+1"}
                  - id: C1.G1.A3
                    title: Nothing last year
                    owners: [PD]
        """)
    assert run_cli("export", "-o", "p.xlsx", "--year", "2024").exit_code == 0
    sheet = load_workbook(repo / "p.xlsx")["p"]
    assert [sheet.cell(r, 9).value for r in (4, 5, 6)] == ["done", "=1+1", None]
    assert sheet.cell(5, 9).data_type == "s"  # stored as text, never a formula

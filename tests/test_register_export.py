"""`qaplan export --register`: the deviation register as one sheet, a row per measure."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from openpyxl import load_workbook
from register_fixture import AS_OF, build

HEADER = ["Case", "Title", "Unit", "Category", "Case state", "Reported", "ID", "Measure",
          "Owner", "Due", "Measure state", "Done on", "What was done"]


@pytest.fixture
def register(repo: Path) -> Path:
    return build(repo)


def export(*args: str) -> Path:
    result = run_cli("export", "--register", "-o", "register.xlsx", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "wrote register.xlsx: 8 cases, 7 measures\n"
    return Path("register.xlsx")


def test_one_row_per_measure_and_one_for_a_case_without_measures(register: Path) -> None:
    sheet = load_workbook(export()).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "Register"
    assert rows[0][0].startswith("Deviation register as of 2025-11-01")
    assert rows[1] == HEADER
    assert [(row[0], row[6]) for row in rows[2:]] == [
        ("AV-2024-007", "M1"), ("AV-2025-001", None), ("AV-2025-002", "M1"),
        ("AV-2025-002", "M2"), ("AV-2025-002", "M3"), ("AV-2025-003", "M1"),
        ("AV-2025-004", "M1"), ("AV-2025-005", None), ("AV-2025-006", "M1"),
        ("AV-2025-008", None)]
    m3 = rows[6]
    assert m3[:6] == ["AV-2025-002", "Harsh tone in supervision meetings",
                      "Institutionen för klinisk medicin", "Psychosocial learning environment",
                      "in progress", m3[5]]
    assert m3[5].date().isoformat() == "2025-03-10"
    assert m3[7:] == ["Inform the programme board", "PD", m3[9], "done", m3[11],
                      "Informed at the May meeting."]
    assert m3[11].date().isoformat() == "2025-05-01"
    assert rows[2][9] == "VT2025"  # a term as written
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:M12"


def test_overdue_measures_are_highlighted(register: Path) -> None:
    sheet = load_workbook(export()).worksheets[0]
    filled = {(row[0].value, row[6].value) for row in sheet.iter_rows(min_row=3)
              if row[0].fill.fgColor.rgb.endswith("F8D7DA")}
    assert filled == {("AV-2024-007", "M1"), ("AV-2025-002", "M1"), ("AV-2025-006", "M1")}


def test_headers_and_labels_in_the_language_asked_for(register: Path) -> None:
    sheet = load_workbook(export("--lang", "nb")).worksheets[0]
    assert sheet.title == "Avvik"
    assert [cell.value for cell in sheet[2]][:5] == ["Sak", "Tittel", "Enhet", "Kategori",
                                                     "Sakens status"]
    assert sheet["D5"].value == "Psykososialt læringsmiljø"


def test_text_that_looks_like_a_formula_stays_text(register: Path) -> None:
    case = register / "deviations/2025/AV-2025-001.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "title: Exam results published late", "title: '=HYPERLINK(\"http://x\")'"),
        encoding="utf-8")
    sheet = load_workbook(export()).worksheets[0]
    cell = sheet["B4"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_register_refuses_year_and_an_existing_file(register: Path) -> None:
    result = run_cli("export", "--register", "-o", "r.xlsx", "--year", "2024")
    assert result.exit_code == 2 and "--year" in result.stderr
    Path("r.xlsx").write_bytes(b"")
    result = run_cli("export", "--register", "-o", "r.xlsx")
    assert result.exit_code == 2 and "exists" in result.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_sheet(register: Path, tmp_path: Path) -> None:
    workbook = export()
    out = tmp_path / "converted"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
         str(workbook)], capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((out / "register.csv").open(encoding="utf-8")))
    assert rows[1] == HEADER
    assert rows[2][:2] == ["AV-2024-007", "Feedback on assignments never came"]
    assert len(rows) == 12

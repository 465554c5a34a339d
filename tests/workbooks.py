"""Build small Excel workbooks for the import tests (openpyxl), never binary blobs in the repo."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import from_excel

SV_HEADER = [
    "Övergripande \nkvalitetskriterier (se \nPolicy)",
    "Kvalitetsmål",
    "Aktiviteter Vilka \naktiviteter planeras för \natt uppnå målen?",
    "Planerad \nstart",
    "Planerat \navslut",
    "Ansvarig",
    "Status/uppföljning \n(årligen)",
]

# The seed table's structure with our own content: a criterion over several goals,
# blank goal cells, owners in the forms the tables use, years in several forms.
SEED_ROWS: list[list[Any]] = [
    ["Studieresultaten motsvarar lärandemål.", "Användbar återkoppling",
     "Analysera vad som kommer in i återkopplingssystemet", 2022, 2024, "PNO OEK",
     "Återkoppling samlas in.\nSka arbeta vidare med mervärde."],
    [None, "Hög validitet för proven", "Granskningsgrupper för proven i alla kurser", "2020",
     "2024", "OEK projektledare", "T1-T4 och T6 på plats"],
    [None, None, "Bedömningskriterier för basgruppsarbete", from_excel(2023),
     from_excel(2024), "GA", "=ej klart, se protokoll"],
    [None, "Examensmål om förbättringsarbete", "Arbetsgrupp tar fram förslag för termin 12",
     2023, "VT25", "PD, KA", "Inget nytt. Kvarstår."],
    [None, None, None, None, None, None, None],
    ["Utbildningen sätter lärandet i fokus.", "Studenter tar eget ansvar",
     "Utveckla progression i eget ansvar", 2021, date(2024, 6, 30), "PNO + OEK",
     "Arbetet pågår på grundnivån."],
    [None, None, "Arbetsgrupp för inkluderande klimat", 2023, 2024, "Arbetsgrupp", None],
]


def seed_workbook(path: Path, *, header: Sequence[str] = SV_HEADER,
                  rows: Sequence[Sequence[Any]] = SEED_ROWS, title_rows: int = 2,
                  merge_first_criterion: bool = True) -> Path:
    """A plan table like the seed's: title rows, a wordy header, merged criterion cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kvalitetsplan"
    if title_rows:
        sheet["A1"] = "Läkarprogrammet – kvalitetsplan 2020–2025"
    header_row = title_rows + 1
    for column, text in enumerate(header, start=1):
        sheet.cell(header_row, column, text)
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(header_row + offset, column, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a user may type it
            if isinstance(value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    if merge_first_criterion:
        sheet.merge_cells(start_row=header_row + 1, start_column=1, end_row=header_row + 4,
                          end_column=1)
    workbook.save(path)
    return path


def edit_cells(path: Path, edits: dict[str, Any], sheet: str | None = None,
               append: Sequence[Sequence[Any]] = (), delete_rows: Sequence[int] = ()) -> None:
    """Change cells of a saved workbook as a user filling it in would."""
    workbook = load_workbook(path)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    for coordinate, value in edits.items():
        worksheet[coordinate] = value
    for row in sorted(delete_rows, reverse=True):
        for merged in list(worksheet.merged_cells.ranges):
            if merged.min_row <= row <= merged.max_row:
                worksheet.unmerge_cells(str(merged))
        worksheet.delete_rows(row)
    for row in append:
        worksheet.append(list(row))
    workbook.save(path)


def find_row(path: Path, sheet: str, column: int, value: str) -> int:
    """The row number where `column` holds `value`."""
    worksheet = load_workbook(path)[sheet]
    for row in worksheet.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return int(row[0].row)
    raise AssertionError(f"{value} not found")


def soffice() -> str:
    """The LibreOffice binary, or skip the test with the reason."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-calc-nogui")
    return binary


def libreoffice_convert(source: Path, outdir: Path, infilter: str | None = None) -> Path:
    """Convert (or re-save) a file to .xlsx with LibreOffice headless; returns the written file."""
    binary = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    command = [binary, f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", "xlsx", "--outdir", str(outdir), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    converted = outdir / (source.stem + ".xlsx")
    assert converted.exists(), f"LibreOffice did not convert {source}: {done.stdout}{done.stderr}"
    return converted

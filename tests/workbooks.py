"""Build small Excel workbooks for the import tests (openpyxl), never binary blobs in the repo."""

from __future__ import annotations

import io
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


# --- hostile workbooks, built part by part (zipfile), never stored in the repository ----------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PLAN_HEADER = ("Kvalitetskriterier", "Kvalitetsmål", "Aktiviteter", "Ansvarig", "Status 2024")


def _inline(text: str) -> str:
    return f'<is><t>{text}</t></is>'


def plan_sheet_xml(rows: int = 2, *, cells: str = "", after: str = "",
                   before_data: str = "") -> bytes:
    """A worksheet part holding a small plan table, with hostile XML added where asked.

    `cells` goes inside sheetData after the table's rows, `after` after sheetData (merged
    ranges), `before_data` before it.
    """
    lines = []
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr">{_inline(text)}</c>'
                     for i, text in enumerate(PLAN_HEADER))
    lines.append(f'<row r="1">{header}</row>')
    for number in range(2, rows + 2):
        values = ("Kriterium", "Mål", f"Aktivitet {number}", "PD", f"Anteckning {number}")
        row = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr">{_inline(text)}</c>'
                      for i, text in enumerate(values))
        lines.append(f'<row r="{number}">{row}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
            f'{before_data}<sheetData>{"".join(lines)}{cells}</sheetData>{after}</worksheet>'
            ).encode()


def raw_workbook(path: Path, sheet_xml: bytes, *, shared_strings: bytes | None = None,
                 encrypted_flag: bool = False, compresslevel: int = 9,
                 extra: dict[str, bytes] | None = None) -> Path:
    """An .xlsx package with one sheet, written part by part (parts a hostile file controls)."""
    import zipfile

    overrides = [("/xl/workbook.xml", f"{_CT}.sheet.main+xml"),
                 ("/xl/worksheets/sheet1.xml", f"{_CT}.worksheet+xml")]
    relations = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", f"{_CT}.sharedStrings+xml"))
        relations.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
            + "</Types>").encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>").encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="{i}" Type="{_REL}/{kind}" Target="{target}"/>'
                      for i, kind, target in relations)
            + "</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as package:
        for name, data in parts.items():
            package.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    if encrypted_flag:
        path.write_bytes(_flag_encrypted(path.read_bytes()))
    return path


def _flag_encrypted(raw: bytes) -> bytes:
    """Set the "encrypted" bit of every entry, in its local and central headers, as `zip -e` does.

    zipfile clears the bit when it writes, so it is set in the bytes afterwards.
    """
    import struct
    import zipfile

    data = bytearray(raw)
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        locals_ = [info.header_offset for info in package.infolist()]
    for offset in locals_:
        assert data[offset:offset + 4] == b"PK\x03\x04"
        data[offset + 6] |= 0x1
    end = data.rfind(b"PK\x05\x06")
    entries, _, start = struct.unpack("<HII", data[end + 10:end + 20])
    offset = start
    for _ in range(entries):
        assert data[offset:offset + 4] == b"PK\x01\x02"
        data[offset + 8] |= 0x1
        name, extra, comment = struct.unpack("<HHH", data[offset + 28:offset + 34])
        offset += 46 + name + extra + comment
    return bytes(data)


def far_cells_workbook(path: Path, rows: int = 2) -> Path:
    """A tiny workbook with one cell at XFD1 and one at A1048576 (the whole sheet's extent)."""
    cells = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = plan_sheet_xml(rows, cells=cells).replace(
        b'</row>', b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    return raw_workbook(path, xml)


def wide_rows_workbook(path: Path, rows: int = 8000) -> Path:
    """Every data row also holds a cell in the last column, XFD."""
    lines = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>K</t></is></c><c r="B{n}" '
        f't="inlineStr"><is><t>M</t></is></c><c r="C{n}" t="inlineStr"><is><t>A{n}</t></is>'
        f'</c><c r="XFD{n}"><v>1</v></c></row>' for n in range(3, rows + 3))
    return raw_workbook(path, plan_sheet_xml(1, cells=lines))


def merge_comment_workbook(path: Path, tokens: int = 23_000) -> Path:
    """A sheet whose XML holds many `<mergeCell` tokens (256 KB of them) inside a comment."""
    comment = "<!--" + "<mergeCell " * tokens + "-->"
    return raw_workbook(path, plan_sheet_xml(2, after=comment))


def merge_everything_workbook(path: Path, rows: int = 1000, ranges: int = 20) -> Path:
    """Merged ranges that each span the whole sheet, over a table of `rows` rows."""
    merges = '<mergeCell ref="A1:XFD1048576"/>' * ranges
    return raw_workbook(path, plan_sheet_xml(rows, after=f'<mergeCells count="{ranges}">'
                                                         f"{merges}</mergeCells>"))


def big_strings_workbook(path: Path, megabytes: int = 111) -> Path:
    """A small file whose sharedStrings part unpacks to `megabytes` MB."""
    item = "<si><t>" + "x" * 1000 + "</t></si>"
    count = megabytes * 1024 * 1024 // len(item)
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
               f'uniqueCount="{count}">' + item * count + "</sst>").encode()
    return raw_workbook(path, plan_sheet_xml(2), shared_strings=strings)

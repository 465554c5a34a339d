"""qaplan export writes its sheets as XML text: the workbook is the one openpyxl wrote, and it
holds a bounded amount per sheet however many plans there are."""

from __future__ import annotations

import json
import re
import shutil
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from conftest import ROOT, run_cli
from openpyxl import load_workbook

from qaplan.excel.write import SheetPlan, workbook_bytes
from qaplan.formats.plan import build
from qaplan.loader import compose

FIXTURE = Path(__file__).parent / "fixtures" / "export"


def _colour(colour: Any) -> Any:
    return None if colour is None else f"{colour.type}:{colour.value}"


def _style(cell: Any) -> list[Any]:
    font, fill, alignment, border = cell.font, cell.fill, cell.alignment, cell.border
    return [font.b, font.i, font.sz, _colour(font.color),
            fill.fill_type, _colour(fill.fgColor) if fill.fill_type else None,
            cell.number_format, cell.quotePrefix, alignment.wrap_text, alignment.vertical,
            border.bottom.style, _colour(border.bottom.color) if border.bottom.style else None]


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def summary(path: Path) -> dict[str, Any]:
    """What a reader of the workbook sees, read back with openpyxl: sheets, cells with their
    type and look, merged ranges, column widths, frozen rows, filter, drop-downs, printing."""
    workbook = load_workbook(path)
    styles: list[list[Any]] = []
    sheets = []
    for sheet in workbook.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                look = _style(cell)
                if look not in styles:
                    styles.append(look)
                cells.append([cell.coordinate, _value(cell.value), cell.data_type,
                              styles.index(look)])
        sheets.append({
            "title": sheet.title, "state": sheet.sheet_state, "freeze": sheet.freeze_panes,
            "widths": {key: d.width for key, d in sorted(sheet.column_dimensions.items())
                       if d.customWidth},
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "filter": sheet.auto_filter.ref,
            # allowBlank is compared in the sheet's XML: openpyxl 3.1.2 reads it as False
            "validations": [[v.type, v.operator, str(v.sqref), v.formula1, v.errorTitle, v.error,
                             v.showErrorMessage]
                            for v in sheet.data_validations.dataValidation],
            "print": [sheet.print_title_rows, sheet.page_setup.orientation,
                      sheet.page_setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage],
            "cells": cells,
        })
    return {"active": workbook.active.title, "sheets": sheets, "styles": styles}


def test_the_workbook_is_the_one_openpyxl_wrote(repo: Path) -> None:
    # workbook.json was read back from the export of these plans by the release before sheets
    # were written as text (openpyxl's own writer, cell by cell).
    shutil.copytree(FIXTURE, repo, dirs_exist_ok=True)
    (repo / "workbook.json").unlink()
    result = run_cli("export", "-o", "all.xlsx", "--year", "2025", "--as-of", "2025-11-23")
    assert result.exit_code == 0, result.stderr
    expected = json.loads((FIXTURE / "workbook.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(summary(repo / "all.xlsx"))) == expected
    with zipfile.ZipFile(repo / "all.xlsx") as package:
        sheets = [package.read(name).decode() for name in package.namelist()
                  if name.startswith("xl/worksheets/sheet")]
    rules = [rule for sheet in sheets for rule in re.findall(r"<dataValidation [^>]*>", sheet)]
    assert len(rules) == 6 and all('allowBlank="1"' in rule for rule in rules)  # blanks allowed


def _sheets(count: int) -> Iterator[SheetPlan]:
    """`count` copies of the largest bundled plan, each built when its sheet is written."""
    path = ROOT / "plans" / "lakarprogrammet.yaml"
    data = compose(path.read_text(encoding="utf-8"), path.name).data
    for _ in range(count):
        plan = build(data)
        yield SheetPlan(plan, "sv", {key: owner.name for key, owner in plan.owners.items()},
                        2025, date(2025, 11, 23))


def _peak(count: int) -> tuple[int, int]:
    """The most memory traced while exporting `count` plans, and the workbook's size."""
    tracemalloc.start()
    try:
        data = workbook_bytes(_sheets(count))
        return tracemalloc.get_traced_memory()[1], len(data)
    finally:
        tracemalloc.stop()


def test_an_export_holds_little_more_than_the_workbook_per_sheet() -> None:
    _peak(2)  # imports and openpyxl's module-level tables are not the sheets' share
    small, _ = _peak(40)
    large, size = _peak(80)
    per_sheet = (large - small) / 40
    # A sheet's part is about 3.6 KB packed, and the packed workbook is in memory twice at the
    # end (the zip's buffer and the bytes returned): about 7.5 KB a sheet in all. openpyxl's
    # write-only sheets kept their objects until the save: 34 KB a sheet here.
    assert per_sheet < 2 * size / 80 + 6_000, (per_sheet, size)

"""A worksheet's XML as text, in the bytes openpyxl's own writer gives, without its objects.

openpyxl's writer builds an element per cell and serialises it in Python (about 60 µs a
cell without lxml), and keeps about 45 KB of objects for every write-only sheet until the
workbook is saved. A plan sheet is a fixed frame around plain rows, so `write.py` writes it
here as text and puts it in the package at once; openpyxl still gives the styles, the
workbook part and the rest of the package. `tests/test_excel_export.py` compares the parts
with what openpyxl writes for the same sheets.
"""

from __future__ import annotations

from datetime import date
from typing import Any

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_PATH = "xl/worksheets/sheet{0}.xml"  # openpyxl's name for the n-th worksheet part
# Text openpyxl's Cell stores as an error value (`t="e"`), not as a string.
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'
_VIEW_FORMAT = '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" />'
MAX_TEXT = 32767  # the most characters a cell holds; openpyxl cuts longer text there


def escape_text(text: str) -> str:
    """Character data as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(text: str) -> str:
    """An attribute value as ElementTree escapes it."""
    text = escape_text(text)
    for raw, entity in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if raw in text:
            text = text.replace(raw, entity)
    return text


def _serial(day: date) -> str:
    """A date as the day number Excel stores, formatted as openpyxl formats numbers."""
    from openpyxl.utils.datetime import to_excel

    return f"{to_excel(day):.16g}"


def cell(ref: str, value: Any, style: str | None, *, error_codes: bool = False) -> str:
    """One `<c>` element: text inline, a whole number, a date as its day number, or empty.

    `error_codes`: text such as `#N/A` becomes an error value, as openpyxl's Cell makes it.
    """
    s = "" if style is None else f' s="{style}"'
    if value is None:
        return f'<c r="{ref}"{s} t="n" />'
    if isinstance(value, str):
        if error_codes and value in ERROR_CODES:
            return f'<c r="{ref}"{s} t="e"><v>{escape_text(value)}</v></c>'
        if not value:
            return f'<c r="{ref}"{s} t="inlineStr" />'
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
    if isinstance(value, bool):
        raise TypeError(f"cannot write {value!r} to Excel")  # not reached: no plan field is one
    if isinstance(value, int):
        return f'<c r="{ref}"{s} t="n"><v>{value:.16g}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s} t="n"><v>{_serial(value)}</v></c>'
    raise TypeError(f"cannot write {value!r} to Excel")  # not reached: values come from the plan


def row(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def top(*, fit_to_page: bool, dimension: str | None, frozen_rows: int,
        widths: list[float]) -> str:
    """Everything before the rows: properties, size, view (with frozen rows), column widths."""
    setup = '<pageSetUpPr fitToPage="1" />' if fit_to_page else "<pageSetUpPr />"
    parts = [(f'<worksheet xmlns="{MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" '
              f'summaryRight="1" />{setup}</sheetPr>')]
    if dimension is not None:
        parts.append(f'<dimension ref="{dimension}" />')
    parts.append('<sheetViews><sheetView workbookViewId="0">')
    if frozen_rows:
        first = frozen_rows + 1
        parts.append(f'<pane ySplit="{frozen_rows}" topLeftCell="A{first}" '
                     'activePane="bottomLeft" state="frozen" /><selection pane="bottomLeft" '
                     'activeCell="A1" sqref="A1" />')
    else:
        parts.append('<selection activeCell="A1" sqref="A1" />')
    parts.append("</sheetView></sheetViews>" + _VIEW_FORMAT)
    if widths:
        parts.append("<cols>")
        parts.extend(f'<col width="{width:.16g}" customWidth="1" min="{number}" '
                     f'max="{number}" />' for number, width in enumerate(widths, start=1))
        parts.append("</cols>")
    parts.append("<sheetData>")
    return "".join(parts)


def merge_cells(ranges: list[str]) -> str:
    if not ranges:
        return ""
    listed = "".join(f'<mergeCell ref="{ref}" />' for ref in ranges)
    return f'<mergeCells count="{len(ranges)}">{listed}</mergeCells>'


def validation(sqref: str, kind: str, formula: str, error_title: str, error: str,
               operator: str | None = None) -> str:
    """One `<dataValidation>` that shows its error and allows blank cells."""
    extra = "" if operator is None else f' operator="{operator}"'
    return (f'<dataValidation sqref="{sqref}" showDropDown="0" showInputMessage="0" '
            f'showErrorMessage="1" allowBlank="1" errorTitle="{escape_attribute(error_title)}" '
            f'error="{escape_attribute(error)}" type="{kind}"{extra}>'
            f"<formula1>{escape_text(formula)}</formula1></dataValidation>")


def validations(items: list[str]) -> str:
    return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'

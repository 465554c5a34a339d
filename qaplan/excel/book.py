"""The workbook around sheets written as text: openpyxl's styles, workbook part and package.

`write.py` puts each sheet's XML in the zip package as the sheet is made and keeps only a
`PackagedSheet` (its name and what the workbook part says of it); `finish` then has
openpyxl write everything else, as its own save would. Imported only by `write.py`, when
an export runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

READ_ONLY_FILL, READ_ONLY_TEXT = "EDEDED", "595959"
OVERDUE_FILL, HEADER_FILL, HEADER_LINE = "F8D7DA", "D9E2F3", "8EA9DB"


class _Owner:
    """What a cell's style attributes reach through: `cell.parent.parent` is the workbook."""

    __slots__ = ("parent",)

    def __init__(self, workbook: Any) -> None:
        self.parent = workbook


class Styles:
    """The cell styles of a plan workbook, each registered once for the whole workbook.

    Fonts, fills and cell formats are registered in the order openpyxl's cells met them
    when every sheet built its own (the title's and header's parts first, a cell format
    when a cell first asks for its id), so the style ids and `styles.xml` are the same.
    """

    def __init__(self, workbook: Any) -> None:
        self._owner = _Owner(workbook)
        self._ids: dict[Any, str] = {}
        self._models: dict[Any, Any] = {}
        self.wrap = Alignment(wrap_text=True, vertical="top")
        bottom = Border(bottom=Side(style="thin", color=HEADER_LINE))
        self._models["title"] = self._model(font=Font(bold=True, size=14))
        self._models["info"] = self._model(font=Font(italic=True, color=READ_ONLY_TEXT))
        self._models["header"] = self._model(font=Font(bold=True),
                                             fill=PatternFill("solid", fgColor=HEADER_FILL),
                                             alignment=self.wrap, border=bottom)
        self._models["previous"] = self._model(font=Font(bold=True),
                                               fill=PatternFill("solid", fgColor=READ_ONLY_FILL),
                                               alignment=self.wrap, border=bottom)

    def _model(self, **looks: Any) -> Any:
        model = WriteOnlyCell(self._owner)
        for name, value in looks.items():  # in this order, as the cells set them
            setattr(model, name, value)
        return model

    def frame(self, name: str) -> str:
        """The style id of a sheet's `title`, `quoted_title` (text that looks like a formula),
        `info` line, `header` cells, `previous` year's header, or `quoted` (a hidden-sheet
        cell that looks like a formula)."""
        found = self._ids.get(name)
        if found is None:
            model = self._models.get(name)
            if model is None:
                model = self._model(quotePrefix=True, font=Font(bold=True, size=14)) \
                    if name == "quoted_title" else self._model(quotePrefix=True)
            found = self._ids[name] = str(model.style_id)
        return found

    def body(self, look: tuple[bool, bool, bool, bool]) -> str:
        """(text that looks like a formula, date, overdue, read-only) -> a table cell's style id."""
        found = self._ids.get(look)
        if found is None:
            model = WriteOnlyCell(self._owner)
            model.alignment = self.wrap
            model.quotePrefix = look[0]
            if look[1]:
                model.number_format = "yyyy-mm-dd"
            if look[3]:
                model.fill = PatternFill("solid", fgColor=READ_ONLY_FILL)
                model.font = Font(italic=True, color=READ_ONLY_TEXT)
            elif look[2]:
                model.fill = PatternFill("solid", fgColor=OVERDUE_FILL)
            found = self._ids[look] = str(model.style_id)
        return found


class PackagedSheet(WriteOnlyWorksheet):  # type: ignore[misc]
    """A sheet whose part is already in the package: what the workbook part reads of it."""

    # Plain values where openpyxl's sheet has properties over its set-up objects.
    defined_names: ClassVar[dict[str, Any]] = {}  # never added to: a plan sheet defines no local names
    print_area = None
    print_titles = ""

    def __init__(self, workbook: Any, title: str, number: int, *, hidden: bool = False,
                 filter_ref: str = "", title_rows: str = "") -> None:
        # Not WriteOnlyWorksheet's set-up: that builds the objects (about 45 KB) this replaces.
        self._parent = workbook
        self._WorkbookChild__title = title  # unique already (`write.sheet_name`)
        self._id = number
        self.sheet_state = "hidden" if hidden else "visible"
        self.auto_filter = filter_ref  # the defined name _FilterDatabase: `$A$3:$M$39`
        quoted = quote_sheetname(title)
        self.print_titles = f"{quoted}!{title_rows}" if title_rows else ""


class _Finisher(ExcelWriter):  # type: ignore[misc]
    """openpyxl's package writer for sheets that are in the package already."""

    def _write_worksheets(self) -> None:
        for sheet in self.workbook.worksheets:
            self.manifest.append(sheet)


def finish(workbook: Any, archive: Any) -> None:
    """Write the rest of the package (styles, workbook part, relationships, content types,
    document properties) and close it, as `Workbook.save` does."""
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    _Finisher(workbook, archive).save()

"""The yearly report's JSON, written unit by unit as it is made: the layout of
`qaplan.render.json.leaves_inline` (each listed activity on one line), byte for byte, without
holding the whole text or the objects of every listed activity.

A listed activity's JSON comes from its plan's facts as text and is copied, not re-encoded.
"""

from __future__ import annotations

from collections.abc import Callable

from qaplan.render.json import leaves_inline_at
from qaplan.reports.yearly import UnitReport, YearlyReport
from qaplan.reports.yearly_facts import ENCODE, QUESTIONS, row_text

Write = Callable[[str], object]
_FLUSH = 2048  # pieces gathered before they are written


def write_report(report: YearlyReport, write: Write) -> None:
    """Write the report's JSON, as `leaves_inline(report.as_json())` gives it."""
    head = report.head_json()
    if not report.units:  # nothing nested: the whole report is one line
        write(ENCODE({**head, "units": []}) + "\n")
        return
    chunks = ["{"]
    for key, value in head.items():
        chunks.append(f"\n  {ENCODE(key)}: {leaves_inline_at(value, 1)},")
    chunks.append('\n  "units": [')
    for index, unit in enumerate(report.units):
        chunks.append(("," if index else "") + "\n    ")
        _unit(unit, 2, chunks, write)
    chunks.append("\n  ]\n}\n")
    write("".join(chunks))


def _unit(unit: UnitReport, depth: int, chunks: list[str], write: Write) -> None:
    pad = "\n" + "  " * (depth + 1)
    chunks.append("{")
    for index, (key, value) in enumerate(unit.head_json().items()):
        chunks.append(f"{',' if index else ''}{pad}{ENCODE(key)}: "
                      f"{leaves_inline_at(value, depth + 1)}")
    chunks.append(f",{pad}\"questions\": ")
    if not any(unit.answers(question) for question in QUESTIONS):
        chunks.append(ENCODE({question: [] for question in QUESTIONS}))
    else:
        _questions(unit, depth + 1, chunks, write)
    chunks.append(f",{pad}\"units\": ")
    if not unit.children:
        chunks.append("[]")
    else:
        chunks.append("[")
        for index, child in enumerate(unit.children):
            chunks.append(("," if index else "") + pad + "  ")
            _unit(child, depth + 2, chunks, write)
        chunks.append(pad + "]")
    chunks.append("\n" + "  " * depth + "}")


def _questions(unit: UnitReport, depth: int, chunks: list[str], write: Write) -> None:
    """The questions object, each listed activity on its own line."""
    pad = "\n" + "  " * (depth + 1)
    item_pad = pad + "  "
    chunks.append("{")
    for index, question in enumerate(QUESTIONS):
        chunks.append(f"{',' if index else ''}{pad}{ENCODE(question)}: ")
        if not unit.answers(question):
            chunks.append("[]")
            continue
        chunks.append("[")
        block, start, separator = None, "", item_pad
        for listed, row in unit.rows(question):
            if listed is not block:  # the plan and file open every row of the plan's
                block = listed
                start = f'{{"plan": {ENCODE(listed.plan)}, "file": {ENCODE(listed.file)}, '
            chunks.append(separator + start + row_text(row)[1:])
            separator = "," + item_pad
            if len(chunks) >= _FLUSH:
                write("".join(chunks))
                chunks.clear()
        chunks.append(pad + "]")
    chunks.append("\n" + "  " * depth + "}")

"""The yearly report's JSON, written unit by unit as it is made: the layout of
`qaplan.render.json.leaves_inline` (each listed activity on one line), byte for byte, without
holding the whole text or the objects of every listed activity.

A listed activity's line comes from its plan's facts as UTF-8 bytes (`yearly_facts`) and is
copied out, not decoded: a question's lines of a plan are one text, indented in one pass.
"""

from __future__ import annotations

from collections.abc import Callable

from qaplan.render.json import leaves_inline_at
from qaplan.reports.yearly import UnitReport, YearlyReport
from qaplan.reports.yearly_facts import ENCODE, QUESTIONS

Write = Callable[[bytes], object]


def write_report(report: YearlyReport, write: Write) -> None:
    """Write the report's JSON as UTF-8, as `leaves_inline(report.as_json())` gives it."""
    head = report.head_json()
    if not report.units:  # nothing nested: the whole report is one line
        write(_utf8(ENCODE({**head, "units": []}) + "\n"))
        return
    chunks = ["{"]
    for key, value in head.items():
        chunks.append(f"\n  {ENCODE(key)}: {leaves_inline_at(value, 1)},")
    chunks.append('\n  "units": [')
    for index, unit in enumerate(report.units):
        chunks.append(("," if index else "") + "\n    ")
        _unit(unit, 2, chunks, write)
    chunks.append("\n  ]\n}\n")
    write(_utf8("".join(chunks)))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # as the facts' texts are


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
    between = _utf8("," + item_pad)
    chunks.append("{")
    for index, question in enumerate(QUESTIONS):
        chunks.append(f"{',' if index else ''}{pad}{ENCODE(question)}: ")
        batches = unit.batches(question)
        if not batches:
            chunks.append("[]")
            continue
        chunks.append("[" + item_pad)
        write(_utf8("".join(chunks)))
        chunks.clear()
        _items(batches, between, write)
        chunks.append(pad + "]")
    chunks.append("\n" + "  " * depth + "}")


def _items(batches: list[list[bytes]], between: bytes, write: Write) -> None:
    """The lines of batches of texts, `between` each two: a batch is joined by newlines, as
    a plan's lines already are, and each newline becomes `between`, all in C."""
    for at, batch in enumerate(batches):
        if at:
            write(between)
        write(b"\n".join(batch).replace(b"\n", between))

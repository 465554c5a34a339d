"""The yearly report as Markdown (it lists every activity): the headings and tables of
`qaplan.render.markdown`, written row by row as they are drawn, without padding the columns.

Padding needs every cell's width before the first row is written, which for tens of thousands
of rows costs more than building the report; GitHub and GitLab render both alike. Each plan's
listed activities are drawn where the plan is checked (`markdown_facts`, kept in the cache),
all but the words of the unit's language: drawing the report fills those in and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from qaplan import i18n
from qaplan.render.text import markdown_text
from qaplan.render.view import Cell, Section
from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier
from qaplan.reports.yearly import UnitReport, YearlyReport
from qaplan.reports.yearly_facts import NEXT, QUESTIONS, plan_listing
from qaplan.reports.yearly_view import (
    head_sections,
    item_columns,
    question_sections,
    reasons_text,
    state_word,
    summary,
    title,
    unit_section,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.folds import Fold

Write = Callable[[bytes], object]
_FLUSH = 1 << 20  # bytes gathered before they are written
_REMEMBERED = 100_000  # escaped texts kept for reuse (ids and states repeat on every row)


class _Escaped(dict[Cell, str]):
    """Cell -> its Markdown text, each text escaped once (a dictionary lookup on every cell)."""

    def __missing__(self, value: Cell) -> str:
        if len(self) > _REMEMBERED:  # plan text that never repeats must not pile up
            self.clear()
            self[None] = ""
        text = self[value] = markdown_text(value) if isinstance(value, str) else str(value)
        return text


class _Lines:
    """Lines (or blocks of lines) gathered as UTF-8 and written about a megabyte at a time,
    each followed by a newline but the last."""

    def __init__(self, write: Write) -> None:
        self.write = write
        self.lines: list[bytes] = []
        self.size = 0
        self.started = False

    def add(self, line: str) -> None:
        self.add_utf8(line.encode("utf-8", "surrogatepass"))  # as the facts' texts are

    def add_utf8(self, line: bytes) -> None:
        self.lines.append(line)
        self.size += len(line)
        if self.size >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        text = b"\n".join(self.lines)
        self.lines.clear()
        self.size = 0
        if self.started:
            self.write(b"\n")
        self.write(text)
        self.started = True


def write_report(report: YearlyReport, write: Write) -> None:
    """Write the report as UTF-8: a heading, a table per section (questions under deeper
    headings), the summary."""
    seen = _Escaped({None: ""})
    out = _Lines(write)
    out.add(f"## {markdown_text(title(report))}")
    out.add("")
    for section in head_sections(report):
        if section.rows:
            _rows(section, _head(section, 0, seen, out), seen, out)
    for _depth, path, unit in report.all_units():
        figures = unit_section(unit, path, report, listed=False)
        _rows(figures, _head(figures, 0, seen, out), seen, out)
        for question, part in question_sections(unit, report, listed=False):
            _listed(unit, question, _head(part, 1, seen, out), report.year, seen, out)
    out.add(f"**{markdown_text(summary(report))}**")
    out.add("")
    out.flush()


def _head(section: Section, depth: int, seen: _Escaped, out: _Lines) -> list[str]:
    """A section's heading and the head of its table; the keys of its columns."""
    if section.heading:
        out.add(f"{'#' * min(3 + depth, 6)} {markdown_text(section.heading)}")
        out.add("")
    columns = section.columns_for("markdown")
    out.add("| " + " | ".join(seen[c.header] for c in columns) + " |")
    out.add("|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|")
    return [c.key for c in columns]


def _rows(section: Section, keys: list[str], seen: _Escaped, out: _Lines) -> None:
    for row in section.rows:
        out.add(_line(row, keys, seen))
    out.add("")


def _line(row: dict[str, Cell], keys: list[str], seen: _Escaped) -> str:
    get = row.get
    return "| " + " | ".join([seen[get(key)] for key in keys]) + " |"


def _listed(unit: UnitReport, question: str, keys: list[str], year: int, seen: _Escaped,
            out: _Lines) -> None:
    """The lines of the activities listed under a question, or the one that says none are."""
    words = _Words(unit.language, year)
    batches = unit.batches(question)
    for batch in batches:
        out.add_utf8(_filled(b"\n".join(batch), words))
    if not batches:
        out.add(_line({"title": i18n.words(unit.language)["yr_nothing"]}, keys, seen))
    out.add("")


def _filled(text: bytes, words: _Words) -> bytes:
    """Lines with their holes filled in the unit's language."""
    if _HOLE not in text:
        return text
    parts = text.split(_HOLE)
    parts[1::2] = map(words.__getitem__, parts[1::2])
    return b"".join(parts)


# --- the facts of one plan, drawn where it is checked ------------------------------------------

# Around a cell whose words depend on the unit's language: "s" and the state's key, or "r" and
# the reasons' keys. Markdown text never holds a "<" (`markdown_text` writes "&lt;").
_HOLE = b"<"


class _Words(dict[bytes, bytes]):
    """A hole's text in one language and year: the state's word or the reasons, as Markdown."""

    def __init__(self, language: str, year: int) -> None:
        super().__init__()
        self.language, self.year, self.w = language, year, i18n.words(language)

    def __missing__(self, hole: bytes) -> bytes:
        kind, value = hole[:1], hole[1:].decode("utf-8", "surrogatepass")
        if kind == b"s":
            text = markdown_text(state_word(value or None, self.w))
        else:
            text = markdown_text(reasons_text(tuple(value.split(",")), self.language, self.year)
                                 if value else "")
        self[hole] = filled = text.encode("utf-8", "surrogatepass")
        return filled


def markdown_facts(entry: PlanEntry, history: Earlier, as_of: date, year: int) -> list[Any]:
    """One plan's facts as `yearly_facts` gives them, but each listed activity drawn as the
    Markdown line of each question it answers (its state and why left as holes)."""
    now, before, listed = plan_listing(entry, history, as_of, year)
    keys = _keys()
    plan = markdown_text(entry.plan.id)
    lines: list[list[str]] = [[], [], [], []]
    dues: list[int | None] = []  # of the lines of `next`
    for data, answers, due in listed:
        reasons = ",".join(data.get("reasons", ()))
        cells = {"plan": plan, "id": markdown_text(data["id"]),
                 "title": markdown_text(data["title"]),
                 "end": "" if data["end"] is None else markdown_text(data["end"]),
                 "state": f"<s{data['state'] or ''}<",  # holes (`_HOLE`)
                 "why": f"<r{reasons}<",
                 "help": markdown_text(data.get("help_needed") or ""),
                 "note": "" if data["note"] is None else markdown_text(data["note"])}
        for at, question in enumerate(QUESTIONS):
            if answers[at]:
                lines[at].append("| " + " | ".join([cells[key] for key in keys[question]]) + " |")
        if answers[NEXT]:
            dues.append(due)
    return [entry.plan.plan.unit, entry.plan.id, entry.language, now, before,
            ["\n".join(question_lines) for question_lines in lines], dues]


@lru_cache(maxsize=1)
def _keys() -> dict[str, list[str]]:
    """The cells of each question's rows (the words of the headers do not matter here)."""
    return {question: [c.key for c in item_columns(question, i18n.words(None), 0)]
            for question in QUESTIONS}


def markdown_fold(as_of: date, year: int) -> Fold:
    """The report's per-plan work for Markdown, done where each plan is checked."""
    from qaplan.engine.folds import Fold
    from qaplan.reports.yearly_facts import TEXTS, valid_listing

    return Fold("yearly-markdown", "plan", markdown_facts, (as_of, year), valid_listing,
                apart=TEXTS)

"""`qaplan diff` drawn: a table of changes per plan (or deviation case), and its summary line."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from qaplan import i18n
from qaplan.render.view import Cell, Column, Rows, Section, Style, View
from qaplan.reports.diff import REVISION_KINDS, Change, DiffReport, Value
from qaplan.reports.packed import Packed
from qaplan.values import State
from qaplan.words import plural

_STYLES: dict[str, Style] = {
    "follow_up_missing": "overdue",
    "due_postponed": "overdue",
    "activity_removed": "overdue",
    "plan_removed": "overdue",
    "note_unchanged": "soon",
    "case_reopened": "overdue",
    "case_removed": "overdue",
    "measure_removed": "overdue",
    "case_closed": "done",
}


def _text(value: Value) -> str:
    if value is None:
        return "–"
    return ", ".join(value) if isinstance(value, list) else value


def _csv(value: Value) -> Cell:
    return ", ".join(value) if isinstance(value, list) else value


def _style(change: Change) -> Style:
    if change.kind == "state_changed" and change.new == State.DONE.value:
        return "done"
    return _STYLES.get(change.kind)


def _cells(change: Change) -> dict[str, Cell]:
    return {
        "id": change.id,
        "title": change.title,
        "kind": change.kind,
        "from_text": _text(change.old),
        "to_text": _text(change.new),
        "from": _csv(change.old),
        "to": _csv(change.new),
    }


def _heading(change: Change, case: str) -> str | None:
    return change.plan if change.case is None else f"{case} {change.case}"


def _spans(changes: Sequence[Change], case: str) -> tuple[list[tuple[str | None, range]], bool]:
    """Each section's heading and the indexes of its changes, and whether a case has changes."""
    if isinstance(changes, Packed):  # a year diff's: a plan each, known without reading them
        return list(changes.spans()), False
    spans: list[tuple[str | None, range]] = []
    start, cases = 0, False
    for heading, group in groupby(changes, key=lambda change: _heading(change, case)):
        size = 0
        for change in group:
            size += 1
            cases = cases or change.case is not None
        spans.append((heading, range(start, start + size)))
        start += size
    return spans, cases


def summary(report: DiffReport) -> str:
    """One line: how many changes, and the counts that matter for this kind of diff."""
    head = f"{plural(len(report.changes), 'change')} from {report.old_label} to {report.new_label}"
    if report.mode == "year":
        return (f"{head}: {report.done} done, {report.count('note_unchanged')} stalled, "
                f"{report.count('follow_up_missing')} missing.")
    counts = [f"{report.count(kind)} {kind}" for kind in REVISION_KINDS if report.count(kind)]
    return f"{head}: {', '.join([f'{report.done} done', *counts])}."


def diff_view(report: DiffReport, language: str | None = None) -> View:
    """The changes as one table per plan (headings in `language`)."""
    w = i18n.words(language)
    columns = [
        Column("id", w["id"]),
        Column("title", w["title"], wrap=True),
        Column("kind", w["change"]),
        Column("from_text", w["from"], only=("table", "markdown"), wrap=True),
        Column("to_text", w["to"], only=("table", "markdown"), wrap=True),
        Column("from", w["from"], only=("csv",)),
        Column("to", w["to"], only=("csv",)),
    ]
    # A section per plan (or case): its rows are made from the changes as they are drawn.
    spans, cases = _spans(report.changes, w["case"])
    sections = [Section(heading, columns, [], made=Rows(report.changes[span.start:span.stop],
                                                        _cells, _style))
                for heading, span in spans]
    if not sections:  # CSV still writes its header row
        sections.append(Section(None, columns, []))
    labels = {"old": report.old_label, "new": report.new_label}
    if report.mode == "year":
        title = w["year_diff_title"].format(**labels)
        alarming = report.count("follow_up_missing")
        stalled = report.count("note_unchanged")
    else:
        title = w["revision_diff_title"].format(**labels)
        alarming = sum(report.count(kind) for kind in ("due_postponed", "activity_removed",
                                                       "case_reopened", "measure_removed"))
        stalled = 0
    return View(
        title=title,
        sections=sections,
        summary=summary(report),
        data={"changes": Rows(report.changes, Change.as_dict)},
        csv_headings=(w["plan_or_case"] if cases else w["plan"],),
        empty=w["no_changes"],
        summary_style="overdue" if alarming else ("soon" if stalled else None),
    )

"""What changed in the deviation register between two git revisions, cases matched by id.

A case's changes are rows of the revision diff like a plan's: the case is the `case` of each
row (its `plan` is null) and a measure's id is the row's `id`. Besides the kinds that plans have
(`state_changed`, `due_postponed`, `due_advanced`, `owners_changed`, `title_changed`) a case
can be added, removed, closed or reopened, have its closing note rewritten, and gain or lose
measures.

A case that goes backwards (closed or rejected, then received or in progress again) must say
why in the same change: the reopening of a closed case rewrites its `closing.note`, that of a
rejected case its `rejection`. Otherwise the diff warns, since the register would show a case
taken up again with nothing that says what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qaplan.formats.deviation import Deviation, Measure
from qaplan.reports.diff import Change, Value, _due, _due_kind

CASE_KINDS = ("case_added", "case_removed", "case_closed", "case_reopened", "closing_changed",
              "measure_added", "measure_removed")
OPEN_AGAIN = ("received", "in-progress")


@dataclass(frozen=True, slots=True)
class CaseDiff:
    """The changes of the register, and a warning for each case reopened without a note."""

    changes: tuple[Change, ...]
    warnings: tuple[str, ...]


def _closing_note(case: Deviation) -> str | None:
    return case.closing.note if case.closing is not None else None


def explained(old: Deviation, new: Deviation) -> bool:
    """Whether a case taken up again says why: a new closing note, or a new rejection reason."""
    if old.state == "closed":
        note = _closing_note(new)
        return bool(note and note.strip()) and note != _closing_note(old)
    return bool(new.rejection and new.rejection.strip()) and new.rejection != old.rejection


def measure_changes(case: str, old: Measure, new: Measure) -> list[Change]:
    """The changes between two versions of one measure (matched by id)."""
    changes = []

    def add(kind: str, before: Value, after: Value) -> None:
        changes.append(Change(None, new.key, new.title, kind, before, after, case=case))

    due = _due_kind(old.deadline, new.deadline)
    if due is not None:
        add(due, _due(old.deadline), _due(new.deadline))
    if old.owner != new.owner:
        add("owners_changed", [old.owner] if old.owner else [], [new.owner] if new.owner else [])
    if old.state != new.state:
        add("state_changed", old.state, new.state)
    if old.title != new.title:
        add("title_changed", old.title, new.title)
    return changes


def case_changes(old: Deviation, new: Deviation) -> tuple[list[Change], str | None]:
    """The changes between two versions of one case, and a warning when it was reopened
    without a note."""
    changes = []
    warning = None

    def add(kind: str, measure: str | None, title: str, before: Value, after: Value) -> None:
        changes.append(Change(None, measure, title, kind, before, after, case=new.id))

    if old.title != new.title:
        add("title_changed", None, new.title, old.title, new.title)
    if old.state != new.state:
        backwards = old.state in ("closed", "rejected") and new.state in OPEN_AGAIN
        kind = "case_closed" if new.state == "closed" else (
            "case_reopened" if backwards else "state_changed")
        add(kind, None, new.title, old.state, new.state)
        if backwards and not explained(old, new):
            where = "closing.note" if old.state == "closed" else "rejection"
            warning = (f"warning: {new.id}: the case went from {old.state} to {new.state} "
                       f"without a note saying why; rewrite its {where} in the same change "
                       "(e.g. \"Reopened 2026-01-12: the new placement fell through.\")")
    elif new.state == "closed" and _closing_note(old) != _closing_note(new):
        add("closing_changed", None, new.title, _closing_note(old), _closing_note(new))
    before = {measure.key: measure for measure in old.measures}
    after = {measure.key: measure for measure in new.measures}
    for key, measure in after.items():
        if key not in before:
            add("measure_added", key, measure.title, None, None)
        else:
            changes.extend(measure_changes(new.id, before[key], measure))
    for key, measure in before.items():
        if key not in after:
            add("measure_removed", key, measure.title, None, None)
    return changes, warning


def case_diff(before: Mapping[str, Deviation], after: Mapping[str, Deviation]) -> CaseDiff:
    """What changed between two sets of cases (case id -> case), matched by case id (files
    may be renamed); a mapping may build each case when it is looked up."""
    changes: list[Change] = []
    warnings = []
    for case_id in after:
        case = after[case_id]
        if case_id not in before:
            changes.append(Change(None, None, case.title, "case_added", None, case.state,
                                  case=case_id))
            continue
        found, warning = case_changes(before[case_id], case)
        changes.extend(found)
        if warning is not None:
            warnings.append(warning)
    for case_id in before:
        if case_id not in after:
            case = before[case_id]
            changes.append(Change(None, None, case.title, "case_removed", case.state, None,
                                  case=case_id))
    return CaseDiff(tuple(changes), tuple(sorted(warnings)))

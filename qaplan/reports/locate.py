"""Where a change sits in a plan file: the file and line that a CI annotation points at.

Only `diff --format github|sarif` needs lines, so they are found afterwards, from the text of
the new side's files (on disk, or at a revision through git), with the loader's positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qaplan.formats.deviation import Deviation
from qaplan.formats.plan import Plan
from qaplan.loader import Document, Path_, compose
from qaplan.reports import PlanEntry
from qaplan.reports.diff import Change, DiffReport

# The field of an activity that a change of each kind is about (None: the activity itself).
_FIELD = {"due_postponed": "end", "due_advanced": "end", "owners_changed": "owners",
          "title_changed": "title"}


@dataclass(frozen=True, slots=True)
class Location:
    """A change's place: a file (None for a plan that is gone) and a 1-based line."""

    file: str | None
    line: int


def _activity_paths(plan: Plan) -> dict[str, Path_]:
    """Activity id -> its path in the file's data (each row of the typed plan carries it)."""
    return {activity.key: activity.path for _c, _g, activity in plan.activities()}


def locate(
    report: DiffReport,
    results: Iterable[PlanEntry],
    read: Callable[[PlanEntry], str | None],
) -> list[Location]:
    """The location of each change of `report`, given the new side's plans (and deviation
    cases) and their text."""
    # Keyed by (is a case, id): a plan and a case may share an id.
    files: dict[tuple[bool, str], str] = {}
    docs: dict[tuple[bool, str], Document | None] = {}
    paths: dict[tuple[bool, str], dict[str, Path_]] = {}
    for result in results:
        value: Any = result.plan
        if value is None:
            continue
        case = isinstance(value, Deviation)
        key = (case, value.id)
        text = read(result)
        files[key] = result.file
        docs[key] = compose(text, result.file) if text is not None else None
        paths[key] = ({m.key: m.path for m in value.measures} if case
                      else _activity_paths(value))
    locations = []
    for change in report.changes:
        key = (change.case is not None, change.source)
        if key not in files:  # plan_removed, case_removed: no file on the new side
            locations.append(Location(None, 1))
            continue
        doc = docs[key]
        if change.case is not None:
            path = _case_path(change, paths[key])
        else:
            path = _path(change, report, paths[key])
        line = doc.key_position(path)[0] if doc is not None else 1
        locations.append(Location(files[key], line))
    return locations


# The field of a measure, or of the case, that a change of each kind is about.
_MEASURE_FIELD = {"due_postponed": "deadline", "due_advanced": "deadline",
                  "owners_changed": "owner", "title_changed": "title", "state_changed": "state"}
_CASE_FIELD = {"title_changed": "title", "state_changed": "state", "case_closed": "state",
               "case_reopened": "state", "closing_changed": "closing"}


def _case_path(change: Change, paths: dict[str, Path_]) -> Path_:
    """The data path a change of a case points at: the measure's field, the case's field."""
    measure = paths.get(change.id) if change.id is not None else None
    if measure is not None:
        field = _MEASURE_FIELD.get(change.kind)
        return (*measure, field) if field else measure
    if change.kind == "case_added":
        return ("deviation",)
    field = _CASE_FIELD.get(change.kind)
    return ("deviation", field) if field else ("deviation", "id")


def _path(change: Change, report: DiffReport, paths: dict[str, Path_]) -> Path_:
    """The data path a change points at: the field, the year's follow-up, the activity, the plan."""
    activity = paths.get(change.id) if change.id is not None else None
    if activity is None:  # the plan itself, or an activity that is no longer there
        return ("plan", "id") if change.kind != "plan_added" else ("plan",)
    if report.mode == "year":
        return (*activity, "status", int(report.new_label))
    field = _FIELD.get(change.kind)
    return (*activity, field) if field else (*activity, "id")


def read_working_tree(result: PlanEntry) -> str | None:
    """A plan file's text from disk (None when it cannot be read any more)."""
    try:
        return Path(result.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def read_revision(commit: str) -> Callable[[PlanEntry], str | None]:
    """A reader of plan files at a git revision (the new side of `--rev A..B`)."""
    import os

    from qaplan.errors import QaplanError
    from qaplan.git import git_root, show

    root = git_root()

    def read(result: PlanEntry) -> str | None:
        absolute = Path(os.path.normpath(Path.cwd() / result.file))
        try:
            rel = absolute.relative_to(root.resolve()).as_posix()
            return show(root, commit, rel).decode("utf-8-sig")
        except (ValueError, QaplanError, UnicodeDecodeError):
            return None

    return read

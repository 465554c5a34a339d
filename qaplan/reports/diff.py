"""What changed: in the yearly follow-up between two years, or in the plans between two revisions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from qaplan.formats.plan import Activity, FollowUp, Plan
from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier, earlier_by_id, with_history
from qaplan.reports.packed import Packed
from qaplan.values import Due, State
from qaplan.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.folds import Fold

YEAR_KINDS = ("state_changed", "note_unchanged", "follow_up_missing", "follow_up_added")
_TEXT = (str, type(None))
_VALUE = (str, type(None), [str])
REVISION_KINDS = (
    "plan_added",
    "plan_removed",
    "activity_added",
    "activity_removed",
    "due_postponed",
    "due_advanced",
    "owners_changed",
    "state_changed",
    "title_changed",
    # the deviation register's (`qaplan.reports.diff_cases`)
    "case_added",
    "case_removed",
    "case_closed",
    "case_reopened",
    "closing_changed",
    "measure_added",
    "measure_removed",
)
KINDS = tuple(dict.fromkeys(REVISION_KINDS + YEAR_KINDS))  # also the order of kinds per row

Value = str | list[str] | None


@dataclass(frozen=True, slots=True)
class Change:
    """One change: which plan (or deviation case) and row, what kind, and the old and new
    values as written."""

    plan: str | None  # None for a change of a case
    id: str | None  # None for a whole plan (plan_added, plan_removed, the plan's title) or case
    title: str
    kind: str
    old: Value
    new: Value
    case: str | None = None  # the case id of a change in the deviation register
    continues: str | None = None  # the earlier plan's activity it carries on (PLAN/ACTIVITY)

    @property
    def source(self) -> str:
        """The plan id, or the case id."""
        return self.plan if self.plan is not None else self.case or ""

    def as_dict(self) -> dict[str, Any]:
        data = {"plan": self.plan, "id": self.id, "title": self.title, "kind": self.kind,
                "from": self.old, "to": self.new}
        if self.case is not None:
            data["case"] = self.case
        if self.continues is not None:
            data["continues"] = self.continues
        return data


@dataclass(frozen=True, slots=True)
class DiffReport:
    """The changes between two sides, sorted, and the activities matched by derived ids."""

    mode: str  # "year" or "revision"
    old_label: str
    new_label: str
    changes: Sequence[Change]  # a year diff's are packed (`Packed`): read a plan at a time
    counts: Mapping[str, int]  # changes per kind
    done: int  # changes of state to done
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (plan, activity ids) per plan

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON payload of `qaplan diff`."""
        return {"changes": [change.as_dict() for change in self.changes]}

    def adding(self, changes: Iterable[Change]) -> DiffReport:
        """The report with more changes (the deviation register's), all sorted."""
        return _report(self.mode, self.old_label, self.new_label, [*self.changes, *changes],
                       self.derived)


def _report(mode: str, old_label: str, new_label: str, changes: list[Change],
            derived: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> DiffReport:
    """The report of `changes`, sorted and counted."""
    return DiffReport(mode, old_label, new_label, _sorted(changes),
                      Counter(change.kind for change in changes),
                      sum(_to_done(change.kind, change.new) for change in changes), derived)


def _to_done(kind: str, new: Value) -> bool:
    return kind == "state_changed" and new == State.DONE.value


def _natural(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts C1.G2.A10 after C1.G2.A9; None (a whole plan) first."""
    if text is None:
        return ()
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def _sorted(changes: list[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (c.case is not None, c.source, c.id is not None,
                                                _natural(c.id), KINDS.index(c.kind))))


def _state(state: State | None) -> str | None:
    return state.value if state is not None else None


def _same_note(old: FollowUp, new: FollowUp) -> bool:
    """Both notes say the same words (spacing aside): a follow-up that says nothing new."""
    if not old.note or not new.note:
        return False
    return " ".join(old.note.split()) == " ".join(new.note.split())


# --- year diff -------------------------------------------------------------------------------------


def activity_year_changes(plan: str, activity: Activity, from_year: int, to_year: int) -> list[Change]:
    """The follow-up changes of one activity between two years."""
    changes = []

    def add(kind: str, old: Value, new: Value) -> None:
        changes.append(Change(plan, activity.key, activity.title, kind, old, new,
                              continues=activity.continues))

    before, after = activity.latest_state(from_year), activity.latest_state(to_year)
    old, new = activity.status.get(from_year), activity.status.get(to_year)
    if before != after:
        add("state_changed", _state(before), _state(after))
    if old is not None and new is not None and _same_note(old, new):
        add("note_unchanged", old.note, new.note)
    if old is not None and new is None and not activity.finished(to_year):
        add("follow_up_missing", _state(old.state), None)
    if old is None and new is not None:
        add("follow_up_added", None, _state(new.state))
    return changes


def follow_up_years(from_year: int | None, to_year: int | None, as_of: date) -> tuple[int, int]:
    """The two years a year diff compares, defaults filled in.

    `to_year` defaults to the year after `from_year`, else the as-of year minus one (the last
    year whose follow-up should be written); `from_year` to the year before `to_year`.
    """
    if to_year is None:
        to_year = from_year + 1 if from_year is not None else as_of.year - 1
    if from_year is None:
        from_year = to_year - 1
    return from_year, to_year


def _plan_rows(plan: Plan, earlier: Earlier, from_year: int, to_year: int) -> list[list[Any]]:
    """One plan's year changes in report order, each as [activity id, title, kind, from, to,
    the activity it continues]."""
    changes = [change for _criterion, _goal, activity in plan.activities()
               for change in activity_year_changes(plan.id, with_history(activity, earlier),
                                                   from_year, to_year)]
    return [[c.id, c.title, c.kind, c.old, c.new, c.continues] for c in _sorted(changes)]


def year_facts(entry: PlanEntry, earlier: Earlier, from_year: int, to_year: int) -> list[Any]:
    """What the year diff keeps of one plan, as JSON-able data (`qaplan.engine.folds`): its id
    and its changes."""
    plan = entry.plan
    return [plan.id, _plan_rows(plan, earlier, from_year, to_year)]


def year_fold(from_year: int, to_year: int) -> Fold:
    """The year diff's per-plan work, for the engine to do where each plan is checked."""
    from qaplan.engine.folds import Fold

    return Fold("diff-years", "plan", year_facts, (from_year, to_year), valid_year_facts)


def valid_year_facts(facts: Any) -> bool:
    """Whether decoded facts have the shape `year_facts` gives."""
    return _year_facts_shape()(facts) and all(row[2] in YEAR_KINDS for row in facts[1])


@cache
def _year_facts_shape() -> Callable[[Any], bool]:
    """The shape of `year_facts` (made on first use: the engine is not imported before)."""
    from qaplan.engine.folds import Row, shape

    return shape(Row((str, [Row((_TEXT, str, str, _VALUE, _VALUE, _TEXT))])))


def _change(plan: str, row: list[Any]) -> Change:
    activity, title, kind, old, new, continues = row
    return Change(plan, activity, title, kind, old, new, continues=continues)


def merge_year_diff(facts: Iterable[Any], from_year: int, to_year: int) -> DiffReport:
    """The year diff from each plan's facts (`year_facts`), kept packed (`Packed`)."""
    counts: Counter[str] = Counter()
    done = 0

    def counted() -> Iterator[tuple[str, list[list[Any]]]]:
        nonlocal done
        for plan_id, rows in facts:
            for row in rows:
                counts[row[2]] += 1
                done += _to_done(row[2], row[4])
            yield plan_id, rows

    # One id in several files: their changes interleave by activity, as when sorted together.
    changes = Packed(counted(), _change, lambda row: (_natural(row[0]), KINDS.index(row[2])))
    return DiffReport("year", str(from_year), str(to_year), changes, counts, done)


def year_diff(
    plans: Iterable[Plan], from_year: int, to_year: int, earlier: Earlier | None = None
) -> DiffReport:
    """What changed in the yearly follow-up from `from_year` to `to_year`, one plan at a time;
    a carried activity reads its earlier years from the activities in `earlier` it continues."""
    return merge_year_diff(((plan.id, _plan_rows(plan, earlier or {}, from_year, to_year))
                            for plan in plans), from_year, to_year)


# --- revision diff ---------------------------------------------------------------------------------


def _due(value: Due | None) -> str | None:
    return str(value) if value is not None else None


def _due_kind(old: Due | None, new: Due | None) -> str | None:
    """Postponed or advanced; no due date counts as later than any (never overdue)."""
    if old is None and new is None:
        return None
    if new is None:
        return "due_postponed"
    if old is None:
        return "due_advanced"
    if new.due_date > old.due_date:
        return "due_postponed"
    if new.due_date < old.due_date:
        return "due_advanced"
    return None


def activity_changes(plan: str, old: Activity, new: Activity, as_of: date) -> list[Change]:
    """The changes between two versions of one activity (matched by id)."""
    changes = []

    def add(kind: str, before: Value, after: Value) -> None:
        changes.append(Change(plan, new.key, new.title, kind, before, after))

    due = _due_kind(old.end, new.end)
    if due is not None:
        add(due, _due(old.end), _due(new.end))
    if sorted(old.owners) != sorted(new.owners):
        add("owners_changed", list(old.owners), list(new.owners))
    before, after = old.latest_state(as_of.year), new.latest_state(as_of.year)
    if before != after:
        add("state_changed", _state(before), _state(after))
    if old.title != new.title:
        add("title_changed", old.title, new.title)
    return changes


def plan_changes(old: Plan, new: Plan, as_of: date) -> tuple[list[Change], list[str]]:
    """The changes between two versions of one plan, and the ids it matched by position."""
    plan = new.plan.id
    changes = []
    if old.plan.title != new.plan.title:
        changes.append(Change(plan, None, new.plan.title, "title_changed",
                              old.plan.title, new.plan.title))
    before = {activity.key: activity for _c, _g, activity in old.activities()}
    after = {activity.key: activity for _c, _g, activity in new.activities()}
    derived = []
    for key, activity in after.items():
        if key not in before:
            changes.append(Change(plan, key, activity.title, "activity_added", None, None))
            continue
        if activity.derived_id or before[key].derived_id:
            derived.append(key)
        changes.extend(activity_changes(plan, before[key], activity, as_of))
    for key, activity in before.items():
        if key not in after:
            changes.append(Change(plan, key, activity.title, "activity_removed", None, None))
    return changes, sorted(derived, key=_natural)


def carried_changes(plan: Plan, before: Mapping[str, Plan], as_of: date) -> list[Change]:
    """The changes of a new plan's carried activities against the activities they continue
    on the old side (a rollover: due dates moved, owners changed)."""
    linked = {a.continues.split("/", 1)[0] for _c, _g, a in plan.activities()
              if a.continues is not None}
    earlier = earlier_by_id(before[plan_id] for plan_id in sorted(linked) if plan_id in before)
    changes: list[Change] = []
    for _criterion, _goal, activity in plan.activities():
        old = earlier.get(activity.continues or "")
        if old is not None:
            changes.extend(replace(change, continues=activity.continues) for change in
                           activity_changes(plan.plan.id, old, with_history(activity, earlier),
                                            as_of))
    return changes


def revision_diff(
    before: Mapping[str, Plan], after: Mapping[str, Plan], as_of: date, old_label: str,
    new_label: str,
) -> DiffReport:
    """What changed between two sets of plans by plan id (files may be renamed); each plan is
    looked up when it is compared (`workspace.ById` builds it then)."""
    changes: list[Change] = []
    derived = []
    for plan_id, plan in after.items():
        if plan_id not in before:
            changes.append(Change(plan_id, None, plan.plan.title, "plan_added", None, None))
            changes.extend(carried_changes(plan, before, as_of))
            continue
        found, ids = plan_changes(before[plan_id], plan, as_of)
        changes.extend(found)
        if ids:
            derived.append((plan_id, tuple(ids)))
    for plan_id in before:
        if plan_id not in after:
            title = before[plan_id].plan.title
            changes.append(Change(plan_id, None, title, "plan_removed", None, None))
    return _report("revision", old_label, new_label, changes, tuple(sorted(derived)))


def derived_warnings(report: DiffReport) -> list[str]:
    """One warning per plan whose activities were matched by ids derived from their position."""
    warnings = []
    for plan, ids in report.derived:
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        warnings.append(
            f"warning: {plan}: {plural(len(ids), 'activity', 'activities')} matched by "
            f"derived ids ({shown}); derived ids shift when rows are inserted, so a change may be "
            "reported on the wrong activity. Give activities explicit ids."
        )
    return warnings


def failing(report: DiffReport, kinds: Sequence[str]) -> list[str]:
    """The kinds among `kinds` that the report found."""
    return [kind for kind in dict.fromkeys(kinds) if report.count(kind)]

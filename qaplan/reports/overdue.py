"""Overdue per owner: unfinished activities past their due date, and those due soon."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from qaplan.engine.folds import Fold, Row, shape
from qaplan.formats.deviation import Deviation
from qaplan.formats.plan import Activity, Plan
from qaplan.reports import PlanEntry
from qaplan.reports.cases import CaseEntry, measure_days_overdue, measure_state_on
from qaplan.reports.continued import Earlier, with_history
from qaplan.reports.owners import OwnerNames
from qaplan.values import State

_STATES = {state.value: state for state in State}
_TEXT = (str, type(None))
# An item's facts (`OverdueItem.as_facts`): plan, file, id, title, end, due, days, state,
# owners, kind, case.
_ITEMS = shape([Row((_TEXT, str, str, str, str, str, int, _TEXT, [str], str, _TEXT))])
_KINDS = frozenset(("activity", "measure"))
_ACTIVITY_STATES = frozenset((None, *_STATES))


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    return date.fromisoformat(text)


# Not frozen: a frozen dataclass is built five times slower, and a report over 10,000 plans
# builds 290,000 items (nothing changes one once built).
@dataclass(slots=True)
class OverdueItem:
    """One activity, or a deviation case's measure, that is overdue (days_overdue > 0) or due
    soon (days_overdue <= 0)."""

    plan: str | None  # None for a measure
    file: str
    id: str
    title: str
    end: str  # the due date as written: 2024, VT25, 2026-06-30
    due: date
    days_overdue: int
    state: State | str | None  # a measure's state is its own word: proposed, accepted
    owners: tuple[str, ...]
    kind: str = "activity"  # or "measure"
    case: str | None = None  # the case id of a measure

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def source(self) -> str:
        """The plan id of an activity, the case id of a measure."""
        return self.plan if self.plan is not None else self.case or ""

    def as_facts(self) -> list[Any]:
        """The item as JSON-able data for a report's facts (`from_facts` reads it back)."""
        state = self.state.value if isinstance(self.state, State) else self.state
        return [self.plan, self.file, self.id, self.title, self.end, self.due.isoformat(),
                self.days_overdue, state, list(self.owners), self.kind, self.case]

    @classmethod
    def from_facts(cls, facts: list[Any]) -> OverdueItem:
        plan, file, key, title, end, due, days, state, owners, kind, case = facts
        # One copy of each repeated value (plan, file, id, due date, owner keys): a report
        # over 10,000 plans holds hundreds of thousands of items.
        intern = sys.intern
        return cls(plan if plan is None else intern(plan), intern(file), intern(key), title,
                   intern(end), _day(due), days,
                   _STATES[state] if state is not None and kind == "activity" else state,
                   tuple(map(intern, owners)), kind, case)

    @staticmethod
    def valid_facts(items: Any) -> bool:
        """Whether decoded facts are a list of items as `as_facts` writes them (a warm report
        checks every plan's, so the checks go over a whole list at a time)."""
        if not _ITEMS(items) or not {item[9] for item in items} <= _KINDS:
            return False
        if not {item[7] for item in items if item[9] == "activity"} <= _ACTIVITY_STATES:
            return False
        try:
            for due in {item[5] for item in items}:
                _day(due)
        except ValueError:
            return False
        return True

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON item (a measure's adds `case`; its `plan` is null)."""
        data = {
            "plan": self.plan,
            "file": self.file,
            "id": self.id,
            "title": self.title,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "state": self.state.value if isinstance(self.state, State) else self.state,
            "kind": self.kind,
        }
        if self.case is not None:
            data["case"] = self.case
        return data


@dataclass(frozen=True, slots=True)
class OwnerGroup:
    """The items of one owner; `owner` is None for activities without owners."""

    owner: str | None
    name: str | None
    items: tuple[OverdueItem, ...]


@dataclass(frozen=True, slots=True)
class OverdueReport:
    """Overdue (and due-soon) activities per owner as of a date."""

    as_of: date
    within: int | None
    plans: int
    groups: tuple[OwnerGroup, ...]
    known_owners: frozenset[str] = frozenset()  # every owner key declared or used: --owner's
    cases: int = 0  # deviation case files read beside the plans

    def only(self, owners: Collection[str]) -> OverdueReport:
        """The report for these owner keys only (activities without an owner left out)."""
        return replace(self, groups=tuple(g for g in self.groups if g.owner in owners))

    def activities(self) -> list[OverdueItem]:
        """Each listed activity (or measure) once, however many owners it has."""
        unique = {(item.plan, item.case, item.id): item
                  for group in self.groups for item in group.items}
        return list(unique.values())

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.activities() if item.overdue)

    @property
    def soon_count(self) -> int:
        return sum(1 for item in self.activities() if not item.overdue)

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON payload of `qaplan overdue`."""
        return {
            "as_of": self.as_of.isoformat(),
            "owners": [
                {
                    "owner": group.owner,
                    "name": group.name,
                    "activities": [item.as_dict() for item in group.items],
                }
                for group in self.groups
            ],
        }


def due_as_of(activity: Activity, as_of: date) -> tuple[date, str] | None:
    """The due date an unfinished activity is held to as of `as_of`, and its form as written:
    its end, or a recurring activity's current occurrence (VT2026); None when it has none."""
    if activity.recurrence is not None:
        occurrence = activity.current_occurrence(as_of)
        return None if occurrence is None else (occurrence.due, occurrence.label)
    if activity.end is None or activity.finished(as_of.year):
        return None
    return activity.end.due_date, str(activity.end)


def days_overdue(activity: Activity, as_of: date) -> int | None:
    """as-of minus the due date, for an unfinished activity with a due date; else None."""
    due = due_as_of(activity, as_of)
    return None if due is None else (as_of - due[0]).days


def sort_key(item: OverdueItem) -> tuple[int, str, str]:
    """Most overdue first, then by plan (or case) and id."""
    return (-item.days_overdue, item.source, item.id)


def plan_items(file: str, plan: Plan, as_of: date, within: int | None = None,
               earlier: Earlier | None = None) -> list[OverdueItem]:
    """The activities of one plan past due as of `as_of`, or due within `within` days; a
    carried activity reads its earlier years from the activity in `earlier` it continues."""
    items: list[OverdueItem] = []
    for _criterion, _goal, carried in plan.activities():
        activity = with_history(carried, earlier or {})
        due = due_as_of(activity, as_of)
        if due is None:
            continue
        days = (as_of - due[0]).days
        if not (days > 0 or (within is not None and -within <= days)):
            continue
        items.append(OverdueItem(
            plan=plan.id,
            file=file,
            id=activity.key,
            title=activity.title,
            end=due[1],
            due=due[0],
            days_overdue=days,
            state=activity.current_state(as_of),
            owners=tuple(activity.owners),
        ))
    return items


def case_items(
    file: str, case: Deviation, as_of: date, within: int | None = None
) -> list[OverdueItem]:
    """The open measures of one deviation case past their deadline as of `as_of`, or due within
    `within` days (measures of a case rejected or closed by then are not listed)."""
    items: list[OverdueItem] = []
    for measure in case.measures:
        days = measure_days_overdue(case, measure, as_of)
        if days is None or not (days > 0 or (within is not None and -within <= days)):
            continue
        assert measure.deadline is not None
        items.append(OverdueItem(
            plan=None,
            file=file,
            id=measure.key,
            title=measure.title,
            end=str(measure.deadline),
            due=measure.deadline.due_date,
            days_overdue=days,
            state=measure_state_on(measure, as_of),
            owners=(measure.owner,) if measure.owner else (),
            kind="measure",
            case=case.key,
        ))
    return items


def overdue_facts(entry: PlanEntry, earlier: Earlier, as_of: date,
                  within: int | None) -> list[Any]:
    """What the overdue report keeps of one plan, as JSON-able data (`qaplan.engine.folds`):
    its listed items, the owners it names and the owner keys its activities use."""
    plan = entry.plan
    items = plan_items(entry.file, plan, as_of, within, earlier)
    used = sorted({key for _c, _g, activity in plan.activities() for key in activity.owners})
    return [[item.as_facts() for item in items],
            [[key, owner.name] for key, owner in plan.owners.items()], used]


def valid_overdue_facts(facts: Any) -> bool:
    """Whether decoded facts are a plan's as `overdue_facts` writes them."""
    return _PLAN(facts) and OverdueItem.valid_facts(facts[0])


_PLAN = shape(Row(([list], [Row((str, str))], [str])))  # items, owner names, owner keys used


def overdue_fold(as_of: date, within: int | None) -> Fold:
    """The overdue report's per-plan work, for the engine to do where each plan is checked."""
    return Fold("overdue", "plan", overdue_facts, (as_of, within), valid_overdue_facts)


def overdue_report(
    plans: Iterable[PlanEntry],
    as_of: date,
    *,
    within: int | None = None,
    owners: Collection[str] = (),
    names: Mapping[str, str] | None = None,
    cases: Iterable[CaseEntry] = (),
    earlier: Earlier | None = None,
) -> OverdueReport:
    """Overdue activities, and overdue measures of deviation `cases`, grouped per owner (an
    activity with several owners under each).

    One pass over the plans and one over the cases, keeping only the listed items. `owners`:
    only these owner keys (as resolved by the caller; empty: all). `names`: owner key -> name
    (None: from each file's qaplan.yaml, then from the plans, as they come).
    """
    # An entry's `config`: its repository file, as the workspace's entries carry it.
    facts = ((getattr(entry, "config", None), overdue_facts(entry, earlier or {}, as_of, within))
             for entry in plans)
    report = merge_overdue(facts, as_of, within=within, names=names, cases=cases)
    return report.only(owners) if owners else report


def merge_overdue(
    plans: Iterable[tuple[Any, list[Any]]],
    as_of: date,
    *,
    within: int | None = None,
    names: Mapping[str, str] | None = None,
    cases: Iterable[CaseEntry] = (),
) -> OverdueReport:
    """The report from each plan's facts (`overdue_facts`), given with its repository file (the
    typed Config, a ConfigResult holding it, or None), and from the deviation `cases` (`names`
    as in `overdue_report`)."""
    folded = OwnerNames()
    items: list[OverdueItem] = []
    count = 0
    for config, (listed, plan_owners, used) in plans:
        count += 1
        folded.add_repository(config)
        folded.add_plan(plan_owners, used)
        items.extend(OverdueItem.from_facts(item) for item in listed)
    case_count = 0
    for case_entry in cases:
        case_count += 1
        folded.add_case(case_entry)
        items.extend(case_items(case_entry.file, case_entry.value, as_of, within))
    shown = folded.names if names is None else names
    by_owner: dict[str | None, list[OverdueItem]] = {}
    items.sort(key=sort_key)
    for item in items:
        for key in item.owners or (None,):
            by_owner.setdefault(key, []).append(item)
    del items
    groups = tuple(
        OwnerGroup(key, shown.get(key, key) if key is not None else None, tuple(listed))
        for key, listed in sorted(by_owner.items(), key=lambda pair: (pair[0] is None, pair[0] or ""))
    )
    return OverdueReport(as_of, within, count, groups, frozenset(folded.known | set(shown)),
                         case_count)

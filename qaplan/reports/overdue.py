"""Overdue per owner: unfinished activities past their due date, and those due soon."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from qaplan import i18n
from qaplan.formats.deviation import Deviation
from qaplan.formats.plan import Activity, Plan
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports import PlanEntry
from qaplan.reports.cases import CaseEntry, measure_days_overdue, measure_state_on
from qaplan.reports.continued import Earlier, with_history
from qaplan.reports.owners import OwnerNames
from qaplan.values import State
from qaplan.words import plural


@dataclass(frozen=True, slots=True)
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
        return cls(plan, file, key, title, end, date.fromisoformat(due), days,
                   State(state) if state is not None and kind == "activity" else state,
                   tuple(owners), kind, case)

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


def activity_items(
    plans: Iterable[PlanEntry], as_of: date, within: int | None = None
) -> list[OverdueItem]:
    """Every unfinished activity past due as of `as_of`, or due within `within` days, once each."""
    items = [item for entry in plans for item in plan_items(entry.file, entry.plan, as_of, within)]
    return sorted(items, key=sort_key)


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
    folded = OwnerNames()
    items: list[OverdueItem] = []
    count = 0
    for entry in plans:
        count += 1
        folded.add(entry)
        items.extend(plan_items(entry.file, entry.plan, as_of, within, earlier))
    case_count = 0
    for case_entry in cases:
        case_count += 1
        folded.add_case(case_entry)
        items.extend(case_items(case_entry.file, case_entry.value, as_of, within))
    shown = folded.names if names is None else names
    by_owner: dict[str | None, list[OverdueItem]] = {}
    for item in sorted(items, key=sort_key):
        for key in item.owners or (None,):
            by_owner.setdefault(key, []).append(item)
    groups = tuple(
        OwnerGroup(key, shown.get(key, key) if key is not None else None, tuple(listed))
        for key, listed in sorted(by_owner.items(), key=lambda pair: (pair[0] is None, pair[0] or ""))
    )
    report = OverdueReport(as_of, within, count, groups, frozenset(folded.known | set(shown)),
                           case_count)
    return report.only(owners) if owners else report


# --- drawing --------------------------------------------------------------------------------------


def due_text(item: OverdueItem) -> str:
    """The due date, with the form written in the plan when it differs (2025-06-30 (VT25))."""
    iso = item.due.isoformat()
    return iso if item.end == iso else f"{iso} ({item.end})"


def days_text(days: int, language: str | None = None) -> str:
    """60 days overdue, due today, due in 5 days (in `language`)."""
    if days > 0:
        return i18n.days(language, days)
    if days == 0:
        return i18n.words(language)["due_today"]
    return i18n.words(language)["due_in"].format(days=i18n.days(language, -days))


def state_text(state: State | str | None, language: str | None = None) -> str:
    """The state (an activity's, or a measure's word) in `language` (English: as written)."""
    if state is None:
        key = "not_started"
    else:
        key = state.value if isinstance(state, State) else state.replace("-", "_")
    return i18n.words(language)[key].lower()


def item_style(item: OverdueItem) -> Style:
    return "overdue" if item.overdue else "soon"


def item_cells(item: OverdueItem, language: str | None = None) -> dict[str, Cell]:
    """The cells every report shows for an overdue or due-soon activity."""
    return {
        "plan": item.source,  # a measure shows its case id where an activity shows its plan
        "kind": item.kind,
        "file": item.file,
        "id": item.id,
        "title": item.title,
        "end": item.end,
        "due": due_text(item),
        "due_date": item.due.isoformat(),
        "days_overdue": item.days_overdue,
        "overdue": days_text(item.days_overdue, language),
        "state": state_text(item.state, language),
    }


def _owners_text(report: OverdueReport) -> str:
    """Whose they are: " for 3 owners", " for 2 owners and 1 activity without an owner",
    ", 1 without an owner" (never "for 0 owners")."""
    owners = sum(1 for group in report.groups if group.owner is not None)
    unowned = sum(len(group.items) for group in report.groups if group.owner is None)
    # The comma keeps "and N due within D days" apart from whose they are.
    sep = "," if report.within is not None else ""
    if owners and unowned:
        things = plural(unowned, "item") if report.cases else plural(unowned, "activity",
                                                                      "activities")
        return f"{sep} for {plural(owners, 'owner')} and {things} without an owner"
    if owners:
        return f"{sep} for {plural(owners, 'owner')}"
    return f", {unowned} without an owner" if unowned else ""


def report_columns(
    w: Mapping[str, str], *, owners: bool = False, cases: bool = False
) -> list[Column]:
    """The columns of a list of overdue or due-soon activities (headers in the words `w`);
    `cases`: measures of deviation cases may be listed too (the kind is a CSV column)."""
    return [
        Column("plan", w["plan_or_case"] if cases else w["plan"]),
        *([Column("kind", w["kind"], only=("csv",))] if cases else []),
        Column("file", w["file"], only=("csv",)),
        Column("id", w["id"]),
        Column("title", w["activity_or_measure"] if cases else w["activity"], wrap=True),
        *([Column("owners", w["owners"], wrap=True)] if owners else []),
        Column("end", w["end"], only=("csv",)),
        Column("due", w["due"], only=("table", "markdown"), wrap=True),
        Column("due_date", w["due"], only=("csv",)),
        Column("days_overdue", w["days_overdue"], "right", only=("csv",)),
        Column("overdue", w["overdue"], "right", only=("table", "markdown")),
        Column("state", w["state"], wrap=True),
    ]


def overdue_view(report: OverdueReport, language: str | None = None) -> View:
    """The report as sections per owner, ready to draw in any format (headings in `language`)."""
    w = i18n.words(language)
    columns = [Column("owner", w["owner"], only=("csv",)),
               Column("name", w["owner_name"], only=("csv",)),
               *report_columns(w, cases=bool(report.cases))]
    sections = []
    for group in report.groups:
        if group.owner is None:
            heading = w["no_owner"]
        elif group.name and group.name != group.owner:
            heading = f"{group.owner} – {group.name}"
        else:
            heading = group.owner
        rows: list[dict[str, Cell]] = [
            {"owner": group.owner, "name": group.name, **item_cells(item, language)}
            for item in group.items
        ]
        sections.append(Section(heading, columns, rows, [item_style(item) for item in group.items]))
    if not sections:
        sections.append(Section(None, columns, []))
    overdue, soon = report.overdue_count, report.soon_count
    as_of = report.as_of.isoformat()
    title = w["overdue_cases_title" if report.cases else "overdue_title"].format(as_of=as_of)
    summary = plural(overdue, "activity", "activities") + " overdue"
    if report.cases:
        measures = sum(1 for item in report.activities() if item.overdue and item.case)
        counted = [plural(overdue - measures, "activity", "activities")] if report.plans else []
        summary = " and ".join([*counted, plural(measures, "measure")]) + " overdue"
    if report.within is not None:
        title += w["overdue_within"].format(days=i18n.days(language, report.within))
        summary += f" and {soon} due within {plural(report.within, 'day')}"
    checked = " and ".join(
        [*([plural(report.plans, "plan")] if report.plans or not report.cases else []),
         *([plural(report.cases, "case")] if report.cases else [])])
    summary += f"{_owners_text(report)} ({checked} checked)."
    style: Style = "overdue" if overdue else ("soon" if soon else "done")
    return View(
        title=title,
        sections=sections,
        summary=summary,
        data=report.as_json(),
        empty=w["overdue_empty"].format(as_of=as_of),
        summary_style=style,
    )

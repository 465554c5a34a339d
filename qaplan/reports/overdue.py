"""Overdue per owner: unfinished activities past their due date, and those due soon."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.errors import QaplanError
from qaplan.model import Activity
from qaplan.engine.results import FileResult
from qaplan.render.text import plural, printable
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports.owners import owner_names
from qaplan.values import State

NO_OWNER = "(no owner)"


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """One activity that is overdue (days_overdue > 0) or due soon (days_overdue <= 0)."""

    plan: str
    file: str
    id: str
    title: str
    end: str  # the due date as written: 2024, VT25, 2026-06-30
    due: date
    days_overdue: int
    state: State | None
    owners: tuple[str, ...]
    kind: str = "activity"

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON item."""
        return {
            "plan": self.plan,
            "file": self.file,
            "id": self.id,
            "title": self.title,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "state": self.state.value if self.state is not None else None,
            "kind": self.kind,
        }


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

    def activities(self) -> list[OverdueItem]:
        """Each listed activity once, however many owners it has."""
        unique = {(item.plan, item.id): item for group in self.groups for item in group.items}
        return list(unique.values())

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.activities() if item.overdue)

    @property
    def soon_count(self) -> int:
        return sum(1 for item in self.activities() if not item.overdue)


def days_overdue(activity: Activity, as_of: date) -> int | None:
    """as-of minus the due date, for an unfinished activity with a due date; else None."""
    if activity.end is None or activity.finished(as_of.year):
        return None
    return (as_of - activity.end.due_date).days


def _sort_key(item: OverdueItem) -> tuple[int, str, str]:
    return (-item.days_overdue, item.plan, item.id)


def activity_items(plans: Iterable[FileResult], as_of: date, within: int | None = None) -> list[OverdueItem]:
    """Every unfinished activity past due as of `as_of`, or due within `within` days, once each."""
    items: list[OverdueItem] = []
    for result in plans:
        if result.plan is None:
            continue
        for _criterion, _goal, activity in result.plan.activities():
            days = days_overdue(activity, as_of)
            if days is None or not (days > 0 or (within is not None and -within <= days)):
                continue
            assert activity.end is not None
            items.append(OverdueItem(
                plan=result.plan.plan.id,
                file=result.file,
                id=activity.key,
                title=activity.title,
                end=str(activity.end),
                due=activity.end.due_date,
                days_overdue=days,
                state=activity.latest_state(as_of.year),
                owners=tuple(activity.owners),
            ))
    return sorted(items, key=_sort_key)


def known_owners(plans: Sequence[FileResult]) -> set[str]:
    """Every owner key declared or used in the plans and their qaplan.yaml."""
    keys = set(owner_names(plans))
    for result in plans:
        if result.plan is not None:
            keys.update(key for _c, _g, activity in result.plan.activities() for key in activity.owners)
    return keys


def resolve_owners(wanted: Sequence[str], known: set[str]) -> list[str]:
    """The owner keys that `--owner` values name: exact, else the one key that differs in case.

    An unknown key, or one that matches several keys by case only, is a usage error (exit 2)
    that says which keys there are.
    """
    from difflib import get_close_matches

    def shown(keys: Sequence[str]) -> list[str]:  # owner keys are plan text: never raw on stderr
        return [f"'{printable(k)}'" for k in keys]

    resolved = []
    for key in wanted:
        if key in known:
            resolved.append(key)
            continue
        same = sorted(k for k in known if k.casefold() == key.casefold())
        if len(same) == 1:
            resolved.append(same[0])
            continue
        if same:
            raise QaplanError(
                f"--owner: {shown([key])[0]} matches {' and '.join(shown(same))}, which differ "
                f"only in case; give the key exactly, e.g. --owner {printable(same[0])}"
            )
        folded = {k.casefold(): k for k in sorted(known)}
        close = [folded[k] for k in get_close_matches(key.casefold(), list(folded), n=3, cutoff=0.6)]
        hint = f" (did you mean {' or '.join(shown(close))}?)" if close else ""
        raise QaplanError(
            f"--owner: no owner {shown([key])[0]} in the plans or qaplan.yaml{hint}; "
            f"known owners: {', '.join(printable(k) for k in sorted(known)) or 'none'}"
        )
    return resolved


def overdue_report(
    plans: Sequence[FileResult],
    as_of: date,
    *,
    within: int | None = None,
    owners: Sequence[str] = (),
) -> OverdueReport:
    """Overdue activities grouped per owner (an activity with several owners under each)."""
    if within is not None and within < 0:
        raise QaplanError(f"--within: {within} is negative; give a number of days, e.g. --within 30")
    wanted = set(resolve_owners(owners, known_owners(plans))) if owners else set()
    names = owner_names(plans)
    by_owner: dict[str | None, list[OverdueItem]] = {}
    for item in activity_items(plans, as_of, within):
        for key in item.owners or (None,):
            by_owner.setdefault(key, []).append(item)
    groups = tuple(
        OwnerGroup(key, names.get(key, key) if key is not None else None, tuple(items))
        for key, items in sorted(by_owner.items(), key=lambda pair: (pair[0] is None, pair[0] or ""))
        if not wanted or key in wanted
    )
    return OverdueReport(as_of, within, len(plans), groups)


def overdue_json(report: OverdueReport) -> dict[str, Any]:
    """The contract's JSON payload of `qaplan overdue`."""
    return {
        "as_of": report.as_of.isoformat(),
        "owners": [
            {
                "owner": group.owner,
                "name": group.name,
                "activities": [item.as_dict() for item in group.items],
            }
            for group in report.groups
        ],
    }


# --- drawing --------------------------------------------------------------------------------------


def due_text(item: OverdueItem) -> str:
    """The due date, with the form written in the plan when it differs (2025-06-30 (VT25))."""
    iso = item.due.isoformat()
    return iso if item.end == iso else f"{iso} ({item.end})"


def days_text(days: int) -> str:
    """60 days overdue, due today, due in 5 days."""
    if days > 0:
        return plural(days, "day")
    if days == 0:
        return "due today"
    return f"in {plural(-days, 'day')}"


def state_text(state: State | None) -> str:
    return state.value if state is not None else "not started"


def item_style(item: OverdueItem) -> Style:
    return "overdue" if item.overdue else "soon"


def item_cells(item: OverdueItem) -> dict[str, Cell]:
    """The cells every report shows for an overdue or due-soon activity."""
    return {
        "plan": item.plan,
        "file": item.file,
        "id": item.id,
        "title": item.title,
        "end": item.end,
        "due": due_text(item),
        "due_date": item.due.isoformat(),
        "days_overdue": item.days_overdue,
        "overdue": days_text(item.days_overdue),
        "state": state_text(item.state),
    }


def _owners_text(report: OverdueReport) -> str:
    """Whose they are: " for 3 owners", " for 2 owners and 1 activity without an owner",
    ", 1 without an owner" (never "for 0 owners")."""
    owners = sum(1 for group in report.groups if group.owner is not None)
    unowned = sum(len(group.items) for group in report.groups if group.owner is None)
    # The comma keeps "and N due within D days" apart from whose they are.
    sep = "," if report.within is not None else ""
    if owners and unowned:
        return (f"{sep} for {plural(owners, 'owner')} and "
                f"{plural(unowned, 'activity', 'activities')} without an owner")
    if owners:
        return f"{sep} for {plural(owners, 'owner')}"
    return f", {unowned} without an owner" if unowned else ""


def overdue_view(report: OverdueReport) -> View:
    """The report as sections per owner, ready to draw in any format."""
    columns = [
        Column("owner", "Owner", only=("csv",)),
        Column("name", "Owner name", only=("csv",)),
        Column("plan", "Plan"),
        Column("file", "File", only=("csv",)),
        Column("id", "ID"),
        Column("title", "Activity", wrap=True),
        Column("end", "End", only=("csv",)),
        Column("due", "Due", only=("table", "markdown"), wrap=True),
        Column("due_date", "Due", only=("csv",)),
        Column("days_overdue", "Days overdue", "right", only=("csv",)),
        Column("overdue", "Overdue", "right", only=("table", "markdown")),
        Column("state", "State", wrap=True),
    ]
    sections = []
    for group in report.groups:
        if group.owner is None:
            heading = NO_OWNER
        elif group.name and group.name != group.owner:
            heading = f"{group.owner} – {group.name}"
        else:
            heading = group.owner
        rows: list[dict[str, Cell]] = [
            {"owner": group.owner, "name": group.name, **item_cells(item)} for item in group.items
        ]
        sections.append(Section(heading, columns, rows, [item_style(item) for item in group.items]))
    if not sections:
        sections.append(Section(None, columns, []))
    overdue, soon = report.overdue_count, report.soon_count
    title = f"Overdue activities as of {report.as_of.isoformat()}"
    summary = plural(overdue, "activity", "activities") + " overdue"
    if report.within is not None:
        title += f" (and due within {plural(report.within, 'day')})"
        summary += f" and {soon} due within {plural(report.within, 'day')}"
    summary += f"{_owners_text(report)} ({plural(report.plans, 'plan')} checked)."
    style: Style = "overdue" if overdue else ("soon" if soon else "done")
    return View(
        title=title,
        sections=sections,
        summary=summary,
        data=overdue_json(report),
        empty=f"Nothing overdue as of {report.as_of.isoformat()}.",
        summary_style=style,
    )

"""Every deadline as an iCalendar feed: activities' due dates, deviation measures' deadlines and
the yearly milestones (årshjul) of qaplan.yaml, as all-day events with stable UIDs.

A UID is derived from what names a deadline (plan id and activity id, case id and measure id,
a milestone's day and title), never from its position or its other text, so a calendar
application that reads the feed again updates its events instead of adding new ones. DTSTAMP
is the as-of date, so the same files and the same as-of date give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from qaplan import i18n
from qaplan.formats.deviation import Deviation
from qaplan.formats.plan import Activity, Plan
from qaplan.reports.cases import measure_state_on
from qaplan.reports.item_cells import state_text
from qaplan.reports.owners import OwnerNames
from qaplan.values import State, printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import Entry
    from qaplan.formats.config import Config

PRODID = "-//qaplan//qaplan calendar//EN"  # also how `calendar` knows a feed it wrote
DONE_MARK = "✓ "  # before the summary of finished work: its event stays, visibly done
KINDS = ("activity", "measure", "milestone")


@dataclass(frozen=True, slots=True)
class Deadline:
    """One all-day event of the feed."""

    uid: str
    day: date
    kind: str  # activity, measure or milestone
    summary: str
    description: str
    owners: tuple[str, ...] = ()  # none for a milestone: it concerns everyone
    done: bool = False
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class CalendarReport:
    """The deadlines of the plans, the cases and their qaplan.yaml, in day order."""

    as_of: date
    deadlines: tuple[Deadline, ...]
    known_owners: frozenset[str]

    def only(self, owners: Collection[str]) -> CalendarReport:
        """The deadlines of these owner keys, and every milestone."""
        return replace(self, deadlines=tuple(
            d for d in self.deadlines if d.kind == "milestone" or set(d.owners) & set(owners)))

    def count(self, kind: str) -> int:
        return sum(1 for deadline in self.deadlines if deadline.kind == kind)


def uid(*parts: str) -> str:
    """A UID from what names a deadline: the same parts, the same UID, in every run."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32] + "@qaplan"


def calendar_report(
    plans: Iterable[Entry], as_of: date, *, cases: Iterable[Entry] = (),
) -> CalendarReport:
    """Every deadline, one pass over the plans and the cases; the milestones of each distinct
    qaplan.yaml fall in the as-of year and the next."""
    folded = OwnerNames()
    found: dict[str, Deadline] = {}
    configs: dict[str, Config] = {}
    years = (as_of.year, as_of.year + 1)
    for entry in plans:
        folded.add(entry)
        if entry.config is not None:
            configs.setdefault(entry.config_file or "", entry.config)
        for deadline in plan_deadlines(entry.plan, entry.language, as_of, years):
            found.setdefault(deadline.uid, deadline)
    for entry in cases:
        folded.add_case(entry)
        if entry.config is not None:
            configs.setdefault(entry.config_file or "", entry.config)
        for deadline in case_deadlines(entry.value, entry.language, as_of):
            found.setdefault(deadline.uid, deadline)
    for config in configs.values():
        for deadline in milestone_deadlines(config, years):
            found.setdefault(deadline.uid, deadline)
    ordered = sorted(found.values(), key=lambda d: (d.day, KINDS.index(d.kind), d.summary, d.uid))
    return CalendarReport(as_of, tuple(ordered), frozenset(folded.known | set(folded.names)))


def _lines(language: str | None, *pairs: tuple[str, str | None]) -> str:
    w = i18n.words(language)
    return "\n".join(f"{w[key]}: {printable(value)}" for key, value in pairs if value)


def plan_deadlines(
    plan: Plan, language: str | None, as_of: date, years: tuple[int, int]
) -> list[Deadline]:
    """An event per activity with a due date; a recurring one has an event per occurrence in
    `years`. Follow-ups of years after the as-of date's do not count (as in every report)."""
    found = []
    for _criterion, _goal, activity in plan.activities():
        title, where = printable(activity.title), f"{plan.id} {activity.key}"
        if activity.recurrence is not None:
            since, until = date(years[0], 1, 1), date(years[-1], 12, 31)
            for occurrence in activity.occurrences(since, until):
                # An occurrence is done by its own year's follow-up; a cancellation ends them all.
                follow_up = (activity.status.get(occurrence.year)
                             if occurrence.year <= as_of.year else None)
                state = follow_up.state if follow_up is not None else None
                if activity.latest_state(min(occurrence.year, as_of.year)) is State.CANCELLED:
                    state = State.CANCELLED
                found.append(_activity_deadline(
                    plan, activity, language, occurrence.due,
                    uid("activity", plan.id, activity.key, occurrence.label),
                    f"{title} – {occurrence.label} ({where})", occurrence.label, state))
        elif activity.end is not None:
            found.append(_activity_deadline(
                plan, activity, language, activity.end.due_date,
                uid("activity", plan.id, activity.key), f"{title} ({where})", str(activity.end),
                activity.latest_state(as_of.year)))
    return found


def _activity_deadline(
    plan: Plan, activity: Activity, language: str | None, day: date, key: str, summary: str,
    due: str, state: State | None,
) -> Deadline:
    description = _lines(language, ("plan", f"{plan.id} – {plan.plan.title}"),
                         ("owners", ", ".join(activity.owners)), ("due", due),
                         ("state", state_text(state, language)))
    done = state is State.DONE
    return Deadline(key, day, "activity", (DONE_MARK if done else "") + summary, description,
                    tuple(activity.owners), done, state is State.CANCELLED)


def case_deadlines(case: Deviation, language: str | None, as_of: date) -> list[Deadline]:
    """An event per measure with a deadline (a declined measure's marked cancelled)."""
    w = i18n.words(language)
    found = []
    for measure in case.measures:
        if measure.deadline is None:
            continue
        state = measure_state_on(measure, as_of)
        done = state == "done"
        summary = (f"{printable(measure.title)} ({w['remind_case']} {case.key}, "
                   f"{w['remind_measure']} {measure.key})")
        description = _lines(language, ("title", printable(case.title)),
                             ("owner", measure.owner), ("due", str(measure.deadline)),
                             ("state", state_text(state, language)))
        found.append(Deadline(
            uid("measure", case.key, measure.key), measure.deadline.due_date, "measure",
            (DONE_MARK if done else "") + summary, description,
            (measure.owner,) if measure.owner else (), done, state == "declined"))
    return found


def milestone_deadlines(config: Config, years: tuple[int, int]) -> list[Deadline]:
    """An event per milestone day of a qaplan.yaml: its date, or MM-DD in each of `years`."""
    found = []
    for milestone in config.calendar:
        for day in milestone.days(years[0], years[-1]):
            found.append(Deadline(uid("milestone", day.isoformat(), milestone.title.strip()),
                                  day, "milestone", printable(milestone.title),
                                  printable(milestone.description or "")))
    return found


def ics(report: CalendarReport) -> bytes:
    """The feed as iCalendar bytes (RFC 5545), the same for the same report."""
    from icalendar import Calendar, Event

    stamp = datetime(report.as_of.year, report.as_of.month, report.as_of.day, tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "qaplan")
    for deadline in report.deadlines:
        event = Event()
        event.add("uid", deadline.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.day)
        event.add("dtend", deadline.day + timedelta(days=1))
        event.add("summary", deadline.summary)
        if deadline.description:
            event.add("description", deadline.description)
        event.add("categories", [deadline.kind])
        # CANCELLED only for work that will not be done: calendars strike it through or
        # hide it. Done work stays CONFIRMED with its ✓, so the day keeps its record.
        event.add("status", "CANCELLED" if deadline.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(event)
    return bytes(calendar.to_ical())

"""A plan file as one typed value: frozen rows with their ids and paths, built from checked data.

Checks and reports read the same value. Each row carries the path the loader records for it
(`("criteria", 0, "goals", 1, "activities", 2)`), so a finding about a row finds its position
with one lookup, and an id left out of the file is derived from the row's position once, here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.formats.feedback import Communication, build_communicated, build_feedback, parse_day
from qaplan.recurrence import Occurrence, Recurrence, parse_month_day
from qaplan.values import Due, State, derived_id, parse_due, parse_year

Path_ = tuple[Any, ...]
ID_PATH: Path_ = ("plan", "id")  # where a plan file keeps the id that must be unique
_RawPeriod = Mapping[str, Any] | None  # `plan.period` as written: the recurrences' bounds


@dataclass(frozen=True, slots=True)
class Owner:
    """A role, person or group that owns activities."""

    name: str
    description: str | None = None
    email: str | None = None  # a functional (role) address, for reminders


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One year's follow-up of an activity."""

    state: State | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity planned to reach a goal ("aktivitet", "tiltak")."""

    id: str
    title: str
    path: Path_
    derived_id: bool = False  # the id comes from the row's position, not from the file
    start: Due | None = None
    end: Due | None = None
    owners: tuple[str, ...] = ()
    status: Mapping[int, FollowUp] = field(default_factory=dict)
    status_keys: Mapping[int, Any] = field(default_factory=dict)  # year -> the key as written
    feedback: tuple[str, ...] = ()  # stakeholder keys who must hear the result
    communicated: tuple[Communication, ...] = ()  # each time the result was fed back
    help_needed: str | None = None  # what the unit needs help with to carry it out
    continues: str | None = None  # "OLD-PLAN-ID/ACTIVITY-ID": the activity it carries on
    recurrence: Recurrence | None = None  # `every: term | year`: falls due once per term or year
    due_day: Any = None  # `due:` as written, the MM-DD of `every: year` (checked in QP711-QP713)

    @property
    def key(self) -> str:
        """The row's id, explicit or derived."""
        return self.id

    @property
    def due(self) -> date | None:
        """The due date: the last day `end` stands for (None without an end)."""
        return None if self.end is None else self.end.due_date

    def latest_state(self, year: int) -> State | None:
        """The state of the highest status year not after `year` that has a state."""
        best: tuple[int, State] | None = None
        for status_year, follow_up in self.status.items():
            if (status_year <= year and follow_up.state is not None
                    and (best is None or status_year > best[0])):
                best = (status_year, follow_up.state)
        return best[1] if best else None

    def current_occurrence(self, as_of: date) -> Occurrence | None:
        """A recurring activity's earliest occurrence not followed up as done by `as_of`'s year
        (None: cancelled, ended with every occurrence done, or not recurring)."""
        if self.recurrence is None:
            return None
        states = {year: follow_up.state for year, follow_up in self.status.items()}
        return self.recurrence.current(states, as_of)

    def current_state(self, as_of: date) -> State | None:
        """The latest state as of `as_of`'s year; a recurring activity's: its current
        occurrence's (done when none is left, cancelled when cancelled)."""
        if self.recurrence is None:
            return self.latest_state(as_of.year)
        occurrence = self.current_occurrence(as_of)
        if occurrence is None:
            latest = self.latest_state(as_of.year)
            return State.CANCELLED if latest is State.CANCELLED else State.DONE
        follow_up = self.status.get(occurrence.year) if occurrence.year <= as_of.year else None
        return follow_up.state if follow_up is not None else None

    def occurrences(self, since: date, until: date) -> list[Occurrence]:
        """A recurring activity's occurrences due from `since` to `until` (within its bounds)."""
        return [] if self.recurrence is None else list(self.recurrence.between(since, until))

    def finished(self, year: int) -> bool:
        """True when the latest state as of `year` is done or cancelled; a recurring activity:
        when it is cancelled, or ended with every occurrence done, by then."""
        if self.recurrence is not None:
            return self.current_occurrence(date(year, 12, 31)) is None
        state = self.latest_state(year)
        return state is not None and state.finished


@dataclass(frozen=True, slots=True)
class Goal:
    """A quality goal ("kvalitetsmål") under a criterion."""

    id: str
    title: str
    path: Path_
    derived_id: bool = False
    activities: tuple[Activity, ...] = ()
    covers: tuple[str, ...] = ()  # catalogue items, `esg:1.3`, besides its criterion's

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class Criterion:
    """An overall quality criterion ("övergripande kvalitetskriterium")."""

    id: str
    title: str
    path: Path_
    derived_id: bool = False
    goals: tuple[Goal, ...] = ()
    covers: tuple[str, ...] = ()  # catalogue items its goals and activities cover: `esg:1.3`

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class Period:
    """The years a plan covers."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PlanInfo:
    """What the plan is: the file's `plan:` section."""

    id: str
    title: str
    unit: str | None = None
    language: str | None = None
    period: Period | None = None
    closed: date | None = None  # the day the plan period was closed (`qaplan rollover`)


@dataclass(frozen=True, slots=True)
class Plan:
    """A quality plan file, schema qaplan/v1."""

    plan: PlanInfo
    owners: Mapping[str, Owner] = field(default_factory=dict)
    criteria: tuple[Criterion, ...] = ()

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def language(self) -> str | None:
        """The language the plan names (None: the repository's default applies)."""
        return self.plan.language

    def activities(self) -> list[tuple[Criterion, Goal, Activity]]:
        """Every activity with its criterion and goal, in file order."""
        return [(criterion, goal, activity) for criterion in self.criteria
                for goal in criterion.goals for activity in goal.activities]

    def rows(self) -> Iterator[Criterion | Goal | Activity]:
        """Every criterion, goal and activity in file order."""
        for criterion in self.criteria:
            yield criterion
            for goal in criterion.goals:
                yield goal
                yield from goal.activities


def build(data: Mapping[str, Any]) -> Plan:
    """The typed plan of data that has the plan file's shape (`qaplan.shape.PLAN`)."""
    info = data["plan"]
    period = info.get("period")
    return Plan(
        plan=PlanInfo(
            id=info["id"],
            title=info["title"],
            unit=info.get("unit"),
            language=info.get("language"),
            period=None if period is None else Period(parse_year(period["start"]),
                                                      parse_year(period["end"])),
            closed=None if info.get("closed") is None else parse_day(info["closed"]),
        ),
        owners=build_owners(data.get("owners")),
        criteria=tuple(_criterion(ci, c, period)
                       for ci, c in enumerate(data.get("criteria") or ())),
    )


def build_owners(data: Mapping[str, Any] | None) -> dict[str, Owner]:
    """An owners directory (`owners:` of a plan or of qaplan.yaml) as typed values."""
    return {key: Owner(entry["name"], entry.get("description"), entry.get("email"))
            for key, entry in (data or {}).items()}


def _criterion(ci: int, data: Mapping[str, Any], period: _RawPeriod = None) -> Criterion:
    path: Path_ = ("criteria", ci)
    written = data.get("id")
    goals = tuple(_goal(ci, gi, path, g, period) for gi, g in enumerate(data.get("goals") or ()))
    return Criterion(written or derived_id(ci), data["title"], path, written is None, goals,
                     tuple(data.get("covers") or ()))


def _goal(
    ci: int, gi: int, parent: Path_, data: Mapping[str, Any], period: _RawPeriod = None
) -> Goal:
    path = parent + ("goals", gi)
    written = data.get("id")
    activities = tuple(_activity(ci, gi, ai, path, a, period)
                       for ai, a in enumerate(data.get("activities") or ()))
    return Goal(written or derived_id(ci, gi), data["title"], path, written is None, activities,
                tuple(data.get("covers") or ()))


def build_activity(data: Mapping[str, Any], path: Path_ = ("activities", 0)) -> Activity:
    """One activity of checked data on its own (its id derived as the first of a plan's)."""
    return _activity(0, 0, path[-1] if isinstance(path[-1], int) else 0, path[:-2], data)


def _activity(
    ci: int, gi: int, ai: int, parent: Path_, data: Mapping[str, Any], period: _RawPeriod = None
) -> Activity:
    written = data.get("id")
    start, end = data.get("start"), data.get("end")
    status: dict[int, FollowUp] = {}
    keys: dict[int, Any] = {}
    for key, entry in (data.get("status") or {}).items():
        year = parse_year(key)
        entry = entry or {}
        state = entry.get("state")
        status[year] = FollowUp(None if state is None else State(state), entry.get("note"))
        keys[year] = key
    return Activity(
        id=written or derived_id(ci, gi, ai),
        title=data["title"],
        path=parent + ("activities", ai),
        derived_id=written is None,
        start=None if start is None else parse_due(start),
        end=None if end is None else parse_due(end),
        owners=tuple(data.get("owners") or ()),
        status=status,
        status_keys=keys,
        feedback=build_feedback(data.get("feedback")),
        communicated=build_communicated(data.get("communicated"),
                                        (*parent, "activities", ai, "communicated")),
        help_needed=data.get("help_needed"),
        continues=data.get("continues"),
        recurrence=_recurrence(data, start, end, period),
        due_day=data.get("due"),
    )


def _recurrence(
    data: Mapping[str, Any], start: Any, end: Any, period: _RawPeriod
) -> Recurrence | None:
    """How the activity recurs, between its start and end, else its plan period's (None: once)."""
    every = data.get("every")
    if every is None:
        return None
    try:  # a bad `due` is a finding of its own (QP712); until fixed the default day stands
        month_day = parse_month_day(data["due"]) if every == "year" and "due" in data else (12, 31)
    except ValueError:
        month_day = (12, 31)
    first = parse_due(start).start_date if start is not None else (
        date(parse_year(period["start"]), 1, 1) if period else None)
    last = parse_due(end).due_date if end is not None else (
        date(parse_year(period["end"]), 12, 31) if period else None)
    return Recurrence(every, month_day, first, last)

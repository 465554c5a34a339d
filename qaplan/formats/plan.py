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

from qaplan.values import Due, State, derived_id, parse_due, parse_year

Path_ = tuple[Any, ...]
ID_PATH: Path_ = ("plan", "id")  # where a plan file keeps the id that must be unique


@dataclass(frozen=True, slots=True)
class Owner:
    """A role, person or group that owns activities."""

    name: str
    description: str | None = None


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

    def finished(self, year: int) -> bool:
        """True when the latest state as of `year` is done or cancelled."""
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
        ),
        owners=build_owners(data.get("owners")),
        criteria=tuple(_criterion(ci, c) for ci, c in enumerate(data.get("criteria") or ())),
    )


def build_owners(data: Mapping[str, Any] | None) -> dict[str, Owner]:
    """An owners directory (`owners:` of a plan or of qaplan.yaml) as typed values."""
    return {key: Owner(entry["name"], entry.get("description"))
            for key, entry in (data or {}).items()}


def _criterion(ci: int, data: Mapping[str, Any]) -> Criterion:
    path: Path_ = ("criteria", ci)
    written = data.get("id")
    goals = tuple(_goal(ci, gi, path, g) for gi, g in enumerate(data.get("goals") or ()))
    return Criterion(written or derived_id(ci), data["title"], path, written is None, goals)


def _goal(ci: int, gi: int, parent: Path_, data: Mapping[str, Any]) -> Goal:
    path = parent + ("goals", gi)
    written = data.get("id")
    activities = tuple(_activity(ci, gi, ai, path, a)
                       for ai, a in enumerate(data.get("activities") or ()))
    return Goal(written or derived_id(ci, gi), data["title"], path, written is None, activities)


def build_activity(data: Mapping[str, Any], path: Path_ = ("activities", 0)) -> Activity:
    """One activity of checked data on its own (its id derived as the first of a plan's)."""
    return _activity(0, 0, path[-1] if isinstance(path[-1], int) else 0, path[:-2], data)


def _activity(ci: int, gi: int, ai: int, parent: Path_, data: Mapping[str, Any]) -> Activity:
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
    )

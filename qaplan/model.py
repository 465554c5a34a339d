"""The plan file model (`qaplan/v1`), the repository file `qaplan.yaml`, and the Due and State values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

SCHEMA_V1 = "qaplan/v1"
MIN_YEAR, MAX_YEAR = 1900, 2200
LANGUAGES = ("sv", "nb", "nn", "en", "da", "fi")
Language = Literal["sv", "nb", "nn", "en", "da", "fi"]


class State(StrEnum):
    """The state of an activity in one year's follow-up."""

    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (State.DONE, State.CANCELLED)


STATES = tuple(state.value for state in State)

_TERM = re.compile(r"(?i)(VT|HT|V|H) ?(\d{2}|\d{4})\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_YEAR = re.compile(r"\d{4}\Z")


@dataclass(frozen=True, slots=True)
class Due:
    """A start or end as written: a year, a term (VT/HT/V/H) or a date, resolved to calendar dates."""

    text: str
    year: int
    spring: bool | None = None  # True for VT/V, False for HT/H, None when not a term
    day: date | None = None

    @classmethod
    def parse(cls, value: Any) -> Due:
        """Parse `2024`, `"2024"`, `VT24`, `HT2024`, `V2024`, `H2024` or `2024-06-30`."""
        if isinstance(value, bool):
            raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")
        if isinstance(value, date):
            return cls(value.isoformat(), value.year, day=value)
        if isinstance(value, int):
            return cls(str(value), _check_year(value))
        if not isinstance(value, str):
            raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")
        text = value.strip()
        if _YEAR.match(text):
            return cls(value, _check_year(int(text)))
        term = _TERM.match(text)
        if term:
            digits = term.group(2)
            year = int(digits) + 2000 if len(digits) == 2 else int(digits)
            return cls(value, _check_year(year), spring=term.group(1).upper().startswith("V"))
        if _DATE.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError as exc:
                raise ValueError(f"not a calendar date ({exc})") from None
            return cls(value, _check_year(day.year), day=day)
        raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")

    @property
    def due_date(self) -> date:
        """The last day this value stands for: 31 Dec of a year, 30 Jun for VT, 31 Dec for HT."""
        if self.day is not None:
            return self.day
        if self.spring:
            return date(self.year, 6, 30)
        return date(self.year, 12, 31)

    @property
    def start_date(self) -> date:
        """The first day this value stands for: 1 Jan of a year or VT, 1 Jul for HT."""
        if self.day is not None:
            return self.day
        if self.spring is False:
            return date(self.year, 7, 1)
        return date(self.year, 1, 1)

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: Due) -> bool:
        return (self.due_date, self.text) < (other.due_date, other.text)


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return year


@lru_cache(maxsize=4096)
def _parse_due_cached(value: int | str) -> Due:
    return Due.parse(value)


def _validate_due(value: Any) -> Due:
    if isinstance(value, Due):
        return value
    try:
        if type(value) is int or type(value) is str:
            return _parse_due_cached(value)
        return Due.parse(value)
    except ValueError as exc:
        raise PydanticCustomError("due_form", "{detail}", {"detail": str(exc)}) from None


def _validate_year(value: Any) -> int:
    if isinstance(value, str) and _YEAR.match(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("year", "a status key must be a four-digit year such as 2024")
    try:
        return _check_year(value)
    except ValueError as exc:
        raise PydanticCustomError("year", "{detail}", {"detail": str(exc)}) from None


_TERM_PATTERN = r"^([VvHh][Tt]? ?([0-9]{2}|[0-9]{4})|[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
DueField = Annotated[
    Due,
    PlainValidator(_validate_due),
    PlainSerializer(lambda due: int(due.text) if _YEAR.match(due.text) else due.text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                {"type": "string", "pattern": _TERM_PATTERN},
            ],
            "examples": [2024, "VT2024", "HT24", "2024-06-30"],
        }
    ),
]
Year = Annotated[
    int,
    PlainValidator(_validate_year),
    WithJsonSchema({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}),
]
Slug = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200),
]
OwnerKey = Annotated[str, Field(pattern=r"^[^\s,]+$", max_length=100)]


def _none_is_empty(empty: type) -> BeforeValidator:
    """`status:` or `goals:` left empty in YAML means none, as people write it."""
    return BeforeValidator(lambda value: empty() if value is None else value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=False)


class Owner(_Strict):
    """A role, person or group that owns activities."""

    name: str = Field(description="The owner's name as reports show it.", examples=["Programdirektör"])
    description: str | None = Field(
        None, description="What this role does, for readers of the plan."
    )


class FollowUp(_Strict):
    """One year's follow-up of an activity."""

    state: State | None = Field(
        None,
        description="State at the end of that year: planned, ongoing, done, delayed or cancelled.",
        examples=["ongoing"],
    )
    note: str | None = Field(
        None,
        description="What happened that year, as written in the yearly follow-up.",
        examples=["Rutin på plats."],
    )


class _Row(_Strict):
    id: Slug | None = Field(
        None,
        description="Stable id, unique in the plan; derived from the position (C1, C1.G1, "
        "C1.G1.A1) when missing.",
        examples=["C1.G1.A1"],
    )
    title: str = Field(
        description="The text of the row as the plan table shows it.",
        examples=["Användbar feedback"],
    )

    @property
    def derived_id(self) -> bool:
        """True when the id was derived from the row's position, not written in the file."""
        return "id" not in self.model_fields_set

    @property
    def key(self) -> str:
        """The row's id, explicit or derived (set once the plan is loaded)."""
        assert self.id is not None
        return self.id


class Activity(_Row):
    """An activity planned to reach a goal ("aktivitet", "tiltak")."""

    start: DueField | None = Field(None, description="Planned start: a year, term or date.")
    end: DueField | None = Field(
        None, description="Planned end, the due date: a year (31 Dec), VT (30 Jun), HT (31 Dec) "
        "or a date."
    )
    owners: Annotated[list[OwnerKey], _none_is_empty(list)] = Field(
        default_factory=list,
        description="Keys of the owners responsible (from the plan's or the repository's owners).",
        examples=[["PD", "OEK"]],
    )
    status: Annotated[dict[Year, FollowUp], _none_is_empty(dict)] = Field(
        default_factory=dict,
        description="Yearly follow-up, keyed by year.",
        json_schema_extra={
            "propertyNames": {"pattern": "^[0-9]{4}$"},
            "examples": [{"2024": {"state": "done", "note": "Rutin på plats."}}],
        },
    )

    def latest_state(self, year: int) -> State | None:
        """The state of the highest status year not after `year` that has a state."""
        best: tuple[int, State] | None = None
        for status_year, follow_up in self.status.items():
            if status_year <= year and follow_up.state is not None:
                if best is None or status_year > best[0]:
                    best = (status_year, follow_up.state)
        return best[1] if best else None

    def finished(self, year: int) -> bool:
        """True when the latest state as of `year` is done or cancelled."""
        state = self.latest_state(year)
        return state is not None and state.finished


class Goal(_Row):
    """A quality goal ("kvalitetsmål") under a criterion."""

    activities: Annotated[list[Activity], _none_is_empty(list)] = Field(
        default_factory=list,
        description="Activities for the goal.",
        examples=[[{"id": "C1.G1.A1", "title": "Analysera feedbacken", "end": 2025}]],
    )


class Criterion(_Row):
    """An overall quality criterion ("övergripande kvalitetskriterium")."""

    goals: Annotated[list[Goal], _none_is_empty(list)] = Field(
        default_factory=list,
        description="Quality goals under the criterion.",
        examples=[[{"id": "C1.G1", "title": "Användbar feedback", "activities": []}]],
    )


class Period(_Strict):
    """The years a plan covers."""

    start: Year = Field(description="First year of the plan period.", examples=[2020])
    end: Year = Field(description="Last year of the plan period.", examples=[2025])


class PlanInfo(_Strict):
    """What the plan is: its id, title, unit, language and period."""

    id: Slug = Field(description="Slug, unique in the repository.", examples=["lakarprogrammet"])
    title: str = Field(description="Title of the plan.")
    unit: str | None = Field(
        None, description="The organisational unit: a key of the units tree in qaplan.yaml, or "
        "free text without one.", examples=["MED"]
    )
    language: Language | None = Field(
        None, description="Language of the plan (sv, nb, nn, en, da, fi); default from qaplan.yaml, "
        "else en.", examples=["sv"]
    )
    period: Period | None = Field(None, description="The plan period.")


class PlanFile(_Strict):
    """A quality plan file, schema qaplan/v1."""

    model_config = ConfigDict(
        title="qaplan plan file (qaplan/v1)",
        extra="forbid",
        populate_by_name=True,
    )

    schema_: Literal["qaplan/v1"] = Field(
        alias="schema", description="The file format: qaplan/v1.", examples=["qaplan/v1"]
    )
    plan: PlanInfo = Field(description="What the plan is.")
    owners: dict[OwnerKey, Owner] = Field(
        default_factory=dict,
        description="The plan's directory of owners (roles, people, groups), keyed by short keys "
        "such as PD.",
        examples=[{"PD": {"name": "Programdirektör"}}],
    )
    criteria: Annotated[list[Criterion], _none_is_empty(list)] = Field(
        default_factory=list, description="Overall quality criteria, each with its goals."
    )

    def activities(self) -> list[tuple[Criterion, Goal, Activity]]:
        """Every activity with its criterion and goal, in file order."""
        return [
            (criterion, goal, activity)
            for criterion in self.criteria
            for goal in criterion.goals
            for activity in goal.activities
        ]


class Unit(_Strict):
    """A unit of the organisation (faculty, department, programme)."""

    name: str = Field(description="Name of the unit.", examples=["Medicinska fakulteten"])
    parent: str | None = Field(None, description="Key of the parent unit.", examples=["MED"])


class IgnoreRule(_Strict):
    """Silence a finding code for files matching a path glob."""

    code: Annotated[str, Field(pattern=r"^QP[0-9]{3}$")] = Field(
        description="The finding code to silence.", examples=["QP301"]
    )
    path: str = Field(
        "*", description="Glob of paths relative to the repository root.", examples=["plans/arkiv/*"]
    )


class RepoConfig(_Strict):
    """The repository file qaplan.yaml: shared owners, defaults, the units tree."""

    model_config = ConfigDict(title="qaplan repository file (qaplan.yaml)", extra="forbid",
                              populate_by_name=True)

    schema_: Literal["qaplan/v1"] = Field(alias="schema", description="The file format: qaplan/v1.")
    language: Language | None = Field(None, description="Default language of plans.")
    owners: dict[OwnerKey, Owner] = Field(
        default_factory=dict, description="Owners shared by every plan below this file."
    )
    units: dict[str, Unit] = Field(
        default_factory=dict, description="The organisation's units tree, keyed by unit key."
    )
    ignore: list[IgnoreRule] = Field(
        default_factory=list, description="Finding codes silenced per path."
    )


def assign_ids(plan: PlanFile) -> list[tuple[tuple[Any, ...], str, str]]:
    """Fill in ids derived from position; return (path, id, level) of each derived one."""
    derived: list[tuple[tuple[Any, ...], str, str]] = []

    def fill(row: _Row, path: tuple[Any, ...], value: str, level: str) -> None:
        if row.id is None:
            # Set past pydantic so that the id does not count as written in the file.
            row.__dict__["id"] = value
            row.model_fields_set.discard("id")
            derived.append((path, value, level))

    for ci, criterion in enumerate(plan.criteria):
        cpath = ("criteria", ci)
        fill(criterion, cpath, f"C{ci + 1}", "criterion")
        for gi, goal in enumerate(criterion.goals):
            gpath = cpath + ("goals", gi)
            fill(goal, gpath, f"C{ci + 1}.G{gi + 1}", "goal")
            for ai, activity in enumerate(goal.activities):
                fill(activity, gpath + ("activities", ai), f"C{ci + 1}.G{gi + 1}.A{ai + 1}",
                     "activity")
    return derived


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, for editors and `qaplan schema`."""
    schema = PlanFile.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the repository file qaplan.yaml."""
    schema = RepoConfig.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }

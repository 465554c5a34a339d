"""The pydantic models of a plan file (`qaplan/v1`) and the field types the other files'
models share (`model_config` for qaplan.yaml, `model_deviation` for a case), for the JSON
Schemas and the differential tests of `qaplan.shape` (`tests/test_shape.py`). Checks and reports read
the typed values of `qaplan.formats`; the values (Due, State, the patterns) are in `qaplan.values`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

from qaplan.formats.feedback import DAY_PATTERN, parse_day
from qaplan.shape import CONTINUES_PATTERN, EMAIL_PATTERN
from qaplan.values import (
    _YEAR,
    BLANK_TEXT,
    MAX_YEAR,
    MIN_YEAR,
    OWNER_KEY_PATTERN,
    SLUG_PATTERN,
    TERM_PATTERN,
    TITLE_PATTERN,
    YEAR_TEXT_PATTERN,
    Due,
    State,
    has_text,
    parse_due,
    parse_year,
)

Language = Literal["sv", "nb", "nn", "en", "da", "fi"]


def _validate_due(value: Any) -> Due:
    try:
        return parse_due(value)
    except ValueError as exc:
        raise PydanticCustomError("due_form", "{detail}", {"detail": str(exc)}) from None


def _validate_year(value: Any) -> int:
    try:
        return parse_year(value)
    except ValueError as exc:
        raise PydanticCustomError("year", "{detail}", {"detail": str(exc)}) from None


DueField = Annotated[
    Due,
    PlainValidator(_validate_due),
    PlainSerializer(lambda due: int(due.text) if _YEAR.match(due.text) else due.text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                {"type": "string", "pattern": TERM_PATTERN},
            ],
            "examples": [2024, "VT2024", "HT24", "2024-06-30"],
        }
    ),
]
Year = Annotated[
    int,
    PlainValidator(_validate_year),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                {"type": "string", "pattern": YEAR_TEXT_PATTERN},  # "2024", as parse_year reads it
            ],
        }
    ),
]
Slug = Annotated[
    str,
    Field(pattern=SLUG_PATTERN, max_length=200),
]
OwnerKey = Annotated[str, Field(pattern=OWNER_KEY_PATTERN, max_length=100)]
# Stakeholder and channel keys follow the owner keys' rule: no spaces, commas or controls.
StakeholderKey = Annotated[str, Field(pattern=OWNER_KEY_PATTERN, max_length=100)]


def _validate_day(value: Any) -> Any:
    try:
        parse_day(value)
    except ValueError as exc:
        raise PydanticCustomError("date_form", "{detail}", {"detail": str(exc)}) from None
    return value


Day = Annotated[
    str,
    PlainValidator(_validate_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN,
                    "examples": ["2025-02-01"]}),
]


def _validate_title(value: str) -> str:
    if not has_text(value):
        raise PydanticCustomError("blank_text", BLANK_TEXT)
    return value


Title = Annotated[
    str,
    AfterValidator(_validate_title),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": TITLE_PATTERN}),
]


@dataclass(frozen=True)
class _NoneIsEmpty:
    """`status:` or `goals:` left empty in YAML means none, as people write it; the JSON
    Schema says so too, so that editors accept what qaplan accepts."""

    empty: type

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        empty = self.empty
        return core_schema.no_info_before_validator_function(
            lambda value: empty() if value is None else value, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"anyOf": [handler(schema), {"type": "null"}]}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Owner(_Strict):
    """A role, person or group that owns activities."""

    name: str = Field(description="The owner's name as reports show it.", examples=["Programdirektör"])
    description: str | None = Field(
        None, description="What this role does, for readers of the plan."
    )
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)] | None = Field(
        None, description="The role's functional address (not a person's), where `qaplan remind` "
        "sends the owner's reminders.", examples=["kvalitet@example.se"]
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


class Communication(_Strict):
    """One time a result was fed back to a stakeholder ("återföring")."""

    to: StakeholderKey = Field(
        description="Key of the stakeholder told (from `stakeholders:` in qaplan.yaml).",
        examples=["students"],
    )
    channel: StakeholderKey | None = Field(
        None, description="Key of the channel used (from `channels:` in qaplan.yaml).",
        examples=["web"],
    )
    date: Day | None = Field(None, description="When they were told: a date, not in the future.")
    note: str | None = Field(None, description="What was communicated, or where to find it.")


class _Row(_Strict):
    id: Slug | None = Field(
        None,
        description="Stable id, unique in the plan; derived from the position (C1, C1.G1, "
        "C1.G1.A1) when missing.",
        examples=["C1.G1.A1"],
    )
    title: Title = Field(
        description="The text of the row as the plan table shows it.",
        examples=["Användbar feedback"],
    )


class Activity(_Row):
    """An activity planned to reach a goal ("aktivitet", "tiltak")."""

    start: DueField | None = Field(None, description="Planned start: a year, term or date.")
    end: DueField | None = Field(
        None, description="Planned end, the due date: a year (31 Dec), VT (30 Jun), HT (31 Dec) "
        "or a date."
    )
    owners: Annotated[list[OwnerKey], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Keys of the owners responsible (from the plan's or the repository's owners).",
        examples=[["PD", "OEK"]],
    )
    status: Annotated[dict[Year, FollowUp], _NoneIsEmpty(dict)] = Field(
        default_factory=dict,
        description="Yearly follow-up, keyed by year.",
        json_schema_extra={
            "propertyNames": {"pattern": YEAR_TEXT_PATTERN},
            "examples": [{"2024": {"state": "done", "note": "Rutin på plats."}}],
        },
    )
    feedback: Annotated[list[StakeholderKey], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Keys of the stakeholders who must hear the result (from `stakeholders:` in "
        "qaplan.yaml).",
        examples=[["students", "staff"]],
    )
    communicated: Annotated[list[Communication], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Each time the result was fed back to a stakeholder.",
        examples=[[{"to": "students", "channel": "web", "date": "2025-02-01"}]],
    )
    help_needed: str | None = Field(
        None,
        description="What the unit needs help with to carry the activity out (listed under "
        "\"What do we need help with?\" in the yearly report).",
        examples=["Ressurser til analyse av frafallsdata."],
    )
    continues: Annotated[str, Field(pattern=CONTINUES_PATTERN, max_length=401)] | None = Field(
        None,
        description="The activity of an earlier, closed plan that this one carries on: "
        "OLD-PLAN-ID/ACTIVITY-ID (`qaplan rollover` writes it).",
        examples=["lakarprogrammet/C1.G1.A2"],
    )
    every: Literal["term", "year"] | None = Field(
        None,
        description="A recurring activity: due once every term (VT on 30 June, HT on 31 December) "
        "or every year, from `start` (else the plan period's start) to `end` (else the period's "
        "end); the follow-up of each year records that year's occurrences.",
        examples=["term"],
    )
    due: str | None = Field(  # its form is checked by QP712, which says how to write it
        None,
        description="With `every: year`: the day each year's occurrence is due, MM-DD in quotes "
        "(default \"12-31\").",
        examples=["06-15"],
    )


class Goal(_Row):
    """A quality goal ("kvalitetsmål") under a criterion."""

    activities: Annotated[list[Activity], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Activities for the goal.",
        examples=[[{"id": "C1.G1.A1", "title": "Analysera feedbacken", "end": 2025}]],
    )
    covers: Annotated[list[str], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Catalogue items the goal and its activities cover (besides its criterion's), "
        "as catalogue:item.",
        examples=[["esg:1.3", "uka:3.2"]],
    )


class Criterion(_Row):
    """An overall quality criterion ("övergripande kvalitetskriterium")."""

    goals: Annotated[list[Goal], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Quality goals under the criterion.",
        examples=[[{"id": "C1.G1", "title": "Användbar feedback", "activities": []}]],
    )
    covers: Annotated[list[str], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Catalogue items the criterion's goals and activities cover, as "
        "catalogue:item (`qaplan coverage` lists them).",
        examples=[["esg:1.1"]],
    )


class Period(_Strict):
    """The years a plan covers."""

    start: Year = Field(description="First year of the plan period.", examples=[2020])
    end: Year = Field(description="Last year of the plan period.", examples=[2025])


class PlanInfo(_Strict):
    """What the plan is: its id, title, unit, language and period."""

    id: Slug = Field(description="Slug, unique in the repository.", examples=["lakarprogrammet"])
    title: Title = Field(description="Title of the plan.")
    unit: str | None = Field(
        None, description="The organisational unit: a key of the units tree in qaplan.yaml, or "
        "free text without one.", examples=["MED"]
    )
    language: Language | None = Field(
        None, description="Language of the plan (sv, nb, nn, en, da, fi); default from qaplan.yaml, "
        "else en.", examples=["sv"]
    )
    period: Period | None = Field(None, description="The plan period.")
    closed: Day | None = Field(
        None, description="The day the plan period was closed (`qaplan rollover` writes it); "
        "reports skip a closed plan unless asked to include it.", examples=["2026-12-31"]
    )


class PlanFile(_Strict):
    """A quality plan file, schema qaplan/v1."""

    model_config = ConfigDict(
        title="qaplan plan file (qaplan/v1)",
        extra="forbid",
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
    criteria: Annotated[list[Criterion], _NoneIsEmpty(list)] = Field(
        default_factory=list, description="Overall quality criteria, each with its goals."
    )


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A file model's JSON Schema (draft 2020-12), for editors and `qaplan schema`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(by_alias=True),
    }


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file."""
    return json_schema(PlanFile)

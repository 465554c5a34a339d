"""The pydantic models of a plan file (`qaplan/v1`) and of `qaplan.yaml`, for the JSON Schemas
and the differential tests of `qaplan.shape` (`tests/test_shape.py`). Checks and reports read
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

from qaplan.values import (
    _YEAR,
    BLANK_TEXT,
    CODE_PATTERN,
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


class Goal(_Row):
    """A quality goal ("kvalitetsmål") under a criterion."""

    activities: Annotated[list[Activity], _NoneIsEmpty(list)] = Field(
        default_factory=list,
        description="Activities for the goal.",
        examples=[[{"id": "C1.G1.A1", "title": "Analysera feedbacken", "end": 2025}]],
    )


class Criterion(_Row):
    """An overall quality criterion ("övergripande kvalitetskriterium")."""

    goals: Annotated[list[Goal], _NoneIsEmpty(list)] = Field(
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


class Unit(_Strict):
    """A unit of the organisation (faculty, department, programme)."""

    name: str = Field(description="Name of the unit.", examples=["Medicinska fakulteten"])
    parent: str | None = Field(None, description="Key of the parent unit.", examples=["MED"])


class IgnoreRule(_Strict):
    """Silence a finding code for files matching a path glob."""

    code: Annotated[str, Field(pattern=CODE_PATTERN)] = Field(
        description="The finding code to silence.", examples=["QP301"]
    )
    path: str = Field(
        "*", description="Glob of paths relative to the repository root.", examples=["plans/arkiv/*"]
    )


class RepoConfig(_Strict):
    """The repository file qaplan.yaml: shared owners, defaults, the units tree."""

    model_config = ConfigDict(title="qaplan repository file (qaplan.yaml)", extra="forbid")

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

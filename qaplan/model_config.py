"""The pydantic model of the repository file qaplan.yaml, for its JSON Schema and the
differential tests of `qaplan.shape`; the field types it shares with plans are in `qaplan.model`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from qaplan.model import (
    Day,
    Language,
    Owner,
    OwnerKey,
    Slug,
    StakeholderKey,
    Title,
    _Strict,
    json_schema,
)
from qaplan.recurrence import MONTH_DAY_PATTERN, parse_month_day
from qaplan.shape import FROM_PATTERN, HOST_PATTERN
from qaplan.values import CODE_PATTERN


class Stakeholder(_Strict):
    """A group that must hear the results of the quality work."""

    name: str = Field(description="The name as reports show it.", examples=["Studenter"])
    description: str | None = Field(None, description="Who belongs to it, for readers.")


class Channel(_Strict):
    """A channel through which results are fed back."""

    name: str = Field(description="The name as reports show it.", examples=["Webbplatsen"])
    description: str | None = Field(None, description="What the channel is, for readers.")


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


class CatalogueItem(_Strict):
    """One item of a criteria catalogue: its number and title."""

    id: Slug = Field(description="The item's number, as `covers` names it.", examples=["1.3"])
    title: Title = Field(description="The item's title.")


class Catalogue(_Strict):
    """A criteria catalogue of the repository: its items here, or in a file."""

    title: str | None = Field(None, description="The catalogue's title.")
    source: str | None = Field(None, description="Where its text is published (a URL).")
    version: str | None = Field(None, description="The date of the version, in quotes.")
    items: list[CatalogueItem] = Field(default_factory=list, description="Its items, in order.")
    file: str | None = Field(
        None, description="Or a catalogue file (relative to qaplan.yaml) with `catalogue:` and "
        "`items:`, as the shipped ones.", examples=["catalogues/policy.yaml"],
    )


def _validate_month_day(value: Any) -> Any:
    try:
        parse_month_day(value)
    except ValueError as exc:
        raise PydanticCustomError("month_day_form", "{detail}", {"detail": str(exc)}) from None
    return value


class Smtp(_Strict):
    """The mail server `qaplan remind --send` delivers through; the login comes from the
    environment (QAPLAN_SMTP_USER, QAPLAN_SMTP_PASSWORD), never from this file."""

    host: Annotated[str, Field(pattern=HOST_PATTERN, max_length=253)] = Field(
        description="The server's host name.", examples=["smtp.example.se"]
    )
    port: Annotated[int, Field(strict=True, ge=1, le=65535)] | None = Field(
        None, description="The server's port (default: 587 with STARTTLS, else 25).", examples=[587]
    )
    starttls: Annotated[bool, Field(strict=True)] | None = Field(
        None, description="Encrypt the connection with STARTTLS before logging in (default: true).",
        examples=[True],
    )
    from_: Annotated[str, Field(pattern=FROM_PATTERN, max_length=320)] = Field(
        alias="from", description="The sender: an address, or a name and an address.",
        examples=["Kvalitetsenheten <kvalitet@example.se>"],
    )


class Milestone(_Strict):
    """A milestone of the yearly cycle (årshjul): on one date, or on the same day every year."""

    title: Title = Field(description="What happens or is due then.",
                         examples=["Årlig uppföljning lämnas in"])
    date: Day | None = Field(None, description="A date (write either `date` or `month_day`).")
    month_day: Annotated[
        str, PlainValidator(_validate_month_day),
        WithJsonSchema({"type": "string", "pattern": MONTH_DAY_PATTERN, "examples": ["06-15"]}),
    ] | None = Field(None, description="A day of every year, MM-DD in quotes (\"06-15\").")
    description: str | None = Field(None, description="More about the milestone, for the calendar.")


class RepoConfig(_Strict):
    """The repository file qaplan.yaml: shared owners, defaults, the units tree."""

    model_config = ConfigDict(title="qaplan repository file (qaplan.yaml)", extra="forbid")

    schema_: Literal["qaplan/v1"] = Field(alias="schema", description="The file format: qaplan/v1.")
    language: Language | None = Field(None, description="Default language of plans.")
    owners: dict[OwnerKey, Owner] = Field(
        default_factory=dict, description="Owners shared by every plan below this file."
    )
    stakeholders: dict[StakeholderKey, Stakeholder] = Field(
        default_factory=dict,
        description="The stakeholders results are fed back to, keyed by the key that `feedback` "
        "and `communicated` use.",
        examples=[{"students": {"name": "Studenter"}}],
    )
    channels: dict[StakeholderKey, Channel] = Field(
        default_factory=dict,
        description="The channels results are fed back through, keyed by the key that "
        "`communicated` uses.",
        examples=[{"web": {"name": "Webbplatsen"}}],
    )
    units: dict[str, Unit] = Field(
        default_factory=dict, description="The organisation's units tree, keyed by unit key."
    )
    ignore: list[IgnoreRule] = Field(
        default_factory=list, description="Finding codes silenced per path."
    )
    smtp: Smtp | None = Field(None, description="The mail server for `qaplan remind --send`.")
    calendar: list[Milestone] = Field(
        default_factory=list,
        description="The yearly milestones (årshjul) that `qaplan calendar` adds to the deadlines.",
        examples=[[{"month_day": "02-15", "title": "Årlig uppföljning lämnas in"}]],
    )
    catalogues: dict[Slug, Catalogue] = Field(
        default_factory=dict,
        description="The repository's own criteria catalogues, keyed by the name `covers` uses "
        "(besides the shipped esg, uka and nokut).",
        examples=[{"lokal": {"title": "Lokala kvalitetskriterier",
                             "items": [{"id": "K1", "title": "Studentinflytande"}]}},
                  {"policy": {"file": "catalogues/policy.yaml"}}],
    )


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the repository file qaplan.yaml."""
    return json_schema(RepoConfig)

"""The pydantic model of a deviation case file (`qaplan/v1` with `deviation:`), for its JSON Schema
(`schemas/deviation.schema.json`) and the differential tests of `qaplan.shapes_deviation`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool

from qaplan.model import (
    Communication,
    Day,
    DueField,
    OwnerKey,
    Slug,
    StakeholderKey,
    Title,
    _NoneIsEmpty,
    _Strict,
    json_schema,
)

# The same choices as `qaplan.formats.deviation` (tests/test_shape.py holds them equal).
Category = Literal["education-quality", "learning-environment-physical",
                   "learning-environment-psychosocial", "hms", "whistleblowing", "other"]
CaseState = Literal["received", "rejected", "in-progress", "closed"]
MeasureState = Literal["proposed", "accepted", "declined", "done"]
Consequence = Literal["low", "medium", "high"]


class MeasureDone(_Strict):
    """What the measure's owner wrote when marking it done."""

    date: Day | None = Field(None, description="The day the measure was carried out.")
    note: str | None = Field(None, description="What was done and how it went.",
                             examples=["Ny rutine for varsling av avlysninger innført."])


class Measure(_Strict):
    """A measure ("tiltak") taken on a case, with its owner and deadline."""

    id: Slug | None = Field(None, description="Stable id, unique in the case; M1, M2... from the "
                            "position when missing.", examples=["M1"])
    title: Title = Field(description="What is to be done.",
                         examples=["Rutine for varsling av avlysninger"])
    owner: OwnerKey | None = Field(None, description="Owner key (qaplan.yaml) of the person "
                                   "responsible: course leader, head of department or dean.",
                                   examples=["EA"])
    deadline: DueField | None = Field(None, description="When it is due: a year, term or date, as "
                                      "an activity's `end`.")
    state: MeasureState | None = Field(None, description="proposed (default), accepted, declined "
                                       "or done.", examples=["accepted"])
    done: MeasureDone | None = Field(None, description="The owner's account when it is done.")


class Closing(_Strict):
    """The final handling ("endelig behandling") written when the case is closed."""

    date: Day | None = Field(None, description="The day the case was closed.")
    note: str | None = Field(None, description="The final handling: what came of the case.")


class DeviationCase(_Strict):
    """One deviation case ("avvik") reported by a student."""

    id: Slug = Field(description="The case id, unique in the repository: AV-YYYY-NNN.",
                     examples=["AV-2025-014"])
    title: Title = Field(description="What the case is about, without personal data.")
    reported: Day = Field(description="The day the case was reported.", examples=["2025-03-14"])
    category: Category = Field(description="The category of the report.",
                               examples=["education-quality"])
    state: CaseState = Field(description="received, rejected, in-progress or closed.",
                             examples=["in-progress"])
    unit: str | None = Field(None, description="Key of the unit in qaplan.yaml's units tree "
                             "(the student's faculty or department).", examples=["IBI"])
    handler: OwnerKey | None = Field(None, description="Owner key of who handles the case (the "
                                     "faculty's quality contact).", examples=["SK"])
    rejection: str | None = Field(None, description="Why a rejected case is not handled here.")
    personnel_matter: StrictBool | None = Field(None, description="true when the case is of a "
                                                "personnel nature.")
    consulted: str | None = Field(None, description="Who was consulted on a personnel matter "
                                  "(a role).", examples=["instituttleder"])
    consequence: Consequence | None = Field(None, description="How serious the case is: low, "
                                            "medium or high.")
    informed: Annotated[list[OwnerKey], _NoneIsEmpty(list)] = Field(
        default_factory=list, description="Owner keys of others informed of the case.")
    measures: Annotated[list[Measure], _NoneIsEmpty(list)] = Field(
        default_factory=list, description="The measures taken on the case.")
    closing: Closing | None = Field(None, description="The final handling of a closed case.")
    feedback: Annotated[list[StakeholderKey], _NoneIsEmpty(list)] = Field(
        default_factory=list, description="Keys of the stakeholders who must hear the outcome "
        "(from `stakeholders:` in qaplan.yaml).")
    communicated: Annotated[list[Communication], _NoneIsEmpty(list)] = Field(
        default_factory=list, description="Each time the outcome was fed back to a stakeholder.")


class DeviationFile(_Strict):
    """A deviation case file, schema qaplan/v1."""

    model_config = ConfigDict(title="qaplan deviation case file (qaplan/v1)", extra="forbid")

    schema_: Literal["qaplan/v1"] = Field(
        alias="schema", description="The file format: qaplan/v1.", examples=["qaplan/v1"]
    )
    deviation: DeviationCase = Field(description="The case.")


def deviation_json_schema() -> dict[str, Any]:
    """The JSON Schema of a deviation case file, for editors and `qaplan schema --kind deviation`."""
    return json_schema(DeviationFile)

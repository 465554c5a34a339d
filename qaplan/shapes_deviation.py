"""The shape of a deviation case file, checked on plain data without pydantic (as `qaplan.shape`).

`qaplan.model_deviation` states the same rules for the JSON Schema; `tests/test_shape.py` keeps
the two in agreement. Choices are literals (`literal_error`), so a wrong state is answered with
the case's own states rather than a plan activity's.
"""

from __future__ import annotations

from typing import Any

from qaplan.formats.feedback import parse_day
from qaplan.shape import (
    COMMUNICATED,
    FEEDBACK,
    Kind,
    ListOf,
    Loc,
    Nullable,
    OneOf,
    Parsed,
    Problem,
    Record,
    Text,
    Title,
)
from qaplan.values import (
    CASE_STATES,
    CATEGORIES,
    CONSEQUENCES,
    MEASURE_STATES,
    OWNER_KEY_PATTERN,
    SCHEMA_V1,
    SLUG_PATTERN,
    parse_due,
)


class Flag(Kind):
    """`true` or `false`, and nothing that merely looks like one ("yes", 1)."""

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not bool:
            out.append({"loc": loc, "type": "bool_type",
                        "msg": "Input should be a valid boolean", "input": value})


def _optional(kind: Kind) -> tuple[Kind, bool]:
    return Nullable(kind), False


_TEXT = Text()
_SLUG = Text(SLUG_PATTERN, 200)
_OWNER_KEY = Text(OWNER_KEY_PATTERN, 100)
_DATE = Parsed(parse_day, "date_form")
_DUE = Parsed(parse_due, "due_form")
_DATED_NOTE = {"date": _optional(_DATE), "note": _optional(_TEXT)}

MEASURE = Record("Measure", {
    "id": _optional(_SLUG),
    "title": (Title(), True),
    "owner": _optional(_OWNER_KEY),
    "deadline": _optional(_DUE),
    "state": _optional(OneOf(MEASURE_STATES)),
    "done": _optional(Record("MeasureDone", _DATED_NOTE)),
})

DEVIATION = Record("DeviationFile", {
    "schema": (OneOf((SCHEMA_V1,)), True),
    "deviation": (Record("DeviationCase", {
        "id": (_SLUG, True),
        "title": (Title(), True),
        "reported": (_DATE, True),
        "category": (OneOf(CATEGORIES), True),
        "state": (OneOf(CASE_STATES), True),
        "unit": _optional(_TEXT),
        "handler": _optional(_OWNER_KEY),
        "rejection": _optional(_TEXT),
        "personnel_matter": _optional(Flag()),
        "consulted": _optional(_TEXT),
        "consequence": _optional(OneOf(CONSEQUENCES)),
        "informed": (ListOf(_OWNER_KEY, none_is_empty=True), False),
        "measures": (ListOf(MEASURE, none_is_empty=True), False),
        "closing": _optional(Record("Closing", _DATED_NOTE)),
        "feedback": (FEEDBACK, False),
        "communicated": (COMMUNICATED, False),
    }), True),
})

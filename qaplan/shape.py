"""The shapes of a plan file and of qaplan.yaml, checked on plain data without pydantic.

`qaplan validate` runs in pre-commit hooks on every commit, and importing pydantic alone
costs about half of a one-file run. So validation walks the data here, with the same
rules as the pydantic models in `qaplan.model` (which give the JSON Schemas) and in
pydantic's vocabulary: each problem is a dict with `loc`, `type`, `msg` and
`input`, so one mapping (`qaplan.checks.schema`) turns it into a finding.
`tests/test_shape.py` keeps the two in agreement on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from qaplan.formats.feedback import parse_day
from qaplan.recurrence import EVERY, parse_month_day
from qaplan.values import (
    BLANK_TEXT,
    CODE_PATTERN,
    LANGUAGES,
    OWNER_KEY_PATTERN,
    SCHEMA_V1,
    SLUG_PATTERN,
    STATES,
    has_text,
    parse_due,
    parse_year,
)

Problem = dict[str, Any]  # {"loc": tuple, "type": str, "msg": str, "input": value}
# An owner's role address (`kvalitet@example.se`), in the ASCII that every mail header takes
# as it is (an international domain in its xn-- form).
_ADDRESS = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
EMAIL_PATTERN = rf"^{_ADDRESS}$"
# smtp.from: an address, or a plain display name and an address in angle brackets.
FROM_PATTERN = rf"^(?:{_ADDRESS}|[^<>,;\x22\x00-\x1f\x7f]*<{_ADDRESS}>)$"
HOST_PATTERN = r"^[A-Za-z0-9.:\[\]-]+$"  # a host name, an IPv4 or a bracketed IPv6 address
# `continues: OLD-PLAN-ID/ACTIVITY-ID`: a plan id and an activity id (both slugs).
CONTINUES_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$"
Loc = tuple[Any, ...]


def _problem(out: list[Problem], loc: Loc, kind: str, msg: str, value: Any) -> None:
    out.append({"loc": loc, "type": kind, "msg": msg, "input": value})


def _choices(values: tuple[str, ...]) -> str:
    quoted = [f"'{value}'" for value in values]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


class Kind:
    """How one value is checked."""

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        raise NotImplementedError


class Text(Kind):
    """Text, optionally limited in length and to a pattern."""

    def __init__(self, pattern: str | None = None, max_length: int | None = None) -> None:
        self.pattern = pattern
        # `$` as pydantic's regex engine reads it: the end of the text, not before a final "\n".
        self.regex = re.compile(pattern.removesuffix("$") + r"\Z") if pattern else None
        self.max_length = max_length

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not str:
            _problem(out, loc, "string_type", "Input should be a valid string", value)
        elif self.max_length is not None and len(value) > self.max_length:
            _problem(out, loc, "string_too_long",
                     f"String should have at most {self.max_length} characters", value)
        elif self.regex is not None and not self.regex.search(value):
            _problem(out, loc, "string_pattern_mismatch",
                     f"String should match pattern '{self.pattern}'", value)


class Title(Kind):
    """Text that holds more than whitespace: a title needs words."""

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not str:
            _problem(out, loc, "string_type", "Input should be a valid string", value)
        elif not has_text(value):
            _problem(out, loc, "blank_text", BLANK_TEXT, value)


class OneOf(Kind):
    """One of a few texts: a literal (`schema`, `language`) or an enum (`state`)."""

    def __init__(self, values: tuple[str, ...], kind: str = "literal_error") -> None:
        self.values = frozenset(values)
        self.kind = kind
        self.msg = f"Input should be {_choices(values)}"

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not str or value not in self.values:
            _problem(out, loc, self.kind, self.msg, value)


class Parsed(Kind):
    """A value read by one of `qaplan.values`' parsers, which says what is wrong with it."""

    def __init__(self, parse: Callable[[Any], Any], kind: str) -> None:
        self.parse = parse
        self.kind = kind

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        try:
            self.parse(value)
        except ValueError as exc:
            _problem(out, loc, self.kind, str(exc), value)


class Integer(Kind):
    """A whole number (not a bool, float or text), within bounds: pydantic's strict int."""

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not int:
            _problem(out, loc, "int_type", "Input should be a valid integer", value)
        elif value < self.low:
            _problem(out, loc, "greater_than_equal",
                     f"Input should be greater than or equal to {self.low}", value)
        elif value > self.high:
            _problem(out, loc, "less_than_equal",
                     f"Input should be less than or equal to {self.high}", value)


class Boolean(Kind):
    """true or false: pydantic's strict bool."""

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not bool:
            _problem(out, loc, "bool_type", "Input should be a valid boolean", value)


class Nullable(Kind):
    """Nothing, or the inner kind."""

    def __init__(self, inner: Kind) -> None:
        self.inner = inner

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if value is not None:
            self.inner.check(value, loc, out)


class ListOf(Kind):
    """A list; with `none_is_empty`, an empty YAML value (`goals:`) counts as none."""

    def __init__(self, item: Kind, none_is_empty: bool = False) -> None:
        self.item = item
        self.none_is_empty = none_is_empty

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if value is None and self.none_is_empty:
            return
        if type(value) is not list:
            _problem(out, loc, "list_type", "Input should be a valid list", value)
            return
        check = self.item.check
        for index, item in enumerate(value):
            check(item, (*loc, index), out)


class MapOf(Kind):
    """A mapping whose keys and values are each checked."""

    def __init__(self, key: Kind, value: Kind, none_is_empty: bool = False) -> None:
        self.key = key
        self.value = value
        self.none_is_empty = none_is_empty

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if value is None and self.none_is_empty:
            return
        if type(value) is not dict:
            _problem(out, loc, "dict_type", "Input should be a valid dictionary", value)
            return
        for key, item in value.items():
            self.key.check(key, (*loc, key, "[key]"), out)
            self.value.check(item, (*loc, key), out)


class Record(Kind):
    """A mapping with known keys, some required; any other key is an error."""

    def __init__(self, name: str, fields: dict[str, tuple[Kind, bool]]) -> None:
        self.name = name
        self.fields = fields
        self.required = tuple(key for key, (_, required) in fields.items() if required)

    def check(self, value: Any, loc: Loc, out: list[Problem]) -> None:
        if type(value) is not dict:
            _problem(out, loc, "model_type",
                     f"Input should be a valid dictionary or instance of {self.name}", value)
            return
        fields = self.fields
        for key in self.required:
            if key not in value:
                _problem(out, (*loc, key), "missing", "Field required", value)
        for key, item in value.items():
            spec = fields.get(key) if type(key) is str else None
            if spec is None:
                _problem(out, (*loc, key), "extra_forbidden", "Extra inputs are not permitted", item)
            else:
                spec[0].check(item, (*loc, key), out)

    def keys(self) -> set[str]:
        """Every key this record and the records inside it know, for "did you mean" hints."""
        names: set[str] = set()
        stack: list[Kind] = [self]
        seen: set[int] = set()
        while stack:
            kind = stack.pop()
            if id(kind) in seen:
                continue
            seen.add(id(kind))
            if isinstance(kind, Record):
                names.update(kind.fields)
                stack.extend(spec for spec, _ in kind.fields.values())
            elif isinstance(kind, (Nullable, ListOf)):
                stack.append(kind.inner if isinstance(kind, Nullable) else kind.item)
            elif isinstance(kind, MapOf):
                stack.append(kind.value)
        return names


def _optional(kind: Kind) -> tuple[Kind, bool]:
    return Nullable(kind), False


_TEXT = Text()
_TITLE = Title()
_DUE = Parsed(parse_due, "due_form")  # a year, a term or a date: `qaplan.values.Due`
_YEAR = Parsed(parse_year, "year")
_SLUG = Text(SLUG_PATTERN, 200)
_OWNER_KEY = Text(OWNER_KEY_PATTERN, 100)
_SCHEMA = (OneOf((SCHEMA_V1,)), True)
_LANGUAGE = _optional(OneOf(LANGUAGES))
_OWNERS = (MapOf(_OWNER_KEY, Record("Owner", {
    "name": (_TEXT, True),
    "description": _optional(_TEXT),
    "email": _optional(Text(EMAIL_PATTERN, 254)),
})), False)
# Who must hear a result, and each time they were told: on activities and deviation cases.
_STAKEHOLDER_KEY = Text(OWNER_KEY_PATTERN, 100)  # as an owner key: no spaces, commas or controls
FEEDBACK = ListOf(_STAKEHOLDER_KEY, none_is_empty=True)
COMMUNICATED = ListOf(Record("Communication", {
    "to": (_STAKEHOLDER_KEY, True),
    "channel": _optional(_STAKEHOLDER_KEY),
    "date": _optional(Parsed(parse_day, "date_form")),
    "note": _optional(_TEXT),
}), none_is_empty=True)
_STAKEHOLDERS = (MapOf(_STAKEHOLDER_KEY, Record("Stakeholder", {
    "name": (_TEXT, True),
    "description": _optional(_TEXT),
})), False)
_CHANNELS = (MapOf(_STAKEHOLDER_KEY, Record("Channel", {
    "name": (_TEXT, True),
    "description": _optional(_TEXT),
})), False)


def _row(name: str, **fields: tuple[Kind, bool]) -> Record:
    return Record(name, {"id": _optional(_SLUG), "title": (_TITLE, True), **fields})


_FOLLOW_UP = Record("FollowUp", {
    "state": _optional(OneOf(STATES, kind="enum")),
    "note": _optional(_TEXT),
})
_ACTIVITY = _row(
    "Activity",
    start=_optional(_DUE),
    end=_optional(_DUE),
    owners=(ListOf(_OWNER_KEY, none_is_empty=True), False),
    status=(MapOf(_YEAR, _FOLLOW_UP, none_is_empty=True), False),
    feedback=(FEEDBACK, False),
    communicated=(COMMUNICATED, False),
    help_needed=_optional(_TEXT),
    continues=_optional(Text(CONTINUES_PATTERN, 401)),
    every=_optional(OneOf(EVERY)),  # a recurring activity (`qaplan.recurrence`)
    due=_optional(_TEXT),  # its yearly day, MM-DD: read by checks/recurrence.py (QP712)
)
# `covers: [esg:1.3]`, read by checks/catalogues.py (QP721-QP723).
_COVERS = (ListOf(_TEXT, none_is_empty=True), False)
_GOAL = _row("Goal", activities=(ListOf(_ACTIVITY, none_is_empty=True), False), covers=_COVERS)
_CRITERION = _row("Criterion", goals=(ListOf(_GOAL, none_is_empty=True), False), covers=_COVERS)
# A criteria catalogue of the repository (`qaplan.catalogues`): its items, or a file of them.
CATALOGUE_ITEM = Record("CatalogueItem", {"id": (_SLUG, True), "title": (_TITLE, True)})
_CATALOGUE = Record("Catalogue", {
    "title": _optional(_TEXT),
    "source": _optional(_TEXT),
    "version": _optional(_TEXT),
    "items": (ListOf(CATALOGUE_ITEM), False),
    "file": _optional(_TEXT),
})

PLAN = Record("PlanFile", {
    "schema": _SCHEMA,
    "plan": (Record("PlanInfo", {
        "id": (_SLUG, True),
        "title": (_TITLE, True),
        "unit": _optional(_TEXT),
        "language": _LANGUAGE,
        "period": _optional(Record("Period", {"start": (_YEAR, True), "end": (_YEAR, True)})),
        "closed": _optional(Parsed(parse_day, "date_form")),
    }), True),
    "owners": _OWNERS,
    "criteria": (ListOf(_CRITERION, none_is_empty=True), False),
})

CONFIG = Record("RepoConfig", {
    "schema": _SCHEMA,
    "language": _LANGUAGE,
    "owners": _OWNERS,
    "stakeholders": _STAKEHOLDERS,
    "channels": _CHANNELS,
    "units": (MapOf(_TEXT, Record("Unit", {
        "name": (_TEXT, True),
        "parent": _optional(_TEXT),
    })), False),
    "ignore": (ListOf(Record("IgnoreRule", {
        "code": (Text(CODE_PATTERN), True),
        "path": (_TEXT, False),
    })), False),
    "catalogues": (MapOf(_SLUG, _CATALOGUE), False),
    # The server `qaplan remind --send` delivers through. No user or password: those come
    # from the environment (QAPLAN_SMTP_USER, QAPLAN_SMTP_PASSWORD), never from the repository.
    "smtp": _optional(Record("Smtp", {
        "host": (Text(HOST_PATTERN, 253), True),
        "port": _optional(Integer(1, 65535)),
        "starttls": _optional(Boolean()),
        "from": (Text(FROM_PATTERN, 320), True),
    })),
    # The yearly milestones (årshjul): a fixed date, or a day that recurs every year.
    "calendar": (ListOf(Record("Milestone", {
        "title": (_TITLE, True),
        "date": _optional(Parsed(parse_day, "date_form")),
        "month_day": _optional(Parsed(parse_month_day, "month_day_form")),
        "description": _optional(_TEXT),
    })), False),
})


def problems(shape: Record, data: Any) -> list[Problem]:
    """Every way `data` departs from `shape`; empty when it fits."""
    out: list[Problem] = []
    shape.check(data, (), out)
    return out

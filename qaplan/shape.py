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
)
_GOAL = _row("Goal", activities=(ListOf(_ACTIVITY, none_is_empty=True), False))
_CRITERION = _row("Criterion", goals=(ListOf(_GOAL, none_is_empty=True), False))

PLAN = Record("PlanFile", {
    "schema": _SCHEMA,
    "plan": (Record("PlanInfo", {
        "id": (_SLUG, True),
        "title": (_TITLE, True),
        "unit": _optional(_TEXT),
        "language": _LANGUAGE,
        "period": _optional(Record("Period", {"start": (_YEAR, True), "end": (_YEAR, True)})),
    }), True),
    "owners": _OWNERS,
    "criteria": (ListOf(_CRITERION, none_is_empty=True), False),
})

CONFIG = Record("RepoConfig", {
    "schema": _SCHEMA,
    "language": _LANGUAGE,
    "owners": _OWNERS,
    "units": (MapOf(_TEXT, Record("Unit", {
        "name": (_TEXT, True),
        "parent": _optional(_TEXT),
    })), False),
    "ignore": (ListOf(Record("IgnoreRule", {
        "code": (Text(CODE_PATTERN), True),
        "path": (_TEXT, False),
    })), False),
})


def problems(shape: Record, data: Any) -> list[Problem]:
    """Every way `data` departs from `shape`; empty when it fits."""
    out: list[Problem] = []
    shape.check(data, (), out)
    return out

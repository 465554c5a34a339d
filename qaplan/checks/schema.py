"""Schema errors: the shape check's problems (`qaplan.shape`) mapped back to the YAML node each is about."""

from __future__ import annotations

from typing import Any

from qaplan.checks.hints import (
    close_key,
    misplaced_key,
    no_space_hint,
    owner_key_hint,
    right_form,
    slug_hint,
    split_hint,
    split_source,
    state_suggestion,
)
from qaplan.checks.personal_data import masked
from qaplan.codes import Code, Finding
from qaplan.loader import Document
from qaplan.shape import Problem, Record
from qaplan.values import STATES

QP100 = Code(
    "QP100", "error", "wrong type or value", "{detail}",
    what="A value has the wrong type or form (a list where a mapping belongs, text where a number "
    "belongs, an id that is not a slug).",
    why="qaplan and every report read these fields; a wrong type would give a wrong report.",
    fix="Correct the value at the position given; the JSON Schema in `schemas/plan.schema.json` "
    "shows every field's form, and an editor wired to it completes them.",
)
QP101 = Code(
    "QP101", "error", "unknown key", "unknown key '{key}'{hint}",
    what="A mapping holds a key that the schema does not define.",
    why="A misspelled key (`owner:` for `owners:`, `staus:`) would otherwise be ignored silently.",
    fix="Correct the spelling, or remove the key. Free text belongs in `note`.",
)
QP102 = Code(
    "QP102", "error", "missing required field", "missing required field '{key}'",
    what="A required field is missing: `schema`, `plan.id`, `plan.title`, or the `title` of a "
    "criterion, goal or activity.",
    why="Reports name every row by its title, and every plan by its id.",
    fix="Add the field to the mapping the finding points at.",
)
QP108 = Code(
    "QP108", "error", "invalid date form", "invalid date '{value}': {detail}",
    what="A `start` or `end` is not one of the date forms: a year (`2024`), a date (`2024-06-30`) "
    "or a term (`VT2024`, `HT2024`, `V2024`, `H2024`, `VT24`, `HT23`).",
    why="Due dates decide what is overdue.",
    fix="Write the date in one of the forms above.",
)
QP109 = Code(
    "QP109", "error", "unknown state",
    "unknown state '{value}'{hint} (the states are: {allowed})",
    what="A follow-up's `state` is not one of `planned`, `ongoing`, `done`, `delayed`, `cancelled`.",
    why="The state decides whether an activity is finished, and feeds every report.",
    fix="Use one of the five states, in English and lower case (`klart` is `done`, `pågår` is "
    "`ongoing`); free text belongs in `note`.",
)

CODES = (QP100, QP101, QP102, QP108, QP109)

_KINDS = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "bool_type": "expected true or false",
    "none_required": "expected nothing",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = masked(str(value))
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def schema_findings(problems: list[Problem], doc: Document, shape: Record) -> list[Finding]:
    """One finding per problem, placed at the node the problem is about."""
    known = shape.keys()
    found: list[Finding] = []
    for error in problems:
        loc = tuple(error["loc"])
        kind = error["type"]
        field = _field(loc)
        if loc and loc[-1] == "[key]":
            line, col = doc.key_position(loc[:-1])
            found.append(QP100.at(doc.file, line, col, detail=_key_detail(loc[:-1])))
        elif kind == "extra_forbidden":
            line, col = doc.key_position(loc)
            found.append(QP101.at(doc.file, line, col, key=masked(str(loc[-1])),
                                  hint=_unknown_key_hint(doc, loc, known)))
        elif kind == "missing":
            line, col = doc.value_position(loc[:-1])
            found.append(QP102.at(doc.file, line, col, key=loc[-1]))
        elif kind == "enum" and field == "state":
            line, col = doc.value_position(loc)
            state = state_suggestion(error["input"], _language(doc))
            found.append(QP109.at(doc.file, line, col, value=_shown(error["input"]),
                                  hint=f", did you mean '{state}'?" if state else "",
                                  allowed=", ".join(STATES)))
        elif kind == "due_form":
            line, col = doc.value_position(loc)
            found.append(QP108.at(doc.file, line, col, value=_shown(error["input"]),
                                  detail=error["msg"]))
        else:
            line, col = doc.value_position(loc)
            found.append(QP100.at(doc.file, line, col, detail=_detail(loc, kind, error)))
    return found


# Country codes written where a language code belongs: Sweden, Norway, Denmark.
_COUNTRY_LANGUAGE = {"se": "sv", "no": "nb", "dk": "da"}


def _field(loc: tuple[Any, ...]) -> str:
    """The name of the field a location ends in (`period end` for the period's end)."""
    names = [part for part in loc if isinstance(part, str) and part != "[key]"]
    if not names:
        return ""
    if len(names) >= 2 and names[-2] == "period":
        return f"period {names[-1]}"
    return names[-1]


def _shown(value: Any) -> str:
    return masked(value) if isinstance(value, str) else str(value)


def _language(doc: Document) -> str | None:
    plan = doc.data.get("plan") if isinstance(doc.data, dict) else None
    language = plan.get("language") if isinstance(plan, dict) else None
    return language if isinstance(language, str) else None


# The login for `remind --send` never lives in the repository.
_CREDENTIALS = frozenset({"user", "username", "login", "password", "passwd", "pass", "secret",
                          "token"})


def _unknown_key_hint(doc: Document, loc: tuple[Any, ...], known: set[str]) -> str:
    key = loc[-1]
    if loc[:1] == ("smtp",) and len(loc) == 2 and str(key).casefold() in _CREDENTIALS:
        return (" (the login comes from the environment, QAPLAN_SMTP_USER and "
                "QAPLAN_SMTP_PASSWORD, never from a file in the repository: remove the key, and "
                "change the password if it was committed)")
    hint = no_space_hint(key, known)
    if hint is None:
        record = _walk(doc.data, loc[:-1])
        before = split_source(record, key) if isinstance(record, dict) else None
        if before is not None and (
            doc.key_position(loc)[0] == doc.value_position((*loc[:-1], before))[0]
        ):
            text = str(record[before]).split(",")[0]
            hint = split_hint(before, masked(text))
    if hint is None and key in known:
        hint = misplaced_key(key)
    elif hint is None:
        close = close_key(key, known)
        hint = f"did you mean '{close}'?" if close else None
    return f" ({hint})" if hint else ""


def _key_detail(loc: tuple[Any, ...]) -> str:
    """Why a key of a keyed mapping (owners, units, status years) is not allowed."""
    key, container = loc[-1], (loc[-2] if len(loc) >= 2 else "")
    if container == "status":
        return (f"status: {_describe(key)} is not a year; a follow-up is keyed by its "
                f"four-digit year (2024: {{state: done, note: \"Rutin på plats.\"}})")
    if container == "owners":
        return f"owners: {_describe(key)} is not an owner key: {owner_key_hint(key, False)}"
    return f"{container}: {_describe(key)} is not a valid key here"


def _detail(loc: tuple[Any, ...], kind: str, error: Any) -> str:
    value = error.get("input")
    field = _field(loc)
    if kind == "blank_text" or kind == "string_type" and value is None and loc[-1:] == ("title",):
        return f"{field} is empty; a title needs text (title: Analysera feedbacken)"
    if kind in _KINDS:
        text = f"{_KINDS[kind]}, got {_describe(value)}"
        if kind == "string_type" and isinstance(value, (bool, int, float)) and loc:
            written = str(value).lower() if isinstance(value, bool) else value
            text += f"; quote it: {loc[-1]}: \"{written}\""
        elif right_form(loc):
            text += f"; write it as {right_form(loc)}"
    elif kind == "string_pattern_mismatch":
        text = f"{_describe(value)} is not allowed: {_pattern_rule(loc, value)}"
    elif kind == "string_too_long":
        text = f"{_describe(value)} is too long: {error['msg'].lower()}"
    elif kind == "literal_error":
        allowed = error["msg"].removeprefix("Input should be ")
        text = f"{_describe(value)} is not allowed; use {allowed}"
        if isinstance(value, str):
            # A country code is the usual slip for a language code (se for Swedish).
            word = value.strip().casefold()
            word = _COUNTRY_LANGUAGE.get(word, word) if field == "language" else word
            if f"'{word}'" in allowed:
                text += f" (did you mean '{word}'?)"
    elif kind == "year":
        text = f"{error['msg']}, got {_describe(value)}"
        form = right_form(loc[:-1])
        if form:
            text += f"; write it as {form}"
    else:
        text = error["msg"][:1].lower() + error["msg"][1:]
    return f"{field}: {text}" if field else text


def _pattern_rule(loc: tuple[Any, ...], value: Any) -> str:
    """The rule a value broke, in words."""
    field = _field(loc)
    if field == "owners":
        return owner_key_hint(value, True)
    if field == "code":
        return "a code is QP and three digits, such as QP301"
    if field in ("email", "from"):
        return ("an e-mail address such as kvalitet@example.se (from: also "
                "'Kvalitetsenheten <kvalitet@example.se>')")
    if field == "host":
        return "a host name such as smtp.example.se"
    if field == "continues":
        return ("a link is the old plan's id, '/' and the activity's id, such as "
                "lakarprogrammet/C1.G1.A2")
    return slug_hint(value)


_ROW_LISTS = frozenset({"criteria", "goals", "activities"})
# Stand-ins that pass the shape check (a title needs text) and that no other check reads.
_PLACEHOLDERS: dict[str, Any] = {
    "title": "_", "name": "_", "id": "invalid", "plan": {"id": "invalid", "title": "_"},
}


def repair(data: Any, problems: list[Problem]) -> tuple[Any, list[tuple[Any, ...]]] | None:
    """A copy of `data` with each invalid node removed or replaced, so the other checks can run.

    Returns the repaired data and the paths it touched, or None when a node cannot be
    repaired without shifting the positions of others.
    """
    import copy

    fixed = copy.deepcopy(data)
    touched: list[tuple[Any, ...]] = []
    for error in problems:
        loc = tuple(error["loc"])
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        if len(loc) >= 2 and loc[-2] == "period":
            loc = loc[:-1]  # a period with a bad year is no period: checks skip it
        if not loc:
            return None
        parent = _walk(fixed, loc[:-1])
        key = loc[-1]
        if isinstance(parent, dict):
            if error["type"] == "missing":
                if key not in _PLACEHOLDERS:
                    return None
                parent[key] = copy.deepcopy(_PLACEHOLDERS[key])
            else:
                parent.pop(key, None)
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            owner_list = len(loc) >= 2 and loc[-2] == "owners"
            if owner_list:
                parent[key] = "_"
            elif len(loc) >= 2 and loc[-2] in _ROW_LISTS:
                parent[key] = {"title": "_"}
            else:
                return None
        else:
            return None
        touched.append(loc)
    return fixed, touched


def _walk(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        in_dict = isinstance(data, dict) and part in data
        if in_dict or isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data

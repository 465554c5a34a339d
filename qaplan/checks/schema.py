"""Schema errors: the shape check's problems (`qaplan.shape`) mapped back to the YAML node each is about."""

from __future__ import annotations

from typing import Any

from qaplan.findings import Finding, finding
from qaplan.loader import Document
from qaplan.shape import Problem, Record
from qaplan.values import STATES

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
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def schema_findings(problems: list[Problem], doc: Document, shape: Record) -> list[Finding]:
    """One finding per problem, placed at the node the problem is about."""
    known = shape.keys()
    found: list[Finding] = []
    for error in problems:
        loc = tuple(error["loc"])
        kind = error["type"]
        field = next((str(part) for part in reversed(loc) if isinstance(part, str)
                      and part != "[key]"), "")
        if loc and loc[-1] == "[key]":
            line, col = doc.key_position(loc[:-1])
            detail = f"{_describe(loc[-2])} is not a valid key here: {error['msg']}"
            found.append(finding(doc.file, line, col, "QP100", detail=detail))
        elif kind == "extra_forbidden":
            import difflib

            line, col = doc.key_position(loc)
            close = difflib.get_close_matches(str(loc[-1]), sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            found.append(finding(doc.file, line, col, "QP101", key=loc[-1], hint=hint))
        elif kind == "missing":
            line, col = doc.value_position(loc[:-1])
            found.append(finding(doc.file, line, col, "QP102", key=loc[-1]))
        elif kind == "enum" and field == "state":
            line, col = doc.value_position(loc)
            found.append(finding(doc.file, line, col, "QP109", value=error["input"],
                                 allowed=", ".join(STATES)))
        elif kind == "due_form":
            line, col = doc.value_position(loc)
            found.append(finding(doc.file, line, col, "QP108", value=error["input"],
                                 detail=error["msg"]))
        else:
            line, col = doc.value_position(loc)
            found.append(finding(doc.file, line, col, "QP100",
                                 detail=_detail(field, kind, error)))
    return found


def _detail(field: str, kind: str, error: Any) -> str:
    value = error.get("input")
    if kind in _KINDS:
        text = f"{_KINDS[kind]}, got {_describe(value)}"
    elif kind == "string_pattern_mismatch":
        text = f"{_describe(value)} is not allowed here ({_pattern_hint(field)})"
    elif kind == "literal_error":
        text = f"{_describe(value)} is not allowed; {error['msg'].lower()}"
    else:
        text = error["msg"][:1].lower() + error["msg"][1:]
    return f"{field}: {text}" if field else text


def _pattern_hint(field: str) -> str:
    if field == "owners":
        return "an owner key has no spaces or commas"
    if field == "code":
        return "a code looks like QP301"
    return "use letters, digits, '.', '_' and '-', starting with a letter or digit"


_ROW_LISTS = frozenset({"criteria", "goals", "activities"})
_PLACEHOLDERS: dict[str, Any] = {"title": "", "name": "", "id": "_", "plan": {"id": "_", "title": ""}}


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
                parent[key] = {"title": ""}
            else:
                return None
        else:
            return None
        touched.append(loc)
    return fixed, touched


def _walk(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data

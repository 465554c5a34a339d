"""Checks of the repository file qaplan.yaml: the units tree, the ignore rules, what is usable."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from qaplan.checks.repository import QP401
from qaplan.codes import Code, Finding
from qaplan.loader import Document
from qaplan.shape import CONFIG, Problem, problems

QP111 = Code(
    "QP111", "error", "broken units tree", "{detail}",
    what="A unit in `qaplan.yaml` names a parent that does not exist, or the parents form a cycle.",
    why="The yearly report rolls up through the parents; a broken chain has no top.",
    fix="Correct the `parent` keys so that every chain ends at a unit without a parent.",
)

CODES = (QP111,)


def usable_part(data: dict[str, Any], found: list[Problem]) -> dict[str, Any]:
    """`data` without the nodes that have problems, so one typo does not cost the rest.

    An invalid `language` leaves the owners usable; an owner of the wrong shape drops that
    owner, not the directory; unknown keys are dropped (they were reported).
    """
    usable = copy.deepcopy(data)
    for _ in range(4):
        for problem in found:
            loc = tuple(problem["loc"])
            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
            if problem["type"] == "missing":
                if len(loc) == 1:
                    continue  # a missing `schema:` costs nothing else
                loc = loc[:-1]  # the mapping that lacks a required field goes
            _drop(usable, loc)
        found = [p for p in problems(CONFIG, usable) if tuple(p["loc"]) != ("schema",)]
        if not found:
            return usable
    return {}


def _drop(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """Remove the node at `loc`; a list item takes its whole list with it (positions stay put)."""
    if not loc:
        data.clear()
        return
    parent: Any = data
    for depth, part in enumerate(loc[:-1]):
        if isinstance(parent, list):
            _drop(data, loc[:depth])
            return
        if not isinstance(parent, dict) or part not in parent:
            return
        parent = parent[part]
    if isinstance(parent, dict):
        parent.pop(loc[-1], None)
    elif isinstance(parent, list):
        _drop(data, loc[:-1])


def ignore_rule_checks(
    doc: Document, config: dict[str, Any], codes: Mapping[str, Code]
) -> list[Finding]:
    """An `ignore:` rule that names an error code silences nothing, and says so (QP401).

    `codes` is the registry (`qaplan.findings.CODES`), passed in: it is built from modules
    like this one.
    """
    found = []
    for index, rule in enumerate(config.get("ignore") or ()):
        entry = codes.get(rule.get("code", ""))
        if entry is not None and entry.severity == "error":
            line, col = doc.value_position(("ignore", index, "code"))
            found.append(QP401.at(doc.file, line, col, where="this ignore rule", silenced=entry.code))
    return found


def config_checks(doc: Document, config: dict[str, Any]) -> list[Finding]:
    """Every unit's parent exists and no chain of parents loops (`config`: checked data)."""
    found: list[Finding] = []
    units: dict[str, Any] = config.get("units") or {}
    parents: dict[str, str | None] = {key: unit.get("parent") for key, unit in units.items()}
    for key, parent in parents.items():
        if parent is not None and parent not in parents:
            line, col = doc.value_position(("units", key, "parent"))
            found.append(QP111.at(doc.file, line, col,
                                  detail=f"unit '{key}' has parent '{parent}', which is not a unit"))
    in_cycles: set[str] = set()
    for key, first_parent in parents.items():
        if key in in_cycles:
            continue
        seen = [key]
        parent = first_parent
        while parent is not None and parent in parents:
            if parent == key:
                in_cycles.update(seen)
                line, col = doc.value_position(("units", key, "parent"))
                found.append(QP111.at(doc.file, line, col,
                                      detail="units form a cycle: " + " -> ".join(seen + [key])))
                break
            if parent in seen:
                break
            seen.append(parent)
            parent = parents[parent]
    return found

"""Checks of the repository file qaplan.yaml: the units tree."""

from __future__ import annotations

from typing import Any

from qaplan.findings import Finding, finding
from qaplan.loader import Document


def config_checks(doc: Document, config: dict[str, Any]) -> list[Finding]:
    """Every unit's parent exists and no chain of parents loops (`config`: checked data)."""
    found: list[Finding] = []
    units: dict[str, Any] = config.get("units") or {}
    parents: dict[str, str | None] = {key: unit.get("parent") for key, unit in units.items()}
    for key, parent in parents.items():
        if parent is not None and parent not in parents:
            line, col = doc.value_position(("units", key, "parent"))
            found.append(finding(doc.file, line, col, "QP111",
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
                found.append(finding(doc.file, line, col, "QP111",
                                     detail="units form a cycle: " + " -> ".join(seen + [key])))
                break
            if parent in seen:
                break
            seen.append(parent)
            parent = parents[parent]
    return found

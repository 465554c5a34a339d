"""Checks of the repository file qaplan.yaml: the units tree."""

from __future__ import annotations

from qaplan.findings import Finding, finding
from qaplan.loader import Document
from qaplan.model import RepoConfig


def config_checks(doc: Document, config: RepoConfig) -> list[Finding]:
    """Every unit's parent exists and no chain of parents loops."""
    found: list[Finding] = []
    for key, unit in config.units.items():
        if unit.parent is not None and unit.parent not in config.units:
            line, col = doc.value_position(("units", key, "parent"))
            found.append(finding(doc.file, line, col, "QP111",
                                 detail=f"unit '{key}' has parent '{unit.parent}', which is not a unit"))
    in_cycles: set[str] = set()
    for key in config.units:
        if key in in_cycles:
            continue
        seen = [key]
        parent = config.units[key].parent
        while parent is not None and parent in config.units:
            if parent == key:
                in_cycles.update(seen)
                line, col = doc.value_position(("units", key, "parent"))
                found.append(finding(doc.file, line, col, "QP111",
                                     detail="units form a cycle: " + " -> ".join(seen + [key])))
                break
            if parent in seen:
                break
            seen.append(parent)
            parent = config.units[parent].parent
    return found

"""Owner names for reports that span several plans."""

from __future__ import annotations

from collections.abc import Iterable

from qaplan.engine.results import FileResult


def owner_names(plans: Iterable[FileResult]) -> dict[str, str]:
    """Owner key -> name: the repository's qaplan.yaml first, else the first plan in path order."""
    ordered = sorted(plans, key=lambda result: result.file)
    names: dict[str, str] = {}
    for result in ordered:
        config = result.config.config if result.config is not None else None
        if config is not None:
            for key, owner in config.owners.items():
                names.setdefault(key, owner.name)
    for result in ordered:
        if result.plan is not None:
            for key, owner in result.plan.owners.items():
                names.setdefault(key, owner.name)
    return names

"""Owner names and keys for reports that span several plans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def owner_names(plans: Iterable[Any]) -> dict[str, str]:
    """Owner key -> name: the repository's qaplan.yaml first, else the first plan in path order.

    Reads entries (`workspace.Entry`, whose `config` is the typed Config) or the engine's
    `FileResult`s (whose `config` is a ConfigResult holding it).
    """
    ordered = sorted(plans, key=lambda entry: entry.file)
    names: dict[str, str] = {}
    for entry in ordered:
        config = getattr(entry.config, "config", entry.config)
        if config is not None:
            for key, owner in config.owners.items():
                names.setdefault(key, owner.name)
    for entry in ordered:
        if entry.plan is not None:
            for key, owner in entry.plan.owners.items():
                names.setdefault(key, owner.name)
    return names


def known_owners(plans: Iterable[Any], names: Mapping[str, str]) -> set[str]:
    """Every owner key declared (`names`) or used by an activity of the plans."""
    keys = set(names)
    for entry in plans:
        keys.update(key for _c, _g, activity in entry.plan.activities() for key in activity.owners)
    return keys

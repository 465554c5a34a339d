"""Owner names and keys for reports that span several plans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class OwnerNames:
    """Owner key -> name, gathered one entry at a time: the repository's qaplan.yaml first,
    else the first plan (in the order given) that names the owner.

    Reads entries (`workspace.Entry`, whose `config` is the typed Config) or the engine's
    `FileResult`s (whose `config` is a ConfigResult holding it).
    """

    def __init__(self) -> None:
        self.repository: dict[str, str] = {}
        self.plans: dict[str, str] = {}
        self.used: set[str] = set()  # owner keys the activities name

    def add(self, entry: Any) -> None:
        """Fold in one entry's qaplan.yaml and plan."""
        self.add_repository(entry.config)
        if entry.plan is not None:
            self.add_plan(((key, owner.name) for key, owner in entry.plan.owners.items()),
                          (key for _c, _g, activity in entry.plan.activities()
                           for key in activity.owners))

    def add_repository(self, config: Any) -> None:
        """Fold in a repository file's owners (the typed Config, or a ConfigResult holding it;
        None: none)."""
        config = getattr(config, "config", config)
        if config is not None:
            for key, owner in config.owners.items():
                self.repository.setdefault(key, owner.name)

    def add_plan(self, owners: Iterable[Sequence[str]], used: Iterable[str]) -> None:
        """Fold in a plan's owners (key, name) and the owner keys its activities use."""
        for key, name in owners:
            self.plans.setdefault(key, name)
        self.used.update(used)

    def add_case(self, entry: Any) -> None:
        """Fold in one deviation case's qaplan.yaml and the owner keys its measures name."""
        self.add_repository(entry.config)
        self.used.update(measure.owner for measure in entry.value.measures if measure.owner)

    @property
    def names(self) -> dict[str, str]:
        """Owner key -> name, the repository's first."""
        return self.repository | {k: v for k, v in self.plans.items() if k not in self.repository}

    @property
    def known(self) -> set[str]:
        """Every owner key declared or used by an activity."""
        return set(self.repository) | set(self.plans) | self.used


def owner_names(plans: Iterable[Any]) -> dict[str, str]:
    """Owner key -> name: the repository's qaplan.yaml first, else the first plan in path order."""
    folded = OwnerNames()
    for entry in sorted(plans, key=lambda entry: entry.file):
        folded.add(entry)
    return folded.names

"""The repository file qaplan.yaml as one typed value: shared owners, defaults, the units tree."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qaplan.formats.plan import Owner, build_owners


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of the organisation (faculty, department, programme)."""

    key: str
    name: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """Silence a warning code for files matching a path glob."""

    code: str
    path: str = "*"


@dataclass(frozen=True, slots=True)
class Config:
    """qaplan.yaml: what the plans below it share."""

    language: str | None = None
    owners: Mapping[str, Owner] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    ignore: tuple[IgnoreRule, ...] = ()

    def children(self, key: str | None) -> list[Unit]:
        """The units whose parent is `key` (None: the roots), in key order."""
        return [unit for _, unit in sorted(self.units.items()) if unit.parent == key]

    def ancestors(self, key: str) -> Iterator[Unit]:
        """The unit's parent, its parent's parent, ... up to a root (stops on a loop)."""
        seen = {key}
        unit = self.units.get(key)
        while unit is not None and unit.parent is not None and unit.parent not in seen:
            seen.add(unit.parent)
            unit = self.units.get(unit.parent)
            if unit is not None:
                yield unit


def build(data: Mapping[str, Any]) -> Config:
    """The typed repository file of data that has its shape (or what could be read of it)."""
    return Config(
        language=data.get("language"),
        owners=build_owners(data.get("owners")),
        units={key: Unit(key, unit["name"], unit.get("parent"))
               for key, unit in (data.get("units") or {}).items()},
        ignore=tuple(IgnoreRule(rule["code"], rule.get("path", "*"))
                     for rule in data.get("ignore") or ()),
    )

"""The repository file qaplan.yaml as one typed value: shared owners, defaults, the units tree."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.formats.catalogue import Catalogue, build_entry
from qaplan.formats.feedback import Declared, build_directory, parse_day
from qaplan.formats.plan import Owner, build_owners
from qaplan.recurrence import on_day, parse_month_day


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
class Smtp:
    """The mail server reminders go through (the login is never here: see `qaplan.mail`)."""

    host: str
    sender: str  # `from:`
    starttls: bool = True
    port: int | None = None  # None: 587 with STARTTLS, else 25

    @property
    def port_number(self) -> int:
        """The port to connect to, the default filled in."""
        return self.port if self.port is not None else (587 if self.starttls else 25)


Day = date  # the field `Milestone.date` would hide the type's name in its class


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone of the yearly cycle (årshjul): on a date, or on MM-DD of every year."""

    title: str
    path: tuple[Any, ...]  # ("calendar", index)
    date: Day | None = None
    month_day: tuple[int, int] | None = None
    description: str | None = None

    def days(self, first_year: int, last_year: int) -> list[Day]:
        """The days it falls on: its date, or MM-DD in each year from first to last."""
        if self.date is not None:
            return [self.date]
        if self.month_day is None:
            return []
        month, day = self.month_day
        return [on_day(year, month, day) for year in range(first_year, last_year + 1)]


@dataclass(frozen=True, slots=True)
class Config:
    """qaplan.yaml: what the plans below it share."""

    language: str | None = None
    owners: Mapping[str, Owner] = field(default_factory=dict)
    stakeholders: Mapping[str, Declared] = field(default_factory=dict)  # who hears results
    channels: Mapping[str, Declared] = field(default_factory=dict)  # how they hear them
    units: Mapping[str, Unit] = field(default_factory=dict)
    ignore: tuple[IgnoreRule, ...] = ()
    smtp: Smtp | None = None
    calendar: tuple[Milestone, ...] = ()
    catalogues: Mapping[str, Catalogue] = field(default_factory=dict)  # the repository's own

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
        stakeholders=build_directory(data.get("stakeholders")),
        channels=build_directory(data.get("channels")),
        units={key: Unit(key, unit["name"], unit.get("parent"))
               for key, unit in (data.get("units") or {}).items()},
        ignore=tuple(IgnoreRule(rule["code"], rule.get("path", "*"))
                     for rule in data.get("ignore") or ()),
        smtp=_smtp(data.get("smtp")),
        calendar=tuple(_milestone(index, entry)
                       for index, entry in enumerate(data.get("calendar") or ())),
        catalogues={name: build_entry(name, entry)
                    for name, entry in (data.get("catalogues") or {}).items()},
    )


def _smtp(data: Mapping[str, Any] | None) -> Smtp | None:
    if data is None:
        return None
    starttls = data.get("starttls")
    return Smtp(data["host"], data["from"], True if starttls is None else starttls, data.get("port"))


def _milestone(index: int, data: Mapping[str, Any]) -> Milestone:
    day, month_day = data.get("date"), data.get("month_day")
    return Milestone(data["title"], ("calendar", index),
                     None if day is None else parse_day(day),
                     None if month_day is None else parse_month_day(month_day),
                     data.get("description"))

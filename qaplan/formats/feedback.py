"""Feedback to stakeholders as typed values: who must hear a result, and who was told when.

An activity (and a deviation case) may name the stakeholders who must hear its result
(`feedback: [students, staff]`) and record each time it was told
(`communicated: [{to: students, channel: web, date: 2025-02-01, note: ...}]`). The keys are
those that qaplan.yaml declares under `stakeholders:` and `channels:`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

Path_ = tuple[Any, ...]
Day = date  # the field `Communication.date` would hide the type's name in its class

# ASCII digits only, as the JSON Schema's pattern reads them (see qaplan.values).
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DAY_EXPECTED = "expected a date such as 2025-02-01"
DEFAULT_DAYS = 60  # stakeholders must hear a result within this many days of the work finishing


@dataclass(frozen=True, slots=True)
class Communication:
    """One time a result was fed back to a stakeholder ("återföring")."""

    to: str  # a stakeholder key
    channel: str | None = None  # a channel key
    date: Day | None = None
    note: str | None = None
    path: Path_ = ()  # loader path of the entry, e.g. ("criteria", 0, ..., "communicated", 1)


@dataclass(frozen=True, slots=True)
class Declared:
    """A stakeholder (students, staff, partners) or a channel (web, council) of qaplan.yaml."""

    name: str
    description: str | None = None


def parse_day(value: Any) -> date:
    """A calendar date written as `2025-02-01` (YAML 1.2 keeps it text)."""
    if isinstance(value, date):
        return value
    if type(value) is not str or not _DAY.match(value):
        raise ValueError(DAY_EXPECTED)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a calendar date ({exc})") from None


def build_feedback(data: Sequence[str] | None) -> tuple[str, ...]:
    """The stakeholder keys of a checked `feedback:` list."""
    return tuple(data or ())


def build_communicated(data: Sequence[Mapping[str, Any]] | None,
                       path: Path_) -> tuple[Communication, ...]:
    """The entries of a checked `communicated:` list found at `path`."""
    out = []
    for index, entry in enumerate(data or ()):
        day = entry.get("date")
        out.append(Communication(
            to=entry["to"],
            channel=entry.get("channel"),
            date=None if day is None else parse_day(day),
            note=entry.get("note"),
            path=(*path, index),
        ))
    return tuple(out)


def build_directory(data: Mapping[str, Any] | None) -> dict[str, Declared]:
    """qaplan.yaml's `stakeholders:` or `channels:` as typed values."""
    return {key: Declared(entry["name"], entry.get("description"))
            for key, entry in (data or {}).items()}

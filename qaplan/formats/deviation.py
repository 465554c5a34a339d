"""A deviation case file ("avvik") as one typed value: the case, its measures and its closing.

One file holds one case under a top-level `deviation:` (e.g. `deviations/2025/AV-2025-014.yaml`).
Like the plan, every measure carries the loader's path for it, and a measure without an id gets
one from its position (`M1`, `M2`, ...), here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.formats.feedback import Communication, build_communicated, build_feedback, parse_day
from qaplan.values import Due, parse_due

Path_ = tuple[Any, ...]
ID_PATH: Path_ = ("deviation", "id")  # where a case file keeps the id that must be unique
MEASURES_PATH: Path_ = ("deviation", "measures")

# Categories the seed sends elsewhere: the HMS coordinator, or the whistle-blowing channel.
OTHER_ROUTE = ("hms", "whistleblowing")
# Categories the faculty's quality contact handles with a consequence and measures.
HANDLED_HERE = ("education-quality", "learning-environment-physical",
                "learning-environment-psychosocial")

# `AV-2025-014`: the ids `qaplan new deviation` writes (other slugs are accepted in files).
CASE_ID = re.compile(r"AV-([0-9]{4})-([0-9]{3,})\Z")


def case_id(year: int, number: int) -> str:
    """The id of the `number`th case of `year`: AV-2025-014."""
    return f"AV-{year}-{number:03d}"


@dataclass(frozen=True, slots=True)
class Done:
    """What the measure's owner wrote when marking it done."""

    date: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure ("tiltak") taken on a case, with its owner and deadline."""

    id: str
    title: str
    path: Path_
    derived_id: bool = False  # the id comes from the measure's position, not from the file
    owner: str | None = None
    deadline: Due | None = None
    state: str = "proposed"
    done: Done | None = None

    @property
    def key(self) -> str:
        return self.id

    @property
    def due(self) -> date | None:
        """The last day the deadline stands for (None without a deadline)."""
        return None if self.deadline is None else self.deadline.due_date

    @property
    def open(self) -> bool:
        """True while the measure still has to be carried out."""
        return self.state in ("proposed", "accepted")


@dataclass(frozen=True, slots=True)
class Closing:
    """The final handling ("endelig behandling") written when the case is closed."""

    date: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Deviation:
    """One deviation case, schema qaplan/v1."""

    id: str
    title: str
    reported: date
    category: str
    state: str
    unit: str | None = None
    handler: str | None = None
    rejection: str | None = None
    personnel_matter: bool = False
    consulted: str | None = None
    consequence: str | None = None
    informed: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    closing: Closing | None = None
    feedback: tuple[str, ...] = ()  # stakeholder keys who must hear the outcome
    communicated: tuple[Communication, ...] = ()  # each time the outcome was fed back

    @property
    def key(self) -> str:
        return self.id

    @property
    def open(self) -> bool:
        """True while the case is being handled (received or in progress)."""
        return self.state in ("received", "in-progress")

    @property
    def closed_on(self) -> date | None:
        """The closing date of a closed case (None while open, rejected or undated)."""
        if self.state != "closed" or self.closing is None:
            return None
        return self.closing.date


def build(data: Mapping[str, Any]) -> Deviation:
    """The typed case of data that has the case file's shape (`DEVIATION` shape)."""
    case = data["deviation"]
    closing = case.get("closing")
    return Deviation(
        id=case["id"],
        title=case["title"],
        reported=parse_day(case["reported"]),
        category=case["category"],
        state=case["state"],
        unit=case.get("unit"),
        handler=case.get("handler"),
        rejection=case.get("rejection"),
        personnel_matter=bool(case.get("personnel_matter")),
        consulted=case.get("consulted"),
        consequence=case.get("consequence"),
        informed=tuple(case.get("informed") or ()),
        measures=tuple(_measure(index, entry)
                       for index, entry in enumerate(case.get("measures") or ())),
        closing=None if closing is None else Closing(_date(closing.get("date")),
                                                     closing.get("note")),
        feedback=build_feedback(case.get("feedback")),
        communicated=build_communicated(case.get("communicated"), ("deviation", "communicated")),
    )


def _date(value: Any) -> date | None:
    return None if value is None else parse_day(value)


def _measure(index: int, data: Mapping[str, Any]) -> Measure:
    written = data.get("id")
    deadline, done = data.get("deadline"), data.get("done")
    return Measure(
        id=written or f"M{index + 1}",
        title=data["title"],
        path=(*MEASURES_PATH, index),
        derived_id=written is None,
        owner=data.get("owner"),
        deadline=None if deadline is None else parse_due(deadline),
        state=data.get("state") or "proposed",
        done=None if done is None else Done(_date(done.get("date")), done.get("note")),
    )

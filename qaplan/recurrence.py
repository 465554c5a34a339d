"""The date rules of recurring activities (`every: term | year`): their occurrences, and which
one is due as of a date.

A recurring activity falls due once per term (VT on 30 June, HT on 31 December) or once per
year (on its `due: MM-DD`, default 31 December). It recurs from its `start` (else from the
start of its plan's period) up to its `end` (else to the end of its plan's period; without
either it goes on). The yearly follow-up records each year's outcome: `done` for year Y
covers every occurrence in Y (both terms); `cancelled` ends the recurrence; any other state,
or none, leaves Y's occurrences outstanding. The current occurrence is the earliest one not
followed up as done; the activity is overdue when its due date has passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.values import State

EVERY = ("term", "year")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})\Z")
# For the JSON Schema: the form of `due`; `parse_month_day` also checks it is a day of the year.
MONTH_DAY_PATTERN = r"^[0-9]{2}-[0-9]{2}$"


def parse_month_day(value: Any) -> tuple[int, int]:
    """`"06-15"` as (6, 15); ValueError for another form or a day no year has."""
    match = _MONTH_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError("expected a day of the year as MM-DD in quotes, e.g. \"06-15\"")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2000, month, day)  # a leap year: 02-29 is a day of some years
    except ValueError:
        raise ValueError(f"{value} is not a day of the year (MM-DD, e.g. \"06-15\")") from None
    return month, day


def on_day(year: int, month: int, day: int) -> date:
    """The day MM-DD in `year`; 29 February falls on the 28th in other years."""
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return date(year, 2, 28)
    return date(year, month, day)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time a recurring activity falls due: its due date, the follow-up year that records
    it, and how people name it (VT2026, HT2025, 2025)."""

    due: date
    year: int
    label: str


@dataclass(frozen=True, slots=True)
class Recurrence:
    """How an activity recurs, and the days it recurs between (resolved when the plan is built)."""

    every: str  # "term" or "year"
    month_day: tuple[int, int] = (12, 31)  # `every: year`: the day each year's occurrence is due
    first: date | None = None  # nothing falls due before this day (None: see `begin`)
    last: date | None = None  # nor after this one (None: it goes on)

    def in_year(self, year: int) -> list[Occurrence]:
        """The occurrences of one calendar year, bounds not applied."""
        if self.every == "term":
            return [Occurrence(date(year, 6, 30), year, f"VT{year}"),
                    Occurrence(date(year, 12, 31), year, f"HT{year}")]
        return [Occurrence(on_day(year, *self.month_day), year, str(year))]

    def between(self, since: date, until: date) -> Iterator[Occurrence]:
        """The occurrences due from `since` to `until` (both included) within the bounds."""
        low = max(since, self.first) if self.first else since
        high = min(until, self.last) if self.last else until
        for year in range(low.year, high.year + 1):
            for occurrence in self.in_year(year):
                if low <= occurrence.due <= high:
                    yield occurrence

    def begin(self, status_years: Iterable[int], as_of: date) -> date:
        """The first day that counts: `first`, else 1 January of the earliest follow-up year,
        else of the as-of year (no past occurrence is invented for an unbounded activity)."""
        if self.first is not None:
            return self.first
        return date(min(status_years, default=as_of.year), 1, 1)

    def current(self, status: Mapping[int, State | None], as_of: date) -> Occurrence | None:
        """The earliest occurrence not followed up as done, counting the follow-ups of years up
        to `as_of`'s; None when the recurrence is cancelled, or ended with every one done."""
        counted = {year: state for year, state in status.items() if year <= as_of.year}
        if any(state is State.CANCELLED for state in counted.values()):
            return None
        begin = self.begin(counted, as_of)
        # No follow-up counts after the as-of year, so the answer is found by the year after it.
        until = date(max(as_of.year + 1, begin.year), 12, 31)
        for occurrence in self.between(begin, until):
            if counted.get(occurrence.year) is not State.DONE:
                return occurrence
        return None

    def occurs_in(self, year: int) -> bool:
        """Whether an occurrence falls in `year` within the bounds (unbounded: any year)."""
        return any(True for _ in self.between(date(year, 1, 1), date(year, 12, 31)))

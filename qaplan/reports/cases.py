"""Deviation cases as of a date: what the reports read of a case file, and its state on a day.

A case file says where the case stands now. A report given an earlier `--as-of` reads it as it
stood then, as far as the file's dates tell: a case reported after that day did not exist yet,
a case closed after it was still being handled, and a measure marked done after it was still
open. Reports use these rules and no others, so `overdue`, `deviations` and the register sheet
agree on every case.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from qaplan.formats.deviation import Deviation, Measure

OPEN_STATES = ("received", "in-progress")


class CaseEntry(Protocol):
    """What a report reads of one case file (`qaplan.workspace.Entry` of kind "deviation")."""

    @property
    def file(self) -> str: ...

    @property
    def value(self) -> Deviation: ...


def exists_on(case: Deviation, day: date) -> bool:
    """Whether the case had been reported by `day`."""
    return case.reported <= day


def state_on(case: Deviation, day: date) -> str:
    """The case's state on `day`: a case closed after that day was still in progress."""
    closed = case.closed_on
    if case.state == "closed" and closed is not None and closed > day:
        return "in-progress"
    return case.state


def open_on(case: Deviation, day: date) -> bool:
    """Whether the case was being handled on `day` (reported by then, not closed or rejected)."""
    return exists_on(case, day) and state_on(case, day) in OPEN_STATES


def measure_state_on(measure: Measure, day: date) -> str:
    """The measure's state on `day`: one marked done after that day was still accepted."""
    done = measure.done.date if measure.done is not None else None
    if measure.state == "done" and done is not None and done > day:
        return "accepted"
    return measure.state


def measure_days_overdue(case: Deviation, measure: Measure, day: date) -> int | None:
    """`day` minus the measure's deadline, for an open measure of an open case; else None."""
    due = measure.due
    if due is None or not open_on(case, day) or measure_state_on(measure, day) not in (
            "proposed", "accepted"):
        return None
    return (day - due).days


def age_days(case: Deviation, day: date) -> int:
    """Days from the report to `day`, or to the closing for a case closed by then."""
    closed = case.closed_on
    end = closed if closed is not None and closed <= day else day
    return (end - case.reported).days

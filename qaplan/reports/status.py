"""Status per plan: activities by state, overdue, missing follow-up for the year, % done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from qaplan.errors import QaplanError
from qaplan.model import Activity, PlanFile
from qaplan.engine.results import FileResult
from qaplan.render.text import plural
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports.overdue import (
    OverdueItem,
    activity_items,
    days_overdue,
    item_cells,
    item_style,
)
from qaplan.values import State

NOT_STARTED = "not_started"
STATE_KEYS = (*(state.value for state in State), NOT_STARTED)
TOTAL = "Total"


@dataclass(frozen=True, slots=True)
class Counts:
    """The counts of one plan, or of all plans together."""

    activities: int
    by_state: dict[str, int]  # every key of STATE_KEYS
    overdue: int
    missing_follow_up: int

    @property
    def done_pct(self) -> float | None:
        """done / (activities − cancelled) × 100, one decimal; None when nothing counts."""
        base = self.activities - self.by_state[State.CANCELLED.value]
        if base <= 0:
            return None
        pct = Decimal(self.by_state[State.DONE.value] * 100) / Decimal(base)
        return float(pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.activities + other.activities,
            {key: self.by_state[key] + other.by_state[key] for key in STATE_KEYS},
            self.overdue + other.overdue,
            self.missing_follow_up + other.missing_follow_up,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "activities": self.activities,
            "by_state": dict(self.by_state),
            "overdue": self.overdue,
            "missing_follow_up": self.missing_follow_up,
            "done_pct": self.done_pct,
        }


EMPTY = Counts(0, {key: 0 for key in STATE_KEYS}, 0, 0)


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """One plan's row."""

    plan: str
    file: str
    title: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Status of every plan as of a date, for one follow-up year."""

    as_of: date
    year: int
    plans: tuple[PlanStatus, ...]
    totals: Counts
    within: int | None = None
    # Listed only with `within`: the activities overdue or due within that many days.
    activities: tuple[OverdueItem, ...] = ()


def missing_follow_up(activity: Activity, year: int) -> bool:
    """Unfinished as of `year`, started by its end, and no entry for it (no start: started)."""
    if activity.finished(year) or year in activity.status:
        return False
    return activity.start is None or activity.start.start_date <= date(year, 12, 31)


def plan_counts(plan: PlanFile, as_of: date, year: int) -> Counts:
    """The counts of one plan: states as of `as_of`, follow-up checked for `year`."""
    by_state = {key: 0 for key in STATE_KEYS}
    overdue = missing = 0
    activities = [activity for _criterion, _goal, activity in plan.activities()]
    for activity in activities:
        state = activity.latest_state(as_of.year)
        by_state[state.value if state is not None else NOT_STARTED] += 1
        days = days_overdue(activity, as_of)
        overdue += days is not None and days > 0
        missing += missing_follow_up(activity, year)
    return Counts(len(activities), by_state, overdue, missing)


def status_report(
    plans: Sequence[FileResult],
    as_of: date,
    *,
    year: int | None = None,
    within: int | None = None,
) -> StatusReport:
    """One row per plan (in path order) and the totals."""
    if year is None:
        year = as_of.year - 1
    if year > as_of.year:
        raise QaplanError(
            f"--year: {year} is after the as-of year {as_of.year}; a follow-up is written for a "
            "year that has begun"
        )
    if within is not None and within < 0:
        raise QaplanError(f"--within: {within} is negative; give a number of days, e.g. --within 30")
    rows = tuple(
        PlanStatus(result.plan.plan.id, result.file, result.plan.plan.title,
                   plan_counts(result.plan, as_of, year))
        for result in sorted(plans, key=lambda r: r.file)
        if result.plan is not None
    )
    totals = sum((row.counts for row in rows), EMPTY)
    listed = tuple(activity_items(plans, as_of, within)) if within is not None else ()
    return StatusReport(as_of, year, rows, totals, within, listed)


def status_json(report: StatusReport) -> dict[str, Any]:
    """The contract's JSON payload of `qaplan status` (plus `activities` with --within)."""
    data: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "year": report.year,
        "plans": [
            {"plan": row.plan, "file": row.file, "title": row.title, **row.counts.as_dict()}
            for row in report.plans
        ],
        "totals": report.totals.as_dict(),
    }
    if report.within is not None:
        data["activities"] = [
            {**item.as_dict(), "owners": list(item.owners)} for item in report.activities
        ]
    return data


# --- drawing --------------------------------------------------------------------------------------


def _pct_text(pct: float | None) -> str:
    return "–" if pct is None else f"{pct:.1f} %"


_BAR_CELLS = 5
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(pct: float | None) -> str:
    """% done as a small bar and a whole percentage: `██▋░░ 53%` (eighths of a cell)."""
    if pct is None:
        return "–"
    eighths = round(pct * _BAR_CELLS * 8 / 100)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    return f"{bar.ljust(_BAR_CELLS, '░')} {pct:.0f}%"


def _count_row(plan: str, file: str | None, title: str | None, counts: Counts) -> dict[str, Cell]:
    row: dict[str, Cell] = {"plan": plan, "file": file, "title": title,
                            "activities": counts.activities}
    row.update(counts.by_state)
    row.update(overdue=counts.overdue, missing=counts.missing_follow_up,
               done_pct=counts.done_pct, done_pct_text=_pct_text(counts.done_pct),
               done_bar=_bar(counts.done_pct))
    return row


def status_view(report: StatusReport) -> View:
    """The report as a table of plans with a totals row (and the listed activities)."""
    right: Literal["right"] = "right"
    # On a narrow terminal: headers on two short lines, then the states people read least
    # are hidden (the highest `optional` first); the plan id never wraps.
    columns = [
        Column("plan", "Plan"),
        Column("file", "File", only=("csv",)),
        Column("title", "Title", only=("csv", "markdown")),
        Column("activities", "Activities", right, short="Total"),
        Column("planned", "Planned", right, optional=3),
        Column("ongoing", "Ongoing", right, optional=2),
        Column("done", "Done", right),
        Column("delayed", "Delayed", right, optional=1),
        Column("cancelled", "Cancelled", right, short="Can-\ncelled", optional=5),
        Column(NOT_STARTED, "Not started", right, short="Not\nstarted", optional=4),
        Column("overdue", "Overdue", right),
        Column("missing", f"No follow-up {report.year}", right, short=f"Missing\n{report.year}"),
        Column("done_pct_text", "% done", right, only=("plain", "markdown")),
        Column("done_bar", "% done", only=("rich",)),
        Column("done_pct", "% done", right, only=("csv",)),
    ]
    rows = [_count_row(row.plan, row.file, row.title, row.counts) for row in report.plans]
    rows.append(_count_row(TOTAL, None, None, report.totals))
    styles: list[Style] = [None] * len(report.plans)
    sections = [Section(None, columns, rows, [*styles, "total"])]
    if report.within is not None:
        listed: list[dict[str, Cell]] = [
            {**item_cells(item), "owners": ", ".join(item.owners)}
            for item in report.activities
        ]
        sections.append(Section(
            f"Overdue or due within {plural(report.within, 'day')}",
            [
                Column("plan", "Plan"),
                Column("file", "File", only=("csv",)),
                Column("id", "ID"),
                Column("title", "Activity", wrap=True),
                Column("owners", "Owners", wrap=True),
                Column("end", "End", only=("csv",)),
                Column("due", "Due", only=("table", "markdown"), wrap=True),
                Column("due_date", "Due", only=("csv",)),
                Column("days_overdue", "Days overdue", right, only=("csv",)),
                Column("overdue", "Overdue", right, only=("table", "markdown")),
                Column("state", "State", wrap=True),
            ],
            listed,
            [item_style(item) for item in report.activities],
        ))
    totals = report.totals
    summary = (
        f"{plural(len(report.plans), 'plan')}, "
        f"{plural(totals.activities, 'activity', 'activities')}: "
        f"{totals.by_state[State.DONE.value]} done ({_pct_text(totals.done_pct)}), "
        f"{totals.overdue} overdue, {totals.missing_follow_up} without follow-up for {report.year}."
    )
    return View(
        title=f"Status as of {report.as_of.isoformat()} (follow-up year {report.year})",
        sections=sections,
        summary=summary,
        data=status_json(report),
        summary_style="overdue" if totals.overdue else ("soon" if totals.missing_follow_up else "done"),
    )

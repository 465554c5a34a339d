"""Dates and the yearly follow-up: end before start, due dates, spans, future years, states."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding

QP103 = Code(
    "QP103", "error", "end before start", "end ({end}) is before start ({start})",
    what="An activity's `end` resolves to a date before its `start` (a year or `VT` starts on "
    "1 January, `HT` on 1 July; a year ends on 31 December, `VT` on 30 June).",
    why="The due date is what `overdue` reports on; a swapped pair is nearly always a typing error.",
    fix="Swap or correct the two values.",
)
QP107 = Code(
    "QP107", "error", "status year in the future",
    "status year {year} is in the future (the current year is {as_of_year})",
    what="A yearly follow-up is written for a year that has not begun. The current year is "
    "today's (`validate --as-of` stands for today in this check); a report given an earlier "
    "`--as-of` does not count this, it ignores follow-ups written after its date.",
    why="A follow-up reports on what happened; one for a future year is a typing error "
    "(2052 for 2025) and would make the activity look finished too early.",
    fix="Correct the year.",
)
QP201 = Code(
    "QP201", "warning", "state missing", "state missing in the follow-up for {year}",
    what="A yearly follow-up has only a `note`. The tables used today have free text and no "
    "state column.",
    why="Without a state qaplan cannot tell whether the activity is done, so it counts as "
    "unfinished.",
    fix="Add `state: planned|ongoing|done|delayed|cancelled` (`qaplan import --guess-state` "
    "suggests one).",
)
QP202 = Code(
    "QP202", "warning", "no due date", "activity has no due date (end)",
    what="An activity has no `end`.",
    why="An activity without a due date is never reported as overdue, so it can slip unnoticed.",
    fix="Add `end:` (a year, a term such as `VT2025`, or a date).",
)
QP203 = Code(
    "QP203", "warning", "status year before the start",
    "status year {year} is before the activity's start ({start})",
    what="A follow-up is written for a year before the activity's start. A follow-up after `end` "
    "is expected while the activity is unfinished (it is overdue, and the note says why), and "
    "after it is finished people often write \"done\" again, so neither is reported.",
    why="Often a sign that `start` was not updated when the activity was moved.",
    fix="Correct the follow-up year, or move `start` to when the work began.",
)
QP204 = Code(
    "QP204", "warning", "activity outside the plan period",
    "activity {edge} ({value}) is outside the plan period {period_start}–{period_end}",
    what="An activity starts before or ends after the plan's `period`.",
    why="Work beyond the plan period belongs in the next plan, or the period is wrong.",
    fix="Move the activity's dates into the period, or widen `plan.period`.",
)

CODES = (QP103, QP107, QP201, QP202, QP203, QP204)


def end_after_start(ctx: PlanContext) -> Iterator[Finding]:
    for activity in ctx.activities():
        start, due = activity.start, activity.due
        if start is not None and due is not None and due < start.start_date:
            yield ctx.at(activity.path + ("end",), QP103, end=activity.end, start=start)


def period_in_order(ctx: PlanContext) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    if period is not None and period.end < period.start:
        yield ctx.at(("plan", "period", "end"), QP103, end=period.end, start=period.start)


def due_date_present(ctx: PlanContext) -> Iterator[Finding]:
    for activity in ctx.activities():
        if activity.end is None and activity.recurrence is None:  # recurring: due every term/year
            yield ctx.at(activity.path, QP202)


def follow_up_years(ctx: PlanContext) -> Iterator[Finding]:
    # `ctx.as_of` is today (or `validate --as-of`), never a report's as-of: a report that
    # looks back ignores later follow-ups instead of refusing them.
    this_year = ctx.as_of.year
    for activity in ctx.activities():
        start = activity.start
        first = start.start_date.year if start else None
        for year, follow_up in activity.status.items():
            year_path = activity.path + ("status", activity.status_keys[year])
            if year > this_year:
                yield ctx.at(year_path, QP107, on_key=True, year=year, as_of_year=this_year)
            elif first is not None and year < first:
                # After `end` is fine: an unfinished activity is overdue and its note says why.
                yield ctx.at(year_path, QP203, on_key=True, year=year, start=start)
            if follow_up.state is None:
                yield ctx.at(year_path, QP201, on_key=True, year=year)


def inside_plan_period(ctx: PlanContext) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    if period is None:
        return
    for activity in ctx.activities():
        start, due = activity.start, activity.due
        # An activity carried on from an earlier plan (`continues`) began in that plan's period.
        if (start is not None and start.start_date.year < period.start
                and activity.continues is None):
            yield ctx.at(activity.path + ("start",), QP204, edge="start", value=start,
                         period_start=period.start, period_end=period.end)
        if due is not None and due.year > period.end:
            yield ctx.at(activity.path + ("end",), QP204, edge="end", value=activity.end,
                         period_start=period.start, period_end=period.end)


CHECKS: tuple[Check, ...] = (
    end_after_start, period_in_order, due_date_present, follow_up_years, inside_plan_period,
)

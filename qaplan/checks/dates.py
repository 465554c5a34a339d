"""Dates and the yearly follow-up: end before start, due dates, spans, future years, states."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qaplan.checks import PlanContext, due, follow_ups, plan_check
from qaplan.findings import Finding
from qaplan.values import parse_year


def _period(ctx: PlanContext) -> tuple[int, int] | None:
    period: dict[str, Any] | None = ctx.data["plan"].get("period")
    if period is None:
        return None
    return parse_year(period["start"]), parse_year(period["end"])


@plan_check
def end_after_start(ctx: PlanContext) -> Iterator[Finding]:
    for path, activity in ctx.activities:
        start, end = due(activity.get("start")), due(activity.get("end"))
        if start is not None and end is not None and end.due_date < start.start_date:
            yield ctx.at(path + ("end",), "QP103", end=end, start=start)


@plan_check
def period_in_order(ctx: PlanContext) -> Iterator[Finding]:
    period = _period(ctx)
    if period is not None and period[1] < period[0]:
        yield ctx.at(("plan", "period", "end"), "QP103", end=period[1], start=period[0])


@plan_check
def due_date_present(ctx: PlanContext) -> Iterator[Finding]:
    for path, activity in ctx.activities:
        if activity.get("end") is None:
            yield ctx.at(path, "QP202")


@plan_check
def follow_up_years(ctx: PlanContext) -> Iterator[Finding]:
    # `ctx.as_of` is today (or `validate --as-of`), never a report's as-of: a report that
    # looks back ignores later follow-ups instead of refusing them.
    this_year = ctx.as_of.year
    for path, activity in ctx.activities:
        start = due(activity.get("start"))
        first = start.start_date.year if start else None
        for key, year, follow_up in follow_ups(activity):
            year_path = path + ("status", key)
            if year > this_year:
                yield ctx.at(year_path, "QP107", on_key=True, year=year, as_of_year=this_year)
            elif first is not None and year < first:
                # After `end` is fine: an unfinished activity is overdue and its note says why.
                yield ctx.at(year_path, "QP203", on_key=True, year=year, start=start)
            if follow_up.get("state") is None:
                yield ctx.at(year_path, "QP201", on_key=True, year=year)


@plan_check
def inside_plan_period(ctx: PlanContext) -> Iterator[Finding]:
    period = _period(ctx)
    if period is None:
        return
    period_start, period_end = period
    for path, activity in ctx.activities:
        start, end = due(activity.get("start")), due(activity.get("end"))
        if start is not None and start.start_date.year < period_start:
            yield ctx.at(path + ("start",), "QP204", edge="start", value=start,
                         period_start=period_start, period_end=period_end)
        if end is not None and end.due_date.year > period_end:
            yield ctx.at(path + ("end",), "QP204", edge="end", value=end,
                         period_start=period_start, period_end=period_end)

"""Dates and the yearly follow-up: end before start, due dates, spans, future years, states."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks import PlanContext, activity_paths, plan_check
from qaplan.findings import Finding


@plan_check
def end_after_start(ctx: PlanContext) -> Iterator[Finding]:
    for path, activity in activity_paths(ctx.plan):
        if activity.start is None or activity.end is None:
            continue
        if activity.end.due_date < activity.start.start_date:
            yield ctx.at(path + ("end",), "QP103", end=activity.end, start=activity.start)


@plan_check
def period_in_order(ctx: PlanContext) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    if period is not None and period.end < period.start:
        yield ctx.at(("plan", "period", "end"), "QP103", end=period.end, start=period.start)


@plan_check
def due_date_present(ctx: PlanContext) -> Iterator[Finding]:
    for path, activity in activity_paths(ctx.plan):
        if activity.end is None:
            yield ctx.at(path, "QP202")


@plan_check
def follow_up_years(ctx: PlanContext) -> Iterator[Finding]:
    as_of_year = ctx.as_of.year
    for path, activity in activity_paths(ctx.plan):
        first = activity.start.start_date.year if activity.start else None
        last = activity.end.due_date.year if activity.end else None
        for year, follow_up in activity.status.items():
            year_path = path + ("status", year)
            if year > as_of_year:
                yield ctx.at(year_path, "QP107", on_key=True, year=year, as_of_year=as_of_year)
            elif (first is not None and year < first) or (last is not None and year > last):
                yield ctx.at(year_path, "QP203", on_key=True, year=year,
                             start=activity.start or "…", end=activity.end or "…")
            if follow_up.state is None:
                yield ctx.at(year_path, "QP201", on_key=True, year=year)


@plan_check
def inside_plan_period(ctx: PlanContext) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    if period is None:
        return
    for path, activity in activity_paths(ctx.plan):
        if activity.start is not None and activity.start.start_date.year < period.start:
            yield ctx.at(path + ("start",), "QP204", edge="start", value=activity.start,
                         period_start=period.start, period_end=period.end)
        if activity.end is not None and activity.end.due_date.year > period.end:
            yield ctx.at(path + ("end",), "QP204", edge="end", value=activity.end,
                         period_start=period.start, period_end=period.end)

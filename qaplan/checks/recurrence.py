"""Recurring activities (`every: term | year`): their `due` day and the days they recur between."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.recurrence import parse_month_day

QP711 = Code(
    "QP711", "error", "due without every",
    "due ({due}) is the day a recurring activity falls due each year, and this activity has no "
    "every; add every: year, or give the deadline as end",
    what="An activity has `due:` but no `every:`. `due: MM-DD` is the day in each year on which "
    "an activity with `every: year` falls due; a one-off activity's deadline is its `end`.",
    why="Without `every` the day is read by nothing, and the activity is due at its `end` only.",
    fix="Add `every: year`, or remove `due` and write the deadline as `end:`.",
)
QP712 = Code(
    "QP712", "error", "bad recurring due day", "due ({due}): {detail}",
    what="A recurring activity's `due` is not a day of the year written as MM-DD in quotes "
    "(`due: \"06-15\"`).",
    why="The day decides when each year's occurrence falls due, and so what is overdue.",
    fix="Write the day as `\"MM-DD\"` in quotes, e.g. `due: \"06-15\"`; an unquoted date "
    "(2025-06-15) is a one-off deadline and belongs in `end`.",
)
QP713 = Code(
    "QP713", "error", "due with every: term",
    "due ({due}) has no meaning with every: term; each term's occurrence is due at the term's "
    "end (VT on 30 June, HT on 31 December)",
    what="An activity with `every: term` has `due:`. A term's occurrence is due when the term "
    "ends: VT on 30 June, HT on 31 December.",
    why="qaplan would ignore the day, and readers would expect it to count.",
    fix="Remove `due`, or use `every: year` with `due` for an activity done once a year.",
)
QP714 = Code(
    "QP714", "warning", "recurring activity without a start",
    "recurring activity has no start, and the plan has no period to start from",
    what="An activity with `every:` has no `start`, and its plan no `period`, so qaplan cannot "
    "tell from when it recurs. It counts from the earliest year it has a follow-up for (else "
    "from the report's year), so earlier missed occurrences are never reported.",
    why="A routine whose beginning is unknown cannot be reported as overdue for the years "
    "before its first follow-up.",
    fix="Add `start:` (a year, a term such as `HT2025`, or a date), or `plan.period`.",
)
QP715 = Code(
    "QP715", "warning", "recurring activity never falls due",
    "recurring activity never falls due between {first} and {last}",
    what="An activity with `every:` has no occurrence between its start (else the plan "
    "period's start) and its end (else the period's end): `every: year` with `due: \"06-15\"` "
    "from `start: HT2025` to `end: 2025-12-01` falls due on no day.",
    why="It is never reported as due or overdue, which is rarely what the plan means.",
    fix="Widen the activity's `start`/`end`, or drop `every` for a one-off activity.",
)

CODES = (QP711, QP712, QP713, QP714, QP715)


def recurring_due(ctx: PlanContext) -> Iterator[Finding]:
    for activity in ctx.activities():
        due = activity.due_day
        if due is None:
            continue
        path = activity.path + ("due",)
        shown = str(due)
        if activity.recurrence is None:
            yield ctx.at(path, QP711, due=shown)
        elif activity.recurrence.every == "term":
            yield ctx.at(path, QP713, due=shown)
        else:
            try:
                parse_month_day(due)
            except ValueError as exc:
                yield ctx.at(path, QP712, due=shown, detail=str(exc))


def recurring_bounds(ctx: PlanContext) -> Iterator[Finding]:
    for activity in ctx.activities():
        recurrence = activity.recurrence
        if recurrence is None:
            continue
        if recurrence.first is None:
            yield ctx.at(activity.path + ("every",), QP714)
        elif recurrence.last is not None and recurrence.last >= recurrence.first and not any(
                True for _ in recurrence.between(recurrence.first, recurrence.last)):
            # end before start is QP103's
            yield ctx.at(activity.path + ("every",), QP715, first=recurrence.first.isoformat(),
                         last=recurrence.last.isoformat())


CHECKS: tuple[Check, ...] = (recurring_due, recurring_bounds)

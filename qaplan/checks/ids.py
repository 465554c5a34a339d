"""Ids: unique within a plan; a derived id must not collide with an explicit one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qaplan.checks import PlanContext, plan_check
from qaplan.findings import Finding


def _rows(ctx: PlanContext) -> Iterator[tuple[tuple[Any, ...], Any, str]]:
    for ci, criterion in enumerate(ctx.plan.criteria):
        cpath: tuple[Any, ...] = ("criteria", ci)
        yield cpath, criterion, "criterion"
        for gi, goal in enumerate(criterion.goals):
            gpath = cpath + ("goals", gi)
            yield gpath, goal, "goal"
            for ai, activity in enumerate(goal.activities):
                yield gpath + ("activities", ai), activity, "activity"


@plan_check
def unique_ids(ctx: PlanContext) -> Iterator[Finding]:
    first_line: dict[str, int] = {}
    explicit = {row.id for _, row, _ in _rows(ctx) if not row.derived_id}
    explicit_line: dict[str, int] = {}
    for path, row, level in _rows(ctx):
        if row.derived_id:
            if row.id in explicit:
                yield ctx.at(path, "QP105", id=row.id, level=level,
                             first_line=explicit_line.get(row.id, _line_of_id(ctx, row.id)))
            continue
        line = ctx.doc.value_position(path + ("id",))[0]
        if row.id in first_line:
            yield ctx.at(path + ("id",), "QP104", id=row.id, first_line=first_line[row.id])
        else:
            first_line[row.id] = line
            explicit_line[row.id] = line


def _line_of_id(ctx: PlanContext, row_id: str) -> int:
    for path, row, _ in _rows(ctx):
        if row.id == row_id and not row.derived_id:
            return ctx.doc.value_position(path + ("id",))[0]
    return 0

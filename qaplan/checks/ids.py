"""Ids: unique within a plan; a derived id must not collide with an explicit one."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks import PlanContext, plan_check
from qaplan.findings import Finding


@plan_check
def unique_ids(ctx: PlanContext) -> Iterator[Finding]:
    explicit_line: dict[str, int] = {}
    for row in ctx.rows:
        if not row.derived and row.id not in explicit_line:
            explicit_line[row.id] = ctx.doc.value_position(row.path + ("id",))[0]
    seen: set[str] = set()
    for row in ctx.rows:
        if row.derived:
            if row.id in explicit_line:
                yield ctx.at(row.path, "QP105", id=row.id, level=row.level,
                             first_line=explicit_line[row.id])
        elif row.id in seen:
            yield ctx.at(row.path + ("id",), "QP104", id=row.id, first_line=explicit_line[row.id])
        else:
            seen.add(row.id)

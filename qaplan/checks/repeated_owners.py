"""An owner named twice in one activity's list: a slip that counts the work twice."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks import PlanContext, plan_check
from qaplan.findings import Finding


@plan_check
def owner_once(ctx: PlanContext) -> Iterator[Finding]:
    for path, activity in ctx.activities:
        first: dict[str, int] = {}
        for index, owner in enumerate(activity.get("owners") or ()):
            if owner in first:
                line, column = ctx.doc.value_position(path + ("owners", first[owner]))
                here, _ = ctx.doc.value_position(path + ("owners", index))
                where = f"column {column}" if here == line else f"line {line}"
                yield ctx.at(path + ("owners", index), "QP205", owner=owner, first=where)
            else:
                first[owner] = index

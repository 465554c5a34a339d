"""An owner named twice in one activity's list: a slip that counts the work twice."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding

QP205 = Code(
    "QP205", "warning", "the same owner twice",
    "owner '{owner}' is listed twice (first at {first})",
    what="An activity's `owners` list names the same key more than once.",
    why="Usually a slip when copying rows; reports would list the owner once and the list reads "
    "as if two people share the work.",
    fix="Remove the second occurrence, or write the owner that was meant (`owners: [PD, GA]`).",
)

CODES = (QP205,)


def owner_once(ctx: PlanContext) -> Iterator[Finding]:
    for activity in ctx.activities():
        path = activity.path
        first: dict[str, int] = {}
        for index, owner in enumerate(activity.owners):
            if owner in first:
                line, column = ctx.doc.value_position(path + ("owners", first[owner]))
                here, _ = ctx.doc.value_position(path + ("owners", index))
                where = f"column {column}" if here == line else f"line {line}"
                yield ctx.at(path + ("owners", index), QP205, owner=owner, first=where)
            else:
                first[owner] = index


CHECKS: tuple[Check, ...] = (owner_once,)

"""Ids: unique within a plan; a derived id must not collide with an explicit one."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.formats.plan import Activity, Criterion, Goal

QP104 = Code(
    "QP104", "error", "duplicate id", "duplicate id '{id}' (first at line {first_line})",
    what="Two criteria, goals or activities of one plan carry the same id.",
    why="Ids name rows in reports, in diffs across years and in the Excel round trip; two rows "
    "with one id would be confused.",
    fix="Give one of them another id; the finding points at the second.",
)
QP105 = Code(
    "QP105", "error", "derived id collides",
    "the id '{id}' derived from the position of this {level} collides with an explicit id "
    "(line {first_line})",
    what="A row without an id gets one from its position (`C1`, `C1.G1`, `C1.G1.A1`), and that "
    "id is already used explicitly by another row.",
    why="Two rows would be reported under the same id.",
    fix="Give this row an explicit id (`qaplan import` always writes them), or renumber the other.",
)

CODES = (QP104, QP105)

_LEVEL = {Criterion: "criterion", Goal: "goal", Activity: "activity"}


def unique_ids(ctx: PlanContext) -> Iterator[Finding]:
    rows = list(ctx.plan.rows())
    explicit_line: dict[str, int] = {}
    for row in rows:
        if not row.derived_id and row.id not in explicit_line:
            explicit_line[row.id] = ctx.doc.value_position(row.path + ("id",))[0]
    seen: set[str] = set()
    for row in rows:
        if row.derived_id:
            if row.id in explicit_line:
                yield ctx.at(row.path, QP105, id=row.id, level=_LEVEL[type(row)],
                             first_line=explicit_line[row.id])
        elif row.id in seen:
            yield ctx.at(row.path + ("id",), QP104, id=row.id, first_line=explicit_line[row.id])
        else:
            seen.add(row.id)


CHECKS: tuple[Check, ...] = (unique_ids,)

"""Owners and units: every owner key declared, every unit in the units tree."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding

QP106 = Code(
    "QP106", "error", "undeclared owner",
    "owner '{owner}' is not declared in any owners directory",
    what="An activity names an owner key that is neither in the plan's `owners` nor in the "
    "repository's `qaplan.yaml`.",
    why="`overdue` groups work per owner and names each owner; an unknown key is usually a typing "
    "error, and its work would be reported to nobody.",
    fix="Declare the owner under `owners:` in the plan or in `qaplan.yaml` "
    "(`KA: {name: Kursansvarig}`), or correct the key.",
)
QP110 = Code(
    "QP110", "error", "unknown unit", "unit '{unit}' is not in the units tree of {config}",
    what="The plan's `unit` names no key of the `units` tree in `qaplan.yaml`.",
    why="The yearly report rolls plans up the units tree; a plan with an unknown unit would drop "
    "out.",
    fix="Use a key of `units`, or add the unit to `qaplan.yaml`.",
)

CODES = (QP106, QP110)


def declared_owners(ctx: PlanContext) -> Iterator[Finding]:
    if ctx.config_unreadable:
        return  # the owners may be declared in qaplan.yaml, whose error is reported there
    declared = ctx.declared_owners()
    for activity in ctx.activities():
        for index, owner in enumerate(activity.owners):
            if owner not in declared:
                yield ctx.at(activity.path + ("owners", index), QP106, owner=owner)


def known_unit(ctx: PlanContext) -> Iterator[Finding]:
    if ctx.config_unreadable:
        return
    unit = ctx.plan.plan.unit
    if unit is None or ctx.config is None or not ctx.config.units:
        return
    if unit not in ctx.config.units:
        yield ctx.at(("plan", "unit"), QP110, unit=unit, config=ctx.config_file)


CHECKS: tuple[Check, ...] = (declared_owners, known_unit)

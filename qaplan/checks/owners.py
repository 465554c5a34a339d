"""Owners and units: every owner key declared, every unit in the units tree."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks import PlanContext, activity_paths, plan_check
from qaplan.findings import Finding


@plan_check
def declared_owners(ctx: PlanContext) -> Iterator[Finding]:
    declared = ctx.declared_owners()
    for path, activity in activity_paths(ctx.plan):
        for index, owner in enumerate(activity.owners):
            if owner not in declared:
                yield ctx.at(path + ("owners", index), "QP106", owner=owner)


@plan_check
def known_unit(ctx: PlanContext) -> Iterator[Finding]:
    unit = ctx.plan.plan.unit
    if unit is None or ctx.config is None or not ctx.config.units:
        return
    if unit not in ctx.config.units:
        yield ctx.at(("plan", "unit"), "QP110", unit=unit, config=ctx.config_file)

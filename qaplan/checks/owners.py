"""Owners and units: every owner key declared, every unit in the units tree."""

from __future__ import annotations

from collections.abc import Iterator

from qaplan.checks import PlanContext, plan_check
from qaplan.findings import Finding


@plan_check
def declared_owners(ctx: PlanContext) -> Iterator[Finding]:
    if ctx.config_unreadable:
        return  # the owners may be declared in qaplan.yaml, whose error is reported there
    declared = ctx.declared_owners()
    for path, activity in ctx.activities:
        for index, owner in enumerate(activity.get("owners") or ()):
            if owner not in declared:
                yield ctx.at(path + ("owners", index), "QP106", owner=owner)


@plan_check
def known_unit(ctx: PlanContext) -> Iterator[Finding]:
    if ctx.config_unreadable:
        return
    unit = ctx.data["plan"].get("unit")
    units = ctx.config.get("units") if ctx.config else None
    if unit is None or not units:
        return
    if unit not in units:
        yield ctx.at(("plan", "unit"), "QP110", unit=unit, config=ctx.config_file)

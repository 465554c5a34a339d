"""Validate checks: one module per family, each declaring its codes (`CODES`) and checks (`CHECKS`).

The plan checks read the plan as its typed value (`qaplan.formats.plan.Plan`), built once
per file from its checked data in `PlanContext`, so validation never needs pydantic.
A new family of plan checks is a module here and an entry in `PLAN_CHECKS`; its codes
go in `qaplan.findings.DECLARED`. The catalogue checks load only for a plan that names
catalogue items: they are not in `PLAN_CHECKS`.
"""

from __future__ import annotations

from qaplan.checks import (
    continues,
    dates,
    feedback,
    ids,
    owners,
    personal_data,
    recurrence,
    repeated_owners,
    text,
)
from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Finding

__all__ = ["PLAN_CHECKS", "Check", "PlanContext", "run_plan_checks"]

PLAN_CHECKS: tuple[Check, ...] = (
    *personal_data.CHECKS,
    *dates.CHECKS,
    *ids.CHECKS,
    *owners.CHECKS,
    *repeated_owners.CHECKS,
    *text.CHECKS,
    *feedback.CHECKS,
    *continues.CHECKS,
    *recurrence.CHECKS,
)


def run_plan_checks(ctx: PlanContext) -> list[Finding]:
    """Run every plan check."""
    found: list[Finding] = []
    for check in PLAN_CHECKS:
        found.extend(check(ctx))
    if any(criterion.covers or any(goal.covers for goal in criterion.goals)
           for criterion in ctx.plan.criteria):
        from qaplan.checks.catalogues import CHECKS as CATALOGUE_CHECKS

        for check in CATALOGUE_CHECKS:
            found.extend(check(ctx))
    return found

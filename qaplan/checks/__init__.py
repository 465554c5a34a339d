"""Validate checks: one module per family, each registering small functions over a plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.findings import Finding, finding
from qaplan.loader import Document
from qaplan.model import PlanFile, RepoConfig


@dataclass(slots=True)
class PlanContext:
    """What a check sees: the parsed document, the validated plan and its repository file."""

    doc: Document
    plan: PlanFile
    config: RepoConfig | None
    config_file: str | None
    as_of: date

    def at(self, path: tuple[Any, ...], code: str, *, on_key: bool = False, **fields: Any) -> Finding:
        """A finding at the value (or the key) that `path` leads to."""
        if on_key:
            line, col = self.doc.key_position(path)
        else:
            line, col = self.doc.value_position(path)
        return finding(self.doc.file, line, col, code, **fields)

    def declared_owners(self) -> set[str]:
        shared = set(self.config.owners) if self.config else set()
        return shared | set(self.plan.owners)


Check = Callable[[PlanContext], Iterator[Finding]]
PLAN_CHECKS: list[Check] = []


def plan_check(func: Check) -> Check:
    """Register a check that runs on every valid plan."""
    PLAN_CHECKS.append(func)
    return func


def run_plan_checks(ctx: PlanContext) -> list[Finding]:
    """Run every registered plan check."""
    from qaplan.checks import dates, ids, owners, personal_data  # noqa: F401  (registers)

    found: list[Finding] = []
    for check in PLAN_CHECKS:
        found.extend(check(ctx))
    return found


def activity_paths(plan: PlanFile) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, activity) for every activity, with the path as the loader records it."""
    for ci, criterion in enumerate(plan.criteria):
        for gi, goal in enumerate(criterion.goals):
            for ai, activity in enumerate(goal.activities):
                yield ("criteria", ci, "goals", gi, "activities", ai), activity

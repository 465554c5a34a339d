"""Validate checks: one module per family, each registering small functions over a plan.

The checks read the plan's plain data, after its shape is checked (`qaplan.shape`), so
validation never needs the pydantic models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.findings import Finding, finding
from qaplan.loader import Document, Path_
from qaplan.values import Due, derived_id, parse_due, parse_year


@dataclass(slots=True)
class PlanContext:
    """What a check sees: the parsed document, the plan's checked data and its repository file."""

    doc: Document
    data: dict[str, Any]  # the plan, shaped as `qaplan.shape.PLAN` (or repaired to be)
    config: dict[str, Any] | None  # qaplan.yaml, shaped as `qaplan.shape.CONFIG`
    config_file: str | None
    as_of: date  # today, or `validate --as-of`
    config_unreadable: bool = False  # a qaplan.yaml applies but nothing in it could be read
    _rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        """Every criterion, goal and activity in file order (walked once per plan)."""
        if self._rows is None:
            self._rows = list(_walk(self.data))
        return self._rows

    @property
    def activities(self) -> Iterator[tuple[Path_, dict[str, Any]]]:
        """(path, activity) for every activity."""
        return ((row.path, row.data) for row in self.rows if row.level == "activity")

    def at(self, path: Path_, code: str, *, on_key: bool = False, **fields: Any) -> Finding:
        """A finding at the value (or the key) that `path` leads to."""
        if on_key:
            line, col = self.doc.key_position(path)
        else:
            line, col = self.doc.value_position(path)
        return finding(self.doc.file, line, col, code, **fields)

    def declared_owners(self) -> set[str]:
        shared = set(self.config.get("owners") or ()) if self.config else set()
        return shared | set(self.data.get("owners") or ())


Check = Callable[[PlanContext], Iterator[Finding]]
PLAN_CHECKS: list[Check] = []


def plan_check(func: Check) -> Check:
    """Register a check that runs on every valid plan."""
    PLAN_CHECKS.append(func)
    return func


def run_plan_checks(ctx: PlanContext) -> list[Finding]:
    """Run every registered plan check."""
    from qaplan.checks import (  # noqa: F401  (registers)
        dates,
        ids,
        owners,
        personal_data,
        repeated_owners,
        text,
    )

    found: list[Finding] = []
    for check in PLAN_CHECKS:
        found.extend(check(ctx))
    return found


@dataclass(slots=True)
class Row:
    """A criterion, goal or activity as the checks see it: where it is and its id."""

    path: Path_
    level: str  # "criterion", "goal", "activity"
    id: str
    derived: bool  # the id comes from the row's position, not from the file
    data: dict[str, Any]


def _walk(data: dict[str, Any]) -> Iterator[Row]:
    """Every criterion, goal and activity in file order, with the path the loader records."""
    for ci, criterion in enumerate(data.get("criteria") or ()):
        cpath: Path_ = ("criteria", ci)
        yield _row(cpath, "criterion", criterion, derived_id(ci))
        for gi, goal in enumerate(criterion.get("goals") or ()):
            gpath = cpath + ("goals", gi)
            yield _row(gpath, "goal", goal, derived_id(ci, gi))
            for ai, activity in enumerate(goal.get("activities") or ()):
                yield _row(gpath + ("activities", ai), "activity", activity, derived_id(ci, gi, ai))


def _row(path: Path_, level: str, data: dict[str, Any], derived: str) -> Row:
    written = data.get("id")
    return Row(path, level, derived if written is None else written, written is None, data)


def due(value: Any) -> Due | None:
    """A checked start or end as a Due (None when not given)."""
    return None if value is None else parse_due(value)


def follow_ups(activity: dict[str, Any]) -> Iterator[tuple[Any, int, dict[str, Any]]]:
    """(key as written, year, follow-up) for each year of an activity's status."""
    for key, follow_up in (activity.get("status") or {}).items():
        yield key, parse_year(key), follow_up

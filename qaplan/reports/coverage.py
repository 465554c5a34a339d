"""Coverage of criteria catalogues: every catalogue item with the goals and activities that
cover it, and per unit the items that no active work covers.

A criterion's `covers` counts for its goals and their activities, a goal's for its
activities. Active work is an activity that is unfinished as of the report's date, or that
was finished (done) in the last year: this follow-up year or the one before (a cancelled
activity covers nothing). A unit's work is that of the plans of the unit and of the units
below it in qaplan.yaml's units tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan import i18n
from qaplan.catalogues import Catalogues, parse_ref
from qaplan.formats.catalogue import Catalogue
from qaplan.formats.config import Config
from qaplan.formats.plan import Activity, Plan
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports import PlanEntry
from qaplan.values import State
from qaplan.words import plural

Ref = tuple[str, str]  # (catalogue, item id)


@dataclass(frozen=True, slots=True)
class Cover:
    """A goal or an activity that covers a catalogue item."""

    plan: str
    file: str
    unit: str | None
    kind: str  # "goal" or "activity"
    id: str
    title: str
    active: bool  # an activity: active work; a goal: one of its activities is

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "file": self.file, "unit": self.unit, "kind": self.kind,
                "id": self.id, "title": self.title, "active": self.active}


@dataclass(frozen=True, slots=True)
class ItemCoverage:
    """One catalogue item and the work that covers it."""

    id: str
    title: str
    covers: tuple[Cover, ...]

    @property
    def covered(self) -> bool:
        """Whether active work covers it."""
        return any(cover.active for cover in self.covers if cover.kind == "activity")


@dataclass(frozen=True, slots=True)
class CatalogueCoverage:
    """A catalogue's items with their work."""

    catalogue: Catalogue
    items: tuple[ItemCoverage, ...]

    def as_dict(self) -> dict[str, Any]:
        c = self.catalogue
        return {
            "name": c.name, "title": c.title, "source": c.source, "version": c.version,
            "items": [{"id": item.id, "title": item.title, "covered": item.covered,
                       "covered_by": [cover.as_dict() for cover in item.covers]}
                      for item in self.items],
        }


@dataclass(frozen=True, slots=True)
class UnitGaps:
    """A unit (with the units below it): how many plans, and the items no active work covers."""

    unit: str | None  # None: plans without a unit
    name: str | None
    depth: int  # 0 for a root of the units tree
    plans: int
    uncovered: tuple[tuple[str, str, str], ...]  # (catalogue, item id, item title)

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "plans": self.plans,
                "uncovered": [{"catalogue": name, "id": item, "title": title}
                              for name, item, title in self.uncovered]}


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """The coverage of the shown catalogues as of a date, and the gaps per unit."""

    as_of: date
    unit: str | None  # --unit: only this unit and the units below it
    plans: int
    catalogues: tuple[CatalogueCoverage, ...]
    units: tuple[UnitGaps, ...]
    known_units: frozenset[str] = field(default_factory=frozenset)  # --unit's choices

    def as_json(self) -> dict[str, Any]:
        """The JSON payload of `qaplan coverage`."""
        return {
            "as_of": self.as_of.isoformat(),
            "unit": self.unit,
            "plans": self.plans,
            "catalogues": [catalogue.as_dict() for catalogue in self.catalogues],
            "units": [unit.as_dict() for unit in self.units],
        }


def active(activity: Activity, as_of: date) -> bool:
    """Unfinished as of `as_of`, or done in its year or the year before (not cancelled)."""
    if activity.current_state(as_of) is State.CANCELLED:
        return False
    return not activity.finished(as_of.year - 2)


def in_subtree(unit: str | None, key: str, tree: Config | None) -> bool:
    """Whether `unit` is `key` or below it in the units tree."""
    if unit == key:
        return True
    if unit is None or tree is None:
        return False
    return any(ancestor.key == key for ancestor in tree.ancestors(unit))


def plan_covers(plan: Plan, file: str, as_of: date) -> dict[Ref, list[Cover]]:
    """The catalogue items one plan covers, each with its goals and activities."""
    found: dict[Ref, list[Cover]] = {}
    unit = plan.plan.unit
    for criterion in plan.criteria:
        for goal in criterion.goals:
            refs = [parsed for text in dict.fromkeys((*criterion.covers, *goal.covers))
                    if (parsed := parse_ref(text)) is not None]
            if not refs:
                continue
            works = [Cover(plan.id, file, unit, "activity", a.key, a.title, active(a, as_of))
                     for a in goal.activities]
            goal_cover = Cover(plan.id, file, unit, "goal", goal.key, goal.title,
                               any(work.active for work in works))
            for ref in refs:
                found.setdefault(ref, []).extend([goal_cover, *works])
    return found


def coverage_report(
    plans: Iterable[PlanEntry],
    as_of: date,
    catalogues: Catalogues,
    *,
    names: Sequence[str] | None = None,
    unit: str | None = None,
    tree: Config | None = None,
) -> CoverageReport:
    """Coverage of the catalogues `names` (None: those the plans name) by the plans, one plan
    at a time; `unit`: only the plans of that unit and the units below it (`tree`)."""
    covers: dict[Ref, list[Cover]] = {}
    plan_units: list[str | None] = []  # one per plan counted
    unit_refs: dict[str | None, set[Ref]] = {}  # unit -> the refs its own plans cover actively
    known: set[str] = set(tree.units) if tree is not None else set()
    for entry in plans:
        plan = entry.plan
        known.update([plan.plan.unit] if plan.plan.unit is not None else [])
        if unit is not None and not in_subtree(plan.plan.unit, unit, tree):
            continue
        plan_units.append(plan.plan.unit)
        refs = unit_refs.setdefault(plan.plan.unit, set())
        for ref, found in plan_covers(plan, entry.file, as_of).items():
            covers.setdefault(ref, []).extend(found)
            if any(cover.active and cover.kind == "activity" for cover in found):
                refs.add(ref)
    shown = list(names) if names is not None else sorted({name for name, _ in covers})
    tables = []
    for name in shown:
        catalogue = catalogues.get(name)
        if catalogue is not None:
            tables.append(CatalogueCoverage(catalogue, tuple(
                ItemCoverage(item.id, item.title, tuple(covers.get((name, item.id), ())))
                for item in catalogue.items)))
    gaps = tuple(_unit_gaps(plan_units, unit_refs, tables, unit, tree))
    return CoverageReport(as_of, unit, len(plan_units), tuple(tables), gaps, frozenset(known))


def _unit_order(plan_units: list[str | None], top: str | None,
                tree: Config | None) -> list[tuple[str | None, int]]:
    """The units to list, with their depth: the tree's (from `top`, else from its roots), then
    units outside the tree, then plans without a unit. A unit of the tree is listed when it has
    plans of its own, or plans below more than one of its children (else its work is that of
    the one child below it, listed in its place); `top` always is."""
    with_plans = {u for u in plan_units if u is not None}
    order: list[tuple[str | None, int]] = []
    seen: set[str] = set()
    if tree is not None:
        def visit(key: str, depth: int) -> None:
            if key in seen:
                return
            seen.add(key)
            children = [c.key for c in tree.children(key)
                        if any(in_subtree(u, c.key, tree) for u in with_plans)]
            listed = key == top or key in with_plans or len(children) > 1
            if listed:
                order.append((key, depth))
            for child in children:
                visit(child, depth + 1 if listed else depth)

        roots = [top] if top is not None and top in tree.units else [
            unit.key for unit in tree.children(None)]
        for root in roots:
            visit(root, 0)
    order.extend((u, 0) for u in sorted(with_plans - seen))
    if None in plan_units:
        order.append((None, 0))
    return order


def _unit_gaps(
    plan_units: list[str | None], unit_refs: dict[str | None, set[Ref]],
    tables: list[CatalogueCoverage], top: str | None, tree: Config | None,
) -> Iterable[UnitGaps]:
    for key, depth in _unit_order(plan_units, top, tree):
        members = [u for u in unit_refs
                   if u == key or (key is not None and in_subtree(u, key, tree))]
        covered: set[Ref] = set().union(*(unit_refs[u] for u in members))
        count = sum(1 for u in plan_units if u in members)
        name = tree.units[key].name if tree is not None and key is not None and key in tree.units \
            else None
        uncovered = tuple((table.catalogue.name, item.id, item.title) for table in tables
                          for item in table.items if (table.catalogue.name, item.id) not in covered)
        yield UnitGaps(key, name, depth, count, uncovered)


# --- drawing --------------------------------------------------------------------------------------


def _work_text(covers: tuple[Cover, ...]) -> str:
    """The covering goals by plan (their activities are counted beside): `lakarprogrammet:
    C1.G1, C1.G2`."""
    by_plan: dict[str, list[str]] = {}
    for cover in covers:
        if cover.kind == "goal":
            by_plan.setdefault(cover.plan, []).append(cover.id)
    return "; ".join(f"{plan}: {', '.join(ids)}" for plan, ids in by_plan.items())


def coverage_view(report: CoverageReport, language: str | None = None) -> View:
    """The report as a table of items per catalogue, then the gaps per unit."""
    w = i18n.words(language)
    columns = [
        Column("catalogue", w["cov_catalogue"], only=("csv",)),
        Column("item", w["cov_item"]),
        Column("title", w["title"], wrap=True),
        Column("goals", w["cov_goals"], "right"),
        Column("activities", w["cov_activities"], "right"),
        Column("active", w["cov_active"], "right"),
        Column("covered_by", w["cov_covered_by"], wrap=True),
    ]
    sections = []
    for table in report.catalogues:
        c = table.catalogue
        rows: list[dict[str, Cell]] = []
        styles: list[Style] = []
        for item in table.items:
            activities = [cover for cover in item.covers if cover.kind == "activity"]
            rows.append({
                "catalogue": c.name, "item": item.id, "title": item.title,
                "goals": sum(1 for cover in item.covers if cover.kind == "goal"),
                "activities": len(activities),
                "active": sum(1 for cover in activities if cover.active),
                "covered_by": _work_text(item.covers),
            })
            styles.append(None if item.covered else "overdue")
        version = f", {c.version}" if c.version else ""
        sections.append(Section(f"{c.name} – {c.title}{version}", columns, rows, styles))
    gap_columns = [
        Column("unit", w["unit"], only=("csv",)),
        Column("catalogue", w["cov_catalogue"]),
        Column("item", w["cov_item"]),
        Column("title", w["title"], wrap=True),
    ]
    gaps: list[Section] = []
    parents: list[Section] = []  # the open sections of the units above, one per depth
    for gap in report.units:
        label = gap.unit if gap.unit is not None else w["cov_no_unit"]
        if gap.name:
            label = f"{label} – {gap.name}"
        section = Section(f"{label} ({plural(gap.plans, 'plan')})", gap_columns, [
            {"unit": gap.unit, "catalogue": name, "item": item, "title": title}
            for name, item, title in gap.uncovered])
        del parents[gap.depth:]
        (parents[-1].sections if parents else gaps).append(section)
        parents.append(section)
    if gaps:
        sections.append(Section(w["cov_uncovered"], gap_columns, [], sections=gaps))
    as_of = report.as_of.isoformat()
    title = w["cov_title"].format(as_of=as_of)
    if report.unit is not None:
        title += w["cov_unit"].format(unit=report.unit)
    parts = [f"{table.catalogue.name}: {sum(item.covered for item in table.items)} of "
             f"{plural(len(table.items), 'item')}" for table in report.catalogues]
    summary = (f"Covered by active work: {'; '.join(parts)} ({plural(report.plans, 'plan')})."
               if parts else f"No catalogue to show ({plural(report.plans, 'plan')}).")
    complete = all(item.covered for table in report.catalogues for item in table.items)
    return View(
        title=title,
        sections=sections,
        summary=summary,
        data=report.as_json(),
        empty=w["cov_empty"],
        summary_style="done" if complete else "soon",
    )

"""The deviation register report: cases per unit (rolled up the units tree) and per category with
their age, overdue measures, the cases received and closed in a year and how long closing took."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from qaplan import i18n
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports.cases import (
    OPEN_STATES,
    CaseEntry,
    age_days,
    exists_on,
    measure_state_on,
    state_on,
)
from qaplan.reports.item_cells import item_cells, item_style
from qaplan.reports.overdue import OverdueItem, case_items, sort_key
from qaplan.values import CATEGORIES
from qaplan.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One listed case as it stood on the as-of date."""

    id: str
    file: str
    title: str
    unit: str | None
    category: str
    state: str
    reported: date
    age_days: int  # to the as-of date, or to the closing
    handler: str | None
    measures_open: int
    measures_overdue: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "title": self.title, "unit": self.unit,
                "category": self.category, "state": self.state,
                "reported": self.reported.isoformat(), "age_days": self.age_days,
                "handler": self.handler, "measures_open": self.measures_open,
                "measures_overdue": self.measures_overdue}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit of the tree (None: cases whose unit is not in it) and its listed cases."""

    unit: str | None
    name: str | None
    parent: str | None
    depth: int
    cases: int  # its own
    cases_total: int  # its own and its sub-units'
    oldest_days: int  # the oldest of those

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "parent": self.parent, "depth": self.depth,
                "cases": self.cases, "cases_total": self.cases_total,
                "oldest_days": self.oldest_days}


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One category's listed cases and its cases received and closed in the year."""

    category: str | None  # None: every category together
    cases: int
    received: int
    closed: int
    median_days_to_close: float | None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.category is None else {"category": self.category}
        return {**data, "cases": self.cases, "received": self.received, "closed": self.closed,
                "median_days_to_close": self.median_days_to_close}


@dataclass(frozen=True, slots=True)
class DeviationsReport:
    """The register as of a date: the cases in `states`, and the flow of cases in `year`."""

    as_of: date
    year: int
    unit: str | None  # only this unit and its sub-units
    states: tuple[str, ...]
    read: int  # case files read
    units: tuple[UnitRow, ...]
    categories: tuple[CategoryRow, ...]
    totals: CategoryRow
    cases: tuple[CaseRow, ...]
    measures: tuple[OverdueItem, ...]  # overdue measures of the listed cases
    units_seen: frozenset[str] = frozenset()  # every unit key a case names

    def as_json(self) -> dict[str, Any]:
        """The JSON payload of `qaplan deviations`."""
        return {
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "unit": self.unit,
            "states": list(self.states),
            "units": [row.as_dict() for row in self.units],
            "categories": [row.as_dict() for row in self.categories],
            "totals": self.totals.as_dict(),
            "cases": [row.as_dict() for row in self.cases],
            "overdue_measures": [
                {"case": item.case, "file": item.file, "id": item.id, "title": item.title,
                 "owner": item.owners[0] if item.owners else None, "due": item.due.isoformat(),
                 "days_overdue": item.days_overdue, "state": item.state}
                for item in self.measures
            ],
        }


def in_unit(key: str | None, wanted: str, units: Config | None) -> bool:
    """Whether unit `key` is `wanted` or below it in the units tree."""
    if key is None:
        return False
    if key == wanted:
        return True
    return units is not None and any(unit.key == wanted for unit in units.ancestors(key))


def _median(days: list[int]) -> float | None:
    if not days:
        return None
    middle = float(statistics.median(days))
    return int(middle) if middle.is_integer() else middle


def deviations_report(
    cases: Iterable[CaseEntry],
    as_of: date,
    *,
    year: int | None = None,
    unit: str | None = None,
    states: Collection[str] = OPEN_STATES,
    units: Config | None = None,
) -> DeviationsReport:
    """The register report, one case at a time (only the listed cases' rows are kept).

    `year` (default: the as-of year) is the year of the received/closed figures; `states` the
    states (on the as-of date) of the cases listed and counted per unit; `units` the units tree.
    """
    year = as_of.year if year is None else year
    tree = units.units if units is not None else {}
    rows: list[CaseRow] = []
    measures: list[OverdueItem] = []
    listed: Counter[str] = Counter()
    received: Counter[str] = Counter()
    closed: dict[str, list[int]] = {}
    seen: set[str] = set()
    read = 0
    for entry in cases:
        read += 1
        case = entry.value
        if case.unit is not None:
            seen.add(case.unit)
        if not exists_on(case, as_of) or (unit is not None and not in_unit(case.unit, unit, units)):
            continue
        if case.reported.year == year:
            received[case.category] += 1
        closed_on = case.closed_on
        if closed_on is not None and closed_on <= as_of and closed_on.year == year:
            closed.setdefault(case.category, []).append((closed_on - case.reported).days)
        state = state_on(case, as_of)
        if state not in states:
            continue
        listed[case.category] += 1
        overdue = [item for item in case_items(entry.file, case, as_of) if item.overdue]
        measures.extend(overdue)
        still_open = sum(1 for m in case.measures
                         if measure_state_on(m, as_of) in ("proposed", "accepted"))
        rows.append(CaseRow(case.id, entry.file, case.title, case.unit, case.category, state,
                            case.reported, age_days(case, as_of), case.handler, still_open,
                            len(overdue)))
    rows.sort(key=lambda row: (-row.age_days, row.id))
    categories = tuple(
        CategoryRow(category, listed[category], received[category],
                    len(closed.get(category, [])), _median(closed.get(category, [])))
        for category in CATEGORIES
    )
    every = [days for durations in closed.values() for days in durations]
    totals = CategoryRow(None, sum(listed.values()), sum(received.values()), len(every),
                         _median(every))
    return DeviationsReport(as_of, year, unit, tuple(states), read, _unit_rows(rows, tree, units),
                            categories, totals, tuple(rows),
                            tuple(sorted(measures, key=sort_key)), frozenset(seen))


def _unit_rows(
    rows: list[CaseRow], tree: Mapping[str, Any], units: Config | None
) -> tuple[UnitRow, ...]:
    """The units with listed cases, in tree order, each with its own and its sub-units' cases;
    then units that are not in the tree (none when there is a tree: they count as Other)."""
    own: Counter[str | None] = Counter()
    total: Counter[str | None] = Counter()
    oldest: dict[str | None, int] = {}
    for row in rows:
        key = row.unit if (row.unit in tree or not tree) else None
        own[key] += 1
        chain = [key, *(u.key for u in units.ancestors(key))] if units and key else [key]
        for part in chain:
            total[part] += 1
            oldest[part] = max(oldest.get(part, 0), row.age_days)
    result: list[UnitRow] = []

    def visit(parent: str | None, depth: int) -> None:
        assert units is not None
        for child in units.children(parent):
            if total[child.key]:
                result.append(UnitRow(child.key, child.name, parent, depth, own[child.key],
                                      total[child.key], oldest[child.key]))
                visit(child.key, depth + 1)

    if tree:
        visit(None, 0)
    loose = sorted(key for key in own if key is not None and key not in tree)
    result.extend(UnitRow(key, None, None, 0, own[key], own[key], oldest[key]) for key in loose)
    if own[None]:
        result.append(UnitRow(None, None, None, 0, own[None], own[None], oldest[None]))
    return tuple(result)


# --- drawing --------------------------------------------------------------------------------------


def _unit_cell(row: UnitRow, w: Mapping[str, str]) -> str:
    """The unit's name, set in by its depth (a table cell keeps no leading spaces)."""
    if row.unit is None:
        return w["other_unit"]
    return "· " * row.depth + (row.name or row.unit)


def _state_word(state: str, w: Mapping[str, str]) -> str:
    return w[state.replace("-", "_")].lower()


def deviations_view(report: DeviationsReport, language: str | None = None) -> View:
    """The report as four tables: per unit, per category, the cases, the overdue measures."""
    w = i18n.words(language)
    states = ", ".join(_state_word(state, w) for state in report.states)
    right: Literal["right"] = "right"
    unit_columns = [
        Column("unit", w["unit"], only=("csv",)),
        Column("name", w["unit"], only=("table", "markdown")),
        Column("cases", w["cases_count"], right),
        Column("cases_total", w["cases_total"], right),
        Column("oldest_days", w["oldest_days"], right),
    ]
    unit_rows: list[dict[str, Cell]] = [
        {**row.as_dict(), "unit": row.unit, "name": _unit_cell(row, w)} for row in report.units
    ]
    received, closed = (w["received_in"].format(year=report.year),
                        w["closed_in"].format(year=report.year))
    category_columns = [
        Column("category", w["category"], only=("csv",)),
        Column("label", w["category"], only=("table", "markdown")),
        Column("cases", w["cases_count"], right),
        Column("received", received, right),
        Column("closed", closed, right),
        Column("median_days_to_close", w["median_close"].format(year=report.year), right),
    ]
    category_rows: list[dict[str, Cell]] = [
        {**row.as_dict(), "label": i18n.category(language, row.category or "")}
        for row in report.categories
    ]
    category_rows.append({**report.totals.as_dict(), "category": w["total"], "label": w["total"]})
    case_columns = [
        Column("id", w["case"]),
        Column("file", w["file"], only=("csv",)),
        Column("title", w["title"], wrap=True),
        Column("unit", w["unit"]),
        Column("category", w["category"], only=("csv",)),
        Column("label", w["category"], only=("table", "markdown"), wrap=True),
        Column("state_word", w["state"], only=("table", "markdown")),
        Column("state", w["state"], only=("csv",)),
        Column("reported", w["reported"]),
        Column("age_days", w["age_days"], right),
        Column("handler", w["handler"], only=("csv",)),
        Column("measures_open", w["measures_open"], right),
        Column("measures_overdue", w["overdue"], right),
    ]
    case_rows: list[dict[str, Cell]] = [
        {**row.as_dict(), "label": i18n.category(language, row.category),
         "state_word": _state_word(row.state, w)}
        for row in report.cases
    ]
    case_styles: list[Style] = ["overdue" if row.measures_overdue else None
                                for row in report.cases]
    measure_columns = [
        Column("case", w["case"]),
        Column("file", w["file"], only=("csv",)),
        Column("id", w["id"]),
        Column("title", w["measure"], wrap=True),
        Column("owner", w["owner"]),
        Column("due", w["due"], only=("table", "markdown"), wrap=True),
        Column("due_date", w["due"], only=("csv",)),
        Column("days_overdue", w["days_overdue"], right, only=("csv",)),
        Column("overdue", w["overdue"], right, only=("table", "markdown")),
        Column("state", w["state"]),
    ]
    measure_rows: list[dict[str, Cell]] = [
        {**item_cells(item, language), "case": item.case,
         "owner": item.owners[0] if item.owners else None}
        for item in report.measures
    ]
    sections = [
        Section(w["units_heading"].format(states=states), unit_columns, unit_rows),
        Section(w["categories_heading"], category_columns, category_rows,
                [*([None] * len(report.categories)), "total"]),
        Section(w["cases_heading"].format(states=states), case_columns, case_rows, case_styles),
        Section(w["measures_heading"], measure_columns, measure_rows,
                [item_style(item) for item in report.measures]),
    ]
    return View(
        title=w["deviations_title"].format(as_of=report.as_of.isoformat(), year=report.year),
        sections=sections,
        summary=summary(report),
        data=report.as_json(),
        empty=w["deviations_empty"].format(as_of=report.as_of.isoformat()),
        summary_style="overdue" if report.measures else None,
    )


def summary(report: DeviationsReport) -> str:
    """One line: the listed cases, the overdue measures, and the year's flow."""
    listed = plural(len(report.cases), "case")
    oldest = f" (oldest {plural(report.cases[0].age_days, 'day')})" if report.cases else ""
    median = report.totals.median_days_to_close
    took = f", median {median} days to close" if median is not None else ""
    return (f"{listed} {'/'.join(report.states)}{oldest}, "
            f"{plural(len(report.measures), 'measure')} overdue; {report.year}: "
            f"{report.totals.received} received, {report.totals.closed} closed{took} "
            f"({plural(report.read, 'case file')} read).")

"""Status per plan: activities by state, overdue, missing follow-up for the year, % done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from qaplan import i18n
from qaplan.engine.folds import Fold, Row, shape
from qaplan.formats.plan import Activity, Plan
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier, with_history
from qaplan.reports.item_cells import item_cells, item_style, report_columns
from qaplan.reports.overdue import OverdueItem, days_overdue, plan_items, sort_key
from qaplan.values import State
from qaplan.words import plural

NOT_STARTED = "not_started"
STATE_KEYS = (*(state.value for state in State), NOT_STARTED)


def done_pct(activities: int, by_state: dict[str, int]) -> float | None:
    """done / (activities − cancelled) × 100, one decimal; None when nothing counts."""
    base = activities - by_state[State.CANCELLED.value]
    if base <= 0:
        return None
    pct = Decimal(by_state[State.DONE.value] * 100) / Decimal(base)
    return float(pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Counts:
    """The counts of one plan, or of all plans together."""

    activities: int
    by_state: dict[str, int]  # every key of STATE_KEYS
    overdue: int
    missing_follow_up: int

    @property
    def done_pct(self) -> float | None:
        return done_pct(self.activities, self.by_state)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.activities + other.activities,
            {key: self.by_state[key] + other.by_state[key] for key in STATE_KEYS},
            self.overdue + other.overdue,
            self.missing_follow_up + other.missing_follow_up,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "activities": self.activities,
            "by_state": dict(self.by_state),
            "overdue": self.overdue,
            "missing_follow_up": self.missing_follow_up,
            "done_pct": self.done_pct,
        }


EMPTY = Counts(0, {key: 0 for key in STATE_KEYS}, 0, 0)


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """One plan's row."""

    plan: str
    file: str
    title: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Status of every plan as of a date, for one follow-up year."""

    as_of: date
    year: int
    plans: tuple[PlanStatus, ...]
    totals: Counts
    within: int | None = None
    # Listed only with `within`: the activities overdue or due within that many days.
    activities: tuple[OverdueItem, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON payload of `qaplan status` (plus `activities` with --within)."""
        data: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "plans": [
                {"plan": row.plan, "file": row.file, "title": row.title, **row.counts.as_dict()}
                for row in self.plans
            ],
            "totals": self.totals.as_dict(),
        }
        if self.within is not None:
            data["activities"] = [
                {**item.as_dict(), "owners": list(item.owners)} for item in self.activities
            ]
        return data


def missing_follow_up(activity: Activity, year: int) -> bool:
    """Unfinished as of `year`, started by its end, and no entry for it (no start: started);
    a recurring activity: one that falls due in `year`."""
    if activity.finished(year) or year in activity.status:
        return False
    if activity.recurrence is not None and not activity.recurrence.occurs_in(year):
        return False
    return activity.start is None or activity.start.start_date <= date(year, 12, 31)


def plan_counts(plan: Plan, as_of: date, year: int, earlier: Earlier | None = None) -> Counts:
    """The counts of one plan: states as of `as_of`, follow-up checked for `year`; a carried
    activity reads its earlier years from the activity in `earlier` it continues."""
    by_state = {key: 0 for key in STATE_KEYS}
    overdue = missing = 0
    activities = [with_history(activity, earlier or {})
                  for _criterion, _goal, activity in plan.activities()]
    for activity in activities:
        state = activity.current_state(as_of)  # recurring: its current occurrence's
        by_state[state.value if state is not None else NOT_STARTED] += 1
        days = days_overdue(activity, as_of)
        overdue += days is not None and days > 0
        missing += missing_follow_up(activity, year)
    return Counts(len(activities), by_state, overdue, missing)


def status_facts(entry: PlanEntry, earlier: Earlier, as_of: date, year: int,
                 within: int | None) -> list[Any]:
    """What the status report keeps of one plan, as JSON-able data (`qaplan.engine.folds`):
    its id, title, counts and (with `within`) the activities overdue or due within that many
    days."""
    plan = entry.plan
    counts = plan_counts(plan, as_of, year, earlier)
    items = [] if within is None else plan_items(entry.file, plan, as_of, within, earlier)
    return [plan.id, plan.plan.title, counts.activities, [counts.by_state[key] for key in STATE_KEYS],
            counts.overdue, counts.missing_follow_up, [item.as_facts() for item in items]]


def valid_status_facts(facts: Any) -> bool:
    """Whether decoded facts are a plan's as `status_facts` writes them."""
    return _FACTS(facts) and OverdueItem.valid_facts(facts[6])


# id, title, activities, counts by state, overdue, missing follow-up, listed items
_FACTS = shape(Row((str, str, int, Row((int,) * len(STATE_KEYS)), int, int, [list])))


def status_fold(as_of: date, year: int, within: int | None) -> Fold:
    """The status report's per-plan work, for the engine to do where each plan is checked."""
    return Fold("status", "plan", status_facts, (as_of, year, within), valid_status_facts)


def status_report(
    plans: Iterable[PlanEntry],
    as_of: date,
    *,
    year: int | None = None,
    within: int | None = None,
    earlier: Earlier | None = None,
) -> StatusReport:
    """One row per plan (in path order) and the totals; `year` defaults to the as-of year
    minus one (the last year whose follow-up should be written)."""
    if year is None:
        year = as_of.year - 1
    facts = ((entry.file, status_facts(entry, earlier or {}, as_of, year, within))
             for entry in plans)
    return merge_status(facts, as_of, year, within)


def merge_status(facts: Iterable[tuple[str, Any]], as_of: date, year: int,
                 within: int | None = None) -> StatusReport:
    """The report from each plan's facts (`status_facts`), given with its file."""
    rows: list[PlanStatus] = []
    listed: list[OverdueItem] = []
    for file, (plan_id, title, activities, states, overdue, missing, items) in facts:
        counts = Counts(activities, dict(zip(STATE_KEYS, states, strict=True)), overdue, missing)
        rows.append(PlanStatus(plan_id, file, title, counts))
        listed.extend(OverdueItem.from_facts(item) for item in items)
    rows.sort(key=lambda row: row.file)
    totals = sum((row.counts for row in rows), EMPTY)
    return StatusReport(as_of, year, tuple(rows), totals, within,
                        tuple(sorted(listed, key=sort_key)))


# --- drawing --------------------------------------------------------------------------------------


def _pct_text(pct: float | None) -> str:
    return "–" if pct is None else f"{pct:.1f} %"


_BAR_CELLS = 5
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(pct: float | None) -> str:
    """% done as a small bar and a whole percentage: `██▋░░ 53%` (eighths of a cell)."""
    if pct is None:
        return "–"
    eighths = round(pct * _BAR_CELLS * 8 / 100)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    return f"{bar.ljust(_BAR_CELLS, '░')} {pct:.0f}%"


def _count_row(plan: str, file: str | None, title: str | None, counts: Counts) -> dict[str, Cell]:
    row: dict[str, Cell] = {"plan": plan, "file": file, "title": title,
                            "activities": counts.activities}
    row.update(counts.by_state)
    row.update(overdue=counts.overdue, missing=counts.missing_follow_up,
               done_pct=counts.done_pct, done_pct_text=_pct_text(counts.done_pct),
               done_bar=_bar(counts.done_pct))
    return row


def status_view(report: StatusReport, language: str | None = None) -> View:
    """The report as a table of plans with a totals row (and the listed activities)."""
    w = i18n.words(language)
    right: Literal["right"] = "right"
    missing = w["no_follow_up"].format(year=report.year)
    # On a narrow terminal: headers on two short lines, then the states people read least
    # are hidden (the highest `optional` first); the plan id never wraps.
    columns = [
        Column("plan", w["plan"]),
        Column("file", w["file"], only=("csv",)),
        Column("title", w["title"], only=("csv", "markdown")),
        Column("activities", w["activities"], right, short=w["activities_short"]),
        Column("planned", w["planned"], right, optional=3),
        Column("ongoing", w["ongoing"], right, optional=2),
        Column("done", w["done"], right),
        Column("delayed", w["delayed"], right, optional=1),
        Column("cancelled", w["cancelled"], right, short=w["cancelled_short"], optional=5),
        Column(NOT_STARTED, w["not_started"], right, short=w["not_started_short"], optional=4),
        Column("overdue", w["overdue"], right),
        Column("missing", missing, right, short=w["missing_short"].format(year=report.year)),
        Column("done_pct_text", w["done_pct"], right, only=("plain", "markdown")),
        Column("done_bar", w["done_pct"], only=("rich",)),
        Column("done_pct", w["done_pct"], right, only=("csv",)),
    ]
    rows = [_count_row(row.plan, row.file, row.title, row.counts) for row in report.plans]
    rows.append(_count_row(w["total"], None, None, report.totals))
    styles: list[Style] = [None] * len(report.plans)
    sections = [Section(None, columns, rows, [*styles, "total"])]
    if report.within is not None:
        listed: list[dict[str, Cell]] = [
            {**item_cells(item, language), "owners": ", ".join(item.owners)}
            for item in report.activities
        ]
        sections.append(Section(
            w["within_heading"].format(days=i18n.days(language, report.within)),
            report_columns(w, owners=True),
            listed,
            [item_style(item) for item in report.activities],
        ))
    totals = report.totals
    summary = (
        f"{plural(len(report.plans), 'plan')}, "
        f"{plural(totals.activities, 'activity', 'activities')}: "
        f"{totals.by_state[State.DONE.value]} done ({_pct_text(totals.done_pct)}), "
        f"{totals.overdue} overdue, {totals.missing_follow_up} without follow-up for {report.year}."
    )
    return View(
        title=w["status_title"].format(as_of=report.as_of.isoformat(), year=report.year),
        sections=sections,
        summary=summary,
        data=report.as_json(),
        summary_style="overdue" if totals.overdue else ("soon" if totals.missing_follow_up else "done"),
    )

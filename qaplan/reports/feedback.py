"""Open feedback loops: finished work whose result has not reached every stakeholder in time.

A loop is one stakeholder named in `feedback` of a finished activity (or a closed deviation
case). It must be told within `days` of the work finishing, by a `communicated` entry dated
no later than that deadline:
- *closed*: told in time (an undated entry counts as in time);
- *late*: told, but only after the deadline;
- *pending*: not told yet, and the deadline has not passed;
- *open*: not told, and the deadline has passed.

When work finished: a closed case on its closing date. An activity whose latest follow-up
as of the as-of year is `done` finished in the first year of its final run of `done`
follow-ups: on its due date (`end`) when that falls in the same year, else on 31 December
of that year; never after the as-of date. Entries dated after the as-of date are ignored,
so a report can look back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from qaplan import i18n
from qaplan.formats.config import Config
from qaplan.formats.deviation import Deviation
from qaplan.formats.feedback import DEFAULT_DAYS, Communication
from qaplan.formats.plan import Activity, Plan
from qaplan.render.view import Cell, Column, Section, Style, View
from qaplan.values import State
from qaplan.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import Entry

LoopState = Literal["closed", "late", "pending", "open"]
LOOP_STATES: tuple[LoopState, ...] = ("open", "pending", "late", "closed")


@dataclass(frozen=True, slots=True)
class Loop:
    """One stakeholder who must hear the result of one finished activity or closed case."""

    stakeholder: str
    kind: Literal["activity", "case"]
    plan: str | None  # the plan id of an activity; None for a case
    file: str
    id: str  # the activity's id, or the case's
    title: str
    unit: str | None
    finished: date
    deadline: date
    state: LoopState
    communicated: date | None  # the first telling (a late loop's), else None
    days: int  # open: days past the deadline; late: days it came late; pending: days left

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind, "plan": self.plan, "file": self.file, "id": self.id,
            "title": self.title, "unit": self.unit, "finished": self.finished.isoformat(),
            "deadline": self.deadline.isoformat(), "state": self.state,
            "communicated": None if self.communicated is None else self.communicated.isoformat(),
            "days": self.days,
        }
        if self.kind == "case":
            data["case"] = self.id
        return data


def _counts() -> dict[str, int]:
    """Finished activities and cases, and their loops by state."""
    return {"finished": 0, **{state: 0 for state in LOOP_STATES}}


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """Every loop that is not closed in time, per stakeholder and per unit, and the counts."""

    as_of: date
    days: int
    loops: tuple[Loop, ...]  # open, pending and late ones (closed ones are only counted)
    # unit -> "finished" (activities and cases that name stakeholders) and loops per state
    counts: Mapping[str | None, Mapping[str, int]]
    stakeholder_names: Mapping[str, str]
    unit_names: Mapping[str, str]

    @property
    def open_count(self) -> int:
        return sum(1 for loop in self.loops if loop.state == "open")

    def totals(self) -> dict[str, int]:
        total = _counts()
        for counts in self.counts.values():
            for state, count in counts.items():
                total[state] += count
        return total

    def only_units(self, units: set[str]) -> FeedbackReport:
        """The report narrowed to loops of the given units."""
        return replace(self, loops=tuple(loop for loop in self.loops if loop.unit in units),
                       counts={unit: counts for unit, counts in self.counts.items()
                               if unit in units})

    def as_json(self) -> dict[str, Any]:
        """`qaplan feedback --format json`."""
        stakeholders = []
        for key in sorted({loop.stakeholder for loop in self.loops}):
            mine = [loop for loop in self.loops if loop.stakeholder == key]
            stakeholders.append({
                "stakeholder": key, "name": self.stakeholder_names.get(key),
                "open": sum(1 for loop in mine if loop.state == "open"),
                "loops": [loop.as_dict() for loop in mine],
            })
        return {
            "as_of": self.as_of.isoformat(), "days": self.days,
            "stakeholders": stakeholders,
            "units": [{"unit": unit, "name": self._unit_name(unit), **self.counts[unit]}
                      for unit in _unit_order(self.counts)],
            "totals": self.totals(),
        }

    def _unit_name(self, unit: str | None) -> str | None:
        return None if unit is None else self.unit_names.get(unit)


def _unit_order(units: Iterable[str | None]) -> list[str | None]:
    """Units by key, work without a unit last."""
    return sorted(set(units), key=lambda unit: (unit is None, unit or ""))


def finished_on(activity: Activity, as_of: date) -> date | None:
    """When the activity finished (see the module's docstring); None unless it is done."""
    if activity.latest_state(as_of.year) is not State.DONE:
        return None
    years = sorted((year for year, follow_up in activity.status.items()
                    if year <= as_of.year and follow_up.state is not None), reverse=True)
    first = years[0]
    for year in years:
        if activity.status[year].state is not State.DONE:
            break
        first = year
    due = activity.due
    day = due if due is not None and due.year == first else date(first, 12, 31)
    return min(day, as_of)


def loop_state(told: Iterable[Communication], deadline: date,
               as_of: date) -> tuple[LoopState, date | None]:
    """The state of one stakeholder's loop, and the date of a late telling."""
    dates = [entry.date for entry in told if entry.date is None or entry.date <= as_of]
    if None in dates or any(day is not None and day <= deadline for day in dates):
        return "closed", None
    if dates:
        return "late", min(day for day in dates if day is not None)
    return ("open" if as_of > deadline else "pending"), None


@dataclass(slots=True)
class _Fold:
    """The report being built, one file at a time."""

    as_of: date
    days: int
    loops: list[Loop]
    counts: dict[str | None, dict[str, int]]
    stakeholders: dict[str, str]
    units: dict[str, str]

    def names(self, config: Config | None) -> None:
        for key, entry in (config.stakeholders if config else {}).items():
            self.stakeholders.setdefault(key, entry.name)
        for key, unit in (config.units if config else {}).items():
            self.units.setdefault(key, unit.name)

    def add(self, file: str, kind: Literal["activity", "case"], plan: str | None, id_: str,
            title: str, unit: str | None, finished: date, feedback: tuple[str, ...],
            communicated: tuple[Communication, ...]) -> None:
        deadline = finished + timedelta(days=self.days)
        counts = self.counts.setdefault(unit, _counts())
        counts["finished"] += 1
        for stakeholder in dict.fromkeys(feedback):
            told = [entry for entry in communicated if entry.to == stakeholder]
            state, when = loop_state(told, deadline, self.as_of)
            counts[state] += 1
            if state == "closed":
                continue
            days = {"open": (self.as_of - deadline).days, "pending": (deadline - self.as_of).days,
                    "late": ((when or deadline) - deadline).days}[state]
            self.loops.append(Loop(stakeholder, kind, plan, file, id_, title, unit, finished,
                                   deadline, state, when, days))


def _sort_key(loop: Loop) -> tuple[Any, ...]:
    return (loop.stakeholder, loop.unit is None, loop.unit or "", LOOP_STATES.index(loop.state),
            -loop.days if loop.state == "open" else loop.days, loop.plan or "", loop.id,
            loop.file)


def feedback_report(entries: Iterable[Entry], as_of: date,
                    days: int = DEFAULT_DAYS) -> FeedbackReport:
    """The loops of finished activities and closed cases in `entries` (workspace entries of
    plans and deviation cases), read one at a time."""
    fold = _Fold(as_of, days, [], {}, {}, {})
    for entry in entries:
        value = entry.value
        fold.names(entry.config)
        if isinstance(value, Plan):
            for _criterion, _goal, activity in value.activities():
                if not activity.feedback:
                    continue
                finished = finished_on(activity, as_of)
                if finished is not None:
                    fold.add(entry.file, "activity", value.id, activity.id, activity.title,
                             value.plan.unit, finished, activity.feedback, activity.communicated)
        elif isinstance(value, Deviation) and value.feedback:
            closed = value.closed_on
            if closed is not None and closed <= as_of:
                fold.add(entry.file, "case", None, value.id, value.title, value.unit, closed,
                         value.feedback, value.communicated)
    return FeedbackReport(as_of, days, tuple(sorted(fold.loops, key=_sort_key)), fold.counts,
                          fold.stakeholders, fold.units)


# --- drawing --------------------------------------------------------------------------------------

_STYLES: dict[str, Style] = {"open": "overdue", "pending": "soon", "late": "muted"}


def _heading(key: str | None, name: str | None, fallback: str) -> str:
    if key is None:
        return fallback
    return f"{key} – {name}" if name and name != key else key


def feedback_view(report: FeedbackReport, language: str | None = None) -> View:
    """Loops per stakeholder, then per unit; then the counts per unit."""
    w = i18n.words(language)
    right: Literal["right"] = "right"
    columns = [
        Column("stakeholder", w["feedback_stakeholder"], only=("csv",)),
        Column("unit", w["unit"], only=("csv",)),
        Column("plan", w["plan_or_case"]),
        Column("kind", w["kind"], only=("csv",)),
        Column("file", w["file"], only=("csv",)),
        Column("id", w["id"]),
        Column("title", w["title"], wrap=True),
        Column("finished", w["feedback_finished"]),
        Column("deadline", w["feedback_deadline"]),
        Column("state", w["state"], only=("table", "markdown")),
        Column("state_key", w["state"], only=("csv",)),
        Column("communicated", w["feedback_communicated"]),
        Column("days", w["feedback_days"], right, only=("csv",)),
        Column("days_text", w["feedback_days"], right, only=("table", "markdown")),
    ]
    states = {state: w[f"feedback_{state}"] for state in LOOP_STATES}
    sections = []
    for key in sorted({loop.stakeholder for loop in report.loops}):
        mine = [loop for loop in report.loops if loop.stakeholder == key]
        below = []
        for unit in _unit_order(loop.unit for loop in mine):
            loops = [loop for loop in mine if loop.unit == unit]
            rows: list[dict[str, Cell]] = [{
                "stakeholder": key, "unit": unit, "plan": loop.plan or loop.id,
                "kind": loop.kind, "file": loop.file, "id": loop.id, "title": loop.title,
                "finished": loop.finished.isoformat(), "deadline": loop.deadline.isoformat(),
                "state": states[loop.state], "state_key": loop.state,
                "communicated": None if loop.communicated is None else loop.communicated.isoformat(),
                "days": loop.days, "days_text": i18n.days(language, loop.days),
            } for loop in loops]
            below.append(Section(_heading(unit, report.unit_names.get(unit or ""),
                                          w["feedback_no_unit"]),
                                 columns, rows, [_STYLES[loop.state] for loop in loops]))
        sections.append(Section(_heading(key, report.stakeholder_names.get(key), key),
                                columns, [], sections=below))
    if not sections:
        sections.append(Section(None, columns, []))
    unit_columns = [
        Column("unit", w["unit"]),
        *(Column(state, states[state], right) for state in LOOP_STATES),
    ]
    unit_rows: list[dict[str, Cell]] = [
        {"unit": _heading(unit, report.unit_names.get(unit or ""), w["feedback_no_unit"]),
         **report.counts[unit]}
        for unit in _unit_order(report.counts)
    ]
    totals = report.totals()
    if unit_rows:
        unit_rows.append({"unit": w["total"], **totals})
    summary = (
        f"{plural(totals['finished'], 'finished item')}, "
        f"{plural(sum(totals[state] for state in LOOP_STATES), 'loop')}: "
        f"{totals['closed']} closed in time, {totals['late']} late, {totals['pending']} pending, "
        f"{totals['open']} open."
    )
    if unit_rows:
        unit_styles: list[Style] = [None] * (len(unit_rows) - 1)
        sections.append(Section(w["feedback_per_unit"], unit_columns, unit_rows,
                                [*unit_styles, "total"]))
    return View(
        title=w["feedback_title"].format(as_of=report.as_of.isoformat(),
                                         days=i18n.days(language, report.days)),
        sections=sections,
        summary=summary,
        data=report.as_json(),
        empty=w["feedback_empty"],
        summary_style="overdue" if totals["open"] else ("soon" if totals["pending"] else "done"),
    )

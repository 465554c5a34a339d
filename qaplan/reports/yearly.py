"""The yearly quality report (kvalitetsmelding): the four questions per unit of the units tree,
with key figures for the unit and summed over the units below it, for the year and the one before.

The plans are read one at a time; each activity is folded into its unit's figures and, for the
report's year, into the lists of the questions it answers. Only those small rows are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qaplan.formats.plan import Activity
from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier, with_history
from qaplan.reports.overdue import due_as_of
from qaplan.values import State

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config
    from qaplan.git import Source

QUESTIONS = ("done", "concerns", "next", "help")
NOT_STARTED = "not_started"
STATE_KEYS = (*(state.value for state in State), NOT_STARTED)
OTHER = None  # the key of the group of plans whose unit is not in the tree (or missing)


@dataclass(slots=True)
class Figures:
    """The key figures of some activities for one year."""

    activities: int = 0
    done: int = 0  # became done in the year
    overdue: int = 0
    missing_follow_up: int = 0
    help_needed: int = 0
    by_state: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATE_KEYS, 0))

    @property
    def done_pct(self) -> float | None:
        """Activities done by the year's end / (activities − cancelled) × 100, one decimal."""
        base = self.activities - self.by_state[State.CANCELLED.value]
        if base <= 0:
            return None
        pct = Decimal(self.by_state[State.DONE.value] * 100) / Decimal(base)
        return float(pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def add(self, other: Figures) -> None:
        """Add `other`'s counts to these."""
        self.activities += other.activities
        self.done += other.done
        self.overdue += other.overdue
        self.missing_follow_up += other.missing_follow_up
        self.help_needed += other.help_needed
        for key, count in other.by_state.items():
            self.by_state[key] += count

    def as_json(self) -> dict[str, Any]:
        return {"activities": self.activities, "done": self.done, "done_pct": self.done_pct,
                "overdue": self.overdue, "missing_follow_up": self.missing_follow_up,
                "help_needed": self.help_needed, "by_state": dict(self.by_state)}


@dataclass(slots=True)
class Item:
    """One activity listed under a question, with what traces it to its plan row."""

    plan: str
    file: str
    id: str
    title: str
    end: str | None  # as written in the plan
    due: date | None
    state: str | None  # the latest state by the end of the year
    note: str | None  # the year's follow-up note
    reasons: tuple[str, ...] = ()  # concerns: overdue, delayed, stalled, missing_follow_up
    help_needed: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "plan": self.plan, "file": self.file, "id": self.id, "title": self.title,
            "end": self.end, "due": self.due.isoformat() if self.due else None,
            "state": self.state, "note": self.note,
        }
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.help_needed is not None:
            data["help_needed"] = self.help_needed
        return data


@dataclass(slots=True)
class UnitReport:
    """One unit: its figures (own and rolled up, this year and last), its questions, its
    children."""

    key: str | None  # None: the "Other" group
    name: str
    parent: str | None
    language: str
    own: Figures = field(default_factory=Figures)
    own_previous: Figures = field(default_factory=Figures)
    rolled_up: Figures = field(default_factory=Figures)
    rolled_up_previous: Figures = field(default_factory=Figures)
    questions: dict[str, list[Item]] = field(
        default_factory=lambda: {question: [] for question in QUESTIONS})
    plans: list[str] = field(default_factory=list)  # the ids of the unit's own plans
    languages: set[str] = field(default_factory=set)  # of the plans in it and below
    children: list[UnitReport] = field(default_factory=list)

    def walk(self, depth: int = 0, path: tuple[str, ...] = ()) -> Iterable[
            tuple[int, tuple[str, ...], UnitReport]]:
        """This unit and every unit below it, depth first: (depth, names above, unit)."""
        yield depth, path, self
        for child in self.children:
            yield from child.walk(depth + 1, (*path, self.name))

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name if self.key is not OTHER else None, "parent": self.parent, "language": self.language,
            "plans": sorted(self.plans),
            "figures": {"own": self.own.as_json(), "rolled_up": self.rolled_up.as_json()},
            "previous_figures": {"own": self.own_previous.as_json(),
                                 "rolled_up": self.rolled_up_previous.as_json()},
            "questions": {q: [item.as_json() for item in self.questions[q]] for q in QUESTIONS},
            "units": [child.as_json() for child in self.children],
        }


@dataclass(frozen=True, slots=True)
class YearlyReport:
    """The report of one year as of a date: the units asked for, each with the units below."""

    as_of: date
    year: int
    language: str
    source: Source
    units: list[UnitReport]

    def all_units(self) -> Iterable[tuple[int, tuple[str, ...], UnitReport]]:
        """Every unit of the report in reading order: (depth, names above, unit)."""
        for unit in self.units:
            yield from unit.walk()

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "year": self.year, "previous_year": self.year - 1,
            "language": self.language,
            "commit": self.source.commit, "uncommitted_changes": self.source.uncommitted,
            "units": [unit.as_json() for unit in self.units],
        }


# --- one activity ---------------------------------------------------------------------------------

# A state's key in `Figures.by_state` (no state yet: not started), and the finished states.
_STATE_KEY: dict[State | None, str] = {None: NOT_STARTED, **{s: s.value for s in State}}
_FINISHED = (State.DONE, State.CANCELLED)


def _year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _latest_states(activity: Activity, year: int) -> tuple[State | None, ...]:
    """The latest states as of `year`, the year before and the one before that, in one pass
    over the follow-up (what `Activity.latest_state` gives for each)."""
    at = before = earlier = 0  # the status years that give each state
    state = before_state = earlier_state = None
    for status_year, follow_up in activity.status.items():
        found = follow_up.state
        if found is None or status_year > year:
            continue
        if status_year > at:
            at, state = status_year, found
        if before < status_year < year:
            before, before_state = status_year, found
        if earlier < status_year < year - 1:
            earlier, earlier_state = status_year, found
    return state, before_state, earlier_state


def _yearly_states(activity: Activity, year: int) -> tuple[State | None, ...]:
    """A recurring activity's states for `year`, the year before and the one before that: each
    year's own follow-up (its occurrences), or cancelled once the activity was cancelled."""

    def of(at: int) -> State | None:
        if activity.latest_state(at) is State.CANCELLED:
            return State.CANCELLED
        follow_up = activity.status.get(at)
        return None if follow_up is None else follow_up.state

    return of(year), of(year - 1), of(year - 2)


@dataclass(slots=True)
class _Year:
    """What one year's report counts: its figures and the dates its rules compare with."""

    year: int
    as_of: date
    figures: Figures

    def count(self, activity: Activity, state: State | None, before: State | None,
              due: date | None, started: date | None) -> tuple[bool, bool, bool, bool]:
        """Count the activity, given its latest state by this year's end and the year before;
        (done in the year, overdue, missing follow-up, finished)."""
        finished = state in _FINISHED
        done = state is State.DONE and before is not State.DONE
        overdue = not finished and due is not None and due < self.as_of
        # Missing follow-up as `status` counts it: unfinished, started by the year's end (no
        # start: started), and no entry for the year.
        missing = (not finished and self.year not in activity.status
                   and (started is None or started.year <= self.year))
        figures = self.figures
        figures.activities += 1
        figures.by_state[_STATE_KEY[state]] += 1
        figures.done += done
        figures.overdue += overdue
        figures.missing_follow_up += missing
        figures.help_needed += activity.help_needed is not None and not finished
        return done, overdue, missing, finished


def _due(activity: Activity, as_of: date) -> date | None:
    """The due date as of a day: the end, or a recurring activity's current occurrence."""
    if activity.recurrence is None:
        return activity.due
    held = due_as_of(activity, as_of)
    return None if held is None else held[0]


def _fold_plan(unit: UnitReport, entry: PlanEntry, year: int, as_of: date,
               history: Earlier) -> None:
    """Fold one plan's activities into the unit: figures for both years, questions for `year`;
    a carried activity reads its earlier years from the activity it continues."""
    plan = entry.plan
    now = _Year(year, as_of, unit.own)
    then = _Year(year - 1, _year_before(as_of), unit.own_previous)
    questions = unit.questions
    for _criterion, _goal, carried in plan.activities():
        activity = with_history(carried, history)
        recurs = activity.recurrence is not None
        state, before, earlier = (_yearly_states if recurs else _latest_states)(activity, year)
        started = None if activity.start is None else activity.start.start_date
        due = _due(activity, as_of)
        # Each year's occurrences of a recurring activity are new work: done again is done.
        then.count(activity, before, None if recurs else earlier, _due(activity, then.as_of),
                   started)
        done, overdue, missing, finished = now.count(activity, state, None if recurs else before,
                                                     due, started)
        follow_up = activity.status.get(year)
        note = follow_up.note if follow_up is not None else None
        reasons: list[str] = []
        if overdue:
            reasons.append("overdue")
        if state is State.DELAYED:
            reasons.append("delayed")
        if not finished and note is not None:
            last = activity.status.get(year - 1)
            if last is not None and last.note == note:
                reasons.append("stalled")
        if missing:
            reasons.append("missing_follow_up")
        active = state is State.PLANNED or state is State.ONGOING
        helped = activity.help_needed is not None and not finished
        if not (done or reasons or active or helped):
            continue
        item = Item(plan.id, entry.file, activity.id, activity.title,
                    None if activity.end is None else activity.end.text.strip(), due,
                    _STATE_KEY[state] if state is not None else None, note, tuple(reasons),
                    activity.help_needed)
        if done:
            questions["done"].append(item)
        if reasons:
            questions["concerns"].append(item)
        if active:
            questions["next"].append(item)
        if helped:
            questions["help"].append(item)


# --- the tree -------------------------------------------------------------------------------------


def _language(unit: UnitReport, default: str) -> str:
    """The language all plans in and below the unit agree on, else the repository's."""
    return next(iter(unit.languages)) if len(unit.languages) == 1 else default


def yearly_report(
    plans: Iterable[PlanEntry],
    units: Config | None,
    as_of: date,
    source: Source,
    *,
    year: int | None = None,
    unit: str | None = None,
    language: str | None = None,
    earlier: Earlier | None = None,
) -> YearlyReport:
    """The report for `year` (default: the as-of year minus one) of `unit` and the units below
    it (default: every root of the tree, and "Other" for plans outside it); `language` sets the
    language of every unit (default: each unit's own)."""
    if year is None:
        year = as_of.year - 1
    tree = dict(units.units) if units is not None else {}
    default = (units.language if units is not None else None) or "en"
    nodes: dict[str | None, UnitReport] = {
        key: UnitReport(key, node.name, node.parent if node.parent in tree else None, default)
        for key, node in tree.items()}
    for entry in plans:  # one plan at a time: only its figures and listed rows are kept
        key = entry.plan.plan.unit
        if key not in tree:
            key = OTHER
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = UnitReport(OTHER, "", None, default)
        node.plans.append(entry.plan.id)
        node.languages.add(entry.language)
        _fold_plan(node, entry, year, as_of, earlier or {})
    for node in nodes.values():
        node.questions["next"].sort(key=lambda item: (item.due is None, item.due or as_of))
    children: dict[str, list[str]] = {}
    for key in sorted(tree):
        parent = nodes[key].parent
        if parent is not None:
            children.setdefault(parent, []).append(key)
    if unit is not None:
        tops = [_build(nodes, children, unit, set())]
    else:
        tops = [_build(nodes, children, key, set())
                for key in sorted(k for k in tree if nodes[k].parent is None)]
        tops = [top for top in tops if top.rolled_up.activities or top.plans]
        if OTHER in nodes:
            tops.append(nodes[OTHER])
            _roll_up(nodes[OTHER])
    for top in tops:
        for _depth, _path, node in top.walk():
            node.language = language or _language(node, default)
    shown = {top.language for top in tops}
    report_language = language or (next(iter(shown)) if len(shown) == 1 else default)
    return YearlyReport(as_of, year, report_language, source, tops)


def _roll_up(node: UnitReport) -> None:
    node.rolled_up.add(node.own)
    node.rolled_up_previous.add(node.own_previous)


def _build(nodes: dict[str | None, UnitReport], children: dict[str, list[str]], key: str,
           seen: set[str]) -> UnitReport:
    """The unit with its children (those with plans in or below them), figures summed."""
    node = nodes[key]
    seen.add(key)  # a loop in the tree (reported by validate) ends here
    _roll_up(node)
    for child_key in children.get(key, []):
        if child_key in seen:
            continue
        child = _build(nodes, children, child_key, seen)
        if not (child.rolled_up.activities or child.plans):
            continue  # a branch without plans says nothing
        node.children.append(child)
        node.rolled_up.add(child.rolled_up)
        node.rolled_up_previous.add(child.rolled_up_previous)
        node.languages |= child.languages
    return node

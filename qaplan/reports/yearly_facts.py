"""What the yearly report keeps of one plan: its unit, its key figures for the year and the year
before, and the activities it lists, with the questions each answers.

Worked out where the plan is checked (`qaplan.engine.folds`) and kept in the cache, so a warm
report merges these facts without building any plan. A listed activity is kept as the line
that `--format json` prints for it, and a question's lines of a plan as one text, kept apart
from the facts' JSON as UTF-8 (`Fold.apart`): the JSON report copies those bytes out a plan's
question at a time, the other formats decode a line when they draw its row, and a report over
many plans holds a few texts a plan rather than objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.engine.folds import Fold, Row, shape
from qaplan.formats.plan import Activity
from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier, with_history
from qaplan.reports.overdue import due_as_of
from qaplan.reports.status import done_pct
from qaplan.values import State

QUESTIONS = ("done", "concerns", "next", "help")
NOT_STARTED = "not_started"
STATE_KEYS = (*(state.value for state in State), NOT_STARTED)
NEXT = QUESTIONS.index("next")
# The JSON report's own encoder (`qaplan.render.json`): one line, ", " and ": " between parts.
ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


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
        """Activities done by the year's end, as `status` counts % done."""
        return done_pct(self.activities, self.by_state)

    def add(self, other: Figures) -> None:
        """Add `other`'s counts to these."""
        self.add_facts(other.as_facts())

    def add_facts(self, facts: list[Any]) -> None:
        """Add counts given as `as_facts` gives them."""
        activities, done, overdue, missing, helped, states = facts
        self.activities += activities
        self.done += done
        self.overdue += overdue
        self.missing_follow_up += missing
        self.help_needed += helped
        by_state = self.by_state
        for key, count in zip(STATE_KEYS, states, strict=True):
            by_state[key] += count

    def as_facts(self) -> list[Any]:
        """The counts as a compact list (what the cache keeps)."""
        return [self.activities, self.done, self.overdue, self.missing_follow_up,
                self.help_needed, [self.by_state[key] for key in STATE_KEYS]]

    def as_json(self) -> dict[str, Any]:
        return {"activities": self.activities, "done": self.done, "done_pct": self.done_pct,
                "overdue": self.overdue, "missing_follow_up": self.missing_follow_up,
                "help_needed": self.help_needed, "by_state": dict(self.by_state)}


# A state's key in `Figures.by_state` (no state yet: not started), and the finished states.
_STATE_KEY: dict[State | None, str] = {None: NOT_STARTED, **{s: s.value for s in State}}
_FINISHED = (State.DONE, State.CANCELLED)


def _year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def latest_states(activity: Activity, year: int) -> tuple[State | None, ...]:
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


Listing = tuple[dict[str, Any], tuple[bool, bool, bool, bool], int | None]


def plan_listing(entry: PlanEntry, history: Earlier, as_of: date, year: int) -> tuple[
        list[Any], list[Any], list[Listing]]:
    """One plan's figures for `year` and the year before (`Figures.as_facts`) and its listed
    activities: (the activity as the JSON report shows it, less its plan and file; whether it
    answers each question; its due date's ordinal); a carried activity reads its earlier years
    from the activity in `history` it continues."""
    plan = entry.plan
    now = _Year(year, as_of, Figures())
    then = _Year(year - 1, _year_before(as_of), Figures())
    listed: list[Listing] = []
    for _criterion, _goal, carried in plan.activities():
        activity = with_history(carried, history)
        recurs = activity.recurrence is not None
        state, before, earlier = (_yearly_states if recurs else latest_states)(activity, year)
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
        if done or reasons or active or helped:
            listed.append((_row(activity, due, state, note, reasons),
                           (done, bool(reasons), active, helped),
                           None if due is None else due.toordinal()))
    return now.figures.as_facts(), then.figures.as_facts(), listed


def yearly_facts(entry: PlanEntry, history: Earlier, as_of: date, year: int) -> list[Any]:
    """One plan's facts: [unit, plan id, language, figures for `year`, for the year before,
    [done, concerns, next, help], the due dates of `next`]. Each listed activity is the line
    `--format json` prints for it, and each question's lines are one text (joined by
    newlines); `next`'s due dates are ordinals (or None), one a line."""
    now, before, listed = plan_listing(entry, history, as_of, year)
    start = f'{{"plan": {ENCODE(entry.plan.id)}, "file": {ENCODE(entry.file)}, '
    lines: list[list[str]] = [[], [], [], []]
    dues: list[int | None] = []
    for data, answers, due in listed:
        line = start + ENCODE(data)[1:]
        for question_lines, answers_it in zip(lines, answers, strict=True):
            if answers_it:
                question_lines.append(line)
        if answers[NEXT]:
            dues.append(due)
    return [entry.plan.plan.unit, entry.plan.id, entry.language, now, before,
            ["\n".join(question_lines) for question_lines in lines], dues]


def _row(activity: Activity, due: date | None, state: State | None, note: str | None,
         reasons: list[str]) -> dict[str, Any]:
    """A listed activity as the JSON report shows it, less its plan and file."""
    data: dict[str, Any] = {
        "id": activity.id, "title": activity.title,
        "end": None if activity.end is None else activity.end.text.strip(),
        "due": due.isoformat() if due else None,
        "state": _STATE_KEY[state] if state is not None else None, "note": note,
    }
    if reasons:
        data["reasons"] = reasons
    if activity.help_needed is not None:
        data["help_needed"] = activity.help_needed
    return data


def valid_listing(facts: Any) -> bool:
    """Whether decoded facts have the shape `yearly_facts` (and `markdown_facts`) give: a
    text a question, and a due date a line of `next`'s (the shape made every due date an int
    or None, never a bool)."""
    if not _FACTS(facts):
        return False
    following = facts[TEXTS][NEXT]
    return len(facts[6]) == (following.count(b"\n") + 1 if following else 0)


_FIGURES = Row((int, int, int, int, int, Row((int,) * len(STATE_KEYS))))
TEXTS = 5  # the place of the questions' texts in the facts, kept apart (`Fold.apart`)
# unit, plan id, language, figures for the year and the one before, texts, `next`'s due dates
_FACTS = shape(Row(((str, type(None)), str, str, _FIGURES, _FIGURES, Row((bytes,) * 4),
                    [(int, type(None))])))


def yearly_fold(as_of: date, year: int) -> Fold:
    """The yearly report's per-plan work, for the engine to do where each plan is checked."""
    return Fold("yearly", "plan", yearly_facts, (as_of, year), valid_listing, apart=TEXTS)

"""How an overdue or due-soon item is drawn, in every report that lists one (overdue, status,
deviations, the reminders, the calendar): its cells, its style and the columns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from qaplan import i18n
from qaplan.render.view import Cell, Column, Style
from qaplan.reports.overdue import OverdueItem
from qaplan.values import State


def due_text(item: OverdueItem) -> str:
    """The due date, with the form written in the plan when it differs (2025-06-30 (VT25))."""
    iso = item.due.isoformat()
    return iso if item.end == iso else f"{iso} ({item.end})"


def days_text(days: int, language: str | None = None) -> str:
    """60 days overdue, due today, due in 5 days (in `language`)."""
    if days > 0:
        return i18n.days(language, days)
    if days == 0:
        return i18n.words(language)["due_today"]
    return i18n.words(language)["due_in"].format(days=i18n.days(language, -days))


def state_text(state: State | str | None, language: str | None = None) -> str:
    """The state (an activity's, or a measure's word) in `language` (English: as written)."""
    if state is None:
        key = "not_started"
    else:
        key = state.value if isinstance(state, State) else state.replace("-", "_")
    return i18n.words(language)[key].lower()


def item_style(item: OverdueItem) -> Style:
    return "overdue" if item.overdue else "soon"


def item_cells(item: OverdueItem, language: str | None = None) -> dict[str, Cell]:
    """The cells every report shows for an overdue or due-soon activity."""
    return ItemCells(language)(item)


class ItemCells:
    """`item_cells` for many items: the texts that repeat from row to row (days overdue, the
    due date, the state) are worked out once each."""

    def __init__(self, language: str | None = None) -> None:
        self.language = language
        self.days: dict[int, str] = {}
        self.dues: dict[tuple[date, str], tuple[str, str]] = {}
        self.states: dict[State | str | None, str] = {}

    def __call__(self, item: OverdueItem) -> dict[str, Cell]:
        days = self.days.get(item.days_overdue)
        if days is None:
            days = self.days[item.days_overdue] = days_text(item.days_overdue, self.language)
        due = self.dues.get((item.due, item.end))
        if due is None:
            due = self.dues[item.due, item.end] = (due_text(item), item.due.isoformat())
        state = self.states.get(item.state)
        if state is None:
            state = self.states[item.state] = state_text(item.state, self.language)
        return {
            # a measure shows its case id where an activity shows its plan (`source`)
            "plan": item.plan if item.plan is not None else item.case or "",
            "kind": item.kind,
            "file": item.file,
            "id": item.id,
            "title": item.title,
            "end": item.end,
            "due": due[0],
            "due_date": due[1],
            "days_overdue": item.days_overdue,
            "overdue": days,
            "state": state,
        }


def report_columns(
    w: Mapping[str, str], *, owners: bool = False, cases: bool = False
) -> list[Column]:
    """The columns of a list of overdue or due-soon activities (headers in the words `w`);
    `cases`: measures of deviation cases may be listed too (the kind is a CSV column)."""
    return [
        Column("plan", w["plan_or_case"] if cases else w["plan"]),
        *([Column("kind", w["kind"], only=("csv",))] if cases else []),
        Column("file", w["file"], only=("csv",)),
        Column("id", w["id"]),
        Column("title", w["activity_or_measure"] if cases else w["activity"], wrap=True),
        *([Column("owners", w["owners"], wrap=True)] if owners else []),
        Column("end", w["end"], only=("csv",)),
        Column("due", w["due"], only=("table", "markdown"), wrap=True),
        Column("due_date", w["due"], only=("csv",)),
        Column("days_overdue", w["days_overdue"], "right", only=("csv",)),
        Column("overdue", w["overdue"], "right", only=("table", "markdown")),
        Column("state", w["state"], wrap=True),
    ]

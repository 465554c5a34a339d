"""Rows under a table's header -> a plan: continue blank cells, split owners, read dates, add ids.

No openpyxl here: `read.py` hands over plain values, this module gives back a
typed plan (`qaplan.formats.plan.Plan`) with explicit ids, and the warnings a coordinator should see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.errors import QaplanError
from qaplan.excel import vocabulary as V
from qaplan.excel.header import Column, Options, TableColumns, choose_table_sheet, text_of
from qaplan.excel.owners import resolve_owner, split_owner_cell
from qaplan.excel.read import Row, Sheet, Value, cell_name


@dataclass(slots=True)
class Imported:
    """A plan read from one sheet, with what the user should check."""

    plan: Any  # qaplan.formats.plan.Plan
    sheet: str
    language: str
    years: list[int]
    warnings: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # activity id -> row in the sheet
    explicit_ids: set[str] = field(default_factory=set)  # ids the table itself carried


def import_table(sheets: list[Sheet], display: str, options: Options) -> Imported:
    """The plan in the chosen (or first recognisable) sheet of a workbook."""
    sheet, header_row, columns = choose_table_sheet(sheets, display, options.sheet)
    return _Builder(sheet, display, header_row, columns, options).build()


class _Builder(TableColumns):
    def __init__(self, sheet: Sheet, display: str, header_row: int, columns: list[Column],
                 options: Options) -> None:
        super().__init__(sheet, display, header_row, columns, options)
        self.guessed: list[str] = []
        self.directory = dict(options.owners)
        for entry in self.meta.get("owner", []):
            if len(entry) >= 2 and isinstance(entry[0], str) and entry[0] not in self.directory:
                self.directory[entry[0]] = text_of(entry[1]) or entry[0]
        self.new_owners: dict[str, str] = {}

    # --- rows ----------------------------------------------------------------------------------

    def build(self) -> Imported:
        criteria: list[dict[str, Any]] = []
        criterion: dict[str, Any] | None = None
        goal: dict[str, Any] | None = None
        last_goal_title = ""
        rows: dict[str, int] = {}  # activity id -> row
        activities: list[tuple[dict[str, Any], int]] = []
        for number in self.sheet.numbers():
            if number <= self.header_row:
                continue
            cells = self.sheet.row(number)
            if all(text_of(v) == "" for v in cells.values()):
                continue
            c_text, c_id = self.text(cells, V.CRITERION), self.row_id(cells, V.CRITERION_ID, number)
            g_text, g_id = self.text(cells, V.GOAL), self.row_id(cells, V.GOAL_ID, number)
            a_text = self.text(cells, V.ACTIVITY)
            new_criterion = bool(c_text) and (
                criterion is None or c_text != criterion["title"]
                or (c_id is not None and c_id != criterion.get("id"))
            )
            if new_criterion:
                criterion = {"id": c_id, "title": c_text, "goals": []}
                criteria.append(criterion)
                goal = None
            elif criterion is None:
                raise QaplanError(
                    f"{self.where(number, self.single[V.CRITERION].index)}: the first row of the "
                    "table has no criterion; fill in the criterion column"
                )
            assert criterion is not None
            if not g_text and new_criterion and a_text:
                g_text = last_goal_title  # a blank goal cell continues the value above
            new_goal = bool(g_text) and (
                goal is None or new_criterion or g_text != goal["title"]
                or (g_id is not None and g_id != goal.get("id"))
            )
            if new_goal:
                goal = {"id": g_id, "title": g_text, "activities": []}
                criterion["goals"].append(goal)
                last_goal_title = g_text
            if not a_text:
                if any(self.cell(cells, k)[0] not in (None, "") for k in (V.START, V.END, V.OWNERS)) \
                        or any(text for _, text in self.notes(cells, self.status_at)):
                    self.warn(number, self.single[V.ACTIVITY].index,
                              "the row has dates, owners or a status but no activity; ignored")
                continue
            if goal is None:
                raise QaplanError(
                    f"{self.where(number, self.single[V.GOAL].index)}: an activity without a goal; "
                    "fill in the goal column"
                )
            activity = self.activity(cells, number, a_text)
            goal["activities"].append(activity)
            activities.append((activity, number))
        if not criteria:
            raise QaplanError(
                f"{self.display}, sheet '{self.sheet.title}': the table under the header (row "
                f"{self.header_row}) has no rows"
            )
        explicit = self.assign_ids(criteria)
        for activity, number in activities:
            rows[activity["id"]] = number
        plan = self.plan(criteria)
        return Imported(plan, self.sheet.title, self.language,
                        sorted(c.year for c in self.status if c.year is not None),
                        self.warnings, self.guessed, rows, explicit)

    def activity(self, cells: Row, number: int, title: str) -> dict[str, Any]:
        activity: dict[str, Any] = {"id": self.row_id(cells, V.ACTIVITY_ID, number),
                                    "title": title}
        for kind in (V.START, V.END):
            value, index = self.cell(cells, kind)
            due = self.due(value, number, index)
            if due is not None:
                activity[kind] = due
        owners_text = self.text(cells, V.OWNERS)
        if owners_text:
            activity["owners"] = self.owners(owners_text)
        status: dict[int, dict[str, str]] = {}
        for column, note in self.notes(cells, self.status_at):
            assert column.year is not None
            if note:
                status[column.year] = {"note": note}
        for column, label in self.notes(cells, self.states_at):
            if not label:
                continue
            state = V.state_from_label(label)
            assert column.year is not None
            if state is None:
                self.warn(number, column.index, f"'{label}' is not a state (expected one of "
                          f"{', '.join(V.state_labels(self.language).values())}); left out")
                continue
            status.setdefault(column.year, {})["state"] = state
        if self.options.guess_state:
            for column, _ in self.notes(cells, self.status_at):
                assert column.year is not None
                entry = status.get(column.year)
                if entry and "state" not in entry and "note" in entry:
                    guess = V.guess_state(entry["note"], self.language)
                    if guess is not None:
                        entry["state"] = guess
                        self.guessed.append(
                            f"{cell_name(number, column.index)}: {guess} <- "
                            f"{_shorten(entry['note'])}"
                        )
        help_needed = self.text(cells, V.HELP)
        if help_needed:
            activity["help_needed"] = help_needed
        if status:
            activity["status"] = {
                year: {k: entry[k] for k in ("state", "note") if k in entry}
                for year, entry in sorted(status.items())
            }
        return activity

    def due(self, value: Value, number: int, column: int) -> str | int | None:
        from qaplan.values import Due

        if value is None or value == "":
            return None
        try:
            if isinstance(value, date):
                return Due.parse(value).text
            if isinstance(value, int):
                Due.parse(value)
                return value
            text = text_of(value)
            if not text:
                return None
            due = Due.parse(text)
            return int(text) if text.isdigit() else due.text.strip()
        except ValueError as exc:
            self.warn(number, column, f"'{text_of(value)}' is not a year, term or date ({exc}); "
                      "left out")
            return None

    def owners(self, text: str) -> list[str]:
        keys = []
        for written in split_owner_cell(text, self.directory):
            ref = resolve_owner(written, self.directory)
            if not ref.known:
                self.directory[ref.key] = ref.name
                self.new_owners[ref.key] = ref.name
            keys.append(ref.key)
        return list(dict.fromkeys(keys))

    # --- ids and the plan ----------------------------------------------------------------------

    def assign_ids(self, criteria: list[dict[str, Any]]) -> set[str]:
        """Keep the table's ids (a repeated one becomes new); give every other row a free one."""
        taken: set[str] = set()
        rows: list[tuple[dict[str, Any], Any]] = [(c, None) for c in criteria]
        for c in criteria:
            for g in c["goals"]:
                rows.append((g, c))
                rows.extend((a, g) for a in g["activities"])
        for row, _ in rows:
            if row["id"] is not None:
                if row["id"] in taken:
                    self.warnings.append(
                        f"warning: {self.display}, sheet '{self.sheet.title}': id {row['id']} "
                        "appears twice; the later row is treated as new"
                    )
                    row["id"] = None
                else:
                    taken.add(row["id"])
        explicit = set(taken)
        for index, c in enumerate(criteria, start=1):
            c["id"] = c["id"] or _free(taken, "C", index)
            for gi, g in enumerate(c["goals"], start=1):
                g["id"] = g["id"] or _free(taken, f"{c['id']}.G", gi)
                for ai, a in enumerate(g["activities"], start=1):
                    a["id"] = a["id"] or _free(taken, f"{g['id']}.A", ai)
        return explicit

    def plan(self, criteria: list[dict[str, Any]]) -> Any:
        from qaplan.formats.plan import build
        from qaplan.shape import PLAN, problems

        info: dict[str, Any] = {
            "id": self.options.plan_id or _text(self._meta_value("id")) or self.options.fallback_id,
            "title": _text(self._meta_value("title")) or self.title_row() or self.options.fallback_title,
        }
        unit = _text(self._meta_value("unit"))
        if unit:
            info["unit"] = unit
        info["language"] = self.language
        period = self.meta.get("period")
        if period and len(period[0]) == 2 and all(isinstance(v, int) for v in period[0]):
            info["period"] = {"start": period[0][0], "end": period[0][1]}
        owners: dict[str, dict[str, str]] = {}
        for entry in self.meta.get("owner", []):
            if len(entry) >= 3 and entry[2] == "declared" and isinstance(entry[0], str):
                owners[entry[0]] = {"name": text_of(entry[1]) or entry[0]}
        for key, name in self.new_owners.items():
            owners.setdefault(key, {"name": name})
        data = {"schema": "qaplan/v1", "plan": info, "owners": owners, "criteria": criteria}
        found = problems(PLAN, data)
        if found:
            first = found[0]
            raise QaplanError(
                f"{self.display}, sheet '{self.sheet.title}': the table does not make a valid "
                f"plan ({'.'.join(str(p) for p in first['loc'])}: {first['msg']}); check "
                "--plan-id and the id column"
            )
        return build(data)

    def title_row(self) -> str:
        for number in self.sheet.numbers():
            if number >= self.header_row:
                break
            for _, value in sorted(self.sheet.row(number).items()):
                text = text_of(value)
                if text:
                    return text.splitlines()[0]
        return ""


def _text(value: Value) -> str:
    return text_of(value)


def _free(taken: set[str], prefix: str, start: int) -> str:
    number = start
    while f"{prefix}{number}" in taken:
        number += 1
    taken.add(f"{prefix}{number}")
    return f"{prefix}{number}"


def _shorten(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"

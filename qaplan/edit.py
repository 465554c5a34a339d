"""In-place edits of a plan file that keep comments, key order and untouched lines (import --into).

The imported table is matched to the plan (by id, else by title) and each difference
becomes a splice into the text that was validated (`textedit.splice.TextDoc`): a value
replaced where it stands, an entry inserted after its siblings. The result must read
back as exactly the intended data, else nothing is written. Nothing is deleted:
activities missing from the table are only reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from qaplan.errors import QaplanError
from qaplan.formats.plan import Activity, Criterion, FollowUp, Goal, Plan
from qaplan.textedit.newtext import Flow
from qaplan.textedit.spans import CannotEdit
from qaplan.textedit.splice import TextDoc

_BOM = b"\xef\xbb\xbf"
_TOP_ORDER = ["schema", "plan", "owners", "criteria"]
_ROW_ORDER = ["id", "title", "goals", "activities"]
_ACTIVITY_ORDER = ["id", "title", "start", "end", "owners", "status", "help_needed"]
_FOLLOW_UP_ORDER = ["state", "note"]
Path_ = tuple[Any, ...]


@dataclass(slots=True)
class MergeReport:
    """What the merge changed (or would change) and what it left alone."""

    changes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    text: str = ""
    changed: bool = False


def _due(value: Any) -> Any:
    text = str(value)
    return int(text) if text.isdigit() else text


def _status_entry(follow_up: Any) -> dict[str, Any]:
    items: dict[str, Any] = {}
    if follow_up.state is not None:
        items["state"] = follow_up.state.value
    if follow_up.note is not None:
        items["note"] = follow_up.note
    # A multi-line note reads best as a literal block, which needs a block mapping.
    return items if "\n" in (follow_up.note or "") else Flow(items)


def _activity_map(activity: Any) -> dict[str, Any]:
    items: dict[str, Any] = {"id": activity.key, "title": activity.title}
    if activity.start is not None:
        items["start"] = _due(activity.start)
    if activity.end is not None:
        items["end"] = _due(activity.end)
    if activity.owners:
        items["owners"] = list(activity.owners)
    if activity.status:
        items["status"] = {year: _status_entry(f) for year, f in sorted(activity.status.items())}
    if activity.help_needed is not None:
        items["help_needed"] = activity.help_needed
    return items


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Merger:
    def __init__(self, existing: Any, doc: TextDoc, imported: Any, known_owners: set[str]) -> None:
        self.existing = existing
        self.doc = doc
        self.imported = imported
        self.known_owners = known_owners
        self.report = MergeReport()
        self.keys = {row.key for row in existing.rows()}
        # The keys of each parent's children ("" for the criteria), new rows included.
        self.children: dict[str, list[str]] = {"": [c.key for c in existing.criteria]}
        for row in existing.rows():
            if not isinstance(row, Activity):
                self.children[row.key] = [child.key for child in _children(row)]
        # New rows are collected per parent and spliced in once, after the parent's last child.
        self.new_activities: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self.new_goals: dict[int, list[dict[str, Any]]] = {}
        self.new_criteria: list[dict[str, Any]] = []

    def change(self, text: str) -> None:
        self.report.changes.append(text)

    def at(self, path: Path_, key: str) -> Path_:
        """`path` after checking that the entry there is the row `key` of the validated plan."""
        node = self.doc.node(path)
        found = node.entry("id") if node.kind == "map" else None
        if found is not None and found[1].value != key:
            raise CannotEdit(f"the entry at {key}'s place has id {found[1].value}")
        return path

    def _find(self, rows: list[Any], item: Any, by_id: dict[str, tuple[Any, ...]],
              used: set[str]) -> tuple[Any, ...] | None:
        if item.key in self.imported.explicit_ids and item.key in by_id and item.key not in used:
            return by_id[item.key]
        matches = [r for r in rows if _norm(r[-1].title) == _norm(item.title) and r[-1].key not in used]
        return matches[0] if len(matches) == 1 else None

    def merge(self) -> MergeReport:
        # Ids map to positions in the very text that was validated, so an edit lands on its row.
        criteria = {c.key: (ci, c) for ci, c in enumerate(self.existing.criteria)}
        goals = {g.key: (ci, gi, g) for ci, c in enumerate(self.existing.criteria)
                 for gi, g in enumerate(c.goals)}
        activities = {a.key: (ci, gi, ai, a) for ci, c in enumerate(self.existing.criteria)
                      for gi, g in enumerate(c.goals) for ai, a in enumerate(g.activities)}
        goals_of: dict[int, list[tuple[Any, ...]]] = {}
        for value in goals.values():
            goals_of.setdefault(value[0], []).append(value)
        activities_of: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
        for row in activities.values():
            activities_of.setdefault(row[:2], []).append(row)
        used: set[str] = set()
        self.new_owners()
        for criterion in self.imported.plan.criteria:
            found = self._find(list(criteria.values()), criterion, criteria, used)
            if found is None:
                self.add_criterion(criterion)
                continue
            ci, old_criterion = found
            used.add(old_criterion.key)
            self.retitle(self.at(("criteria", ci), old_criterion.key), old_criterion, criterion)
            for goal in criterion.goals:
                found_goal = self._find(goals_of.get(ci, []), goal, goals, used)
                if found_goal is None:
                    self.add_goal(old_criterion.key, goal, self.new_goals.setdefault(ci, []))
                    continue
                gci, gi, old_goal = found_goal
                used.add(old_goal.key)
                self.retitle(self.at(("criteria", gci, "goals", gi), old_goal.key), old_goal, goal)
                for activity in goal.activities:
                    found_activity = self._find(activities_of.get((gci, gi), []), activity,
                                                activities, used)
                    if found_activity is None:
                        self.add_activity(old_goal.key, activity,
                                          self.new_activities.setdefault((gci, gi), []))
                        continue
                    aci, agi, ai, old = found_activity
                    used.add(old.key)
                    path = ("criteria", aci, "goals", agi, "activities", ai)
                    self.update_activity(self.at(path, old.key), old, activity)
        self.splice_new_rows()
        for key, (_, _, _, activity) in activities.items():
            if key not in used:
                self.report.missing.append(f"{key} {activity.title!r}")
        return self.report

    def splice_new_rows(self) -> None:
        for (ci, gi), items in self.new_activities.items():
            self.doc.append(("criteria", ci, "goals", gi), "activities", items, _ROW_ORDER)
        for ci, items in self.new_goals.items():
            self.doc.append(("criteria", ci), "goals", items, _ROW_ORDER)
        if self.new_criteria:
            self.doc.append((), "criteria", self.new_criteria, _TOP_ORDER)

    def new_owners(self) -> None:
        used = {k for _, _, a in self.imported.plan.activities() for k in a.owners}
        added = {k: Flow({"name": o.name}) for k, o in self.imported.plan.owners.items()
                 if k not in self.known_owners and k not in self.existing.owners and k in used}
        if not added:
            return
        directory = self.doc.node(("owners",)) if self.doc.has((), "owners") else None
        if directory is not None and directory.kind == "map":
            for key, entry in added.items():
                self.doc.set(("owners",), key, entry, [])
        else:
            self.doc.set((), "owners", dict(added), _TOP_ORDER)
        for key, entry in added.items():
            self.change(f"owners: added {key} ({entry['name']})")

    def retitle(self, path: Path_, old: Any, new: Any) -> None:
        if old.title != new.title:
            self.doc.set(path, "title", new.title, _ACTIVITY_ORDER)
            self.change(f"{old.key}: title {old.title!r} -> {new.title!r}")

    def update_activity(self, path: Path_, old: Any, new: Any) -> None:
        self.retitle(path, old, new)
        for name in ("start", "end"):
            value = getattr(new, name)
            before = getattr(old, name)
            if value is not None and (before is None or str(before).strip() != str(value)):
                self.doc.set(path, name, _due(value), _ACTIVITY_ORDER)
                self.change(f"{old.key}: {name} {_shown(before)} -> {value}")
        if new.owners and list(new.owners) != list(old.owners):
            self.doc.set(path, "owners", list(new.owners), _ACTIVITY_ORDER)
            self.change(f"{old.key}: owners {_shown(old.owners)} -> [{', '.join(new.owners)}]")
        if new.help_needed and new.help_needed != old.help_needed:
            self.doc.set(path, "help_needed", new.help_needed, _ACTIVITY_ORDER)
            self.change(f"{old.key}: help_needed {_shown(old.help_needed)} -> {new.help_needed!r}")
        entries: dict[int, tuple[Any, Any]] = {}
        for year in self.imported.years:
            entry = new.status.get(year)
            if entry is None:
                continue
            before = old.status.get(year)
            state = entry.state if entry.state is not None else (before.state if before else None)
            if before is not None and before.state == state and before.note == entry.note:
                continue
            entries[year] = (before, FollowUp(state=state, note=entry.note))
        if entries:
            self.set_status(path, old, entries)

    def set_status(self, path: Path_, old: Any, entries: dict[int, tuple[Any, Any]]) -> None:
        status = self.doc.node((*path, "status")) if self.doc.has(path, "status") else None
        if status is None or status.kind != "map":
            self.doc.set(path, "status", {y: _status_entry(m) for y, (_, m) in entries.items()},
                         _ACTIVITY_ORDER)
        else:
            years = sorted({*old.status, *entries})
            for year, (before, merged) in entries.items():
                node = status.entry(year)
                if before is None or node is None or node[1].kind != "map":
                    self.doc.set((*path, "status"), year, _status_entry(merged), years)
                    continue
                for name, value in _status_entry(merged).items():
                    self.doc.set((*path, "status", year), name, value, _FOLLOW_UP_ORDER)
        for year, (before, merged) in entries.items():
            self.change(f"{old.key}: status {year} {_follow_up(before)} -> {_follow_up(merged)}")

    def _next_id(self, prefix: str, siblings: list[str], default_letter: str) -> str:
        letter = default_letter
        numbers = [0]
        pattern = re.compile(rf"{re.escape(prefix)}([A-Za-z]*)(\d+)\Z")
        for key in siblings:
            match = pattern.match(key)
            if match:
                letter = match.group(1)
                numbers.append(int(match.group(2)))
        number = max(numbers) + 1
        while f"{prefix}{letter}{number}" in self.keys:
            number += 1
        key = f"{prefix}{letter}{number}"
        self.keys.add(key)
        return key

    def _fresh(self, row: Criterion | Goal | Activity, prefix: str, siblings: list[str],
               letter: str) -> str:
        key: str = row.key
        if key in self.imported.explicit_ids and key not in self.keys:
            self.keys.add(key)
            return key
        return self._next_id(prefix, siblings, letter)

    def add_activity(self, goal: str, activity: Activity, into: list[dict[str, Any]]) -> None:
        """Add `activity` under the goal with key `goal`, with an id free in the plan."""
        siblings = self.children.setdefault(goal, [])
        activity = replace(activity, id=self._fresh(activity, f"{goal}.", siblings, "A"))
        siblings.append(activity.key)
        into.append(_activity_map(activity))
        self.change(f"{activity.key}: added {activity.title!r}")

    def add_goal(self, criterion: str, goal: Goal, into: list[dict[str, Any]]) -> None:
        """Add `goal` and its activities under the criterion with key `criterion`."""
        siblings = self.children.setdefault(criterion, [])
        key = self._fresh(goal, f"{criterion}.", siblings, "G")
        siblings.append(key)
        self.children[key] = []
        entry: dict[str, Any] = {"id": key, "title": goal.title, "activities": []}
        into.append(entry)
        self.change(f"{key}: added goal {goal.title!r}")
        for activity in goal.activities:
            self.add_activity(key, activity, entry["activities"])

    def add_criterion(self, criterion: Criterion) -> None:
        """Add `criterion` and everything under it at the end of the plan."""
        siblings = self.children[""]
        key = self._fresh(criterion, "", siblings, "C")
        siblings.append(key)
        self.children[key] = []
        entry: dict[str, Any] = {"id": key, "title": criterion.title, "goals": []}
        self.new_criteria.append(entry)
        self.change(f"{key}: added criterion {criterion.title!r}")
        for goal in criterion.goals:
            self.add_goal(key, goal, entry["goals"])


def _children(row: Criterion | Goal) -> tuple[Goal | Activity, ...]:
    return row.goals if isinstance(row, Criterion) else row.activities


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _follow_up(follow_up: Any) -> str:
    if follow_up is None:
        return "(none)"
    state = follow_up.state.value if follow_up.state is not None else "no state"
    note = " ".join((follow_up.note or "").split())
    if len(note) > 50:
        note = note[:49] + "…"
    return f"{state}, {note!r}" if note else state


def merge_into(raw: bytes, display: str, existing: Plan, imported: Any, known_owners: set[str],
               modeline: str) -> MergeReport:
    """Merge an imported table into the plan text `raw` (the bytes that were validated)."""
    from qaplan.loader import compose

    bom = raw.startswith(_BOM)
    text = raw[len(_BOM):].decode("utf-8") if bom else raw.decode("utf-8")
    try:
        doc = TextDoc(text, compose(text, display).data)
        report = _Merger(existing, doc, imported, known_owners).merge()
        if "yaml-language-server:" not in text.split("\n", 1)[0]:
            doc.add_modeline(modeline)
            report.changes.append("added the yaml-language-server modeline")
        new_text = doc.result()
        reread = compose(new_text, display)
        if reread.findings or reread.data != doc.data:
            raise CannotEdit("the edited text would not read back as the intended plan")
    except CannotEdit as exc:
        raise QaplanError(
            f"{display}: cannot make these changes without rewriting more of the file than the "
            f"edited entries ({exc}); nothing was written. Make the change by hand, or import "
            "the table into a new file with -o and compare"
        ) from None
    report.text = ("\ufeff" if bom else "") + new_text
    report.changed = new_text != text
    return report

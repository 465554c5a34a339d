"""In-place edits of a plan file that keep comments, key order and untouched lines (import --into).

The only user of ruamel.yaml. The file is loaded in round-trip mode, the imported
table is matched to it (by id, else by title), each difference is applied to the
node that holds it, and the text is written back atomically. Nothing is deleted:
activities missing from the table are only reported.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError

_ACTIVITY_ORDER = ("id", "title", "start", "end", "owners", "status")
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0), (4, 4, 0))


@dataclass(slots=True)
class MergeReport:
    """What the merge changed (or would change) and what it left alone."""

    changes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    text: str = ""
    changed: bool = False


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def load_round_trip(text: str, display: str) -> tuple[Any, Any]:
    """The file's data and a dumper set to the file's own indentation."""
    best: tuple[int, Any, Any] | None = None
    original = text.splitlines()
    for mapping, sequence, offset in _INDENTS:
        yaml = _yaml(mapping, sequence, offset)
        try:
            data = yaml.load(text)
        except Exception as exc:  # ruamel raises many kinds; the file was validated already
            raise QaplanError(f"{display}: cannot edit the file ({exc})") from None
        dumped = _dump(yaml, data)
        if dumped == text:
            return yaml, data
        differing = sum(1 for a, b in zip(original, dumped.splitlines()) if a != b)
        differing += abs(len(original) - len(dumped.splitlines()))
        if best is None or differing < best[0]:
            best = (differing, yaml, data)
    assert best is not None
    return best[1], best[2]


def _flow_map(items: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap(items)
    node.fa.set_flow_style()
    return node


def _flow_seq(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    node = CommentedSeq(items)
    node.fa.set_flow_style()
    return node


def _block_map(items: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(items)


def _text(value: str) -> Any:
    """A string node: a literal block for multi-line text, else plain or quoted as ruamel sees fit."""
    if "\n" in value:
        from ruamel.yaml.scalarstring import LiteralScalarString

        return LiteralScalarString(value)
    return value


def _due(value: Any) -> Any:
    text = str(value)
    return int(text) if text.isdigit() else text


def _status_entry(follow_up: Any) -> Any:
    items: dict[str, Any] = {}
    if follow_up.state is not None:
        items["state"] = follow_up.state.value
    if follow_up.note is not None:
        items["note"] = _text(follow_up.note)
    if follow_up.note is not None and "\n" in follow_up.note:
        return _block_map(items)
    return _flow_map(items)


def _activity_node(activity: Any) -> Any:
    items: dict[str, Any] = {"id": activity.key, "title": _text(activity.title)}
    if activity.start is not None:
        items["start"] = _due(activity.start)
    if activity.end is not None:
        items["end"] = _due(activity.end)
    if activity.owners:
        items["owners"] = _flow_seq(list(activity.owners))
    if activity.status:
        from ruamel.yaml.comments import CommentedMap

        status = CommentedMap()
        for year, follow_up in sorted(activity.status.items()):
            status[year] = _status_entry(follow_up)
        items["status"] = status
    return _block_map(items)


def _set_key(node: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set `key` in a mapping, inserting a new key at its place in `order`."""
    if key in node:
        node[key] = value
        return
    position = len(node)
    later = order[order.index(key) + 1:] if key in order else ()
    for index, existing in enumerate(node):
        if existing in later:
            position = index
            break
    node.insert(position, key, value)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Merger:
    def __init__(self, existing: Any, data: Any, imported: Any, known_owners: set[str]) -> None:
        self.existing = existing
        self.data = data
        self.imported = imported
        self.known_owners = known_owners
        self.report = MergeReport()
        self.keys = {row.key for row in self._rows(existing)}

    @staticmethod
    def _rows(plan: Any) -> list[Any]:
        rows: list[Any] = []
        for criterion in plan.criteria:
            rows.append(criterion)
            for goal in criterion.goals:
                rows.append(goal)
                rows.extend(goal.activities)
        return rows

    def change(self, text: str) -> None:
        self.report.changes.append(text)

    def node(self, *path: Any) -> Any:
        node = self.data
        for step in path:
            node = node[step]
        return node

    def _find(self, rows: list[Any], item: Any, by_id: dict[str, tuple[Any, ...]],
              used: set[str]) -> tuple[Any, ...] | None:
        if item.key in self.imported.explicit_ids and item.key in by_id and item.key not in used:
            return by_id[item.key]
        matches = [r for r in rows if _norm(r[-1].title) == _norm(item.title) and r[-1].key not in used]
        return matches[0] if len(matches) == 1 else None

    def merge(self) -> MergeReport:
        criteria = {c.key: (ci, c) for ci, c in enumerate(self.existing.criteria)}
        goals = {g.key: (ci, gi, g) for ci, c in enumerate(self.existing.criteria)
                 for gi, g in enumerate(c.goals)}
        activities = {a.key: (ci, gi, ai, a) for ci, c in enumerate(self.existing.criteria)
                      for gi, g in enumerate(c.goals) for ai, a in enumerate(g.activities)}
        used: set[str] = set()
        self.new_owners()
        for criterion in self.imported.plan.criteria:
            found = self._find(list(criteria.values()), criterion, criteria, used)
            if found is None:
                self.add_criterion(criterion)
                continue
            ci, old_criterion = found
            used.add(old_criterion.key)
            self.retitle(("criteria", ci), old_criterion, criterion)
            for goal in criterion.goals:
                candidates = [v for v in goals.values() if v[0] == ci]
                found_goal = self._find(candidates, goal, goals, used)
                if found_goal is None:
                    self.add_goal(ci, old_criterion, goal)
                    continue
                gci, gi, old_goal = found_goal
                used.add(old_goal.key)
                self.retitle(("criteria", gci, "goals", gi), old_goal, goal)
                for activity in goal.activities:
                    siblings = [v for v in activities.values() if v[:2] == (gci, gi)]
                    found_activity = self._find(siblings, activity, activities, used)
                    if found_activity is None:
                        self.add_activity(gci, gi, old_goal, activity)
                        continue
                    aci, agi, ai, old = found_activity
                    used.add(old.key)
                    self.update_activity(("criteria", aci, "goals", agi, "activities", ai), old,
                                         activity)
        for key, (_, _, _, activity) in activities.items():
            if key not in used:
                self.report.missing.append(f"{key} {activity.title!r}")
        return self.report

    def new_owners(self) -> None:
        from ruamel.yaml.comments import CommentedMap

        added = {k: o for k, o in self.imported.plan.owners.items()
                 if k not in self.known_owners and k not in self.existing.owners}
        used = {k for _, _, a in self.imported.plan.activities() for k in a.owners}
        for key, owner in added.items():
            if key not in used:
                continue
            if "owners" not in self.data or self.data["owners"] is None:
                _set_key(self.data, "owners", CommentedMap(), ("schema", "plan", "owners",
                                                               "criteria"))
            self.data["owners"][key] = _flow_map({"name": owner.name})
            self.change(f"owners: added {key} ({owner.name})")

    def retitle(self, path: tuple[Any, ...], old: Any, new: Any) -> None:
        if old.title != new.title:
            self.node(*path)["title"] = _text(new.title)
            self.change(f"{old.key}: title {old.title!r} -> {new.title!r}")

    def update_activity(self, path: tuple[Any, ...], old: Any, new: Any) -> None:
        node = self.node(*path)
        self.retitle(path, old, new)
        for name in ("start", "end"):
            value = getattr(new, name)
            before = getattr(old, name)
            if value is not None and (before is None or str(before).strip() != str(value)):
                _set_key(node, name, _due(value), _ACTIVITY_ORDER)
                self.change(f"{old.key}: {name} {_shown(before)} -> {value}")
        if new.owners and list(new.owners) != list(old.owners):
            _set_key(node, "owners", _flow_seq(list(new.owners)), _ACTIVITY_ORDER)
            self.change(f"{old.key}: owners {_shown(old.owners)} -> [{', '.join(new.owners)}]")
        for year in self.imported.years:
            entry = new.status.get(year)
            if entry is None:
                continue
            before = old.status.get(year)
            state = entry.state if entry.state is not None else (before.state if before else None)
            if before is not None and before.state == state and before.note == entry.note:
                continue
            from qaplan.model import FollowUp

            merged = FollowUp(state=state, note=entry.note)
            if "status" not in node or node["status"] is None:
                from ruamel.yaml.comments import CommentedMap

                _set_key(node, "status", CommentedMap(), _ACTIVITY_ORDER)
            status = node["status"]
            if year in status and hasattr(status[year], "fa") and before is not None:
                target = status[year]
                for name, value in (("state", merged.state.value if merged.state else None),
                                    ("note", merged.note)):
                    if value is None:
                        continue
                    if name in target:
                        target[name] = _text(value) if name == "note" else value
                    else:
                        target.insert(0 if name == "state" else len(target), name,
                                      _text(value) if name == "note" else value)
            else:
                later = [index for index, existing in enumerate(status) if existing > year]
                status.insert(later[0] if later else len(status), year, _status_entry(merged))
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

    def _fresh(self, row: Any, prefix: str, siblings: list[str], letter: str) -> str:
        key: str = row.key
        if key in self.imported.explicit_ids and key not in self.keys:
            self.keys.add(key)
            return key
        return self._next_id(prefix, siblings, letter)

    def _sequence(self, node: Any, key: str, order: tuple[str, ...]) -> Any:
        from ruamel.yaml.comments import CommentedSeq

        if key not in node or node[key] is None or (len(node[key]) == 0):
            _set_key(node, key, CommentedSeq(), order)
        return node[key]

    def add_activity(self, ci: int, gi: int, goal: Any, activity: Any) -> None:
        siblings = [a.key for a in goal.activities]
        activity = activity.model_copy()
        activity.id = self._fresh(activity, f"{goal.key}.", siblings, "A")
        goal.activities.append(activity)
        goal_node = self.node("criteria", ci, "goals", gi)
        self._sequence(goal_node, "activities", ("id", "title", "activities")).append(
            _activity_node(activity))
        self.change(f"{activity.key}: added {activity.title!r}")

    def add_goal(self, ci: int, criterion: Any, goal: Any) -> None:
        goal = goal.model_copy(deep=True)
        goal.id = self._fresh(goal, f"{criterion.key}.", [g.key for g in criterion.goals], "G")
        criterion.goals.append(goal)
        node = _block_map({"id": goal.key, "title": _text(goal.title)})
        crit_node = self.node("criteria", ci)
        self._sequence(crit_node, "goals", ("id", "title", "goals")).append(node)
        self.change(f"{goal.key}: added goal {goal.title!r}")
        activities = list(goal.activities)
        goal.activities = []
        for activity in activities:
            self.add_activity(ci, len(criterion.goals) - 1, goal, activity)

    def add_criterion(self, criterion: Any) -> None:
        criterion = criterion.model_copy(deep=True)
        criterion.id = self._fresh(criterion, "", [c.key for c in self.existing.criteria], "C")
        self.existing.criteria.append(criterion)
        node = _block_map({"id": criterion.key, "title": _text(criterion.title)})
        self._sequence(self.data, "criteria", ("schema", "plan", "owners", "criteria")).append(node)
        self.change(f"{criterion.key}: added criterion {criterion.title!r}")
        goals = list(criterion.goals)
        criterion.goals = []
        for goal in goals:
            self.add_goal(len(self.existing.criteria) - 1, criterion, goal)


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
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


def merge_into(path: Path, display: str, existing: Any, imported: Any, known_owners: set[str],
               modeline: str) -> MergeReport:
    """Merge an imported table into the plan file at `path`; return the new text and the changes."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    yaml, data = load_round_trip(text, display)
    existing = existing.model_copy(deep=True)
    report = _Merger(existing, data, imported, known_owners).merge()
    new_text = _dump(yaml, data) if report.changes else text
    if "yaml-language-server:" not in text.split("\n", 1)[0]:
        new_text = modeline + "\n" + new_text
        report.changes.append("added the yaml-language-server modeline")
    report.text = ("\ufeff" if bom else "") + new_text
    report.changed = report.text != ("\ufeff" if bom else "") + text
    return report

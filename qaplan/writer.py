"""Plan -> YAML text in the house style (the one the example plans use), with the schema modeline.

A small emitter of its own rather than a YAML library's: it writes keys in the
schema's order, short entries in flow style (`owners: [PD, OEK]`,
`2024: {state: done, note: …}`), long notes as literal blocks, and quotes exactly
what qaplan's YAML 1.2 reader would otherwise read as something other than text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from qaplan.loader import resolve_plain
from qaplan.repo import git_root

SCHEMA_FILE = ("schemas", "plan.schema.json")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = set(",[]{}")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
# Numbers in any notation stay quoted, even where qaplan's reader would keep them as text.
_NUMBER_LIKE = re.compile(r"[-+.]?[0-9][0-9_.:eExXoObB+-]*")


def repository_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding schemas/plan.schema.json, else .git."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if directory.joinpath(*SCHEMA_FILE).is_file():
            return directory
    return git_root(start) or start


def modeline(target_dir: Path) -> str:
    """The yaml-language-server comment for a plan written into `target_dir`."""
    root = repository_root(target_dir)
    schema = root.joinpath(*SCHEMA_FILE)
    relative = Path(os.path.relpath(schema, target_dir.resolve())).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def plan_yaml(plan: Any, target_dir: Path) -> str:
    """The plan file's text: modeline, then schema, plan, owners, criteria."""
    lines = [modeline(target_dir), "schema: qaplan/v1", "plan:"]
    info = plan.plan
    lines.append(f"  id: {scalar(info.id)}")
    lines.append(f"  title: {scalar(info.title)}")
    if info.unit is not None:
        lines.append(f"  unit: {scalar(info.unit)}")
    if info.language is not None:
        lines.append(f"  language: {info.language}")
    if info.period is not None:
        lines.append(f"  period: {{start: {info.period.start}, end: {info.period.end}}}")
    if info.closed is not None:
        lines.append(f"  closed: {scalar(info.closed.isoformat())}")
    if plan.owners:
        lines.append("owners:")
        for key, owner in plan.owners.items():
            fields = [("name", owner.name)]
            if owner.description is not None:
                fields.append(("description", owner.description))
            if owner.email is not None:
                fields.append(("email", owner.email))
            lines.extend(_entry(f"  {scalar(key)}:", fields, "    "))
    if not plan.criteria:
        lines.append("criteria: []")
        return "\n".join(lines) + "\n"
    lines.append("criteria:")
    for criterion in plan.criteria:
        lines.append(f"  - id: {scalar(criterion.key)}")
        lines.extend(_field("    ", "title", criterion.title))
        lines.extend(_covers("    ", criterion.covers))
        if not criterion.goals:
            lines.append("    goals: []")
            continue
        lines.append("    goals:")
        for goal in criterion.goals:
            lines.append(f"      - id: {scalar(goal.key)}")
            lines.extend(_field("        ", "title", goal.title))
            lines.extend(_covers("        ", goal.covers))
            if not goal.activities:
                lines.append("        activities: []")
                continue
            lines.append("        activities:")
            for activity in goal.activities:
                lines.extend(activity_lines(activity, "          "))
    return "\n".join(lines) + "\n"


def activity_lines(activity: Any, indent: str) -> list[str]:
    """One activity as a list item at `indent` (the dash's column)."""
    inner = indent + "  "
    lines = [f"{indent}- id: {scalar(activity.key)}"]
    lines.extend(_field(inner, "title", activity.title))
    if activity.continues is not None:
        lines.append(f"{inner}continues: {scalar(activity.continues)}")
    for name in ("start", "end"):
        due = getattr(activity, name)
        if due is not None:
            text = due.text
            lines.append(f"{inner}{name}: {text if text.isdigit() else scalar(text)}")
    if activity.owners:
        lines.append(f"{inner}owners: [{', '.join(scalar(k, flow=True) for k in activity.owners)}]")
    if activity.status:
        lines.append(f"{inner}status:")
        for year, follow_up in sorted(activity.status.items()):
            fields: list[tuple[str, str]] = []
            if follow_up.state is not None:
                fields.append(("state", follow_up.state.value))
            if follow_up.note is not None:
                fields.append(("note", follow_up.note))
            lines.extend(_entry(f"{inner}  {year}:", fields, inner + "    "))
    if activity.help_needed is not None:
        lines.extend(_field(inner, "help_needed", activity.help_needed))
    return lines


def _entry(head: str, fields: list[tuple[str, str]], indent: str) -> list[str]:
    """`head {a: x, b: y}` when it fits on one line, else a block mapping at `indent`."""
    if not fields:
        return [f"{head} {{}}"]
    if all("\n" not in value for _, value in fields):
        inner = ", ".join(f"{name}: {scalar(value, flow=True)}" for name, value in fields)
        return [f"{head} {{{inner}}}"]
    lines = [head]
    for name, value in fields:
        lines.extend(_field(indent, name, value))
    return lines


def _covers(indent: str, items: tuple[str, ...]) -> list[str]:
    """A row's `covers: [esg:1.3, ...]` line, when it covers catalogue items."""
    if not items:
        return []
    return [f"{indent}covers: [{', '.join(scalar(item, flow=True) for item in items)}]"]


def _field(indent: str, name: str, value: str) -> list[str]:
    if "\n" in value and literal_ok(value):
        return [f"{indent}{name}: |-", *(f"{indent}  {line}" if line else "" for line in
                                          value.split("\n"))]
    return [f"{indent}{name}: {scalar(value)}"]


def literal_ok(value: str) -> bool:
    """Whether `value` can be written as a literal block (`|-`) and read back the same."""
    return (
        not _NEEDS_ESCAPE.search(value)
        and "\t" not in value
        and not value[:1].isspace()
        and not value[-1:].isspace()
    )


def scalar(value: Any, flow: bool = False) -> str:
    """A scalar as YAML: plain when qaplan reads it back as the same text, else double-quoted."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"cannot write {value!r}")
    if isinstance(value, int):
        return str(value)
    if _plain_ok(value, flow):
        return value
    return double_quoted(value)


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text[0] in _INDICATORS or text != text.strip():
        return False
    if "\n" in text or "\t" in text or ": " in text or " #" in text or text.endswith(":"):
        return False
    if _NEEDS_ESCAPE.search(text):
        return False
    if flow and any(ch in _FLOW_INDICATORS or ch in ":#?" for ch in text):
        return False
    if _NUMBER_LIKE.fullmatch(text):
        return False
    resolved = resolve_plain(text)
    return isinstance(resolved, str) and resolved == text


def double_quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar, with escapes for what cannot stand raw."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _NEEDS_ESCAPE.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)

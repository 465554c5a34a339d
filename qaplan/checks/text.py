"""Control characters in plan text: invisible in an editor, active in a terminal or a CI log.

YAML refuses most of them written raw, but a double-quoted `"\\e[31m"`, `"\\x01"` or
`"\\u202e"` puts them in a title, a note or a key, from where they would recolour a
terminal, start a CI workflow command on a line of their own, or reorder what a reader
sees. Every message escapes them (`qaplan.values.printable`); this check says where they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.loader import Path_

# What `qaplan.values.printable` escapes, but for line breaks and tabs, which are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Written raw, only these pass YAML's reader; every other one needs an escape (a backslash).
_RAW = re.compile(r"[\\\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHOWN = 60

QP206 = Code(
    "QP206", "warning", "control character in text",
    "{where} holds the control character {char}: '{text}'",
    what="A title, note, name or key holds a control character (such as ESC, written `\\e` or "
    "`\\x1b` in a double-quoted string), a Unicode line separator or a bidirectional override.",
    why="They are invisible in an editor, but in a terminal, a CI log or a job summary they can "
    "recolour text, move the cursor, start a workflow command or reorder what readers see, "
    "and Excel refuses them.",
    fix="Remove the character; write the text in plain characters.",
)

CODES = (QP206,)


def _scalars(data: Any) -> Iterator[tuple[Path_, bool, str]]:
    """(path, is a key, text) for every text key and value, keys first."""
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, False, node
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str):
                    yield path + (key,), True, key
                stack.append((path + (key,), value))
        elif isinstance(node, list):
            stack.extend((path + (index,), value) for index, value in enumerate(node))


def no_control_characters(ctx: PlanContext) -> Iterator[Finding]:
    if not _RAW.search(ctx.doc.text):
        return
    for path, is_key, text in _scalars(ctx.doc.data):
        match = _CONTROL.search(text)
        if match is None:
            continue
        shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
        yield ctx.at(path, QP206, on_key=is_key, char=match.group(),
                     where="key" if is_key else "text", text=shown)


CHECKS: tuple[Check, ...] = (no_control_characters,)

"""Checks of the yearly milestones (årshjul) in qaplan.yaml's `calendar:`."""

from __future__ import annotations

from typing import Any

from qaplan.codes import Code, Finding
from qaplan.loader import Document

QP611 = Code(
    "QP611", "error", "milestone without one date", "calendar: {detail}",
    what="A milestone under `calendar:` in qaplan.yaml has neither `date` nor `month_day`, or "
    "both.",
    why="`qaplan calendar` puts each milestone on its day: a fixed `date` (2025-06-15) once, or a "
    "`month_day` (\"06-15\") every year; without one it has no day, and with both it is unclear "
    "which is meant.",
    fix="Keep exactly one: `date: 2025-06-15` or `month_day: \"06-15\"`.",
)
QP612 = Code(
    "QP612", "warning", "milestone twice", "calendar: '{title}' on {day} is listed twice",
    what="Two milestones under `calendar:` have the same title and day.",
    why="A calendar event's identity is its day and title, so the second would only repeat the "
    "first in people's calendars.",
    fix="Remove one of them, or tell them apart in the title.",
)

CODES = (QP611, QP612)


def milestone_checks(doc: Document, config: dict[str, Any]) -> list[Finding]:
    """Every milestone has exactly one of date and month_day, and none is listed twice."""
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for index, milestone in enumerate(config.get("calendar") or ()):
        day, month_day = milestone.get("date"), milestone.get("month_day")
        if day is None and month_day is None:
            line, col = doc.value_position(("calendar", index))
            found.append(QP611.at(doc.file, line, col, detail=(
                f"'{milestone['title']}' has no day; add date: 2025-06-15 or month_day: \"06-15\"")))
            continue
        if day is not None and month_day is not None:
            line, col = doc.key_position(("calendar", index, "month_day"))
            found.append(QP611.at(doc.file, line, col, detail=(
                f"'{milestone['title']}' has both date and month_day; keep one")))
            continue
        key = (str(milestone["title"]).strip(), str(day or month_day))
        if key in seen:
            line, col = doc.value_position(("calendar", index))
            found.append(QP612.at(doc.file, line, col, title=key[0], day=key[1]))
        seen.add(key)
    return found

"""Feedback to stakeholders: declared stakeholders and channels, dates that have happened,
communication of finished work to those who must hear it.

The same rules hold for an activity and a deviation case: `record_findings` takes one
record's `feedback` and `communicated`, so the deviation checks call it too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from datetime import date

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.formats.feedback import Communication
from qaplan.loader import Document, Path_

TYPE_CHECKING = False
if TYPE_CHECKING:  # the typed qaplan.yaml is built only where there is one
    from qaplan.formats.config import Config

_DECLARE = (
    "Declare it in qaplan.yaml (`stakeholders: {students: {name: Studenter}}`, "
    "`channels: {web: {name: Webbplatsen}}`), or correct the key."
)
QP601 = Code(
    "QP601", "error", "undeclared stakeholder", "stakeholder '{key}' is not declared{hint}",
    what="`feedback` or a `communicated` entry's `to` names a stakeholder that qaplan.yaml does "
    "not declare under `stakeholders:`.",
    why="`qaplan feedback` groups open loops per stakeholder and names each; an unknown key is "
    "usually a typing error, and the loop would be reported to nobody.",
    fix=_DECLARE,
)
QP602 = Code(
    "QP602", "error", "undeclared channel", "channel '{key}' is not declared{hint}",
    what="A `communicated` entry's `channel` names a channel that qaplan.yaml does not declare "
    "under `channels:`.",
    why="The communication plan names the channels results are fed back through; an unknown key "
    "is usually a typing error.",
    fix=_DECLARE,
)
QP603 = Code(
    "QP603", "error", "communication date in the future",
    "communication date {date} is after today ({today})",
    what="A `communicated` entry is dated after today (`validate --as-of` stands for today).",
    why="`communicated` records what has happened; a future date is a typing error, or a plan "
    "that would close the loop before anyone has been told.",
    fix="Correct the date, or add the entry once the stakeholders have been told.",
)
QP604 = Code(
    "QP604", "warning", "communicated before the work is finished",
    "result communicated to '{key}', but the {what} is not finished",
    what="An activity whose latest follow-up is not `done` or `cancelled`, or a deviation case "
    "that is not closed or rejected, records a `communicated` entry.",
    why="`communicated` records that a result was fed back; before the work is finished there is "
    "no result yet, so the entry is often meant for another activity or case.",
    fix="Move the entry to the finished work it belongs to, or record the follow-up that says "
    "the work is done.",
)
QP605 = Code(
    "QP605", "warning", "communicated to a stakeholder not in feedback",
    "result communicated to '{key}', who is not among this {what}'s `feedback`",
    what="A `communicated` entry's `to` is not listed in the same activity's (or case's) "
    "`feedback`.",
    why="`feedback` says who must hear the result and is what `qaplan feedback` checks; a "
    "stakeholder told but not listed is usually missing from it.",
    fix="Add the stakeholder to `feedback`, or correct `to`.",
)
QP606 = Code(
    "QP606", "warning", "communication without a date", "communication to '{key}' has no date",
    what="A `communicated` entry has no `date`.",
    why="`qaplan feedback` counts an undated entry as on time, since it cannot tell when the "
    "stakeholders were told.",
    fix="Add `date: YYYY-MM-DD`, the day the result was communicated.",
)

CODES = (QP601, QP602, QP603, QP604, QP605, QP606)


def _hint(key: str, declared: Mapping[str, object], section: str, config_file: str | None) -> str:
    if not declared:
        where = config_file or "qaplan.yaml"
        return f"; no {section} are declared: add `{section}:` to {where}"
    close = difflib.get_close_matches(key, sorted(declared), n=1, cutoff=0.6)
    suggestion = f" (did you mean '{close[0]}'?)" if close else ""
    return f" in {config_file or 'qaplan.yaml'}{suggestion}"


def record_findings(
    doc: Document, config: Config | None, config_file: str | None, today: date, *,
    what: str, path: Path_, feedback: tuple[str, ...],
    communicated: tuple[Communication, ...], finished: bool,
) -> Iterator[Finding]:
    """The findings of one record's `feedback` (at `path` + "feedback") and `communicated`;
    `what` names the record in messages ("activity", "case"), `finished` says whether it is."""
    stakeholders = config.stakeholders if config else {}
    channels = config.channels if config else {}
    file, place = doc.file, doc.value_position
    for index, key in enumerate(feedback):
        if key not in stakeholders:
            yield QP601.at(file, *place((*path, "feedback", index)), key=key,
                           hint=_hint(key, stakeholders, "stakeholders", config_file))
    for entry in communicated:
        if entry.to not in stakeholders:
            yield QP601.at(file, *place((*entry.path, "to")), key=entry.to,
                           hint=_hint(entry.to, stakeholders, "stakeholders", config_file))
        elif entry.to not in feedback:
            yield QP605.at(file, *place((*entry.path, "to")), key=entry.to, what=what)
        if entry.channel is not None and entry.channel not in channels:
            yield QP602.at(file, *place((*entry.path, "channel")), key=entry.channel,
                           hint=_hint(entry.channel, channels, "channels", config_file))
        if entry.date is None:
            yield QP606.at(file, *place(entry.path), key=entry.to)
        elif entry.date > today:
            yield QP603.at(file, *place((*entry.path, "date")), date=entry.date.isoformat(),
                           today=today.isoformat())
        if not finished:
            yield QP604.at(file, *place(entry.path), key=entry.to, what=what)


def activity_feedback(ctx: PlanContext) -> Iterator[Finding]:
    if ctx.config_unreadable:
        return  # the names may be declared in qaplan.yaml, whose error is reported there
    for activity in ctx.activities():
        if activity.feedback or activity.communicated:
            yield from record_findings(
                ctx.doc, ctx.config, ctx.config_file, ctx.as_of, what="activity",
                path=activity.path, feedback=activity.feedback,
                communicated=activity.communicated, finished=activity.finished(ctx.as_of.year),
            )


CHECKS: tuple[Check, ...] = (activity_feedback,)

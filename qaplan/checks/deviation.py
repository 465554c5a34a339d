"""The checks of a deviation case (QP5xx): its handling in order, its dates, its keys, no personal data.

The rules follow the seed's case flow: first line rejects with a reason or passes the case on;
the faculty's quality contact assesses the consequence and adds measures with an owner and a
deadline; each owner marks a measure done with what was done; the contact closes the case with
the final handling. Health and safety and whistle-blowing cases have routes of their own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.checks.feedback import record_findings
from qaplan.checks.personal_data import personal_data_places
from qaplan.codes import Code, Finding
from qaplan.formats.deviation import HANDLED_HERE, OTHER_ROUTE, Deviation, Measure
from qaplan.loader import Document, Path_

TYPE_CHECKING = False
if TYPE_CHECKING:  # the typed qaplan.yaml is built only where there is one
    from qaplan.formats.config import Config

CASE: Path_ = ("deviation",)


@dataclass(frozen=True, slots=True)
class CaseContext:
    """One case as the checks see it: its typed value, its document for positions, its scope."""

    doc: Document
    case: Deviation
    config: Config | None
    config_file: str | None
    today: date  # today, or `validate --as-of`
    config_unreadable: bool = False

    def at(self, path: Path_, code: Code, **fields: Any) -> Finding:
        """A finding of `code` at the value `path` leads to (its nearest written ancestor)."""
        line, col = self.doc.value_position(path)
        return code.at(self.doc.file, line, col, **fields)


CaseCheck = Callable[[CaseContext], Iterable[Finding]]

_FLOW = "The case flow of the deviation routine (first line, faculty contact, measure owner)"
QP501 = Code(
    "QP501", "error", "closed case with an open measure",
    "the case is closed but measure '{measure}' is still {state}",
    what="A case has `state: closed` while one of its measures is `proposed` or `accepted`.",
    why=f"{_FLOW} closes a case only when every measure is done or declined; the register would "
    "show the work as finished while it is not.",
    fix="Mark the measure `done` (with `done: {date, note}`) or `declined`, or keep the case "
    "`in-progress`.",
)
QP502 = Code(
    "QP502", "warning", "closed case without a closing note",
    "the case is closed without a closing note (closing: {{date, note}})",
    what="A closed case has no `closing.note`, the final handling.",
    why="The note is what the reporter and later readers learn of the outcome; without it the "
    "register says that a case ended but not how.",
    fix="Write `closing: {date: 2025-06-01, note: \"What was done and how it went.\"}`.",
)
QP503 = Code(
    "QP503", "warning", "closed case without a closing date",
    "the case is closed without a closing date (closing: {{date, note}})",
    what="A closed case has no `closing.date`.",
    why="The register report measures the days from report to closing; an undated closing "
    "drops out of that median.",
    fix="Add the date the case was closed: `closing: {date: 2025-06-01, note: ...}`.",
)
QP504 = Code(
    "QP504", "warning", "rejected case without a reason",
    "the case is rejected without a reason (rejection: ...)",
    what="A case has `state: rejected` and no `rejection`.",
    why="The routine says the reporter is always told why a case is not handled, and offered help "
    "to bring it to the right place.",
    fix="Write the reason under `rejection:` (e.g. \"Not about education; sent to the library.\").",
)
QP505 = Code(
    "QP505", "error", "rejected case with an accepted measure",
    "the case is rejected but measure '{measure}' is {state}",
    what="A rejected case has a measure that is `accepted` or `done`.",
    why="A rejected case is not handled, so no measure can have been taken on it; one of the two "
    "is wrong.",
    fix="Decline the measure, or set the case `in-progress` and remove the rejection.",
)
QP506 = Code(
    "QP506", "warning", "no consequence assessed",
    "the case is in progress in '{category}' without a consequence (low, medium or high)",
    what="A case in progress about education quality or the learning environment has no "
    "`consequence`.",
    why="The faculty's contact assesses how serious a case is when approving it for handling; "
    "the register cannot be sorted by it otherwise.",
    fix="Add `consequence: low`, `medium` or `high`.",
)
QP507 = Code(
    "QP507", "warning", "no measure with an owner and a deadline",
    "the case is in progress in '{category}' without a measure that has an owner and a deadline",
    what="A case in progress about education quality or the learning environment has no measure "
    "with both an `owner` and a `deadline`.",
    why="Reminders go to a measure's owner when its deadline passes (`qaplan overdue`); a case "
    "without one is followed up by nobody.",
    fix="Add a measure: `measures: [{title: ..., owner: EA, deadline: 2025-09-01}]`.",
)
QP508 = Code(
    "QP508", "warning", "case belongs to another route",
    "'{category}' cases follow another route: {route}",
    what="A case that is not rejected has the category `hms` or `whistleblowing`.",
    why="Health and safety cases go to the faculty's HMS coordinator, and whistle-blowing has its "
    "own channel with its own protection; neither is handled in this register.",
    fix="Pass the case on and reject it here with a `rejection` that says where it went, or "
    "correct the category.",
)
QP509 = Code(
    "QP509", "warning", "personnel matter without consultation",
    "the case is a personnel matter but 'consulted' does not say who was consulted",
    what="A case has `personnel_matter: true` and no `consulted`.",
    why="The routine says the head of department is always consulted before a case of a "
    "personnel nature is handled further.",
    fix="Write the role consulted: `consulted: head of department`.",
)
QP510 = Code(
    "QP510", "error", "deadline before the report",
    "measure '{measure}' has its deadline {deadline} before the case was reported ({reported})",
    what="A measure's `deadline` falls before the case's `reported` date.",
    why="A deadline before the case existed is a typing error, and makes the measure overdue "
    "from the day it is written.",
    fix="Correct the deadline or the reported date.",
)
QP511 = Code(
    "QP511", "error", "date before the report", "{what} {value} is before the case was "
    "reported ({reported})",
    what="A measure's `done.date` or the case's `closing.date` falls before its `reported` date.",
    why="Nothing can be done about a case before it is reported; the date is wrong, and the "
    "days to closing would be negative.",
    fix="Correct the date.",
)
QP512 = Code(
    "QP512", "error", "date in the future", "{what} {value} is after today ({today})",
    what="The case's `reported` date, a measure's `done.date` or the `closing.date` is after "
    "today (or the date `validate --as-of` gives).",
    why="A case cannot be reported, handled or closed on a day that has not come; the register's "
    "ages and medians would be wrong.",
    fix="Correct the date.",
)
QP513 = Code(
    "QP513", "error", "unknown unit", "unit '{unit}' is not in the units tree of {config}{hint}",
    what="The case's `unit` names no key of the `units` tree in `qaplan.yaml`.",
    why="The register report counts open cases per unit up the units tree; a case with an "
    "unknown unit would drop out.",
    fix="Use a key of `units`, or add the unit to `qaplan.yaml`.",
)
QP514 = Code(
    "QP514", "error", "undeclared owner",
    "{field} '{owner}' is not declared in the owners of qaplan.yaml{hint}",
    what="A case's `handler`, a measure's `owner` or a key under `informed` is not an owner key "
    "of `qaplan.yaml`.",
    why="`overdue` lists measures per owner and names each owner; an unknown key is usually a "
    "typing error, and its reminders would reach nobody.",
    fix="Declare the owner under `owners:` in `qaplan.yaml` (`EA: {name: Emneansvarlig}`), or "
    "correct the key.",
)
QP515 = Code(
    "QP515", "error", "personal data in a case", "personal data in a case: {what} '{value}'",
    what="Free text in a deviation case holds an e-mail address, a Swedish or Norwegian identity "
    "number or a phone number (the same detector as QP301-QP304).",
    why="The routine is plain: personal data is never registered in the deviation system. Cases "
    "are about people more than plans are, so this is an error here, not a warning. The finding "
    "masks the value.",
    fix="Remove it; name roles (course leader, head of department), never the people involved.",
)
QP516 = Code(
    "QP516", "error", "measure id used twice",
    "measure id '{id}' is used twice in the case (first at line {first_line})",
    what="Two measures of one case have the same `id` (written, or derived as M1, M2...).",
    why="`overdue`, the register and `diff --rev` name a measure by its case and id; two with one "
    "id would be mixed up.",
    fix="Give one of the measures another id.",
)
QP517 = Code(
    "QP517", "warning", "done measure without a note",
    "measure '{measure}' is done without a note of what was done (done: {{date, note}})",
    what="A measure has `state: done` and no `done.note`.",
    why="The owner describes what was done and how it went when marking a measure done; the "
    "contact reads it before closing the case.",
    fix="Add `done: {date: 2025-05-20, note: \"What was done and how it went.\"}`.",
)

CODES = (QP501, QP502, QP503, QP504, QP505, QP506, QP507, QP508, QP509, QP510, QP511, QP512,
         QP513, QP514, QP515, QP516, QP517)

_ROUTES = {"hms": "the faculty's HMS coordinator (health, environment and safety)",
           "whistleblowing": "the whistle-blowing channel"}


def _measure_path(measure: Measure, *rest: Any) -> Path_:
    return (*measure.path, *rest)


def handling(ctx: CaseContext) -> Iterator[Finding]:
    """What each state needs: closed, rejected and in-progress cases, and done measures."""
    case = ctx.case
    if case.state == "closed":
        for measure in case.measures:
            if measure.open:
                yield ctx.at(_measure_path(measure, "state"), QP501, measure=measure.id,
                             state=measure.state)
        if case.closing is None or not (case.closing.note or "").strip():
            yield ctx.at((*CASE, "closing", "note") if case.closing else (*CASE, "state"), QP502)
        if case.closing is None or case.closing.date is None:
            yield ctx.at((*CASE, "closing") if case.closing else (*CASE, "state"), QP503)
    elif case.state == "rejected":
        if not (case.rejection or "").strip():
            yield ctx.at((*CASE, "state"), QP504)
        for measure in case.measures:
            if measure.state in ("accepted", "done"):
                yield ctx.at(_measure_path(measure, "state"), QP505, measure=measure.id,
                             state=measure.state)
    elif case.state == "in-progress" and case.category in HANDLED_HERE:
        if case.consequence is None:
            yield ctx.at((*CASE, "state"), QP506, category=case.category)
        if not any(m.owner and m.deadline for m in case.measures if m.state != "declined"):
            yield ctx.at((*CASE, "measures") if case.measures else (*CASE, "state"), QP507,
                         category=case.category)
    for measure in case.measures:
        if measure.state == "done" and (measure.done is None or not (measure.done.note or "").strip()):
            yield ctx.at(_measure_path(measure, "done") if measure.done else
                         _measure_path(measure, "state"), QP517, measure=measure.id)


def route(ctx: CaseContext) -> Iterator[Finding]:
    """HMS and whistle-blowing cases that are still here, and personnel matters."""
    case = ctx.case
    if case.category in OTHER_ROUTE and case.state != "rejected":
        yield ctx.at((*CASE, "category"), QP508, category=case.category,
                     route=_ROUTES[case.category])
    if case.personnel_matter and not (case.consulted or "").strip():
        yield ctx.at((*CASE, "personnel_matter"), QP509)


def dates(ctx: CaseContext) -> Iterator[Finding]:
    """Reported first, then deadlines and what was done; nothing after today."""
    case, today = ctx.case, ctx.today
    reported = case.reported
    if reported > today:
        yield ctx.at((*CASE, "reported"), QP512, what="reported", value=str(reported),
                     today=str(today))
    for measure in case.measures:
        if measure.deadline is not None and measure.deadline.due_date < reported:
            yield ctx.at(_measure_path(measure, "deadline"), QP510, measure=measure.id,
                         deadline=str(measure.deadline), reported=str(reported))
        done = measure.done.date if measure.done else None
        yield from _dated(ctx, _measure_path(measure, "done", "date"),
                          f"measure '{measure.id}' done", done)
    yield from _dated(ctx, (*CASE, "closing", "date"), "closing date",
                      case.closing.date if case.closing else None)


def _dated(ctx: CaseContext, path: Path_, what: str, day: date | None) -> Iterator[Finding]:
    if day is None:
        return
    if day < ctx.case.reported:
        yield ctx.at(path, QP511, what=what, value=str(day), reported=str(ctx.case.reported))
    elif day > ctx.today:
        yield ctx.at(path, QP512, what=what, value=str(day), today=str(ctx.today))


def known_keys(ctx: CaseContext) -> Iterator[Finding]:
    """The unit in the units tree; handler, measure owners and informed among the owners."""
    if ctx.config_unreadable:
        return  # the keys may be declared in qaplan.yaml, whose error is reported there
    case, config = ctx.case, ctx.config
    if case.unit is not None and config is not None and config.units \
            and case.unit not in config.units:
        yield ctx.at((*CASE, "unit"), QP513, unit=case.unit, config=ctx.config_file,
                     hint=_did_you_mean(case.unit, sorted(config.units)))
    declared = sorted(config.owners) if config is not None else []
    keys: list[tuple[Path_, str, str | None]] = [((*CASE, "handler"), "handler", case.handler)]
    keys += [(_measure_path(m, "owner"), "owner", m.owner) for m in case.measures]
    keys += [((*CASE, "informed", i), "informed", key) for i, key in enumerate(case.informed)]
    for path, field, key in keys:
        if key is not None and key not in declared:
            yield ctx.at(path, QP514, field=field, owner=key, hint=_did_you_mean(key, declared))


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def feedback(ctx: CaseContext) -> Iterable[Finding]:
    """Who must hear the outcome, and who was told: the same rules as for activities."""
    case = ctx.case
    if ctx.config_unreadable or not (case.feedback or case.communicated):
        return ()
    return record_findings(ctx.doc, ctx.config, ctx.config_file, ctx.today, what="case",
                           path=CASE, feedback=case.feedback, communicated=case.communicated,
                           finished=case.state in ("closed", "rejected"))


def measure_ids(ctx: CaseContext) -> Iterator[Finding]:
    """Each measure's id once in its case."""
    first: dict[str, int] = {}
    for measure in ctx.case.measures:
        line = ctx.doc.value_position(measure.path)[0]
        if measure.id in first:
            path = _measure_path(measure, "id") if not measure.derived_id else measure.path
            yield ctx.at(path, QP516, id=measure.id, first_line=first[measure.id])
        else:
            first[measure.id] = line


def no_personal_data(ctx: CaseContext) -> Iterator[Finding]:
    """Personal data anywhere in the case's text, as an error, masked."""
    for line, column, code, value in personal_data_places(ctx.doc):
        yield QP515.at(ctx.doc.file, line, column, what=code.title, value=value)


CHECKS: tuple[CaseCheck, ...] = (no_personal_data, handling, route, dates, known_keys,
                                 measure_ids, feedback)


def run_case_checks(ctx: CaseContext) -> list[Finding]:
    """Run every check of a case."""
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check(ctx))
    return found

"""`qaplan rollover`: the next plan period, written from a plan whose period ends.

The new plan has the old one's plan info (a new id, title and period), owners, criteria
and goals, and every activity that is unfinished as of the rollover date, linked back with
`continues: OLD-PLAN-ID/ACTIVITY-ID` and without its follow-up history. Then the old plan
is marked closed (`plan.closed`) by splicing one line into the bytes that were read, so
its comments and every other byte stay as they were; it is replaced only if it still holds
those bytes, and only after the new file was written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError
from qaplan.formats.plan import Period, Plan, build
from qaplan.words import plural

_LIMIT = 64 * 1024 * 1024  # a plan file is a few hundred KB; this is not one
_BOM = b"\xef\xbb\xbf"
_PERIOD = re.compile(r"\s*([0-9]{4})\s*[-–]\s*([0-9]{4})\s*\Z")
_PLAN_INFO_ORDER = ["id", "title", "unit", "language", "period", "closed"]


@dataclass(frozen=True, slots=True)
class Moved:
    """An activity of the old plan, and what the rollover did with it."""

    id: str
    title: str


@dataclass(slots=True)
class Rollover:
    """What a rollover wrote: the new plan, the activities carried and left, the old plan closed."""

    old_file: str
    new_file: str
    old_id: str
    new_id: str
    period: Period
    carried: list[Moved]
    left: list[Moved]
    closed: date | None  # the date written into the old plan; None when it was closed before


def parse_period(text: str) -> Period:
    """`--period 2027-2032` (or with an en dash) as a Period; a usage error otherwise."""
    from qaplan.values import MAX_YEAR, MIN_YEAR, printable

    found = _PERIOD.match(text)
    if found is None:
        raise QaplanError(f"--period: '{printable(text)}' is not a period; write two years, e.g. "
                          "--period 2027-2032")
    start, end = int(found.group(1)), int(found.group(2))
    if not MIN_YEAR <= start <= end <= MAX_YEAR:
        raise QaplanError(f"--period: {start}-{end} is not a period; the first year comes first "
                          f"and both lie in {MIN_YEAR}–{MAX_YEAR}, e.g. --period 2027-2032")
    return Period(start, end)


def default_id(old_id: str, old: Period | None, new: Period) -> str:
    """The old id with its period swapped for the new one (`lp-2020-2026` -> `lp-2027-2032`),
    else with the new period appended (`lp` -> `lp-2027-2032`)."""
    if old is not None:
        swapped = re.sub(rf"{old.start}([-_.]){old.end}", rf"{new.start}\g<1>{new.end}", old_id)
        if swapped != old_id:
            return swapped
    return f"{old_id}-{new.start}-{new.end}"


def next_title(title: str, old: Period | None, new: Period) -> str:
    """The title with the old period, as written (`2020–2026`), swapped for the new one."""
    if old is None:
        return title
    return re.sub(rf"\b{old.start}(\s*[-–]\s*){old.end}\b", rf"{new.start}\g<1>{new.end}", title)


def next_plan(data: Mapping[str, Any], new_id: str, period: Period,
              as_of: date) -> tuple[Plan, list[Moved], list[Moved]]:
    """The next period's plan, built from the old plan's checked data, and the activities it
    carries over and leaves behind.

    Working on the data keeps every field of a row, also ones this module does not know,
    and builds what depends on the period (recurrences) for the new one.
    """
    old = build(data)
    new = copy.deepcopy(dict(data))
    info = new["plan"]
    info.update(id=new_id, title=next_title(old.plan.title, old.plan.period, period),
                period={"start": period.start, "end": period.end})
    info.pop("closed", None)
    carried: list[Moved] = []
    left: list[Moved] = []
    for criterion, row in zip(old.criteria, new.get("criteria") or (), strict=True):
        # Explicit ids from now on: a derived one would shift with the rows left behind.
        row["id"] = criterion.id
        for goal, goal_row in zip(criterion.goals, row.get("goals") or (), strict=True):
            goal_row["id"] = goal.id
            kept = []
            for activity, item in zip(goal.activities, goal_row.get("activities") or (),
                                      strict=True):
                moved = Moved(activity.key, activity.title)
                if activity.finished(as_of.year):
                    left.append(moved)
                    continue
                carried.append(moved)
                item["id"] = activity.key
                item.pop("status", None)  # the follow-up history stays in the old plan
                item["continues"] = f"{old.id}/{activity.key}"
                kept.append(item)
            goal_row["activities"] = kept
    return build(new), carried, left


def close_text(raw: bytes, display: str, day: date) -> bytes:
    """The plan's bytes with `closed: DAY` added to its `plan:` section and nothing else changed."""
    from qaplan.loader import compose
    from qaplan.textedit.spans import CannotEdit
    from qaplan.textedit.splice import TextDoc

    bom = raw.startswith(_BOM)
    text = (raw[len(_BOM):] if bom else raw).decode("utf-8")
    try:
        doc = TextDoc(text, compose(text, display).data)
        doc.set(("plan",), "closed", day.isoformat(), _PLAN_INFO_ORDER)
        # Plain, as people write dates (qaplan's YAML 1.2 reader keeps it text); the reread
        # below proves it reads back the same.
        doc.edits = [(start, end, new.replace(f'"{day.isoformat()}"', day.isoformat()))
                     for start, end, new in doc.edits]
        new_text = doc.result()
        reread = compose(new_text, display)
        if reread.findings or reread.data != doc.data:
            raise CannotEdit("the edited text would not read back as the intended plan")
    except CannotEdit as exc:
        raise QaplanError(
            f"{display}: cannot add `closed: {day.isoformat()}` to its plan section without "
            f"rewriting more of the file ({exc}); nothing was written. Add the line by hand, "
            "then run the rollover again with --force") from None
    return (_BOM if bom else b"") + new_text.encode("utf-8")


def rollover(path: Path, period: Period, as_of: date, *, output: Path | None = None,
             new_id: str | None = None, force: bool = False) -> Rollover:
    """Write the next period's plan of the plan at `path`, then mark that plan closed."""
    from qaplan.fsutil import ChangedMeanwhile, write_atomic
    from qaplan.repo import display_path
    from qaplan.values import SLUG_PATTERN, printable
    from qaplan.writer import plan_yaml

    read, result = _read_plan(path)
    display = display_path(path)
    data = copy.deepcopy(result.data)
    plan = build(data)
    if plan.plan.closed is not None and not force:
        raise QaplanError(f"{display}: plan '{plan.id}' was closed on {plan.plan.closed}; its "
                          "period was rolled over already. Pass --force to write a next plan "
                          "from it again (its closed date stays)")
    chosen = new_id if new_id is not None else default_id(plan.id, plan.plan.period, period)
    if not re.match(SLUG_PATTERN.removesuffix("$") + r"\Z", chosen) or len(chosen) > 200:
        raise QaplanError(f"--id: '{printable(chosen)}' is not a plan id; use letters a–z, "
                          "digits, '.', '_' "
                          "and '-', e.g. --id lakarprogrammet-2027-2032")
    if chosen == plan.id:
        raise QaplanError(f"--id: '{chosen}' is the old plan's id; the next plan needs its own")
    target = output if output is not None else path.parent / f"{chosen}.yaml"
    shown = display_path(target)
    if target.resolve() == read.path:
        raise QaplanError(f"-o {shown} is the plan being rolled over; choose another file")
    if target.exists() and not force:
        raise QaplanError(f"{shown} exists; replace it with --force, or choose another file "
                          "with -o")
    new_plan, carried, left = next_plan(data, chosen, period, as_of)
    text = plan_yaml(new_plan, target.parent)
    _check_written(text, shown, result.config, new_plan)
    closed = None if plan.plan.closed is not None else as_of
    old_bytes = None if closed is None else close_text(read.raw, display, closed)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise QaplanError(f"{shown}: cannot write ({exc.strerror}); nothing was written") from None
    if old_bytes is not None:
        try:
            write_atomic(read.path, old_bytes, unchanged=read.raw)
        except (ChangedMeanwhile, OSError) as exc:
            why = "it changed meanwhile" if isinstance(exc, ChangedMeanwhile) else exc.strerror
            raise QaplanError(f"wrote {shown}, but could not close {display} ({why}); add "
                              f"`closed: {as_of.isoformat()}` to its plan section by hand") from None
    return Rollover(display, shown, plan.id, chosen, period, carried, left, closed)


def _read_plan(path: Path) -> tuple[Any, Any]:
    """The plan's bytes as read once, and its checked result; a usage error unless it is a
    plan without errors."""
    from qaplan.engine.files import check_file, config_from_blob
    from qaplan.fsutil import snapshot
    from qaplan.repo import CONFIG_NAME, Candidate, display_path, nearest_config

    display = display_path(path)
    if path.name == CONFIG_NAME:
        raise QaplanError(f"{display} is the repository file ({CONFIG_NAME}), not a plan")
    try:
        read = snapshot(path, _LIMIT)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise QaplanError(f"{display}: cannot read the plan ({why})") from None
    found = nearest_config(read.path.parent)
    config = None
    if found is not None:
        try:
            config = config_from_blob(found.read_bytes(), found, display_path(found))
        except OSError:
            config = None  # validate reports an unreadable qaplan.yaml
    result = check_file(Candidate(path, display, True, str(path)), config, date.today(), read.raw)
    if result.kind != "plan":
        first = result.errors[0].as_text() if result.errors else None
        raise QaplanError(first or f"{display} is not a plan file (it has no 'schema: qaplan/v1' "
                          "and 'plan:' at the top level)")
    if result.errors or result.data is None:
        first = result.errors[0].as_text() if result.errors else f"{display}: not a valid plan"
        raise QaplanError(f"{first}\n{display} has {plural(len(result.errors) or 1, 'error')}; run "
                          f"`qaplan validate {display}` to see them all, and fix them before the "
                          "rollover")
    return read, result


def _check_written(text: str, shown: str, config: Any, intended: Plan) -> None:
    """The new plan must read back without errors and as the plan intended (a field the
    writer does not know would be lost); else nothing is written."""
    from qaplan.engine.files import check_document
    from qaplan.loader import compose

    checked = check_document(compose(text, shown), True, config, date.today())
    if checked.errors:
        raise QaplanError(f"{checked.errors[0].as_text()}\nthe next plan would have errors; "
                          "nothing was written")
    lost = _difference(_content(intended), _content(build(checked.data)))
    if lost:
        raise QaplanError(f"{shown}: the next plan would lose '{lost}' (qaplan cannot write that "
                          "field yet); nothing was written")


def _content(value: Any) -> Any:
    """A typed plan as plain data without what depends on row positions (paths, derived ids)."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(value):
        return {f.name: _content(getattr(value, f.name)) for f in fields(value)
                if f.name not in ("path", "derived_id")}
    if isinstance(value, dict):
        return {key: _content(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_content(item) for item in value]
    return value


def _difference(wanted: Any, got: Any, name: str = "") -> str | None:
    """The name of the first field where `got` differs from `wanted`, if any."""
    if isinstance(wanted, dict) and isinstance(got, dict):
        for key in wanted:
            found = _difference(wanted[key], got.get(key), str(key))
            if found is not None:
                return found
        return None
    if isinstance(wanted, list) and isinstance(got, list) and len(wanted) == len(got):
        return next((found for w, g in zip(wanted, got, strict=True)
                     if (found := _difference(w, g, name)) is not None), None)
    return None if wanted == got else name

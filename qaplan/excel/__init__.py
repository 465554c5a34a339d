"""Excel tables in and out: `qaplan import` and `qaplan export` as library calls.

`read.py`, `write.py` (with `book.py`: styles and the package; `sheetxml.py`: each
plan's sheet as XML text) and `register.py` are the modules that import openpyxl;
`table.py` turns rows into a plan; `vocabulary.py` holds the words of the tables;
`owners.py` splits owner cells. The functions here tie them to the repository (owners, language, files).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class ImportOutcome:
    """What an import produced: YAML for a new file, or the merge report for --into."""

    text: str
    warnings: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: bool = True
    summary: str = ""
    target: Any = None  # into.Target: the plan to replace (--into)


def _slug(text: str) -> str:
    from qaplan.excel.owners import owner_slug

    return owner_slug(text).lower() or "plan"


def _repository_config(directory: Path, as_of: date) -> Any:
    """The validated qaplan.yaml that applies in `directory`, or None."""
    from qaplan.engine.run import check_paths
    from qaplan.repo import nearest_config

    found = nearest_config(directory)
    if found is None:
        return None
    for result in check_paths([str(found)], as_of).files:
        if result.config is not None and result.config.config is not None:
            return result.config.config
    return None


def import_workbook(
    file: Path, *, output: Path | None, into: Path | None, sheet: str | None, year: int | None,
    plan_id: str | None, guess_state: bool, as_of: date, force: bool = False,
) -> ImportOutcome:
    """Read an Excel table into plan YAML, or merge it into an existing plan file.

    With `into`, the plan is read once: those bytes are validated and merged, and
    `into.replace` writes the result only if the file still holds them.
    """
    from qaplan.excel.header import Options
    from qaplan.excel.read import read_workbook
    from qaplan.excel.table import import_table
    from qaplan.repo import display_path
    from qaplan.words import plural
    from qaplan.writer import modeline, plan_yaml

    target = into or output
    target_dir = target.parent if target is not None else Path(".")
    existing = opened = None
    if into is not None:
        from qaplan.into import open_target

        opened = open_target(into, force)
        target_dir = opened.snapshot.path.parent
        existing = opened.result
        config = existing.config.config if existing.config is not None else None
    else:
        config = _repository_config(target_dir, as_of)
    known: dict[str, str] = {}
    if config is not None:
        known.update({key: owner.name for key, owner in config.owners.items()})
    if existing is not None and existing.plan is not None:
        known.update({key: owner.name for key, owner in existing.plan.owners.items()})
    stem = (target or file).stem
    options = Options(
        sheet=sheet, year=year,
        plan_id=plan_id or (existing.plan.plan.id if existing and existing.plan else None),
        guess_state=guess_state, owners=known,
        language=(existing.language if existing else (config.language if config else None)),
        fallback_id=_slug(stem), fallback_title=stem,
    )
    display = display_path(file)
    sheets = read_workbook(file, display)
    if opened is not None:
        from qaplan.into import choose_sheet

        options.sheet = choose_sheet(sheets, display, sheet, opened.result.plan.plan.id,
                                     opened.display, force)
    imported = import_table(sheets, display, options)
    plan = imported.plan = _declare_recorded_owners(imported.plan, sheets, imported.sheet, known)
    count = len(plan.activities())
    years = ", ".join(str(y) for y in imported.years) or "none"
    goals = sum(len(c.goals) for c in plan.criteria)
    summary = (f"sheet '{imported.sheet}': {plural(len(plan.criteria), 'criterion', 'criteria')}, "
               f"{plural(goals, 'goal')}, {plural(count, 'activity', 'activities')}, "
               f"status {'year' if len(imported.years) == 1 else 'years'} {years}")
    if existing is None:
        return ImportOutcome(plan_yaml(plan, target_dir), imported.warnings, imported.guessed,
                             summary=summary)
    from qaplan.edit import merge_into

    assert opened is not None and existing.plan is not None
    report = merge_into(opened.snapshot.raw, opened.display, existing.plan, imported, set(known),
                        modeline(target_dir))
    return ImportOutcome(report.text, imported.warnings, imported.guessed, report.changes,
                         report.missing, report.changed, summary, opened)


def _declare_recorded_owners(plan: Any, sheets: list[Any], title: str, known: dict[str, str]) -> Any:
    """The plan with the owners its rows use that neither it nor the target repository
    declares, named as export recorded them, so the written plan validates where it lands."""
    from dataclasses import replace

    from qaplan.formats.plan import Owner

    recorded = {}
    for sheet in sheets:
        if sheet.title == title:
            for entry in sheet.meta.get("owner", []):
                if len(entry) >= 2 and isinstance(entry[0], str) and isinstance(entry[1], str):
                    recorded[entry[0]] = entry[1]
    owners = dict(plan.owners)
    for _, _, activity in plan.activities():
        for key in activity.owners:
            if key not in owners and key not in known and key in recorded:
                owners[key] = Owner(name=recorded[key])
    return replace(plan, owners=owners) if len(owners) > len(plan.owners) else plan


def export_workbook(
    entries: Iterable[Any], *, year: int, as_of: date, language: str | None
) -> bytes:
    """The .xlsx bytes for validated plans (`Workspace.plans()`, read one at a time): one sheet
    per plan."""
    from qaplan.excel.write import SheetPlan, workbook_bytes

    def sheets() -> Iterator[SheetPlan]:
        for entry in entries:
            plan, config = entry.plan, entry.config
            names = {key: owner.name for key, owner in (config.owners.items() if config else [])}
            names.update({key: owner.name for key, owner in plan.owners.items()})
            used = {key for _, _, activity in plan.activities() for key in activity.owners}
            owner_names = {key: names.get(key, key) for key in used | set(plan.owners)}
            yield SheetPlan(plan, language or entry.language, owner_names, year, as_of)

    return workbook_bytes(sheets())

"""import --into: the target plan read once and checked, its sheet chosen, the file replaced only
if it is still what was read.

The bytes read here are the ones validated, merged (`edit.merge_into`) and compared
with the file right before the atomic rename, so an edit made meanwhile is never lost
and never shifts a change onto another row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError
from qaplan.fsutil import ChangedMeanwhile, Snapshot, snapshot, write_atomic
from qaplan.words import plural

_LIMIT = 64 * 1024 * 1024  # a plan file is a few hundred KB; this is not one


@dataclass(slots=True)
class Target:
    """The plan to merge into: where the user named it, the bytes read, what they hold."""

    given: Path
    display: str
    snapshot: Snapshot
    result: Any  # engine.results.FileResult with a valid plan


def open_target(into: Path, force: bool) -> Target:
    """Read and validate the plan named by --into, or say why it cannot take a merge."""
    from qaplan.engine.files import check_file, config_from_blob
    from qaplan.repo import CONFIG_NAME, Candidate, display_path, nearest_config

    display = display_path(into)
    if into.name == CONFIG_NAME:
        raise QaplanError(f"{display} is the repository file ({CONFIG_NAME}), not a plan; "
                          "name a plan file with --into, e.g. --into plans/programme.yaml")
    if not into.exists():
        raise QaplanError(f"{display}: no such file; --into merges into an existing plan "
                          "(write a new one with -o FILE)")
    try:
        read = snapshot(into, _LIMIT)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise QaplanError(f"{display}: cannot read the plan ({why})") from None
    if read.links > 1 and not force:
        raise QaplanError(
            f"{display} has {read.links} hard links; replacing it atomically would leave the "
            "other names with the old text. Pass --force to replace it anyway (the other links "
            "keep the old text), or merge into a copy")
    found = nearest_config(read.path.parent)  # a linked plan belongs where its file is
    config = None
    if found is not None:
        try:
            config = config_from_blob(found.read_bytes(), found, display_path(found))
        except OSError:
            config = None  # validate reports an unreadable qaplan.yaml; the plan may not need it
    result = check_file(Candidate(into, display, True, str(into)), config, date.today(), read.raw)
    if result.kind == "skipped":
        raise QaplanError(f"{display} is not a plan file (it has no 'schema: qaplan/v1' at the "
                          "top level); --into merges into an existing plan")
    if result.errors or result.plan is None:
        first = result.errors[0].as_text() if result.errors else f"{display}: not a valid plan"
        raise QaplanError(f"{first}\n{display} has {plural(len(result.errors) or 1, 'error')}; run "
                          f"`qaplan validate {display}` to see them all, and fix them before "
                          "merging a table into it")
    return Target(into, display, read, result)


def recorded_plan_id(sheet: Any) -> str | None:
    """The plan id that export recorded for a sheet, if any."""
    rows = sheet.meta.get("id")
    value = rows[0][0] if rows and rows[0] else None
    return value if isinstance(value, str) and value else None


def choose_sheet(sheets: list[Any], display: str, wanted: str | None, plan_id: str,
                 target: str, force: bool) -> str | None:
    """The sheet that holds plan `plan_id`: recorded by export, else named after it."""
    if wanted is not None:
        named = [s for s in sheets if s.title == wanted] or [
            s for s in sheets if s.title.casefold() == wanted.casefold()]
        recorded = recorded_plan_id(named[0]) if named else None
        if recorded is not None and recorded != plan_id and not force:
            raise QaplanError(
                f"{display}, sheet '{named[0].title}': it was exported from plan '{recorded}', "
                f"but {target} is plan '{plan_id}'; pass --force to merge it anyway")
        return wanted  # a missing name is reported with the list of sheets by the reader
    matches = [s for s in sheets if recorded_plan_id(s) == plan_id] or [
        s for s in sheets if recorded_plan_id(s) is None
        and s.title.casefold() in (plan_id.casefold(), plan_id[:31].casefold())]
    if len(matches) == 1:
        return str(matches[0].title)
    listing = "\n  ".join(
        f"'{s.title}'" + (f" (plan {recorded_plan_id(s)})" if recorded_plan_id(s) else "")
        for s in sheets)
    why = f"{len(matches)} sheets hold" if matches else "no sheet holds"
    raise QaplanError(
        f"{display}: {why} plan '{plan_id}' ({target}); choose one with --sheet NAME. "
        f"The sheets:\n  {listing}")


def replace(target: Target, text: str) -> None:
    """Write the merged text over the real file, if it still holds the bytes that were merged."""
    try:
        write_atomic(target.snapshot.path, text, unchanged=target.snapshot.raw)
    except ChangedMeanwhile:
        raise QaplanError(
            f"{target.display} changed while the table was being merged; nothing was written. "
            "Run the import again") from None
    except OSError as exc:
        raise QaplanError(f"{target.display}: cannot write ({exc.strerror})") from None

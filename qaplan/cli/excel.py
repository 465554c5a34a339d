"""`qaplan import` and `export`: check the options, call the Excel package, print what it did."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    NoCacheOption,
    PathsArg,
    SkipInvalidOption,
    as_of_date,
    check_language,
    load_workspace,
    notes,
    out,
)
from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import Entry


def _write(path: Path, data: str | bytes, *, parents: bool = False) -> None:
    """Write a file whole or not at all; a failure is a usage error naming the file."""
    from qaplan.fsutil import write_atomic
    from qaplan.repo import display_path

    try:
        if parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise QaplanError(f"{display_path(path)}: cannot write ({exc.strerror})")


def import_(
    file: Annotated[Path, typer.Argument(help="The Excel table (.xlsx).", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the plan to this new file (default: stdout)."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option("--into", metavar="EXISTING.yaml",
                     help="Merge the table into this plan file (keeps comments; never deletes)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change and write nothing.")
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet to read (default: the first "
                                    "with a plan table).")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The follow-up year of a status column whose header names no year."),
    ] = None,
    plan_id: Annotated[
        str | None, typer.Option("--plan-id", help="The plan's id (default: from the file).")
    ] = None,
    guess_state: Annotated[
        bool,
        typer.Option("--guess-state",
                     help="Suggest a state from each note's words (and list the rows guessed)."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing -o file; with --into, merge a sheet "
                     "exported from another plan, or replace a file that has hard links."),
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Read an Excel plan table into plan YAML, or merge it into a plan with --into.

    Example: qaplan import kvalitetsplan.xlsx --year 2024 -o plans/lakare.yaml
    """
    from qaplan.excel import import_workbook
    from qaplan.render.outcomes import import_merged, import_new, import_warnings
    from qaplan.repo import display_path

    if into is not None and output is not None:
        raise QaplanError("--into and -o/--output exclude each other: --into edits the file "
                          "in place")
    if output is not None and output.exists() and not force:
        raise QaplanError(f"{display_path(output)} exists; merge the table into it with "
                          f"--into {display_path(output)}, replace it with --force, or choose "
                          "another file")
    outcome = import_workbook(file, output=output, into=into, sheet=sheet, year=year,
                              plan_id=plan_id, guess_state=guess_state, as_of=as_of_date(as_of),
                              force=force)
    notes(import_warnings(outcome))
    if into is not None:
        wrote = outcome.changed and not dry_run
        if wrote:
            from qaplan.into import replace

            replace(outcome.target, outcome.text)
        printed = import_merged(outcome, display_path(into), wrote=wrote, dry_run=dry_run)
    else:
        if output is not None and not dry_run:
            _write(output, outcome.text, parents=True)
        printed = import_new(outcome, display_path(file),
                             None if output is None else display_path(output), dry_run=dry_run)
    out(printed.out)
    notes(printed.notes)


def export(
    paths: PathsArg = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx file to write.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The follow-up year to show (default: the as-of year minus one)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Headers in this language (default: each plan's): sv, nb, "
                     "nn, en, da, fi."),
    ] = None,
    as_of: AsOfOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the -o file if it exists.")
    ] = False,
    register: Annotated[
        bool, typer.Option("--register", help="Write the deviation register instead: one "
                           "sheet, a row per measure (not read back by import).")
    ] = False,
) -> None:
    """Write plans to an Excel table in the layout used today, one sheet per plan.

    With --register: the deviation register instead, one sheet with a row per measure.

    Example: qaplan export plans/ --year 2025 -o kvalitetsplan.xlsx
    """
    from qaplan.excel import export_workbook
    from qaplan.render.outcomes import exported
    from qaplan.repo import display_path

    if output is None:
        raise QaplanError("export needs -o FILE.xlsx (a workbook is not written to the terminal)")
    if output.suffix.lower() != ".xlsx":
        raise QaplanError(f"{display_path(output)}: the output must end in .xlsx")
    language = check_language(lang)
    if output.is_dir():
        raise QaplanError(f"{display_path(output)}: is a directory; name the .xlsx file to write")
    # a workbook that came back filled in must not be lost to a repeated export
    if os.path.lexists(output) and not force:
        raise QaplanError(f"{display_path(output)} exists; replace it with --force, or choose "
                          "another file")
    day = as_of_date(as_of)
    if register:
        if year is not None:
            raise QaplanError("--year chooses the follow-up year of plan sheets; --register "
                              "writes every case as it stands")
        _export_register(paths, output, language, day, skip_invalid, no_cache)
        return
    workspace = load_workspace(paths, skip_invalid, no_cache)
    notes(workspace.notes)
    activities = 0

    def counted() -> Iterator[Entry]:  # each plan is built once, for its sheet
        nonlocal activities
        for entry in workspace.plans():
            activities += len(entry.plan.activities())
            yield entry

    data = export_workbook(counted(), year=year if year is not None else day.year - 1,
                           as_of=day, language=language)
    _write(output, data)
    out(exported(display_path(output), len(workspace), activities))


def _export_register(
    paths: list[str] | None, output: Path, language: str | None, day: date, skip_invalid: bool,
    no_cache: bool,
) -> None:
    """`export --register`: the deviation register as one sheet, a row per measure."""
    from qaplan.excel.register import register_workbook
    from qaplan.render.outcomes import exported_register
    from qaplan.repo import display_path
    from qaplan.values import printable

    workspace = load_workspace(paths, skip_invalid, no_cache, kind="deviation")
    notes([printable(line) for line in workspace.notes])
    if language is None:  # the repository's language, as the case files have no language
        language = next((entry.language for entry in workspace.entries("deviation")), None)
    written = register_workbook(workspace.entries("deviation"), as_of=day, language=language,
                                units=workspace.units)
    _write(output, written.data)
    out(exported_register(display_path(output), written.cases, written.measures))

"""`qaplan new`: start a new file of a kind, such as the next deviation case of the year."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import check_choice, notes, out
from qaplan.errors import QaplanError
from qaplan.values import MAX_YEAR, MIN_YEAR

app = typer.Typer(
    name="new",
    help="Start a new file: the next deviation case of the year.\n\n"
    "Example: qaplan new deviation --unit IBI --category education-quality --title \"...\"",
    no_args_is_help=True,
)


@app.command()
def deviation(
    unit: Annotated[
        str, typer.Option("--unit", metavar="KEY", show_default=False,
                          help="The unit the case concerns: a key of the units tree in qaplan.yaml.")
    ],
    category: Annotated[
        str, typer.Option("--category", metavar="CAT", show_default=False,
                          help="education-quality, learning-environment-physical, "
                          "learning-environment-psychosocial, hms, whistleblowing or other.")
    ],
    title: Annotated[
        str, typer.Option("--title", metavar="TEXT", show_default=False,
                          help="What the case is about, without personal data.")
    ],
    directory: Annotated[
        Path, typer.Option("--dir", metavar="DIR",
                           help="The register: cases go to DIR/YYYY/AV-YYYY-NNN.yaml.")
    ] = Path("deviations"),
    year: Annotated[
        int | None, typer.Option("--year", metavar="Y", show_default=False, min=MIN_YEAR,
                                 max=MAX_YEAR,
                                 help="The year of the id. Default: the year of --reported.")
    ] = None,
    reported: Annotated[
        str | None, typer.Option("--reported", metavar="YYYY-MM-DD", show_default=False,
                                 help="The day the case was reported. Default: today.")
    ] = None,
) -> None:
    """Write the next free case of the year (AV-YYYY-NNN), state received, and print its path.

    The number is the next after every case id in the register (file names and ids). Two
    people on two branches may take the same number; `qaplan validate` finds the clash
    (QP112) when the branches meet.

    Example: qaplan new deviation --unit IBI --category education-quality --title "Lectures cancelled without notice"
    """
    from datetime import date

    from qaplan.checks.personal_data import find_personal_data, mask
    from qaplan.formats.feedback import parse_day
    from qaplan.register import UnknownUnit, new_case, schema_file
    from qaplan.repo import display_path
    from qaplan.values import CATEGORIES, has_text, printable

    try:
        day = date.today() if reported is None else parse_day(reported)
    except ValueError as exc:
        raise QaplanError(f"--reported: {printable(repr(reported))}: {exc}") from None
    check_choice("--category", category, CATEGORIES, "category", whats="categories")
    if not has_text(title):
        raise QaplanError("--title: a case needs a title that says what it is about")
    if not has_text(unit):
        raise QaplanError("--unit: name the unit the case concerns")
    found = next(find_personal_data(title), None)
    if found is not None:  # the register never holds personal data (QP515); shown masked
        raise QaplanError(f"--title holds personal data ({mask(found[1], found[2])}); name "
                          "roles, never people")
    try:
        path = new_case(directory, unit=unit, category=category, title=title, reported=day,
                        year=year)
    except UnknownUnit as exc:
        raise QaplanError(f"--unit: {printable(repr(unit))} is not in the units tree of "
                          f"{exc.config_file}{_did_you_mean(unit, exc.units)}") from None
    except OSError as exc:
        raise QaplanError(f"{display_path(directory)}: cannot write the case "
                          f"({exc.strerror or exc})") from None
    out(f"{display_path(path)}\n")
    schema = schema_file(directory)
    if not schema.exists():  # the modeline points there; editors check the case against it
        shown = display_path(schema)
        notes([(f"note: {shown} does not exist; write it for editors with "
                f"`qaplan schema --kind deviation -o {shown}`")])


def _did_you_mean(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""

"""`qaplan deviations`: check the options, load the register, run the report, draw it."""

from __future__ import annotations

from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    NoCacheOption,
    PathsArg,
    ReportFormatOption,
    ReportLangOption,
    SkipInvalidOption,
    as_of_date,
    check_choice,
    check_format,
    check_language,
    load_workspace,
    notes,
    out,
)
from qaplan.errors import QaplanError


def check_states(values: list[str]) -> tuple[str, ...]:
    """The --state values: case states (the default: the open ones)."""
    from qaplan.reports.cases import OPEN_STATES
    from qaplan.values import CASE_STATES

    for value in values:
        if value not in CASE_STATES:
            raise QaplanError(f"--state: '{value}' is not one of {', '.join(CASE_STATES)}")
    return tuple(dict.fromkeys(values)) or OPEN_STATES


_WHERE = " in qaplan.yaml's units or the cases"


def deviations(
    paths: PathsArg = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The year of the received/closed figures (default: the as-of year)."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", metavar="KEY",
                     help="Only the cases of this unit and its sub-units."),
    ] = None,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", metavar="STATE",
                     help="List cases in this state (repeatable): received, rejected, "
                     "in-progress, closed (default: received and in-progress)."),
    ] = None,
    fmt: ReportFormatOption = "table",
    as_of: AsOfOption = None,
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """The deviation register: cases per unit and category, overdue measures, the year's flow.

    Example: qaplan deviations --year 2025 --unit med --format markdown
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.reports.deviations import deviations_report, deviations_view
    from qaplan.values import printable

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    states = check_states(state or [])
    day = as_of_date(as_of)
    workspace = load_workspace(paths, skip_invalid, no_cache, kind="deviation")
    notes([printable(line) for line in workspace.notes])
    tree = workspace.units
    if unit is not None and tree is not None:
        check_choice("--unit", unit, tree.units, "unit", _WHERE)
    report = deviations_report(workspace.entries("deviation"), day, year=year, unit=unit,
                               states=states, units=tree)
    if unit is not None and tree is None:
        check_choice("--unit", unit, report.units_seen, "unit", _WHERE)
    out(render(deviations_view(report, language), fmt))

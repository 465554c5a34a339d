"""`qaplan feedback`: check the options, load plans and deviation cases, report the open loops."""

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
from qaplan.formats.feedback import DEFAULT_DAYS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config


def units_under(key: str, tree: Config | None, seen: set[str]) -> set[str]:
    """`key` and every unit below it in the units tree; an unknown key is a usage error."""
    known = set(tree.units) if tree is not None else set()
    check_choice("--unit", key, known | seen, "unit", " in the units tree or the plans")
    if tree is None:
        return {key}
    return {key} | {unit for unit in known | seen
                    if any(up.key == key for up in tree.ancestors(unit))}


def feedback(
    paths: PathsArg = None,
    days: Annotated[
        int, typer.Option("--days", metavar="N", min=0,
                          help="Stakeholders must be told within N days of the work finishing.")
    ] = DEFAULT_DAYS,
    unit: Annotated[
        str | None,
        typer.Option("--unit", metavar="KEY",
                     help="Only work of this unit and the units below it in the units tree."),
    ] = None,
    fmt: ReportFormatOption = "table",
    as_of: AsOfOption = None,
    fail_on_open: Annotated[
        bool, typer.Option("--fail-on-open", help="Exit 1 when any loop is open.")
    ] = False,
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """List finished work whose result has not reached every stakeholder in its `feedback`.

    Example: qaplan feedback --days 30 --fail-on-open
    """
    from qaplan.kinds import KINDS
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.reports.feedback import feedback_report, feedback_view
    from qaplan.values import printable

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    kind = ("plan", "deviation") if "deviation" in KINDS else "plan"
    workspace = load_workspace(paths, skip_invalid, no_cache, kind=kind)
    notes([printable(line) for line in workspace.notes])
    report = feedback_report(workspace.entries(), day, days)
    if unit is not None:
        seen = {key for key in report.counts if key is not None}
        report = report.only_units(units_under(unit, workspace.units, seen))
    out(render(feedback_view(report, language), fmt))
    if fail_on_open and report.open_count:
        raise typer.Exit(1)

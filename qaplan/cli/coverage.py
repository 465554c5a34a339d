"""`qaplan coverage`: check the options, load the workspace and its catalogues, run the report,
draw it with the chosen renderer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    IncludeClosedOption,
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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.catalogues import Catalogues
    from qaplan.workspace import Workspace


def workspace_catalogues(workspace: Workspace) -> Catalogues:
    """The catalogues the plans may name: the shipped ones and those of the first qaplan.yaml
    that declares any."""
    from qaplan.catalogues import Catalogues

    configs = [r.config for r in workspace.results if r.config is not None]
    chosen = next((c for c in configs if c.config is not None and c.config.catalogues),
                  configs[0] if configs else None)
    if chosen is None:
        return Catalogues(None, None)
    return Catalogues(chosen.config, chosen.file)


def coverage(
    paths: PathsArg = None,
    catalogue: Annotated[
        list[str] | None,
        typer.Option("--catalogue", "-c", metavar="NAME",
                     help="Show this catalogue (repeatable): esg, uka, nokut or one of "
                     "qaplan.yaml's (default: those the plans' covers name)."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", metavar="KEY",
                     help="Only the plans of this unit and of the units below it."),
    ] = None,
    fmt: ReportFormatOption = "table",
    as_of: AsOfOption = None,
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    include_closed: IncludeClosedOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """List catalogue items with the work that covers them, and per unit what no work covers.

    Example: qaplan coverage --catalogue esg --unit MED
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.render.text import printable
    from qaplan.reports.coverage import coverage_report, coverage_view

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    workspace = load_workspace(paths, skip_invalid, no_cache, skip_closed=not include_closed)
    notes([printable(line) for line in workspace.notes])
    catalogues = workspace_catalogues(workspace)
    names: Sequence[str] | None = None
    if catalogue:
        for name in catalogue:
            check_choice("--catalogue", name, catalogues.names(), "catalogue")
        names = list(dict.fromkeys(catalogue))
    report = coverage_report(workspace.plans(), day, catalogues, names=names, unit=unit,
                             tree=workspace.units)
    if unit is not None:
        check_choice("--unit", unit, report.known_units, "unit")
    out(render(coverage_view(report, language), fmt))

"""`qaplan report`: check the options, load the workspace, build the yearly report, draw it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    IncludeClosedOption,
    NoCacheOption,
    PathsArg,
    ReportLangOption,
    SkipInvalidOption,
    as_of_date,
    check_choice,
    check_follow_up_year,
    check_format,
    check_language,
    load_workspace,
    notes,
    out,
)
from qaplan.errors import QaplanError

REPORT_FORMATS = ("markdown", "html", "json", "table")


def report(
    paths: PathsArg = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The year the report is about (default: the as-of year minus one)."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", metavar="KEY",
                     help="Only this unit of qaplan.yaml's units tree and the units below it "
                     "(default: every root, and \"Other\" for plans outside the tree)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Output: markdown, html (one printable file), json "
                     "or table."),
    ] = "markdown",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE",
                     help="Write the report to FILE instead of stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE when it exists.")
    ] = False,
    as_of: AsOfOption = None,
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    include_closed: IncludeClosedOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Draft the yearly quality report, rolled up the units tree: four questions per unit.

    Example: qaplan report --year 2025 --format html -o report.html
    """
    from qaplan.git import source_of
    from qaplan.render.text import printable
    from qaplan.repo import default_paths
    from qaplan.reports.yearly import yearly_report

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    if year is not None:
        check_follow_up_year("--year", year, day)
    if output is not None and output.exists() and not force:
        raise QaplanError(f"{output} exists; replace it with --force, or choose another file")
    workspace = load_workspace(paths, skip_invalid, no_cache, skip_closed=not include_closed)
    notes([printable(line) for line in workspace.notes])
    units = workspace.units
    if unit is not None:
        check_choice("--unit", unit, list(units.units) if units is not None else [], "unit",
                     " in the units tree of qaplan.yaml")
    given = paths or default_paths()
    source = source_of([*given, "qaplan.yaml"] if Path("qaplan.yaml").is_file() else given)
    result = yearly_report(workspace.plans(), units, day, source, year=year, unit=unit,
                           language=language, earlier=workspace.earlier_activities())
    if fmt == "html":
        from qaplan.render.html import render_report

        text = render_report(result)
    elif fmt == "markdown":
        from qaplan.render.long_markdown import render as render_markdown
        from qaplan.reports.yearly_view import yearly_view

        text = render_markdown(yearly_view(result))
    elif fmt == "json":
        from qaplan.render.json import leaves_inline
        from qaplan.reports.yearly_view import json_view

        text = leaves_inline(json_view(result).data)
    else:
        from qaplan.render import render
        from qaplan.reports.yearly_view import yearly_view

        text = render(yearly_view(result), fmt)
    if output is None:
        out(text)
        return
    from qaplan.fsutil import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise QaplanError(f"{output}: cannot write ({exc.strerror})") from None
    notes([f"wrote {output}"])

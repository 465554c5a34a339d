"""`qaplan report`: check the options, load the workspace, build the yearly report, draw it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    out_utf8,
)
from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.reports.yearly import YearlyReport

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
    from qaplan.git import start_source
    from qaplan.render.text import printable
    from qaplan.repo import default_paths
    from qaplan.reports.yearly import merge_yearly
    from qaplan.reports.yearly_facts import yearly_fold

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    if year is not None:
        check_follow_up_year("--year", year, day)
    year = day.year - 1 if year is None else year
    if output is not None and output.exists() and not force:
        raise QaplanError(f"{output} exists; replace it with --force, or choose another file")
    if fmt == "markdown":  # each listed activity drawn where its plan is checked
        from qaplan.render.long_markdown import markdown_fold

        fold = markdown_fold(day, year)
    else:
        fold = yearly_fold(day, year)
    given = paths or default_paths()
    # git names the plans' commit while they are read
    source = start_source([*given, "qaplan.yaml"] if Path("qaplan.yaml").is_file() else given)
    workspace = load_workspace(paths, skip_invalid, no_cache, skip_closed=not include_closed,
                               fold=fold)
    notes([printable(line) for line in workspace.notes])
    units = workspace.units
    if unit is not None:
        check_choice("--unit", unit, list(units.units) if units is not None else [], "unit",
                     " in the units tree of qaplan.yaml")
    facts = (data for _result, data in workspace.folded(fold, workspace.earlier_activities()))
    result = merge_yearly(facts, units, day, source(), year, unit=unit, language=language)
    if output is None:
        _draw(result, fmt, out, out_utf8)
        return
    try:
        with _replacing(output) as write:
            _draw(result, fmt, lambda text: write(text.encode("utf-8")), write)
    except OSError as exc:
        raise QaplanError(f"{output}: cannot write ({exc.strerror})") from None
    notes([f"wrote {output}"])


def _draw(result: YearlyReport, fmt: str, write: Callable[[str], object],
          write_utf8: Callable[[bytes], object]) -> None:
    """Draw the report in `fmt`, handing `write` the text as it is made (Markdown and JSON:
    `write_utf8` its UTF-8 bytes)."""
    if fmt == "html":
        from qaplan.render.html import render_report

        write(render_report(result))
    elif fmt == "markdown":
        from qaplan.render.long_markdown import write_report

        write_report(result, write_utf8)
    elif fmt == "json":
        from qaplan.render.yearly_json import write_report as write_json

        write_json(result, write_utf8)
    else:
        from qaplan.render import render
        from qaplan.reports.yearly_view import yearly_view

        write(render(yearly_view(result), fmt))


@contextmanager
def _replacing(path: Path) -> Iterator[Callable[[bytes], object]]:
    """A writer into a temporary file beside `path` that replaces `path` when all is written
    (readers see the old file or the new one, never half), and is removed on failure."""
    import os
    import tempfile

    from qaplan.fsutil import give_mode

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with open(fd, "wb") as handle:
            yield handle.write
            handle.flush()
            os.fsync(handle.fileno())
        give_mode(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""`qaplan validate`: check plan files, draw the findings in the chosen format."""

from __future__ import annotations

from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    NoCacheOption,
    PathsArg,
    ProgressBar,
    as_of_date,
    check_format,
    notes,
    out,
)
from qaplan.errors import QaplanError

VALIDATE_FORMATS = ("text", "json", "github", "gitlab", "sarif")


def validate(
    paths: PathsArg = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output: text, json, github (workflow commands), gitlab (Code Quality report) "
            "or sarif (SARIF 2.1.0, for code scanning).",
            autocompletion=lambda: list(VALIDATE_FORMATS),
        ),
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_of: AsOfOption = None,
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="CODE", help="Explain a finding code, e.g. QP103, and exit."),
    ] = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check plan files against the schema and the plan rules.

    Example: qaplan validate plans/ --format github
    """
    from qaplan.findings import CODES
    from qaplan.findings import explain as explain_code

    if explain is not None:
        code = explain.upper()
        if code not in CODES:
            raise QaplanError(f"unknown code '{explain}'; known codes: {', '.join(CODES)}")
        out(explain_code(code))
        return
    from qaplan.engine.run import check_paths
    from qaplan.render.findings import FINDING_RENDERERS

    renderer = FINDING_RENDERERS[check_format(fmt, VALIDATE_FORMATS)]
    with ProgressBar() as progress:
        run = check_paths(paths, as_of_date(as_of), keep_data=False, use_cache=not no_cache,
                          progress=progress, whole_repo=True)
    notes(run.notes)
    findings = run.findings
    checked = sum(1 for r in run.files if r.kind != "skipped")
    if checked or not run.fatal:
        out(renderer(findings, checked))
    if run.fatal:
        raise QaplanError("\n".join(run.fatal))
    failing = [f for f in findings if f.severity == "error" or strict]
    if failing:
        raise typer.Exit(1)

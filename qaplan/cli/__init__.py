"""The command line: parses options, calls the library, picks a renderer. No logic lives here.

One module per family of commands (validate, reports, excel, setup), the options they share
in `options.py`; the commands are registered below, in the order `--help` lists them.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from qaplan import __version__
from qaplan.cli import (
    coverage,
    cycle,
    deviations,
    excel,
    feedback,
    new,
    remind,
    report,
    reports,
    setup,
    validate,
)
from qaplan.cli.options import out
from qaplan.errors import QaplanError


class _Group(TyperGroup):
    """Turns QaplanError from any command into a message on stderr and exit code 2."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except QaplanError as exc:
            sys.stdout.flush()
            sys.stderr.write(f"qaplan: error: {exc}\n")
            raise typer.Exit(2) from None


app = typer.Typer(
    name="qaplan",
    cls=_Group,
    help="Quality plans as YAML in git: validate them, report what is overdue per owner, "
    "move them to and from Excel, and diff the yearly follow-up.\n\n"
    "Example: qaplan validate plans/",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        out(f"qaplan {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Quality plans as YAML in git."""


app.command()(validate.validate)
app.command()(reports.overdue)
app.command()(reports.status)
app.command()(reports.diff)
app.command()(report.report)
app.command()(deviations.deviations)
app.command()(feedback.feedback)
app.command()(remind.remind)
app.command()(remind.calendar)
app.command()(setup.schema)
app.command("import")(excel.import_)
app.command()(excel.export)
app.command()(setup.init)
app.command()(cycle.rollover)
app.command()(coverage.coverage)
app.add_typer(new.app, name="new")


def main() -> None:
    """Entry point: run the app; an unexpected error is a message and exit code 2, not a traceback."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs no command tree
        out(f"qaplan {__version__}\n")
        return
    # A short-lived process that builds many small objects and few cycles: the cyclic
    # collector would cost more than half of a large report's time.
    gc.disable()
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("qaplan: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: never a traceback
        if os.environ.get("QAPLAN_DEBUG"):
            raise
        from qaplan.values import printable  # the message may quote a plan's text

        sys.stderr.write(
            f"qaplan: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
            "Please report this; set QAPLAN_DEBUG=1 to see the traceback.\n"
        )
        sys.exit(2)

"""The command tree: every command by name, and the typer application that holds them."""

from __future__ import annotations

import sys
from functools import cache
from importlib import import_module
from typing import Annotated

import typer
from typer.core import TyperGroup

from qaplan import __version__
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


def _version(value: bool) -> None:
    if value:
        out(f"qaplan {__version__}\n")
        raise typer.Exit()


def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Quality plans as YAML in git."""


# Every command as (module of `qaplan.cli`, its function or typer group), in the order
# `--help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "validate"),
    "overdue": ("reports", "overdue"),
    "status": ("reports", "status"),
    "diff": ("reports", "diff"),
    "report": ("report", "report"),
    "deviations": ("deviations", "deviations"),
    "feedback": ("feedback", "feedback"),
    "remind": ("remind", "remind"),
    "calendar": ("remind", "calendar"),
    "schema": ("setup", "schema"),
    "import": ("excel", "import_"),
    "export": ("excel", "export"),
    "init": ("setup", "init"),
    "rollover": ("cycle", "rollover"),
    "coverage": ("coverage", "coverage"),
    "new": ("new", "app"),
}


@cache
def build(only: str | None = None) -> typer.Typer:
    """The command line, or (`only`) the same with that one command: typer works out the
    options of every command it holds before it runs one, which costs more than the checks
    of `validate ONE.yaml`, and only that command's module is imported."""
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
    app.callback()(_main)
    for name, (module, attribute) in COMMANDS.items():
        if only not in (None, name):
            continue
        command = getattr(import_module(f"qaplan.cli.{module}"), attribute)
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=name)
        else:
            app.command(name)(command)
    return app

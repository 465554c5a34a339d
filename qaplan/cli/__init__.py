"""The command line: parses options, calls the library, picks a renderer. No logic lives here.

One module per family of commands (validate, reports, excel, setup), the options they share
in `options.py`; `commands.py` names every command and builds the typer application. This
module stays light: `qaplan --version` answers without importing typer.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

from qaplan import __version__


def __getattr__(name: str) -> Any:
    """`app`: the typer application with every command, built when first asked for."""
    if name == "app":
        from qaplan.cli.commands import build

        return build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point: run the app; an unexpected error is a message and exit code 2, not a traceback."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs neither typer nor commands
        sys.stdout.write(f"qaplan {__version__}\n")
        return
    from qaplan.cli.commands import COMMANDS, build

    # A short-lived process that builds many small objects and few cycles: the cyclic
    # collector would cost more than half of a large report's time.
    gc.disable()
    named = sys.argv[1] if len(sys.argv) > 1 else None  # a command, or an option of qaplan's
    try:
        # Only the command the line names, when it names one: the same parsing, less to build.
        build(named if named in COMMANDS else None)()
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

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


def run() -> None:
    """The `qaplan` program: `main`, then the process ended at once (`_leave`)."""
    try:
        main()
    except SystemExit as done:  # how every command ends
        _leave(done.code)
        raise
    _leave(0)


def _leave(code: object) -> None:
    """End the process once a command is done: its output flushed and the exit handlers run
    (the spill's removal), without tearing down, one by one, the objects a report built
    (a tenth of a large report's time). Anything unusual is left to Python's own exit."""
    if code is not None and type(code) is not int:
        return  # a message to print on the way out
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler or a coverage tool writes its findings at the end
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed pipe: reported as it always is
    import atexit

    atexit._run_exitfuncs()
    os._exit(code or 0)

"""What every command shares: the options declared once, their checks (exit 2 before any work),
the one place that loads a workspace for a report, and writing to stdout and stderr."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from datetime import date
from typing import Annotated, Any, Self

import typer

from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.folds import Fold
    from qaplan.workspace import Workspace

PathsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Plan files or directories (searched recursively). Default: plans/ when it exists, "
        "else the current directory.",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Report as of this date (default: today)."),
]
NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="Do not read or write the cache in .qaplan_cache/."),
]
SkipInvalidOption = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Skip plans with errors instead of stopping (says how many)."),
]
ReportFormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="Output: table (for people), markdown, csv or json."),
]
WithinOption = Annotated[
    int | None,
    typer.Option("--within", metavar="DAYS", min=0,
                 help="Also list activities due within DAYS days (negative days_overdue)."),
]
IncludeClosedOption = Annotated[
    bool,
    typer.Option("--include-closed", help="Report closed plans too (plan.closed: their period was "
                 "rolled over)."),
]
ReportLangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Headings and column headers in this language: sv, nb, nn, en, "
                 "da, fi (default: en)."),
]


def as_of_date(value: str | None) -> date:
    """The as-of date: the option's, else today (resolved once, here)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QaplanError(f"--as-of: '{value}' is not a date; use YYYY-MM-DD, e.g. 2025-03-01")


def check_format(value: str, allowed: Sequence[str]) -> str:
    """The --format option, one of `allowed`."""
    if value not in allowed:
        raise QaplanError(f"--format: '{value}' is not one of {', '.join(allowed)}")
    return value


def check_language(language: str | None) -> str | None:
    """The --lang option, checked against the languages plans may have."""
    from qaplan.values import LANGUAGES

    if language is not None and language not in LANGUAGES:
        raise QaplanError(f"--lang: '{language}' is not one of {', '.join(LANGUAGES)}")
    return language


def check_follow_up_year(option: str, year: int, as_of: date) -> None:
    """A follow-up is written for a year that has begun: none after the as-of year."""
    if year > as_of.year:
        raise QaplanError(f"{option}: {year} is after the as-of year {as_of.year}; a follow-up is "
                          "written for a year that has begun")


def out(text: str) -> None:
    """Write to stdout (what a command produced)."""
    sys.stdout.write(text)


def out_utf8(data: bytes) -> None:
    """Write text given as UTF-8 bytes to stdout: straight to its buffer when stdout writes
    UTF-8, else as text in its own encoding."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or (stream.encoding or "").lower().replace("-", "") != "utf8":
        stream.write(data.decode("utf-8", "surrogatepass"))
        return
    stream.flush()  # what was written as text comes first
    buffer.write(data)


def notes(lines: Sequence[str]) -> None:
    """Write each line to stderr (what the user should know beside the output)."""
    for line in lines:
        sys.stderr.write(line + "\n")


class ProgressBar:
    """A progress bar on stderr for long runs, only when stderr is a terminal (never in CI logs)."""

    MIN_FILES = 200

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.MIN_FILES or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking plans", total=total)
        self.bar.update(self.task, completed=done)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def load_workspace(paths: list[str] | None, skip_invalid: bool, no_cache: bool,
                   kind: str | tuple[str, ...] = "plan", skip_closed: bool = False,
                   fold: Fold | None = None) -> Workspace:
    """The valid plans (or files of `kind`) under PATHS for a report, with a progress bar on
    long runs.

    The checks compare with today, not with the report's as-of, so that a report can look
    back (its as-of only picks the follow-ups written by then). `fold`: what the report keeps
    of each file, worked out as the files are checked (`Workspace.folded`).
    """
    from qaplan.workspace import load

    with ProgressBar() as progress:
        workspace = load(paths, as_of=date.today(), skip_invalid=skip_invalid, kind=kind,
                         use_cache=not no_cache, progress=progress, skip_option="--skip-invalid",
                         fold=fold)
    if skip_closed:  # a closed plan's period was rolled over: its open work lives on elsewhere
        workspace.skip_closed()
    return workspace


def check_choice(option: str, value: str, known: Collection[str], what: str,
                 where: str = "", whats: str | None = None) -> None:
    """A usage error (exit 2) unless `value` is one of `known`, with "did you mean" and the list;
    `where` says where the known values come from (" in the units tree"), `whats` is the
    plural of `what` when it is not `what` + "s"."""
    if value in known:
        return
    from difflib import get_close_matches

    from qaplan.values import printable

    close = get_close_matches(value, sorted(known), n=2, cutoff=0.6)
    quoted = " or ".join(f"'{printable(k, short=True)}'" for k in close)
    hint = f" (did you mean {quoted}?)" if close else ""
    listed = ", ".join(printable(k, short=True) for k in sorted(known)) or "none"
    raise QaplanError(f"{option}: no {what} '{printable(value, short=True)}'{where}{hint}; "
                      f"the {whats or what + 's'}: {listed}")

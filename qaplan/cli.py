"""The command line: parses options, calls the library, picks a renderer. No logic lives here."""

from __future__ import annotations

import gc
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from qaplan import __version__
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

# --- options shared by every command (declared once) -------------------------------------------

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


def _as_of(value: str | None) -> date:
    """The as-of date: the option's, else today (resolved once, here)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QaplanError(f"--as-of: '{value}' is not a date; use YYYY-MM-DD, e.g. 2025-03-01")


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise QaplanError(f"--format: '{value}' is not one of {', '.join(allowed)}")
    return value


def _out(text: str) -> None:
    sys.stdout.write(text)


def _notes(notes: list[str]) -> None:
    for note in notes:
        sys.stderr.write(note + "\n")


class _ProgressBar:
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

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _load_plans(
    paths: list[str] | None, day: date, skip_invalid: bool, no_cache: bool
) -> tuple[list[Any], list[str]]:
    """The valid plans under PATHS for a report, with a progress bar on long runs.

    `day` is the report's as-of; the checks compare with today, so that a report can look
    back (its as-of only picks the follow-ups written by then).
    """
    from qaplan.workspace import load_plans

    del day  # kept in the signature every report calls; the checks need today, not as-of
    with _ProgressBar() as progress:
        return load_plans(paths, date.today(), skip_invalid, use_cache=not no_cache,
                          progress=progress, skip_option="--skip-invalid")


def _version(value: bool) -> None:
    if value:
        _out(f"qaplan {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Quality plans as YAML in git."""


# --- validate ----------------------------------------------------------------------------------

VALIDATE_FORMATS = ("text", "json", "github", "gitlab", "sarif")


@app.command()
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
        _out(explain_code(code))
        return
    from qaplan.engine.run import check_paths
    from qaplan.render.findings import FORMATS

    renderer = FORMATS[_check_format(fmt, VALIDATE_FORMATS)]
    with _ProgressBar() as progress:
        run = check_paths(paths, _as_of(as_of), keep_data=False, use_cache=not no_cache,
                          progress=progress, whole_repo=True)
    _notes(run.notes)
    findings = run.findings
    checked = sum(1 for r in run.files if r.kind != "skipped")
    if checked or not run.fatal:
        _out(renderer(findings, checked))
    if run.fatal:
        raise QaplanError("\n".join(run.fatal))
    failing = [f for f in findings if f.severity == "error" or strict]
    if failing:
        raise typer.Exit(1)


# --- overdue -----------------------------------------------------------------------------------


@app.command()
def overdue(
    paths: PathsArg = None,
    fmt: ReportFormatOption = "table",
    as_of: AsOfOption = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", metavar="KEY", help="Only this owner (repeatable), e.g. --owner PD."),
    ] = None,
    within: WithinOption = None,
    fail_on_overdue: Annotated[
        bool, typer.Option("--fail-on-overdue", help="Exit 1 when anything is overdue.")
    ] = False,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """List unfinished activities past their due date, grouped per owner.

    Example: qaplan overdue --owner PD --within 30
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.render.text import printable
    from qaplan.reports.overdue import overdue_report, overdue_view

    fmt = _check_format(fmt, REPORT_FORMATS)
    day = _as_of(as_of)
    plans, notes = _load_plans(paths, day, skip_invalid, no_cache)
    _notes([printable(note) for note in notes])
    report = overdue_report(plans, day, within=within, owners=owner or [])
    _out(render(overdue_view(report), fmt))
    if fail_on_overdue and report.overdue_count:
        raise typer.Exit(1)


# --- status ------------------------------------------------------------------------------------


@app.command()
def status(
    paths: PathsArg = None,
    fmt: ReportFormatOption = "table",
    as_of: AsOfOption = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The follow-up year to check (default: the as-of year minus one)."),
    ] = None,
    within: WithinOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Per plan: activities by state, overdue, missing follow-up for the year, % done.

    Example: qaplan status --year 2025 --format markdown
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.render.text import printable
    from qaplan.reports.status import status_report, status_view

    fmt = _check_format(fmt, REPORT_FORMATS)
    day = _as_of(as_of)
    plans, notes = _load_plans(paths, day, skip_invalid, no_cache)
    _notes([printable(note) for note in notes])
    _out(render(status_view(status_report(plans, day, year=year, within=within)), fmt))


# --- diff --------------------------------------------------------------------------------------

ANNOTATION_FORMATS = ("github", "sarif")  # diff only: each change at its line in the new side


@app.command()
def diff(
    paths: PathsArg = None,
    from_year: Annotated[
        int | None,
        typer.Option("--from-year", metavar="Y1", min=1900, max=2200,
                     help="Compare the follow-up of this year (default: the year before Y2)."),
    ] = None,
    to_year: Annotated[
        int | None,
        typer.Option("--to-year", metavar="Y2", min=1900, max=2200,
                     help="...with this year's (default: the as-of year minus one)."),
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option("--rev", metavar="REV[..REV2]",
                     help="Compare the plans at git revision REV with the working tree, or "
                     "REV..REV2 (REV...REV2: from their merge base)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Output: table (for people), markdown, csv, json, "
                     "github (annotations at each change's line) or sarif (SARIF 2.1.0)."),
    ] = "table",
    fail_on: Annotated[
        list[str] | None,
        typer.Option("--fail-on", metavar="KIND",
                     help="Exit 1 when a change of this kind is found (repeatable), "
                     "e.g. --fail-on due_postponed."),
    ] = None,
    as_of: AsOfOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Show what changed in the yearly follow-up, or in the plans between git revisions.

    Example: qaplan diff --from-year 2024 --to-year 2025, or qaplan diff --rev origin/main
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.render.text import printable
    from qaplan.reports.diff import check_fail_on, derived_warnings, diff_view, failing

    fmt = _check_format(fmt, (*REPORT_FORMATS, *ANNOTATION_FORMATS))
    day = _as_of(as_of)
    if rev is not None and (from_year is not None or to_year is not None):
        raise QaplanError("--rev compares revisions, --from-year/--to-year compare follow-up "
                          "years; give one or the other")
    check_fail_on(fail_on or [], "year" if rev is None else "revision")
    if rev is None:
        from qaplan.reports.diff import year_diff

        plans, notes = _load_plans(paths, day, skip_invalid, no_cache)
        _notes([printable(note) for note in notes])
        report = year_diff([r.plan for r in plans if r.plan is not None], from_year, to_year, day)
        new_side, commit = plans, None
    else:
        from qaplan.git import load_sides
        from qaplan.reports.diff import revision_diff

        sides = load_sides(rev, paths, date.today(), skip_invalid)  # checks compare with today
        _notes([printable(note) for note in sides.notes])
        report = revision_diff(
            [r.plan for r in sides.old if r.plan is not None],
            [r.plan for r in sides.new if r.plan is not None],
            day, sides.revisions.old_label, sides.revisions.new_label,
        )
        _notes([printable(note) for note in derived_warnings(report)])
        new_side, commit = sides.new, sides.revisions.new
    if fmt in ANNOTATION_FORMATS:
        from qaplan.render.annotations import as_github, as_sarif
        from qaplan.reports.locate import locate, read_revision, read_working_tree

        reader = read_working_tree if commit is None else read_revision(commit)
        draw = as_github if fmt == "github" else as_sarif
        _out(draw(report, locate(report, new_side, reader), fail_on or []))
    else:
        _out(render(diff_view(report), fmt))
    if failing(report, fail_on or []):
        raise typer.Exit(1)


# --- schema ------------------------------------------------------------------------------------


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="The schema of qaplan.yaml instead of a plan file's.")
    ] = False,
) -> None:
    """Print the JSON Schema of plan files (for editors and other tools).

    Example: qaplan schema -o schemas/plan.schema.json
    """
    import json

    from qaplan.model import config_json_schema, plan_json_schema

    text = json.dumps(
        config_json_schema() if config else plan_json_schema(), ensure_ascii=False, indent=2
    ) + "\n"
    if output is None:
        _out(text)
        return
    from qaplan.fsutil import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise QaplanError(f"{output}: cannot write ({exc.strerror})")
    sys.stderr.write(f"wrote {output}\n")


# --- import / export ---------------------------------------------------------------------------


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The Excel table (.xlsx).", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the plan to this new file (default: stdout)."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option("--into", metavar="EXISTING.yaml",
                     help="Merge the table into this plan file (keeps comments; never deletes)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change and write nothing.")
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet to read (default: the first "
                                    "with a plan table).")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The follow-up year of a status column whose header names no year."),
    ] = None,
    plan_id: Annotated[
        str | None, typer.Option("--plan-id", help="The plan's id (default: from the file).")
    ] = None,
    guess_state: Annotated[
        bool,
        typer.Option("--guess-state",
                     help="Suggest a state from each note's words (and list the rows guessed)."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing -o file; with --into, merge a sheet "
                     "exported from another plan, or replace a file that has hard links."),
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Read an Excel plan table into plan YAML, or merge it into a plan with --into.

    Example: qaplan import kvalitetsplan.xlsx --year 2024 -o plans/lakare.yaml
    """
    from qaplan.excel import import_workbook
    from qaplan.fsutil import write_atomic
    from qaplan.repo import display_path

    if into is not None and output is not None:
        raise QaplanError("--into and -o/--output exclude each other: --into edits the file "
                          "in place")
    if output is not None and output.exists() and not force:
        raise QaplanError(f"{display_path(output)} exists; merge the table into it with "
                          f"--into {display_path(output)}, replace it with --force, or choose "
                          "another file")
    outcome = import_workbook(file, output=output, into=into, sheet=sheet, year=year,
                              plan_id=plan_id, guess_state=guess_state, as_of=_as_of(as_of),
                              force=force)
    _notes(outcome.warnings)
    if outcome.guessed:
        _notes([f"guessed states ({len(outcome.guessed)}; check them):",
                *(f"  {line}" for line in outcome.guessed)])
    if into is not None:
        target = display_path(into)
        lines = [f"{target}: {outcome.summary}"]
        lines += [f"  {change}" for change in outcome.changes] or ["  no changes"]
        lines += [f"  not in the table (kept): {row}" for row in outcome.missing]
        if outcome.changed and not dry_run:
            from qaplan.into import replace

            replace(outcome.target, outcome.text)
            lines.append(f"wrote {target}")
        elif dry_run:
            lines.append("dry run: nothing written")
        _out("\n".join(lines) + "\n")
        return
    if output is None:
        _out(outcome.text)
        _notes([f"{display_path(file)}: {outcome.summary}"])
        return
    if dry_run:
        _notes([f"{display_path(file)}: {outcome.summary}",
                f"dry run: would write {display_path(output)}"])
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, outcome.text)
    except OSError as exc:
        raise QaplanError(f"{display_path(output)}: cannot write ({exc.strerror})")
    _notes([f"{display_path(file)}: {outcome.summary}", f"wrote {display_path(output)}"])


@app.command()
def export(
    paths: PathsArg = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx file to write.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", min=1900, max=2200,
                     help="The follow-up year to show (default: the as-of year minus one)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Headers in this language (default: each plan's): sv, nb, "
                     "nn, en, da, fi."),
    ] = None,
    as_of: AsOfOption = None,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the -o file if it exists.")
    ] = False,
) -> None:
    """Write plans to an Excel table in the layout used today, one sheet per plan.

    Example: qaplan export plans/ --year 2025 -o kvalitetsplan.xlsx
    """
    from qaplan.excel import check_language, export_workbook
    from qaplan.fsutil import write_atomic
    from qaplan.repo import display_path

    if output is None:
        raise QaplanError("export needs -o FILE.xlsx (a workbook is not written to the terminal)")
    if output.suffix.lower() != ".xlsx":
        raise QaplanError(f"{display_path(output)}: the output must end in .xlsx")
    language = check_language(lang)
    if output.is_dir():
        raise QaplanError(f"{display_path(output)}: is a directory; name the .xlsx file to write")
    # a workbook that came back filled in must not be lost to a repeated export
    if os.path.lexists(output) and not force:
        raise QaplanError(f"{display_path(output)} exists; replace it with --force, or choose "
                          "another file")
    day = _as_of(as_of)
    plans, notes = _load_plans(paths, day, skip_invalid, no_cache)
    _notes(notes)
    data = export_workbook(plans, year=year if year is not None else day.year - 1, as_of=day,
                           language=language)
    try:
        write_atomic(output, data)
    except OSError as exc:
        raise QaplanError(f"{display_path(output)}: cannot write ({exc.strerror})")
    count = sum(len(result.plan.activities()) for result in plans if result.plan is not None)
    _out(f"wrote {display_path(output)}: {len(plans)} plan(s), {count} activities\n")


# --- init --------------------------------------------------------------------------------------


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(metavar="DIR", show_default=False,
                       help="The repository to set up (created when missing). Default: here."),
    ] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that exist (default: skip them).")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="SPEC", show_default=False,
                     help="What CI and the pre-commit hook install: an exact version "
                          "(qaplan==0.1.0) or a git URL with a tag "
                          "(qaplan @ git+https://github.com/ORG/qaplan@v0.1.0). "
                          "Default: this qaplan's version."),
    ] = None,
) -> None:
    """Scaffold a plan repository: a starter plan, qaplan.yaml, schemas, CI and editor settings.

    Example: qaplan init quality-plans && qaplan validate quality-plans/plans
    """
    from qaplan.init import CACHE_ENTRY, check_source, default_source, init_repository
    from qaplan.repo import display_path

    spec = default_source() if source is None else check_source(source)
    result = init_repository(directory, date.today(), force=force, source=spec)
    for path in result.skipped:
        sys.stderr.write(f"skipped {display_path(path)}: exists (--force overwrites it)\n")
    for verb, written in (("wrote", result.written), ("overwrote", result.overwritten)):
        for path in written:
            _out(f"{verb} {display_path(path)}\n")
    for path in result.updated:
        _out(f"added {CACHE_ENTRY} to {display_path(path)}\n")
    if result.installs:
        _out(f"CI and the pre-commit hook install {result.installs} (--source names another).\n")
    if result.written or result.overwritten:
        plans = display_path(directory / "plans")
        _out(f"Next: edit the starter plan, then run `qaplan validate {plans}`.\n")
    elif not result.updated:
        sys.stderr.write("nothing written: every file exists\n")


def main() -> None:
    """Entry point: run the app; an unexpected error is a message and exit code 2, not a traceback."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs no command tree
        _out(f"qaplan {__version__}\n")
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
        sys.stderr.write(
            f"qaplan: internal error: {type(exc).__name__}: {exc}\n"
            "Please report this; set QAPLAN_DEBUG=1 to see the traceback.\n"
        )
        sys.exit(2)

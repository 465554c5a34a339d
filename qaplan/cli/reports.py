"""`qaplan overdue`, `status` and `diff`: check the options, load the workspace, run the report,
draw it with the chosen renderer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
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
    WithinOption,
    as_of_date,
    check_follow_up_year,
    check_format,
    check_language,
    load_workspace,
    notes,
    out,
)
from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.reports import PlanEntry


def _printable_notes(lines: Sequence[str]) -> None:
    from qaplan.render.text import printable

    notes([printable(line) for line in lines])


def resolve_owners(wanted: Sequence[str], known: set[str]) -> list[str]:
    """The owner keys that `--owner` values name: exact, else the one key that differs in case.

    An unknown key, or one that matches several keys by case only, is a usage error (exit 2)
    that says which keys there are.
    """
    from difflib import get_close_matches

    from qaplan.render.text import printable

    def shown(keys: Sequence[str]) -> list[str]:  # owner keys are plan text: never raw on stderr
        return [f"'{printable(k)}'" for k in keys]

    resolved = []
    for key in wanted:
        if key in known:
            resolved.append(key)
            continue
        same = sorted(k for k in known if k.casefold() == key.casefold())
        if len(same) == 1:
            resolved.append(same[0])
            continue
        if same:
            raise QaplanError(
                f"--owner: {shown([key])[0]} matches {' and '.join(shown(same))}, which differ "
                f"only in case; give the key exactly, e.g. --owner {printable(same[0])}"
            )
        folded = {k.casefold(): k for k in sorted(known)}
        close = [folded[k] for k in get_close_matches(key.casefold(), list(folded), n=3, cutoff=0.6)]
        hint = f" (did you mean {' or '.join(shown(close))}?)" if close else ""
        raise QaplanError(
            f"--owner: no owner {shown([key])[0]} in the plans or qaplan.yaml{hint}; "
            f"known owners: {', '.join(printable(k) for k in sorted(known)) or 'none'}"
        )
    return resolved


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
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    include_closed: IncludeClosedOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """List unfinished activities and deviation measures past their due date, per owner.

    Example: qaplan overdue --owner PD --within 30
    """
    from qaplan.render import REPORT_FORMATS, write
    from qaplan.reports.overdue import merge_overdue, overdue_fold
    from qaplan.reports.overdue_view import overdue_view

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    fold = overdue_fold(day, within)
    workspace = load_workspace(paths, skip_invalid, no_cache, kind=("plan", "deviation"),
                               skip_closed=not include_closed, fold=fold)
    _printable_notes(workspace.notes)
    # One pass over the plans' facts and the cases; --owner names keys that only they can tell.
    facts = workspace.folded(fold, workspace.earlier_activities())
    report = merge_overdue(((result.config, data) for result, data in facts), day, within=within,
                           cases=workspace.entries("deviation"))
    if owner:
        report = report.only(resolve_owners(owner, set(report.known_owners)))
    write(overdue_view(report, language), fmt)
    if fail_on_overdue and report.overdue_count:
        raise typer.Exit(1)


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
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    include_closed: IncludeClosedOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Per plan: activities by state, overdue, missing follow-up for the year, % done.

    Example: qaplan status --year 2025 --format markdown
    """
    from qaplan.render import REPORT_FORMATS, render
    from qaplan.reports.status import merge_status, status_fold, status_view

    fmt = check_format(fmt, REPORT_FORMATS)
    language = check_language(lang)
    day = as_of_date(as_of)
    if year is not None:
        check_follow_up_year("--year", year, day)
    year = day.year - 1 if year is None else year
    fold = status_fold(day, year, within)
    workspace = load_workspace(paths, skip_invalid, no_cache, skip_closed=not include_closed,
                               fold=fold)
    _printable_notes(workspace.notes)
    facts = workspace.folded(fold, workspace.earlier_activities())
    report = merge_status(((result.file, data) for result, data in facts), day, year, within)
    out(render(status_view(report, language), fmt))


ANNOTATION_FORMATS = ("github", "sarif")  # diff only: each change at its line in the new side


def check_fail_on(kinds: Sequence[str], mode: str) -> None:
    """Refuse a --fail-on kind that this kind of diff never reports."""
    from qaplan.reports.diff import REVISION_KINDS, YEAR_KINDS

    allowed = YEAR_KINDS if mode == "year" else REVISION_KINDS
    for kind in kinds:
        if kind not in allowed:
            other = "a revision diff (--rev)" if kind in REVISION_KINDS else (
                "a year diff (--from-year/--to-year)" if kind in YEAR_KINDS else None)
            where = f"; it belongs to {other}" if other else ""
            raise QaplanError(
                f"--fail-on: '{kind}' is not a kind of this diff{where}. "
                f"Kinds: {', '.join(allowed)}"
            )


def diff_years(from_year: int | None, to_year: int | None, day: date) -> tuple[int, int]:
    """The two follow-up years to compare, defaults filled in and checked."""
    from qaplan.reports.diff import follow_up_years

    old, new = follow_up_years(from_year, to_year, day)
    if old >= new:
        raise QaplanError(f"--from-year {old} is not before --to-year {new}; e.g. "
                          f"--from-year {new - 1} --to-year {new}")
    if new > day.year:
        raise QaplanError(f"--to-year {new} is after the as-of year {day.year}; a follow-up is "
                          "written for a year that has begun")
    return old, new


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
    lang: ReportLangOption = None,
    skip_invalid: SkipInvalidOption = False,
    include_closed: IncludeClosedOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Show what changed in the yearly follow-up, or in the plans between git revisions.

    Example: qaplan diff --from-year 2024 --to-year 2025, or qaplan diff --rev origin/main
    """
    from qaplan.render import REPORT_FORMATS, write
    from qaplan.reports.diff import derived_warnings, failing
    from qaplan.reports.diff_view import diff_view

    fmt = check_format(fmt, (*REPORT_FORMATS, *ANNOTATION_FORMATS))
    language = check_language(lang)
    day = as_of_date(as_of)
    if rev is not None and (from_year is not None or to_year is not None):
        raise QaplanError("--rev compares revisions, --from-year/--to-year compare follow-up "
                          "years; give one or the other")
    if rev is not None and include_closed:
        raise QaplanError("--include-closed belongs to the year diff; a revision diff (--rev) "
                          "compares every plan, closed or not")
    check_fail_on(fail_on or [], "year" if rev is None else "revision")
    if rev is None:
        from qaplan.reports.diff import merge_year_diff, year_fold

        old_year, new_year = diff_years(from_year, to_year, day)
        fold = year_fold(old_year, new_year)
        workspace = load_workspace(paths, skip_invalid, no_cache, skip_closed=not include_closed,
                                   fold=fold)
        _printable_notes(workspace.notes)
        # A carried activity's earlier years come from the closed plan it continues.
        facts = workspace.folded(fold, workspace.earlier_activities())
        report = merge_year_diff((data for _result, data in facts), old_year, new_year)
        new_side: Iterable[PlanEntry] = workspace.plans()  # read again only to annotate
        commit = None
    else:
        from qaplan.reports.diff import revision_diff
        from qaplan.reports.diff_cases import case_diff
        from qaplan.workspace import ById, load_sides

        # the plans and the deviation register; the checks compare with today
        sides = load_sides(rev, paths, date.today(), skip_invalid, ("plan", "deviation"))
        _printable_notes(sides.notes)
        report = revision_diff(  # plans built as they are compared, a pair at a time
            ById(sides.old), ById(sides.new), day, sides.revisions.old_label,
            sides.revisions.new_label,
        )
        cases = case_diff(ById(sides.old, "deviation"), ById(sides.new, "deviation"))
        report = report.adding(cases.changes)
        _printable_notes([*derived_warnings(report), *cases.warnings])
        new_side, commit = sides.new, sides.revisions.new
    if fmt in ANNOTATION_FORMATS:
        from qaplan.render.annotations import as_github, as_sarif
        from qaplan.reports.locate import locate, read_revision, read_working_tree

        reader = read_working_tree if commit is None else read_revision(commit)
        draw = as_github if fmt == "github" else as_sarif
        out(draw(report, locate(report, new_side, reader), fail_on or []))
    else:
        write(diff_view(report, language), fmt)
    if failing(report, fail_on or []):
        raise typer.Exit(1)

"""What `import`, `export` and `init` tell the user: text drawn from the result the library
returned (the command line prints it and computes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qaplan.repo import display_path
from qaplan.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.excel import ImportOutcome
    from qaplan.init import InitResult


@dataclass(frozen=True, slots=True)
class Printed:
    """Text for stdout and lines for stderr."""

    out: str = ""
    notes: list[str] = field(default_factory=list)


def import_warnings(outcome: ImportOutcome) -> list[str]:
    """The warnings of an import, and the states it guessed (stderr, before anything is written)."""
    notes = list(outcome.warnings)
    if outcome.guessed:
        notes += [f"guessed states ({len(outcome.guessed)}; check them):",
                  *(f"  {line}" for line in outcome.guessed)]
    return notes


def import_merged(outcome: ImportOutcome, target: str, *, wrote: bool, dry_run: bool) -> Printed:
    """`import --into`: the changes to the plan file, what was kept, and what was written."""
    lines = [f"{target}: {outcome.summary}"]
    lines += [f"  {change}" for change in outcome.changes] or ["  no changes"]
    lines += [f"  not in the table (kept): {row}" for row in outcome.missing]
    if wrote:
        lines.append(f"wrote {target}")
    elif dry_run:
        lines.append("dry run: nothing written")
    return Printed("\n".join(lines) + "\n")


def import_new(outcome: ImportOutcome, source: str, output: str | None, *, dry_run: bool) -> Printed:
    """`import` to a new file (`output`) or to stdout (None): the YAML or what was written."""
    summary = f"{source}: {outcome.summary}"
    if output is None:
        return Printed(outcome.text, [summary])
    if dry_run:
        return Printed("", [summary, f"dry run: would write {output}"])
    return Printed("", [summary, f"wrote {output}"])


def exported(output: str, plans: int, activities: int) -> str:
    """`export`'s one line: the workbook written and what it holds."""
    return f"wrote {output}: {plural(plans, 'plan')}, {plural(activities, 'activity', 'activities')}\n"


def exported_register(output: str, cases: int, measures: int) -> str:
    """`export --register`'s one line: the workbook written and what it holds."""
    return f"wrote {output}: {plural(cases, 'case')}, {plural(measures, 'measure')}\n"


def initialised(result: InitResult, directory: Path, cache_entry: str) -> Printed:
    """`init`: each file written, overwritten or skipped, and what to do next."""
    lines = [f"{verb} {display_path(path)}" for verb, written in
             (("wrote", result.written), ("overwrote", result.overwritten)) for path in written]
    lines += [f"added {cache_entry} to {display_path(path)}" for path in result.updated]
    if result.installs:
        lines.append(f"CI and the pre-commit hook install {result.installs} (--source names "
                     "another).")
    if result.written or result.overwritten:
        lines.append("Next: edit the starter plan, then run "
                     f"`qaplan validate {display_path(directory / 'plans')}`.")
    notes = [f"skipped {display_path(path)}: exists (--force overwrites it)"
             for path in result.skipped]
    if not (result.written or result.overwritten or result.updated):
        notes.append("nothing written: every file exists")
    return Printed("".join(line + "\n" for line in lines), notes)

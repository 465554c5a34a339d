"""`qaplan schema` and `init`: write what a plan repository needs."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import notes, out
from qaplan.errors import QaplanError


def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="The schema of qaplan.yaml instead of a plan file's.")
    ] = False,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", show_default=False,
                     help="The kind of file: plan (default), deviation or config (qaplan.yaml)."),
    ] = None,
) -> None:
    """Print the JSON Schema of plan files, or of another kind of file (for editors and tools).

    Example: qaplan schema -o schemas/plan.schema.json
    """
    import json

    from qaplan.kinds import KINDS

    if config and kind not in (None, "config"):
        raise QaplanError(f"--config and --kind {kind} name two kinds; give one")
    name = "config" if config else kind or "plan"
    json_schema = KINDS[name].json_schema if name in KINDS else None
    if json_schema is None:
        known = ", ".join(k for k, entry in KINDS.items() if entry.json_schema is not None)
        raise QaplanError(f"--kind: {name!r} is not a kind of file; use one of {known}")
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        out(text)
        return
    from qaplan.fsutil import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise QaplanError(f"{output}: cannot write ({exc.strerror})")
    sys.stderr.write(f"wrote {output}\n")


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
    reminders: Annotated[
        bool, typer.Option("--reminders", help="Also write a GitHub Actions workflow that sends "
                           "the owners their reminders every Monday (qaplan remind --send).")
    ] = False,
) -> None:
    """Scaffold a plan repository: a starter plan, qaplan.yaml, schemas, CI and editor settings.

    Example: qaplan init quality-plans && qaplan validate quality-plans/plans
    """
    from qaplan.init import CACHE_ENTRY, check_source, default_source, init_repository
    from qaplan.render.outcomes import initialised

    spec = default_source() if source is None else check_source(source)
    result = init_repository(directory, date.today(), force=force, source=spec,
                             reminders=reminders)
    printed = initialised(result, directory, CACHE_ENTRY)
    notes(printed.notes)
    out(printed.out)

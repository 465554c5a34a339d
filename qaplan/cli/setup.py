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
) -> None:
    """Scaffold a plan repository: a starter plan, qaplan.yaml, schemas, CI and editor settings.

    Example: qaplan init quality-plans && qaplan validate quality-plans/plans
    """
    from qaplan.init import CACHE_ENTRY, check_source, default_source, init_repository
    from qaplan.render.outcomes import initialised

    spec = default_source() if source is None else check_source(source)
    result = init_repository(directory, date.today(), force=force, source=spec)
    printed = initialised(result, directory, CACHE_ENTRY)
    notes(printed.notes)
    out(printed.out)

"""`qaplan init`: scaffold a plan repository from the templates shipped in the package."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path, PurePosixPath
from string import Template

from qaplan.errors import QaplanError
from qaplan.fsutil import write_atomic

PLAN_PATH = "plans/example-programme.yaml"
PLAN_SCHEMA_PATH = "schemas/plan.schema.json"
CONFIG_SCHEMA_PATH = "schemas/qaplan.schema.json"

# The files that are the same in every repository: template name -> path in the repository.
# Templates carry no leading dot because package-data globs skip hidden files.
STATIC_FILES = {
    "qaplan.yaml": "qaplan.yaml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github-workflow.yml": ".github/workflows/qaplan.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "vscode-settings.json": ".vscode/settings.json",
    "vscode-extensions.json": ".vscode/extensions.json",
}
# The CI and editor files that `examples/` shows as they are written.
EXAMPLE_FILES = tuple(path for path in STATIC_FILES.values() if path != "qaplan.yaml")


@dataclass(slots=True)
class InitResult:
    """What init did with each file: written (new), overwritten (--force) or skipped (exists)."""

    written: list[Path] = field(default_factory=list)
    overwritten: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def template(name: str) -> str:
    """The text of one template shipped in `qaplan/templates/`."""
    return files("qaplan").joinpath("templates", name).read_text(encoding="utf-8")


def modeline_path(written_file: str, schema_file: str) -> str:
    """The schema's path relative to the written file, with '/', as the modeline needs it."""
    parent = PurePosixPath(written_file).parent
    return PurePosixPath(os.path.relpath(schema_file, parent.as_posix())).as_posix()


def starter_plan(today: date) -> str:
    """The starter plan: a four-year period from this year, and no follow-up yet, so that it
    validates on any date from now on (a status year can never lie in the future)."""
    return Template(template("plan.yaml")).substitute(
        schema_path=modeline_path(PLAN_PATH, PLAN_SCHEMA_PATH),
        year=today.year,
        next=today.year + 1,
        last=today.year + 3,
    )


def _schema_text(config: bool) -> str:
    from qaplan.model import config_json_schema, plan_json_schema

    schema = config_json_schema() if config else plan_json_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def scaffold(today: date) -> dict[str, str]:
    """Every file init writes: path relative to the repository root -> text."""
    result = {PLAN_PATH: starter_plan(today)}
    result |= {path: template(name) for name, path in STATIC_FILES.items()}
    result[PLAN_SCHEMA_PATH] = _schema_text(config=False)
    result[CONFIG_SCHEMA_PATH] = _schema_text(config=True)
    return dict(sorted(result.items()))


def init_repository(root: Path, today: date, force: bool = False) -> InitResult:
    """Write the scaffold under `root`; an existing file is kept unless `force`."""
    if root.exists() and not root.is_dir():
        raise QaplanError(f"{root}: exists and is not a directory")
    result = InitResult()
    for relative, text in scaffold(today).items():
        path = root / relative
        if path.is_dir():
            raise QaplanError(f"{path}: is a directory; move it away to let init write the file")
        existed = path.exists()
        if existed and not force:
            result.skipped.append(path)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
        except OSError as exc:
            raise QaplanError(f"{path}: cannot write ({exc.strerror or exc})") from None
        (result.overwritten if existed else result.written).append(path)
    return result

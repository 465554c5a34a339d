"""`qaplan init`: scaffold a plan repository from the templates shipped in the package."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path, PurePosixPath
from string import Template
from urllib.parse import urlsplit

from qaplan import __version__
from qaplan.errors import QaplanError
from qaplan.fsutil import ChangedMeanwhile, snapshot, write_atomic
from qaplan.repo import display_path

PLAN_PATH = "plans/example-programme.yaml"
PLAN_SCHEMA_PATH = "schemas/plan.schema.json"

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
# Written only when asked (`init --reminders`): the weekly reminder job.
REMINDER_FILES = {"github-reminders.yml": ".github/workflows/qaplan-reminders.yml"}
# The CI and editor files that `examples/` shows as they are written.
EXAMPLE_FILES = tuple(path for path in STATIC_FILES.values() if path != "qaplan.yaml")
# Where the templates name what CI and pre-commit install (`--source`).
SOURCE_MARK = "@QAPLAN_SOURCE@"
GITIGNORE = ".gitignore"
CACHE_ENTRY = ".qaplan_cache/"
# Lines of a .gitignore that already keep the cache out of git.
_CACHE_PATTERNS = frozenset(
    prefix + ".qaplan_cache" + suffix for prefix in ("", "/", "**/") for suffix in ("", "/")
)


@dataclass(slots=True)
class InitResult:
    """What init did with each file: written (new), overwritten (--force) or skipped (exists)."""

    written: list[Path] = field(default_factory=list)
    overwritten: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)  # .gitignore: the cache's line appended
    installs: str | None = None  # the --source requirement, when a file naming it was written


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


def _schemas() -> dict[str, str]:
    """Every kind's JSON Schema (plans, qaplan.yaml, deviation cases) at its path in `schemas/`."""
    from qaplan.kinds import KINDS

    return {f"schemas/{kind.schema_file}":
            json.dumps(kind.json_schema(), ensure_ascii=False, indent=2) + "\n"
            for kind in KINDS.values() if kind.schema_file and kind.json_schema}


def default_source() -> str:
    """What CI and pre-commit install unless `--source` says otherwise: this exact version."""
    return f"qaplan=={__version__}"


_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._, -]+\])?"
_PINNED = re.compile(rf"{_NAME}\s*===?\s*[0-9][A-Za-z0-9.+!_-]*")
_URL = re.compile(rf"(?:{_NAME}\s*@\s*)?(git\+(?:https|ssh|file)://\S+)")
# A branch moves: CI would run whatever is pushed to it next.
_BRANCHES = frozenset({"HEAD", "main", "master", "develop", "trunk"})
_EXAMPLES = "qaplan==0.1.0, or qaplan @ git+https://github.com/ORG/qaplan@v0.1.0"


def check_source(spec: str) -> str:
    """The pip requirement CI and pre-commit install: an exact version or a git URL at a tag."""
    spec = spec.strip()
    shown = f"--source {spec!r}"
    # The requirement is written into YAML and run by a shell: plain printable ASCII only.
    if not spec.isascii() or not spec.isprintable() or any(c in spec for c in "\"'\\`$"):
        raise QaplanError(f"{shown}: use plain ASCII without quotes or '$' (e.g. {_EXAMPLES})")
    if _PINNED.fullmatch(spec):
        return spec
    url = _URL.fullmatch(spec)
    if url is not None:
        parts = urlsplit(url.group(1)[len("git+"):])
        repository, _, ref = parts.path.rpartition("@")
        if not repository or not ref or "/" not in repository:
            raise QaplanError(f"{shown}: the URL names no tag or commit, so CI would install "
                              f"whatever is pushed next; end it with @TAG (e.g. {_EXAMPLES})")
        if ref in _BRANCHES:
            raise QaplanError(f"{shown}: {ref!r} is a branch, which moves; name a tag or a "
                              f"commit instead (e.g. {_EXAMPLES})")
        return spec
    if re.search(r"[<>~!=]=?|\*|,", spec):
        raise QaplanError(f"{shown}: a range installs whatever the index holds on the day CI "
                          f"runs; pin one version or a git tag (e.g. {_EXAMPLES})")
    if re.fullmatch(_NAME, spec):
        raise QaplanError(f"{shown}: names no version; pin one version or a git tag "
                          f"(e.g. {_EXAMPLES})")
    raise QaplanError(f"{shown}: not an exact version or a git URL with a tag "
                      f"(e.g. {_EXAMPLES})")


def static_text(name: str, source: str | None = None) -> str:
    """A template of STATIC_FILES with the requirement that CI and pre-commit install."""
    # A JSON string is a YAML string too, quoted whatever the requirement holds.
    return template(name).replace(SOURCE_MARK, json.dumps(source or default_source()))


def scaffold(today: date, source: str | None = None, reminders: bool = False) -> dict[str, str]:
    """Every file init writes (but .gitignore): path relative to the repository root -> text."""
    result = {PLAN_PATH: starter_plan(today)}
    result |= {path: static_text(name, source) for name, path in STATIC_FILES.items()}
    if reminders:
        result |= {path: static_text(name, source) for name, path in REMINDER_FILES.items()}
    result |= _schemas()
    return dict(sorted(result.items()))


@dataclass(frozen=True, slots=True)
class _Write:
    """One file to write, and what it held before (None: it is new)."""

    path: Path
    data: bytes
    before: bytes | None
    verb: str  # which list of InitResult it goes to
    real: Path | None = None  # the file a symbolic link at `path` points to

    @property
    def target(self) -> Path:
        return self.real or self.path


def _blocker(path: Path) -> Path | None:
    """The nearest existing ancestor of `path` when it is not a directory (mkdir would fail)."""
    for parent in path.parents:
        if parent.is_dir():
            return None
        if parent.exists() or parent.is_symlink():
            return parent
    return None


def _gitignore(path: Path) -> tuple[_Write | None, str | None]:
    """The .gitignore with the cache's line appended when missing, or why it cannot be."""
    if not path.exists():
        text = f"# qaplan's cache: rebuilt when missing, never committed\n{CACHE_ENTRY}\n"
        return _Write(path, text.encode(), None, "written"), None
    try:
        current = snapshot(path, limit=16 * 1024 * 1024)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        return None, f"{display_path(path)}: {reason}"
    lines = current.raw.decode("utf-8", errors="replace").splitlines()
    if any(line.strip() in _CACHE_PATTERNS for line in lines):
        return None, None
    eol = b"\r\n" if b"\r\n" in current.raw else b"\n"
    gap = eol if current.raw and not current.raw.endswith(b"\n") else b""
    data = current.raw + gap + CACHE_ENTRY.encode() + eol
    return _Write(path, data, current.raw, "updated", real=current.path), None


def _plan(root: Path, today: date, source: str | None, force: bool,
          result: InitResult, reminders: bool = False) -> list[_Write]:
    """Every write init will make; raises, naming every conflicting path, before any write."""
    conflicts: list[str] = []
    blocked: dict[Path, list[str]] = {}  # a file where a directory belongs -> what it blocks
    writes: list[_Write] = []
    for relative, text in scaffold(today, source, reminders).items():
        path = root / relative
        blocker = _blocker(path)
        if blocker is not None:
            blocked.setdefault(blocker, []).append(display_path(path))
        elif path.is_dir():
            conflicts.append(f"{display_path(path)}: is a directory where init writes a file")
        elif path.exists() and not path.is_file():
            conflicts.append(f"{display_path(path)}: is not a regular file")
        elif path.exists() and not force:
            result.skipped.append(path)
        else:
            try:
                before = path.read_bytes() if path.exists() else None
            except OSError as exc:
                conflicts.append(f"{display_path(path)}: cannot read ({exc.strerror})")
                continue
            verb = "written" if before is None else "overwritten"
            writes.append(_Write(path, text.encode("utf-8"), before, verb))
    ignore = root / GITIGNORE
    if _blocker(ignore) is None:  # else the scaffold's files already named the blocker
        write, problem = _gitignore(ignore)
        conflicts += [problem] if problem else []
        writes += [write] if write else []
    conflicts = [f"{display_path(blocker)}: is a file where init needs a directory "
                 f"(for {', '.join(paths)})" for blocker, paths in blocked.items()] + conflicts
    if conflicts:
        them = "it" if len(conflicts) == 1 else "them"
        raise QaplanError(f"{'; '.join(conflicts)}; move {them} away and run init again "
                          "(nothing was written)")
    return writes


def init_repository(root: Path, today: date, force: bool = False,
                    source: str | None = None, reminders: bool = False) -> InitResult:
    """Write the scaffold under `root`, all or nothing; an existing file is kept unless `force`."""
    if root.exists() and not root.is_dir():
        raise QaplanError(f"{display_path(root)}: exists and is not a directory")
    result = InitResult()
    writes = _plan(root, today, source, force, result, reminders)
    carriers = {root / path for name, path in (STATIC_FILES | REMINDER_FILES).items()
                if SOURCE_MARK in template(name)}
    created: list[Path] = []  # directories made, to remove again if a write fails
    done: list[_Write] = []
    try:
        for write in writes:
            missing = [p for p in reversed(write.target.parents) if not p.exists()]
            for directory in missing:
                directory.mkdir()
                created.append(directory)
            write_atomic(write.target, write.data, unchanged=write.before)
            done.append(write)
    except (OSError, ChangedMeanwhile) as exc:
        _undo(done, created)
        reason = "changed while init ran" if isinstance(exc, ChangedMeanwhile) else (
            f"cannot write ({getattr(exc, 'strerror', None) or exc})")
        raise QaplanError(f"{display_path(write.path)}: {reason}; nothing was written") from None
    for write in sorted(writes, key=lambda write: write.path):
        getattr(result, write.verb).append(write.path)
        if write.path in carriers:
            result.installs = source or default_source()
    return result


def _undo(done: list[_Write], created: list[Path]) -> None:
    """Put back what a failed init wrote: old contents restored, new files and directories gone."""
    for write in reversed(done):
        try:
            if write.before is None:
                write.target.unlink()
            else:
                write_atomic(write.target, write.before)
        except OSError:
            pass  # best effort: the error that stopped init is the one to report
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            pass

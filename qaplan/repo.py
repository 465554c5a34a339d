"""The plan repository on disk: finding plan files, the nearest qaplan.yaml, display paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qaplan.errors import QaplanError

CONFIG_NAME = "qaplan.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A YAML file to look at, and the command-line path it was found under."""

    path: Path
    display: str
    explicit: bool  # named on the command line rather than found in a directory
    origin: str


def display_path(path: Path) -> str:
    """The path relative to the current directory, with '/' (absolute when outside it)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    if rel.startswith(".."):
        return Path(os.path.abspath(path)).as_posix()
    return Path(rel).as_posix()


def default_paths() -> list[str]:
    """`plans/` when it exists, else the current directory."""
    return ["plans"] if Path("plans").is_dir() else ["."]


def discover(paths: list[str]) -> list[Candidate]:
    """Every YAML file under `paths`, sorted and without repeats; a missing path is an error."""
    found: dict[str, Candidate] = {}
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise QaplanError(f"{given}: no such file or directory")
        if root.is_dir():
            for file in _walk(root):
                display = display_path(file)
                found.setdefault(display, Candidate(file, display, False, given))
        else:
            display = display_path(root)
            found[display] = Candidate(root, display, True, given)
    return [found[key] for key in sorted(found)]


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            name for name in dirnames if not name.startswith(".") and name not in SKIPPED_DIRS
        )
        files.extend(
            Path(dirpath, name) for name in filenames
            if name.endswith(YAML_SUFFIXES) and not name.startswith(".")
        )
    return files


def _up_to_git_root(start: Path) -> list[Path]:
    """`start` and its parents, up to and including the git root (or the filesystem root)."""
    chain = []
    for directory in (start.resolve(), *start.resolve().parents):
        chain.append(directory)
        if (directory / ".git").exists():
            break
    return chain


def git_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` that holds `.git`."""
    top = _up_to_git_root(start)[-1]
    return top if (top / ".git").exists() else None


def nearest_config(directory: Path) -> Path | None:
    """The nearest qaplan.yaml in `directory` or above it, up to the git root."""
    for current in _up_to_git_root(directory):
        candidate = current / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def is_config(path: Path) -> bool:
    return path.name == CONFIG_NAME

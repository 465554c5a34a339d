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
    """The path relative to the current directory, with '/' (absolute when outside it).

    A name that is not UTF-8 shows its bytes as `\\xNN` (and a `\\` as `\\\\`, so that
    two files never show the same name): printable everywhere, never an encoding error.
    """
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return _printable(path.as_posix())
    if rel.startswith(".."):
        return _printable(Path(os.path.abspath(path)).as_posix())
    return _printable(Path(rel).as_posix())


def _printable(name: str) -> str:
    if "\\" not in name and name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return (name.replace("\\", "\\\\").encode("utf-8", "surrogateescape")
                .decode("utf-8", "backslashreplace"))
    return name.replace("\\", "\\\\")


DEFAULT_DIRS = ("plans", "deviations")  # where a repository keeps its qaplan files


def default_paths() -> list[str]:
    """`plans/` and `deviations/`, those that exist; else the current directory."""
    return [name for name in DEFAULT_DIRS if Path(name).is_dir()] or ["."]


def discover(
    paths: list[str], unreadable: list[tuple[Path, str]] | None = None
) -> list[Candidate]:
    """Every YAML file under `paths`, sorted and without repeats; a missing path is an error.

    A directory that cannot be listed is added to `unreadable` with why, when given.
    """
    found: dict[str, Candidate] = {}
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise QaplanError(f"{given}: no such file or directory")
        if root.is_dir():
            for file, display in _walk(root, unreadable):
                found.setdefault(display, Candidate(file, display, False, given))
        else:
            display = display_path(root)
            found[display] = Candidate(root, display, True, given)
    return [found[key] for key in sorted(found)]


def _walk(root: Path, unreadable: list[tuple[Path, str]] | None = None) -> list[tuple[Path, str]]:
    """Each YAML file under `root` with its `display_path`, worked out from the directory's
    (a relative path a file, from a repository of thousands, costs more than reading its cache
    entry)."""
    files: list[tuple[Path, str]] = []

    def failed(error: OSError) -> None:
        if unreadable is not None and error.filename is not None:
            unreadable.append((Path(error.filename), error.strerror or type(error).__name__))

    try:
        base = os.path.relpath(root)
        if base.startswith(".."):
            base = os.path.abspath(root)
    except ValueError:  # another drive
        base = str(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        dirnames[:] = sorted(
            name for name in dirnames if not name.startswith(".") and name not in SKIPPED_DIRS
        )
        below = os.path.relpath(dirpath, root)
        prefix = base if below == "." else below if base == "." else os.path.join(base, below)
        prefix = "" if prefix == "." else Path(prefix).as_posix() + "/"
        files.extend(
            (Path(dirpath, name), _printable(prefix + name)) for name in filenames
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


def repository_root(path: Path) -> Path | None:
    """The repository `path` belongs to: its git root, else the directory of its qaplan.yaml."""
    start = path if path.is_dir() else path.parent
    root = git_root(start)
    if root is not None:
        return root
    config = nearest_config(start)
    return config.parent if config is not None else None


def repository_files(root: Path) -> list[str]:
    """Every YAML file of the repository at `root` that a plan could be: '/' paths from `root`.

    In a git work tree, files git ignores do not count (they are not part of what is
    committed); hidden directories and `node_modules` are skipped as in a directory search.
    """
    listed = _git_files(root)
    if listed is None:
        start = len(str(root)) + 1
        listed = [str(file)[start:].replace(os.sep, "/") for file, _ in _walk(root)]
    files = []
    for rel in listed:
        parts = rel.split("/")
        if (rel.endswith(YAML_SUFFIXES) and parts[-1] != CONFIG_NAME
                and not any(part.startswith(".") or part in SKIPPED_DIRS for part in parts)):
            files.append(rel)
    return sorted(files)


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked files not ignored, relative to `root`; None without a work tree."""
    import subprocess

    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "*.yaml", "*.yml"],
            cwd=root, capture_output=True, check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None  # not a work tree git can read: every file counts
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})

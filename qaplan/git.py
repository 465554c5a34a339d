"""Reading plan files from git revisions: `git rev-parse`, `ls-tree`, `cat-file --batch`, no shell."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import FileResult

WORKING_TREE = None  # the right side of `--rev REV`: the files on disk


@dataclass(frozen=True, slots=True)
class Revisions:
    """The two sides of a revision diff; `new` is None for the working tree."""

    old: str
    new: str | None
    old_label: str
    new_label: str


def _git(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              env=_env(), check=False)
    except FileNotFoundError:
        raise QaplanError("git is not installed (or not on PATH); diff --rev reads plans with git")


def _env() -> dict[str, str]:
    """git's environment: never a prompt, messages in English."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def git_root(cwd: Path | None = None) -> Path:
    """The top directory of the git work tree that holds `cwd`."""
    here = cwd or Path.cwd()
    done = _git(["rev-parse", "--show-toplevel"], here)
    if done.returncode != 0 or not done.stdout.strip():
        raise QaplanError(
            f"{here}: not inside a git repository; diff --rev compares plans between git "
            "revisions (for a yearly comparison use --from-year/--to-year)"
        )
    return Path(done.stdout.decode("utf-8", "surrogateescape").strip())


def resolve(root: Path, rev: str) -> str:
    """The commit id that `rev` names, or a clear error."""
    if not rev or rev.startswith("-"):
        raise QaplanError(f"--rev: '{rev}' is not a revision; give e.g. HEAD~1, main or v2024")
    done = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if done.returncode != 0:
        raise QaplanError(
            f"--rev: unknown revision '{rev}' in {root.as_posix()}; "
            "`git log --oneline` lists the commits"
        )
    return done.stdout.decode().strip()


def parse_range(root: Path, spec: str) -> Revisions:
    """`REV` (against the working tree), `A..B`, or `A...B` (from their merge base), resolved."""
    if "..." in spec:
        left, right = spec.split("...", 1)
        left_id, right_id = resolve(root, left or "HEAD"), resolve(root, right or "HEAD")
        done = _git(["merge-base", left_id, right_id], root)
        if done.returncode != 0:
            raise QaplanError(f"--rev: '{left}' and '{right}' have no common ancestor")
        return Revisions(done.stdout.decode().strip(), right_id,
                         f"the merge base of {left or 'HEAD'} and {right or 'HEAD'}",
                         right or "HEAD")
    if ".." in spec:
        left, right = spec.split("..", 1)
        return Revisions(resolve(root, left or "HEAD"), resolve(root, right or "HEAD"),
                         left or "HEAD", right or "HEAD")
    return Revisions(resolve(root, spec), WORKING_TREE, spec, "the working tree")


def list_files(root: Path, commit: str) -> list[str]:
    """Every file at `commit`, as paths relative to the git root with '/'."""
    done = _git(["ls-tree", "-r", "--name-only", "-z", "--full-tree", commit], root)
    if done.returncode != 0:
        raise QaplanError(f"git ls-tree {commit} failed: {done.stderr.decode(errors='replace').strip()}")
    return sorted(name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name)


def show(root: Path, commit: str, path: str) -> bytes:
    """The content of `path` (relative to the git root) at `commit`."""
    done = _git(["show", "--no-textconv", f"{commit}:{path}"], root)
    if done.returncode != 0:
        raise QaplanError(
            f"git show {commit}:{path} failed: {done.stderr.decode(errors='replace').strip()}"
        )
    return done.stdout


def show_many(root: Path, commit: str, paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """The contents of many `paths` at `commit`, one at a time as one `git cat-file --batch`
    writes them (never all in memory at once)."""
    batchable = [path for path in paths if "\n" not in path and "\r" not in path]
    if batchable:
        request = "".join(f"{commit}:{path}\n" for path in batchable).encode("utf-8", "surrogateescape")
        try:
            git = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, env=_env(),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise QaplanError("git is not installed (or not on PATH); diff --rev reads plans with git")
        assert git.stdin is not None and git.stdout is not None and git.stderr is not None
        # Written from a thread: git answers while it reads, and both pipes are bounded.
        feeder = threading.Thread(target=_feed, args=(git.stdin, request), daemon=True)
        feeder.start()
        try:
            for path in batchable:
                line = git.stdout.readline()
                header = line.split()
                if not line:
                    raise QaplanError("git cat-file --batch failed: "
                                      f"{git.stderr.read().decode(errors='replace').strip()}")
                if len(header) != 3 or header[1] != b"blob":
                    raise QaplanError(f"git cat-file {commit}:{path}: "
                                      f"{line.decode(errors='replace').strip()}")
                content = git.stdout.read(int(header[2]))
                git.stdout.read(1)  # the content is followed by a line break
                yield path, content
        finally:
            git.stdout.close()
            git.kill()
            git.wait()
            feeder.join()
            git.stderr.close()
    done = set(batchable)
    for path in paths:  # a name git's batch format cannot carry
        if path not in done:
            yield path, show(root, commit, path)


def _feed(pipe: IO[bytes], request: bytes) -> None:
    try:
        with pipe:
            pipe.write(request)
    except OSError:
        pass  # git stopped reading: the reader says why


def pathspecs(root: Path, paths: list[str]) -> list[str]:
    """The user's PATHS (relative to the current directory) as paths relative to the git root."""
    here = Path.cwd().resolve()
    real_root = root.resolve()
    specs = []
    for given in paths:
        absolute = Path(os.path.normpath(here / given))
        try:
            rel = absolute.relative_to(real_root)
        except ValueError:
            raise QaplanError(f"{given}: outside the git repository {root.as_posix()}")
        specs.append(rel.as_posix())
    return specs


def under(path: str, spec: str) -> bool:
    """True when `path` (relative to the git root) is `spec` or inside it."""
    return spec == "." or path == spec or path.startswith(spec.rstrip("/") + "/")


def plans_at(
    root: Path, commit: str, label: str, paths: list[str], as_of: date, skip_invalid: bool,
    kinds: tuple[str, ...] = ("plan", "deviation"),
) -> tuple[list[FileResult], list[str]]:
    """The valid plans (and deviation cases: files of `kinds`) under PATHS at `commit`; a file
    with errors stops (exit 2) unless skipped."""
    from qaplan.engine.files import config_from_blob
    from qaplan.engine.results import INVALID, SKIPPED, ConfigResult
    from qaplan.engine.run import check_blobs
    from qaplan.kinds import KINDS
    from qaplan.refusal import admit
    from qaplan.repo import CONFIG_NAME, SKIPPED_DIRS, YAML_SUFFIXES, Candidate, display_path
    from qaplan.words import plural

    specs = pathspecs(root, paths)
    tree = list_files(root, commit)
    present = set(tree)
    configs: dict[str, ConfigResult] = {}
    blobs: dict[str, bytes] = {}

    def nearest_config(rel: str) -> ConfigResult | None:
        parts = rel.split("/")[:-1]
        for depth in range(len(parts), -1, -1):
            candidate = "/".join([*parts[:depth], CONFIG_NAME])
            if candidate in present:
                if candidate not in configs:
                    configs[candidate] = config_from_blob(
                        blobs[candidate], root / candidate, display_path(root / candidate))
                return configs[candidate]
        return None

    def wanted(rel: str) -> bool:
        if rel in specs:
            return rel.endswith(YAML_SUFFIXES) and rel.rsplit("/", 1)[-1] != CONFIG_NAME
        parts = rel.split("/")
        return (
            any(under(rel, spec) for spec in specs)
            and rel.endswith(YAML_SUFFIXES)
            and parts[-1] != CONFIG_NAME
            and not any(part.startswith(".") or part in SKIPPED_DIRS for part in parts)
        )

    chosen = [rel for rel in tree if wanted(rel)]
    config_files = [rel for rel in tree if rel.rsplit("/", 1)[-1] == CONFIG_NAME]
    blobs.update(show_many(root, commit, config_files))
    shown = {rel: display_path(root / rel) for rel in chosen}
    # Plan files stream from git into the checks: only the files in flight are in memory.
    work = ((Candidate(root / rel, shown[rel], False, rel), nearest_config(rel), content)
            for rel, content in show_many(root, commit, chosen))
    notes: list[str] = []
    results = []
    for result in check_blobs(work, list(shown.values()), as_of):
        if result.kind == SKIPPED:
            if result.note:
                notes.append(result.note)
            continue
        if result.kind in (*kinds, INVALID):
            results.append(result)
    plans, left_out = admit(results, skip_invalid, "--skip-invalid", label)
    seen: dict[tuple[str, str], str] = {}
    for result in plans:
        kind, file_id = KINDS[result.kind], result.file_id
        if file_id is None:
            continue
        if (result.kind, file_id) in seen:
            raise QaplanError(
                f"at {label}: {result.file} and {seen[result.kind, file_id]} both have "
                f"{kind.id_name} '{file_id}'; a revision diff matches {kind.name}s by id"
            )
        seen[result.kind, file_id] = result.file
    notes.extend(f"note: skipped {why}" for why in left_out)
    if left_out:
        notes.append(f"note: skipped {plural(len(left_out), 'invalid file')} at {label}")
    return plans, notes


@dataclass(frozen=True, slots=True)
class Source:
    """Where a report's plans come from: the commit checked out, and whether the files differ."""

    commit: str | None  # HEAD's id; None when there is none (see `missing`)
    uncommitted: bool  # a YAML file under the paths differs from HEAD (or is untracked)
    missing: str | None = None  # why there is no commit: not a repository, no git, no commits


def source_of(paths: list[str]) -> Source:
    """The commit of the plans under `paths` (relative to the current directory) and whether
    a YAML file there differs from it (other files, such as a report written beside the
    plans or the cache, do not count); outside git, says why instead of failing."""
    return start_source(paths)()


def start_source(paths: list[str]) -> Callable[[], Source]:
    """Start asking git what `source_of` answers, in one `git status` that runs beside the
    report; the function returned waits for it and gives the answer."""
    # v2 with --branch: the commit on a "# branch.oid" line ("(initial)" before the first),
    # then an entry a changed or untracked file; -z ends each with a NUL (a rename adds its
    # old path as one more).
    command = ["git", "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all",
               "--", *paths]
    try:
        process = subprocess.Popen(command, cwd=Path.cwd(), env=_env(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:  # no git on PATH (or it cannot be run)
        return lambda: Source(None, False, "git is not installed")

    def answer() -> Source:
        out, _ = process.communicate()
        if process.returncode != 0:  # outside a work tree, a path outside it, or an error
            return _source_in_steps(paths)
        entries = out.decode("utf-8", "surrogateescape").split("\0")
        head = next((entry[len(_OID):] for entry in entries if entry.startswith(_OID)), None)
        if not head or head == "(initial)":
            return Source(None, True, "no commit yet")
        yaml = any(entry.endswith((".yaml", ".yml")) for entry in entries
                   if not entry.startswith("# "))
        return Source(head, yaml)

    return answer


_OID = "# branch.oid "


def _source_in_steps(paths: list[str]) -> Source:
    """`source_of` one question at a time, where the one `git status` failed: whether this is
    a work tree, whether it has a commit, and what differs under `paths`."""
    here = Path.cwd()
    try:
        if _git(["rev-parse", "--show-toplevel"], here).returncode != 0:
            return Source(None, False, "not in a git repository")
        head = _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], here)
        if head.returncode != 0:
            return Source(None, True, "no commit yet")
    except QaplanError:
        return Source(None, False, "git is not installed")
    return Source(head.stdout.decode().strip(), True)  # git could not say what differs

"""The library's entry: `qaplan.load(...)` reads a repository (or a git revision of it) into a
Workspace, the files a report may use, and applies the one refusal policy for invalid files.

    import qaplan
    from datetime import date

    workspace = qaplan.load(["plans"], as_of=date(2025, 3, 1), skip_invalid=True)
    for entry in workspace.plans():
        print(entry.file, entry.plan.id, len(entry.plan.activities()))

A file with errors stops the load (`QaplanError`, exit 2 on the command line), naming the
file and its first error; with `skip_invalid` it is left out and named in `notes`. A report
never leaves a file out silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.engine.results import INVALID, SKIPPED, Entry, FileResult
from qaplan.errors import QaplanError
from qaplan.refusal import admit
from qaplan.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.folds import Fold
    from qaplan.formats.config import Config
    from qaplan.git import Revisions

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Workspace:
    """The usable files of the kinds asked for under some paths (or at a git revision), and
    the notes that say which files were left out and why."""

    kind: str | tuple[str, ...]  # the kind (or kinds) loaded
    results: list[FileResult]
    notes: list[str] = field(default_factory=list)
    closed: list[FileResult] = field(default_factory=list)  # closed plans left out of `results`

    def entries(self, kind: str | None = None) -> Iterator[Entry]:
        """Each usable file (of `kind`, or of every kind loaded) in path order, its typed
        value built as it is reached."""
        for result in self.results:
            if kind is not None and result.kind != kind:
                continue
            yield result.entry(result.build())

    def folded(self, fold: Fold, earlier: dict[str, Any] | None = None) -> Iterator[
            tuple[FileResult, Any]]:
        """Each usable file of the fold's kind in path order with its facts (`fold`): those
        worked out as it was checked or read from the cache, else worked out now from its
        typed value (and cached when they depend on the file alone). `earlier`: the activities
        that `continues` links name."""
        from qaplan.engine.folds import facts_of

        for result in self.results:
            if result.kind == fold.kind:
                yield result, facts_of(fold, result, earlier)

    def skip_closed(self) -> None:
        """Leave closed plans (`plan.closed`) out of the report, with a note saying how many;
        they stay in `closed`, where links from later plans still find them."""
        kept: list[FileResult] = []
        for result in self.results:
            links = result.links
            (self.closed if links is not None and links.closed else kept).append(result)
        self.results = kept
        if self.closed:
            self.notes.append(f"note: skipped {plural(len(self.closed), 'closed plan')} "
                              "(plan.closed); --include-closed reports them")

    def earlier_activities(self) -> dict[str, Any]:
        """The activities of earlier plans that this workspace's `continues` links name (and
        those they carry on), by link text, from the closed plans too."""
        from qaplan.reports.continued import earlier_activities, links_of

        every = [*self.results, *self.closed]

        def plans(ids: set[str]) -> Iterator[Any]:
            return (r.build() for r in every if r.kind == "plan" and r.file_id in ids)

        return earlier_activities(plans, links_of(self.results))

    def plans(self) -> Iterator[Entry]:
        """Each usable plan file in path order, its typed value built as it is reached."""
        return self.entries("plan")

    def count(self, kind: str) -> int:
        """How many usable files of `kind` the workspace holds."""
        return sum(1 for result in self.results if result.kind == kind)

    def __len__(self) -> int:
        return len(self.results)

    def owner_names(self) -> dict[str, str]:
        """Owner key -> name: the repository's qaplan.yaml first, else the first file in path
        order that names the owner."""
        from qaplan.reports.owners import owner_names

        return owner_names(self.plans())

    @property
    def units(self) -> Config | None:
        """The units tree: the repository file of the first usable file that has one."""
        for result in self.results:
            config = result.config.config if result.config is not None else None
            if config is not None and config.units:
                return config
        return None


def load(
    paths: list[str] | None = None, *, as_of: date | None = None, rev: str | None = None,
    skip_invalid: bool = False, use_cache: bool = True, kind: str | tuple[str, ...] = "plan",
    progress: Progress | None = None, skip_option: str | None = None, fold: Fold | None = None,
) -> Workspace:
    """The usable files of `kind` (a kind's name, or several) under `paths` (default: plans/
    and deviations/, or .), on disk or at git revision `rev`; `as_of` is only what "today"
    means in the checks (default: today). `fold`: what the report will keep of each file,
    worked out as the files are checked (`Workspace.folded` reads it)."""
    today = as_of or date.today()
    if rev is not None:
        from qaplan.git import git_root, plans_at, resolve
        from qaplan.repo import default_paths

        root = git_root()
        results, notes = plans_at(root, resolve(root, rev), rev, paths or default_paths(),
                                  today, skip_invalid, (kind,) if isinstance(kind, str) else kind)
        return Workspace(kind, results, notes)
    from qaplan.engine.run import check_paths

    run = check_paths(paths, today, use_cache=use_cache, progress=progress, fold=fold)
    notes = list(run.notes)
    if run.fatal:
        raise QaplanError("\n".join([*run.fatal, *notes]))
    notes.extend(_config_notes(run.files))
    kinds = (kind,) if isinstance(kind, str) else kind
    usable, left_out = admit([r for r in run.files if r.kind in (*kinds, INVALID)],
                             skip_invalid, skip_option)
    if left_out and usable:
        notes.extend(f"note: skipped {why}" for why in left_out)
        notes.append(f"note: skipped {plural(len(left_out), 'invalid file')}; `qaplan validate` lists "
                     "their errors")
    if not usable:
        reasons = left_out + [note.removeprefix("note: ") for note in run.notes]
        reasons = reasons or [f"{r.file}: the repository file, not a {kinds[0]} file"
                              for r in run.files if r.kind == "config"]
        found = sorted({r.kind for r in run.files} - {"config", *kinds, INVALID, SKIPPED})
        reasons += [f"{plural(sum(r.kind == other for r in run.files), other + ' file')}, "
                    f"not {kinds[0]} files" for other in found]
        others = "".join(f", nor {kind} files" for kind in kinds[1:])
        raise QaplanError("\n  ".join([f"no valid {kinds[0]} files to report on{others}:",
                                        *reasons]))
    return Workspace(kind, usable, notes)


def _config_notes(files: list[FileResult]) -> list[str]:
    """A note for each qaplan.yaml with errors whose readable part the plans still use."""
    notes = []
    for result in files:
        config = result.config
        if result.kind != "config" or config is None or config.data is None:
            continue
        errors = [f for f in config.findings if f.severity == "error"]
        if errors:  # one line per note: notes are printed with control characters escaped
            notes.append(f"note: {errors[0].as_text()}")
            notes.append(f"note: {config.file} has {plural(len(errors), 'error')}; the plans use what "
                         f"could be read from it (`qaplan validate {config.file}` lists them)")
    return notes


def load_plans(
    paths: list[str] | None, today: date, skip_invalid: bool, *, use_cache: bool = True,
    progress: Progress | None = None, skip_option: str | None = None,
) -> tuple[list[FileResult], list[str]]:
    """Valid plans for a report and the notes on what was left out (`load`, as results)."""
    workspace = load(paths, as_of=today, skip_invalid=skip_invalid, use_cache=use_cache,
                     progress=progress, skip_option=skip_option)
    return workspace.results, workspace.notes


class ById(Mapping[str, Any]):
    """The typed values of files of one kind by their id, each built when it is looked up and
    not kept: a revision diff matches thousands of plans while holding a pair at a time."""

    def __init__(self, results: list[FileResult], kind: str = "plan") -> None:
        self._results = {r.file_id: r for r in results if r.kind == kind and r.file_id is not None}

    def __getitem__(self, key: str) -> Any:
        return self._results[key].build()

    def __contains__(self, key: object) -> bool:
        return key in self._results

    def __iter__(self) -> Iterator[str]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)


@dataclass(slots=True)
class Sides:
    """The plans on each side of a revision diff, and the notes gathered reading them."""

    old: list[FileResult]
    new: list[FileResult]
    revisions: Revisions
    notes: list[str]


def load_sides(
    spec: str, paths: list[str] | None, as_of: date, skip_invalid: bool,
    kinds: tuple[str, ...] = ("plan",),
) -> Sides:
    """The plans (files of `kinds`) under PATHS at both sides of `--rev` (REV, A..B or A...B).

    `as_of` stands for today in the checks (the revision diff's own as-of is the CLI's).
    """
    from qaplan.git import git_root, parse_range, plans_at
    from qaplan.repo import default_paths

    root = git_root()
    revisions = parse_range(root, spec)
    given = paths or default_paths()
    old, notes = plans_at(root, revisions.old, revisions.old_label, given, as_of, skip_invalid,
                          kinds)
    if revisions.new is None:
        workspace = load(paths, as_of=as_of, skip_invalid=skip_invalid, kind=kinds,
                         skip_option="--skip-invalid")
        new, more = workspace.results, workspace.notes
    else:
        new, more = plans_at(root, revisions.new, revisions.new_label, given, as_of, skip_invalid,
                             kinds)
        if not old and not new:
            wanted = " or ".join(kinds)
            raise QaplanError(
                f"{', '.join(given)}: no {wanted} files at {revisions.old_label} or "
                f"{revisions.new_label}"
            )
    return Sides(old, new, revisions, list(dict.fromkeys(notes + more)))

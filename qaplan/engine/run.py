"""A run: every YAML file under the given paths, found, classified, checked and collected."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from qaplan.engine.files import load_config, unreadable_directory
from qaplan.engine.links import check_links
from qaplan.engine.pool import Progress, Work, check_all, open_cache
from qaplan.engine.repository import rest_ids, rest_of_repository, unique_ids
from qaplan.engine.results import SKIPPED, ConfigResult, FileResult, Run
from qaplan.engine.suppress import suppress_lines
from qaplan.errors import QaplanError
from qaplan.repo import Candidate, default_paths, discover, display_path, is_config, nearest_config
from qaplan.values import SCHEMA_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.folds import Fold


class Configs:
    """Each qaplan.yaml read and validated once per run."""

    def __init__(self) -> None:
        self.loaded: dict[Path, ConfigResult] = {}
        self.nearest: dict[Path, ConfigResult | None] = {}

    def get(self, path: Path) -> ConfigResult:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = load_config(key, display_path(path))
        return self.loaded[key]

    def for_file(self, path: Path) -> ConfigResult | None:
        """The nearest qaplan.yaml of a file (looked up once per directory: resolving is slow)."""
        directory = path.parent
        if directory not in self.nearest:
            found = nearest_config(directory)
            self.nearest[directory] = self.get(found) if found is not None else None
        return self.nearest[directory]


def check_paths(
    paths: list[str] | None, today: date, *, use_cache: bool = True, jobs: int | None = None,
    keep_data: bool = True, progress: Progress | None = None, whole_repo: bool = False,
    fold: Fold | None = None,
) -> Run:
    """Read, classify and validate every YAML file under `paths`.

    `today` stands for today in the checks (the future-year check). With keep_data=False
    (validate) each file's data is dropped once checked, so that memory does not grow with
    the repository. With whole_repo, files named on the command line are checked against
    every file of their repository for the rules that span files (an id used twice). `fold`:
    a report's facts of each file, worked out as the file is checked (`qaplan.engine.folds`).
    """
    given = paths or default_paths()
    unreadable: list[tuple[Path, str]] = []
    candidates, fatal = _discover_each(given, unreadable)
    configs = Configs()
    work: list[Work] = []
    for candidate in candidates:
        if is_config(candidate.path):
            configs.get(candidate.path)
        else:
            work.append((candidate, configs.for_file(candidate.path), None))
    named_configs = list(configs.loaded.values())
    cache = open_cache(use_cache and bool(work))
    rest: list[FileResult] = []
    named = whole_repo and any(c.explicit and not is_config(c.path) for c in candidates)
    if named:
        rest = rest_ids(rest_of_repository(candidates), configs.for_file, today, cache, jobs)
    files = check_all(work, today, cache, jobs, progress, keep_data, fold=fold)
    notes = [r.note for r in files if r.note]
    for config in named_configs:  # a qaplan.yaml only the rest of the repository uses is not reported
        files.append(FileResult(config.file, "config", suppress_lines(config.findings,
                                config.line_ignores), config=config, line_ignores=config.line_ignores))
    files.extend(unreadable_directory(path, why) for path, why in unreadable)
    unique_ids(files, rest)
    if whole_repo:
        def more() -> list[FileResult]:  # a link to a plan outside the directories given
            return rest_ids(rest_of_repository(candidates, every=True), configs.for_file, today,
                            cache, jobs)

        check_links(files, rest, None if named else more)
    files.sort(key=lambda r: r.file)
    empty = _empty_origins(given, candidates, files)
    if paths or len(empty) == len(given):  # of the default folders, one with files is enough
        fatal.extend(empty)
    return Run(files, notes, fatal)


def check_blobs(
    work: Iterable[tuple[Candidate, ConfigResult | None, bytes]], order: list[str], today: date,
    *, use_cache: bool = True,
) -> list[FileResult]:
    """Check file contents read elsewhere (a git revision), as they come, as files on disk are
    checked: through the cache and, for many files, the pool. `order`: the files' display
    names in the order given, which the results keep."""
    place = {display: index for index, display in enumerate(order)}
    results = check_all(iter(work), today, open_cache(use_cache and bool(order)), None,
                        total=len(order))
    return sorted(results, key=lambda result: place[result.file])


def _discover_each(
    given: list[str], unreadable: list[tuple[Path, str]]
) -> tuple[list[Candidate], list[str]]:
    candidates: dict[str, Candidate] = {}
    fatal: list[str] = []
    for path in given:
        try:
            for candidate in discover([path], unreadable):
                candidates.setdefault(candidate.display, candidate)
        except QaplanError as exc:
            fatal.append(str(exc))
    return [candidates[key] for key in sorted(candidates)], fatal


def _empty_origins(given: list[str], candidates: list[Candidate], files: list[FileResult]) -> list[str]:
    """A directory given on the command line that holds no qaplan file: exit 2, naming it."""
    kinds = {r.file: r.kind for r in files}
    problems = []
    for origin in given:
        if not Path(origin).is_dir():
            continue
        inside = [c for c in candidates if c.origin == origin and not c.explicit]
        if not any(kinds.get(c.display) not in (None, SKIPPED, "config") for c in inside):
            problems.append(
                f"{display_path(Path(origin))}: no plan files found (a plan file is a YAML file "
                f"with 'schema: {SCHEMA_V1}'; `qaplan init` scaffolds one)"
            )
    return problems


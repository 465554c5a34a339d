"""The rules that span files: an id used by two files of a kind, seen across the repository.

`validate FILE...` in a pre-commit hook gets only the changed files; the other files of
their repository are seen through a signed index of their ids (`qaplan.ids_index`), so a
new file that reuses an unchanged file's id is still caught.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from qaplan.checks.repository import QP112
from qaplan.engine.pool import Work, check_all
from qaplan.engine.results import ConfigResult, FileResult
from qaplan.engine.suppress import suppress_lines
from qaplan.kinds import KINDS
from qaplan.repo import Candidate, display_path, repository_files, repository_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache

ConfigFor = Callable[[Path], ConfigResult | None]


def rest_of_repository(
    candidates: list[Candidate], every: bool = False
) -> list[tuple[Path, list[Candidate]]]:
    """Each repository of the named files (with `every`, of all files), with its other YAML
    files (origin: '/' path in it)."""
    named = {os.path.realpath(candidate.path) for candidate in candidates}
    roots: dict[Path, Path | None] = {}
    for candidate in candidates:
        if (candidate.explicit or every) and candidate.path.parent not in roots:
            roots[candidate.path.parent] = repository_root(candidate.path.parent)
    groups = []
    for root in sorted({root for root in roots.values() if root is not None}):
        show = _displayer(root)
        rest = [Candidate(root / rel, show(rel), False, rel) for rel in repository_files(root)
                if str(root / rel) not in named]
        groups.append((root, rest))
    return groups


def rest_ids(
    groups: list[tuple[Path, list[Candidate]]], config_for: ConfigFor, today: date,
    cache: Cache | None, jobs: int | None,
) -> list[FileResult]:
    """The other files of the repositories, as far as the rules that span files need them.

    Their ids come from a signed index while their files are unchanged; the rest are
    checked (through the cache) and recorded.
    """
    from qaplan.checks.continues import Links
    from qaplan.engine.ids_index import IdsIndex, stamp

    results: list[FileResult] = []
    for root, rest in groups:
        index = IdsIndex(cache, root) if cache is not None else None
        todo: list[Work] = []
        stamps = {}
        for candidate in rest:
            stamps[candidate.display] = current = stamp(candidate.path)  # before it is read
            ids = index.lookup(candidate.origin, current) if index is not None else None
            if ids is None:
                todo.append((candidate, config_for(candidate.path), None))
            else:
                results.append(FileResult(candidate.display, ids[0], file_id=ids[1],
                                          id_position=(ids[2], ids[3]),
                                          links=None if ids[4] is None else Links.from_json(ids[4])))
        checked = check_all(todo, today, cache, jobs, keep_data=False)
        results.extend(checked)
        if index is not None:
            origins = {candidate.display: candidate.origin for candidate in rest}
            for result in checked:
                # A link to this file needs only whether it is closed and then its activity
                # ids; an open plan records nothing (no links: not closed), keeping the index small.
                own = result.links
                links = Links(True, own.activities).as_json() if own and own.closed else None
                index.record(origins[result.file], stamps[result.file],
                             (result.kind, result.file_id, *result.id_position, links))
            index.keep_only(set(origins.values()))
            index.save()
    return results


def _displayer(root: Path) -> Callable[[str], str]:
    """`display_path` for paths relative to `root` (resolved), without its cost per file."""
    here = Path.cwd().resolve()
    if root == here or here in root.parents:
        prefix = display_path(root)
        return lambda rel: rel if prefix == "." else f"{prefix}/{rel}"
    if root in here.parents:
        inside = here.relative_to(root).as_posix() + "/"
        return lambda rel: rel[len(inside):] if rel.startswith(inside) else f"{root.as_posix()}/{rel}"
    return lambda rel: f"{root.as_posix()}/{rel}"


def unique_ids(files: list[FileResult], rest: list[FileResult]) -> None:
    """QP112 on a file whose id a file of its kind before it (in path order) has.

    `rest` are the repository's files outside the run: when the later of two files is one of
    them, the finding goes on the named file instead, so a hook given only the changed files
    still sees the clash.
    """
    reported = {id(result) for result in files}
    by_id: dict[tuple[str, str], list[FileResult]] = {}
    for result in sorted([*files, *rest], key=lambda r: r.file):
        if result.file_id is not None:
            by_id.setdefault((result.kind, result.file_id), []).append(result)
    for (_, file_id), group in by_id.items():
        if len(group) < 2:
            continue
        targets = [(later, group[0]) for later in group[1:] if id(later) in reported]
        if not targets and id(group[0]) in reported:
            targets = [(group[0], group[1])]
        for result, other in targets:
            line, col = result.id_position
            kind = KINDS.get(result.kind)
            extra = QP112.at(result.file, line, col, id_name=kind.id_name if kind else "id",
                             id=file_id, other=other.file)
            result.findings = sorted(result.findings + suppress_lines([extra], result.line_ignores))

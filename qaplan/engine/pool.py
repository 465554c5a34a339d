"""Many files checked through the cache, here or in a pool of processes (one per core).

Each file's result is cached by content, repository file and the year that is today, so a
second run over unchanged files parses nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from qaplan.engine import files
from qaplan.engine.results import ConfigResult, FileResult
from qaplan.loader import read_raw
from qaplan.repo import Candidate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache

POOL_THRESHOLD = 48  # below this many files to check, a pool costs more than it saves
_CHUNK = 16

Progress = Callable[[int, int], None]  # (files done, files in all)
# A file to check: where it is, its repository file, its cache key and bytes (when read).
Todo = tuple[Candidate, ConfigResult | None, str | None, bytes | None]
# A file to look at: where it is, its repository file, and its bytes when read elsewhere.
Work = tuple[Candidate, ConfigResult | None, bytes | None]


def open_cache(wanted: bool) -> Cache | None:
    """The cache of the repository around the current directory, when wanted and usable."""
    if not wanted:
        return None
    from qaplan.cache import cache_root
    from qaplan.cache import open_cache as open_at

    return open_at(cache_root(Path.cwd()))


def check_all(
    work: list[Work], today: date, cache: Cache | None,
    jobs: int | None, progress: Progress | None = None, keep_data: bool = True,
) -> list[FileResult]:
    """Each file's result: from the cache, else checked here or in a pool of processes.

    A cached file's data is parsed only with keep_data (a report needs it; validate does not).
    """
    results: list[FileResult] = []
    todo: list[Todo] = []
    for candidate, config, raw in work:
        key = None
        if cache is not None:
            if raw is None:
                raw, _ = read_raw(candidate.path, candidate.display)
            key = None if raw is None else _cache_key(cache, raw, candidate, config, today)
            entry = cache.get(key, keep_data) if key else None
            if entry is not None:
                try:
                    result = FileResult.from_cache(candidate.display, *entry, config)
                    if keep_data:
                        result.check_cached_data()  # now: a damaged entry is checked again
                    results.append(result)
                    continue
                except (KeyError, TypeError, ValueError, RecursionError):
                    pass  # an entry of another shape: check the file again
        todo.append((candidate, config, key, raw))
    workers = jobs if jobs is not None else int(os.environ.get("QAPLAN_JOBS", "0")) or _cores()
    total = len(work)

    def advance(done: list[FileResult]) -> None:
        results.extend(done)
        if progress is not None:
            progress(len(results), total)

    if workers > 1 and len(todo) >= POOL_THRESHOLD:
        check_in_pool(todo, today, cache, workers, advance, keep_data)
    else:
        for index in range(0, len(todo), _CHUNK):
            advance(check_chunk(todo[index:index + _CHUNK], today, cache, keep_data))
    return results


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cache_key(
    cache: Cache, raw: bytes, candidate: Candidate, config: ConfigResult | None, today: date
) -> str:
    fingerprint = config.fingerprint if config else ""
    return cache.key(raw, candidate.display, str(candidate.explicit), fingerprint, str(today.year))


def check_chunk(
    todo: list[Todo], today: date, cache: Cache | None, keep_data: bool
) -> list[FileResult]:
    """Check files one after another (in this process or in a pool worker).

    Without keep_data (validate) a file's data is dropped once cached, so that memory
    holds findings, not the repository.
    """
    results = []
    for candidate, config, key, raw in todo:
        result = files.check_file(candidate, config, today, raw)
        if cache is not None and key is not None:
            cache.put(key, result.to_cache(), result.data)
        if not keep_data:
            result.data = None
        results.append(result)
    return results


def check_in_pool(
    todo: list[Todo], today: date,
    cache: Cache | None, workers: int, advance: Callable[[list[FileResult]], None],
    keep_data: bool = True,
) -> None:
    """Check files in worker processes; a worker that crashes costs only the file it was on."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    pending = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    while pending:
        broken: list[list[Todo]] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [(chunk, pool.submit(check_chunk, chunk, today, cache, keep_data))
                       for chunk in pending]
            for chunk, future in futures:
                try:
                    advance(future.result())
                except BrokenProcessPool:
                    broken.append(chunk)
        if not broken:
            break
        if workers == 1 and len(broken[0]) == 1:
            # One worker runs its tasks in order: the first that failed crashed it.
            advance([files.crashed(broken[0][0][0])])
            pending = broken[1:]
        else:
            # Retry file by file in one worker, so that only the crashing file is lost.
            pending = [[item] for chunk in broken for item in chunk]
            workers = 1

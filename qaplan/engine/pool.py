"""Many files checked through the cache, here or in a pool of processes (one per core).

Each file's result is cached by content, repository file and the year that is today, so a
second run over unchanged files parses nothing. A file's checked data (what a report reads)
never waits in memory for the whole run: it stays in the cache entry, or without a cache in
this run's spill (`qaplan.spill`), and is read back one file at a time.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial
from itertools import chain, islice
from pathlib import Path

from qaplan.engine import files
from qaplan.engine.results import ConfigResult, FileResult
from qaplan.loader import read_raw
from qaplan.repo import Candidate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import Future

    from qaplan.cache import Cache
    from qaplan.engine.folds import Fold
    from qaplan.spill import Spill

POOL_THRESHOLD = 48  # below this many files to check, a pool costs more than it saves
_CHUNK = 16
_IN_FLIGHT = 2  # chunks per worker handed to the pool at a time: contents read wait no longer

Progress = Callable[[int, int], None]  # (files done, files in all)
# A file to check: where it is, its repository file, and its bytes when read elsewhere (a git
# revision); None: the checker reads the file itself.
Todo = tuple[Candidate, ConfigResult | None, bytes | None]
Work = Todo


def open_cache(wanted: bool) -> Cache | None:
    """The cache of the repository around the current directory, when wanted and usable."""
    if not wanted:
        return None
    from qaplan.cache import cache_root
    from qaplan.cache import open_cache as open_at

    return open_at(cache_root(Path.cwd()))


def check_all(
    work: Iterable[Work], today: date, cache: Cache | None,
    jobs: int | None, progress: Progress | None = None, keep_data: bool = True,
    total: int | None = None, fold: Fold | None = None,
) -> list[FileResult]:
    """Each file's result: from the cache, else checked here or in a pool of processes.

    With keep_data (a report) each usable file's data is left in the cache, or in this run's
    spill, and read back when the report reaches the file. `work` given as a list
    (files on disk) is looked up whole first; an iterator of contents read elsewhere (a git
    revision, `total` files) is looked up as the checkers take it, so that only the files in
    flight are in memory. `fold`: the report's facts of each file are worked out where the file
    is checked, or read from their cache entry (`qaplan.engine.folds`).
    """
    count = len(work) if isinstance(work, list) else (total or 0)
    scratch = None
    if cache is None and keep_data and count >= POOL_THRESHOLD:
        from qaplan.spill import spill

        scratch = spill()
    store = cache or scratch
    results: list[FileResult] = []

    def answered(done: list[FileResult]) -> None:
        results.extend(done)
        if progress is not None:
            progress(len(results), count)

    def advance(done: list[FileResult]) -> None:
        for result in done:
            if result.stored is not None and store is not None:
                result.keep_in(result.stored, store)  # stored by a checker: read back from here
        answered(done)

    misses = _misses(work, today, cache, keep_data, answered)
    workers = jobs if jobs is not None else int(os.environ.get("QAPLAN_JOBS", "0")) or _cores()
    first = list(islice(misses, POOL_THRESHOLD))
    if workers > 1 and len(first) >= POOL_THRESHOLD:
        pending = chain(first, misses)
        check_in_pool(list(pending) if isinstance(work, list) else pending, today, cache,
                      workers, advance, keep_data, scratch, fold)
    else:
        for chunk in _chunks(chain(first, misses)):
            advance(check_chunk(chunk, today, cache, keep_data, scratch, fold))
    return results


def _misses(
    work: Iterable[Work], today: date, cache: Cache | None, keep_data: bool,
    advance: Callable[[list[FileResult]], None],
) -> Iterator[Todo]:
    """The files the cache does not answer; the answered ones go to `advance` as they come."""
    for candidate, config, raw in work:
        if cache is None:
            yield candidate, config, raw
            continue
        given = raw
        if raw is None:
            raw, _ = read_raw(candidate.path, candidate.display)
        key = None if raw is None else _cache_key(cache, raw, candidate, config, today)
        entry = cache.get(key, False) if key else None
        if entry is not None and key is not None:
            try:
                result = FileResult.from_cache(candidate.display, entry[0], config)
            except (KeyError, TypeError, ValueError, RecursionError):
                pass  # an entry of another shape: check the file again
            else:
                if keep_data and entry[0]["data"]:
                    # A file on disk can be checked again if its entry's data proves damaged.
                    again = None if given is not None else partial(
                        _check_again, candidate, config, today, cache, key)
                    result.keep_in(key, cache, again)
                advance([result])
                continue
        # Contents read from disk are read again by the checker: a list of misses stays small.
        yield candidate, config, given


def _check_again(
    candidate: Candidate, config: ConfigResult | None, today: date, cache: Cache, key: str
) -> FileResult | None:
    """The file on disk checked anew, and its entry rewritten when its content is the same."""
    raw, _ = read_raw(candidate.path, candidate.display)
    if raw is None:
        return None
    result = files.check_file(candidate, config, today, raw)
    if _cache_key(cache, raw, candidate, config, today) == key:
        cache.put(key, result.to_cache(), result.data)
    return result


def _chunks(todo: Iterable[Todo]) -> Iterator[list[Todo]]:
    iterator = iter(todo)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


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
    todo: list[Todo], today: date, cache: Cache | None, keep_data: bool,
    scratch: Spill | None = None, fold: Fold | None = None,
) -> list[FileResult]:
    """Check files one after another (in this process or in a pool worker).

    Each result is cached; its data is left in the cache (or the spill `scratch`) for a report, or
    dropped (validate), so that memory holds findings, not the repository. With `fold`, the
    report's facts of each file it applies to are worked out here and kept with the result
    (and in the cache).
    """
    results = []
    for candidate, config, raw in todo:
        if raw is None and cache is not None:
            raw, _ = read_raw(candidate.path, candidate.display)
        folding = keep_data and fold is not None
        result = files.check_file(candidate, config, today, raw, keep_value=folding)
        data = result.data
        key = None
        if cache is not None and raw is not None:
            key = _cache_key(cache, raw, candidate, config, today)
            if cache.put(key, result.to_cache(), data) and keep_data and data is not None:
                result.keep_in(key)
            else:
                key = None
        elif scratch is not None and keep_data and data is not None:
            from qaplan.cache import compact_json  # a spill: cache.py is not loaded yet

            text = compact_json(data)
            key = None if text is None else scratch.put(text)
            if key is not None:
                result.keep_in(key)
        if folding:
            assert fold is not None
            value = result.take_value()  # never kept: a result holds findings, not a plan
            if data is not None and fold.applies(result):
                from qaplan.engine.folds import keep_facts
                from qaplan.kinds import KINDS

                if value is None:  # a kind whose checks build no typed value
                    value = KINDS[result.kind].build(data)
                keep_facts(fold, result, value, cache if cache is not None else scratch, key)
        if not keep_data:
            result.data = None
        results.append(result)
    return results


def check_in_pool(
    todo: Iterable[Todo], today: date,
    cache: Cache | None, workers: int, advance: Callable[[list[FileResult]], None],
    keep_data: bool = True, scratch: Spill | None = None, fold: Fold | None = None,
) -> None:
    """Check files in worker processes; a worker that crashes costs only the file it was on."""
    run = partial(_pool_pass, today=today, cache=cache, advance=advance, keep_data=keep_data,
                  scratch=scratch, fold=fold)
    pending = _chunks(todo)
    while broken := run(pending, workers):
        # One file at a time in one worker: the first chunk that breaks it holds the culprit.
        singles: Iterator[list[Todo]] = iter([[item] for chunk in broken for item in chunk])
        while again := run(singles, 1):
            advance([files.crashed(again[0][0][0])])
            singles = chain(again[1:], singles)


def _pool_pass(
    chunks: Iterator[list[Todo]], workers: int, *, today: date, cache: Cache | None,
    advance: Callable[[list[FileResult]], None], keep_data: bool, scratch: Spill | None,
    fold: Fold | None = None,
) -> list[list[Todo]]:
    """Feed chunks to a pool, a few at a time, until they run out or a worker dies; the chunks
    that were in flight when it died (their files unchecked)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    flight: deque[tuple[list[Todo], Future[list[FileResult]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in chain(chunks, [None]):
            if chunk is not None:
                try:
                    future = pool.submit(check_chunk, chunk, today, cache, keep_data, scratch, fold)
                except BrokenProcessPool:  # a worker died since the last chunk was handed out
                    return [*_unfinished(flight, advance), chunk]
                flight.append((chunk, future))
            while flight and (chunk is None or len(flight) >= workers * _IN_FLIGHT):
                if isinstance(flight[0][1].exception(), BrokenProcessPool):
                    return _unfinished(flight, advance)
                advance(flight.popleft()[1].result())  # any other error is qaplan's: raised
    return []


def _unfinished(
    flight: deque[tuple[list[Todo], Future[list[FileResult]]]],
    advance: Callable[[list[FileResult]], None],
) -> list[list[Todo]]:
    """After a worker died: the results of the chunks in flight that were finished, and the
    others in the order they were handed out (the first holds the culprit)."""
    broken = []
    for chunk, future in flight:
        if future.done() and future.exception() is None:
            advance(future.result())
        else:
            broken.append(chunk)
    return broken

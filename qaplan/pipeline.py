"""Files -> findings and plans: read each file, tell its kind, validate it, run the checks.

Many files are checked in a pool of processes (one per core); each file's result is
cached in `.qaplan_cache/` by content, repository file and as-of year, so a second run
over unchanged files parses nothing.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeGuard

from qaplan.errors import QaplanError
from qaplan.findings import Finding, finding
from qaplan.loader import Document, compose, decode, parse, read, read_raw
from qaplan.repo import (
    Candidate,
    default_paths,
    discover,
    display_path,
    is_config,
    nearest_config,
    repository_files,
    repository_root,
)
from qaplan.values import SCHEMA_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache
    from qaplan.model import PlanFile, RepoConfig

# The top-level key beside `schema:` tells the kind of file; deviation cases will join plans.
FILE_KINDS = ("plan",)
_LOOKS_LIKE_PLAN = ("plan", "criteria")
_SCHEMA_VERSION = re.compile(r"qaplan/v(\d+)\Z")
_IGNORE = re.compile(r"#\s*qaplan:\s*ignore(?:\[([^\]]*)\])?")
POOL_THRESHOLD = 48  # below this many files to check, a pool costs more than it saves
_CHUNK = 16


@dataclass(slots=True)
class ConfigResult:
    """A qaplan.yaml: its checked data (None when invalid) and its findings."""

    path: Path
    file: str
    data: dict[str, Any] | None
    findings: list[Finding]
    line_ignores: dict[int, frozenset[str] | None]
    _model: RepoConfig | None = None
    _fingerprint: str | None = None

    @property
    def config(self) -> RepoConfig | None:
        """The repository file as a model, built on first use (reports need it, checks do not)."""
        if self._model is None and self.data is not None:
            from qaplan.model import RepoConfig

            # What could be read of a file with errors may lack its `schema:` line.
            self._model = RepoConfig.model_validate({**self.data, "schema": SCHEMA_V1})
        return self._model

    @property
    def fingerprint(self) -> str:
        """What a plan's findings depend on in this file (worked out once)."""
        if self._fingerprint is None:
            import json

            content = "invalid" if self.data is None else json.dumps(
                self.data, sort_keys=True, ensure_ascii=False)
            self._fingerprint = f"{self.path}:{content}"
        return self._fingerprint

    def ignored_codes(self, file: str) -> list[str]:
        """The codes its `ignore:` rules silence for `file`."""
        rules = self.data.get("ignore") if self.data else None
        if not rules:
            return []
        try:
            rel = Path(os.path.relpath(Path(file).resolve(), self.path.parent)).as_posix()
        except ValueError:
            rel = file
        return [rule["code"] for rule in rules if fnmatch.fnmatch(rel, rule.get("path", "*"))]


@dataclass
class FileResult:
    """What qaplan made of one file."""

    file: str
    kind: str  # "plan", "config", "skipped"
    findings: list[Finding] = field(default_factory=list)
    config: ConfigResult | None = None
    note: str | None = None
    line_ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)
    id_position: tuple[int, int] = (1, 1)
    plan_id: str | None = None
    _plan: PlanFile | None = field(default=None, repr=False, compare=False)
    _data: Any = field(default=None, repr=False)
    _data_json: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> Any:
        """The plan's data when it has no schema errors, until `plan` turns it into the model.

        From the cache it is parsed on first use.
        """
        if self._data_json is not None:
            import json

            self._data, self._data_json = json.loads(self._data_json), None
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._data_json = value, None

    @property
    def plan(self) -> PlanFile | None:
        """The validated plan (ids assigned), built from the data on first use."""
        if self._plan is None and self.data is not None:
            from qaplan.model import PlanFile, assign_ids

            self._plan = PlanFile.model_validate(self.data)
            assign_ids(self._plan)
            self._data = None  # one copy of the plan in memory, not two
        return self._plan

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def language(self) -> str:
        """The plan's language, else the repository's default, else English."""
        if self._plan is not None:
            language = self._plan.plan.language
        else:
            language = self.data["plan"].get("language") if self.data is not None else None
        if language:
            return str(language)
        if self.config is not None and self.config.data is not None:
            return str(self.config.data.get("language") or "en")
        return "en"

    def to_cache(self) -> dict[str, Any]:
        """Every field but the data, which the cache keeps apart (`Cache.put`)."""
        return {
            "kind": self.kind,
            "findings": [[f.line, f.column, f.severity, f.code, f.message] for f in self.findings],
            "note": self.note,
            "line_ignores": [[line, None if codes is None else sorted(codes)]
                             for line, codes in self.line_ignores.items()],
            "id_position": list(self.id_position),
            "plan_id": self.plan_id,
        }

    @classmethod
    def from_cache(
        cls, file: str, entry: dict[str, Any], data_json: bytes | None, config: ConfigResult | None
    ) -> FileResult:
        """The result a cache entry holds; ValueError unless it has the shape `to_cache` writes."""
        from qaplan.findings import CODES

        kind, findings, note = entry.get("kind"), entry.get("findings"), entry.get("note")
        ignores, position = entry.get("line_ignores"), entry.get("id_position")
        plan_id = entry.get("plan_id")
        if (kind not in _CACHED_KINDS or not isinstance(findings, list)
                or not isinstance(ignores, list) or not _positions(position, 2)
                or not isinstance(note, str | None) or not isinstance(plan_id, str | None)):
            raise ValueError("not a cache entry")
        for item in findings:
            if not (isinstance(item, list) and len(item) == 5 and _positions(item[:2], 2)
                    and item[2] in ("error", "warning") and item[3] in CODES
                    and isinstance(item[4], str)):
                raise ValueError("not a cached finding")
        for item in ignores:
            if not (isinstance(item, list) and len(item) == 2 and _positions(item[:1], 1)
                    and (item[1] is None or isinstance(item[1], list)
                         and all(isinstance(code, str) for code in item[1]))):
                raise ValueError("not a cached ignore comment")
        return cls(
            file,
            kind,
            [Finding(file, line, col, sev, code, msg) for line, col, sev, code, msg in findings],
            _data_json=data_json,
            config=config,
            note=note,
            line_ignores={line: None if codes is None else frozenset(codes)
                          for line, codes in ignores},
            id_position=(position[0], position[1]),
            plan_id=plan_id,
        )

    def check_cached_data(self) -> None:
        """Build the plan from the cached data now (a report needs it next); ValueError
        (pydantic's ValidationError is one) or RecursionError unless it is this plan."""
        if self.data is None:
            if self.plan_id is not None:
                raise ValueError("a cached plan without its data")
        elif (not isinstance(self.data, dict) or self.plan is None
              or self.plan.plan.id != self.plan_id):
            raise ValueError("cached data that is not the plan")


_CACHED_KINDS = frozenset((*FILE_KINDS, "skipped"))


def _positions(values: object, count: int) -> TypeGuard[list[int]]:
    """Whether `values` is a list of `count` 1-based positions (lines, columns)."""
    return (isinstance(values, list) and len(values) == count
            and all(type(value) is int and value >= 1 for value in values))


@dataclass(slots=True)
class Run:
    """The outcome of reading a set of paths."""

    files: list[FileResult]
    notes: list[str]
    fatal: list[str]  # problems that make the command exit 2 once everything is printed

    @property
    def findings(self) -> list[Finding]:
        return sorted(f for result in self.files for f in result.findings)

    @property
    def plans(self) -> list[FileResult]:
        return [r for r in self.files if r.kind == "plan"]


class _Configs:
    """Each qaplan.yaml read and validated once per run."""

    def __init__(self) -> None:
        self.loaded: dict[Path, ConfigResult] = {}
        self.nearest: dict[Path, ConfigResult | None] = {}

    def get(self, path: Path) -> ConfigResult:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = _load_config(key, display_path(path))
        return self.loaded[key]

    def for_file(self, path: Path) -> ConfigResult | None:
        directory = path.parent
        if directory not in self.nearest:  # once per directory: resolving paths is slow
            found = nearest_config(directory)
            self.nearest[directory] = self.get(found) if found is not None else None
        return self.nearest[directory]


Progress = Callable[[int, int], None]  # (files done, files in all)
# A file to check: where it is, its repository file, its cache key and bytes (when read).
_Todo = tuple[Candidate, ConfigResult | None, str | None, bytes | None]
# A file to look at: where it is, its repository file, and its bytes when read elsewhere.
_Work = tuple[Candidate, ConfigResult | None, bytes | None]


def check_paths(
    paths: list[str] | None, as_of: date, *, use_cache: bool = True, jobs: int | None = None,
    keep_plans: bool = True, progress: Progress | None = None, whole_repo: bool = False,
) -> Run:
    """Read, classify and validate every YAML file under `paths`.

    `as_of` stands for today in the checks (the future-year check). With keep_plans=False
    (validate) each plan's data is dropped once checked, so that memory does not grow with
    the repository. With whole_repo, files named on the command line are checked against
    every plan of their repository for the rules that span files (a plan id used twice).
    """
    given = paths or default_paths()
    unreadable: list[tuple[Path, str]] = []
    candidates, fatal = _discover_each(given, unreadable)
    configs = _Configs()
    work: list[_Work] = []
    for candidate in candidates:
        if is_config(candidate.path):
            configs.get(candidate.path)
        else:
            work.append((candidate, configs.for_file(candidate.path), None))
    named_configs = list(configs.loaded.values())
    cache = _cache(use_cache and bool(work))
    rest: list[FileResult] = []
    if whole_repo and any(c.explicit and not is_config(c.path) for c in candidates):
        rest = _rest_ids(_rest_of_repository(candidates), configs, as_of, cache, jobs)
    files = _check_all(work, as_of, cache, jobs, progress, keep_plans)
    notes = [r.note for r in files if r.note]
    for config in named_configs:  # a qaplan.yaml only the rest of the repository uses is not reported
        files.append(FileResult(config.file, "config", _suppress_lines(config.findings,
                                config.line_ignores), config=config, line_ignores=config.line_ignores))
    files.extend(_unreadable_directory(path, why) for path, why in unreadable)
    _unique_plan_ids(files, rest)
    files.sort(key=lambda r: r.file)
    fatal.extend(_empty_origins(given, candidates, files))
    return Run(files, notes, fatal)


def check_blobs(
    work: list[tuple[Candidate, ConfigResult | None, bytes]], as_of: date, *,
    use_cache: bool = True,
) -> list[FileResult]:
    """Check file contents read elsewhere (a git revision) as files on disk are checked:
    through the cache and, for many files, the pool. Results come in the order given."""
    order = {candidate.display: index for index, (candidate, _, _) in enumerate(work)}
    results = _check_all(list(work), as_of, _cache(use_cache and bool(work)), None)
    return sorted(results, key=lambda result: order[result.file])


def _cache(wanted: bool) -> Cache | None:
    if not wanted:
        return None
    from qaplan.cache import cache_root, open_cache

    return open_cache(cache_root(Path.cwd()))


def _check_all(
    work: list[_Work], as_of: date, cache: Cache | None,
    jobs: int | None, progress: Progress | None = None, keep_plans: bool = True,
) -> list[FileResult]:
    """Each file's result: from the cache, else checked here or in a pool of processes.

    A cached plan's data is parsed only with keep_plans (a report needs it; validate does not).
    """
    results: list[FileResult] = []
    todo: list[_Todo] = []
    for candidate, config, raw in work:
        key = None
        if cache is not None:
            if raw is None:
                raw, _ = read_raw(candidate.path, candidate.display)
            key = None if raw is None else _cache_key(cache, raw, candidate, config, as_of)
            entry = cache.get(key, keep_plans) if key else None
            if entry is not None:
                try:
                    result = FileResult.from_cache(candidate.display, *entry, config)
                    if keep_plans:
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
        _check_in_pool(todo, as_of, cache, workers, advance, keep_plans)
    else:
        for index in range(0, len(todo), _CHUNK):
            advance(_check_chunk(todo[index:index + _CHUNK], as_of, cache, keep_plans))
    return results


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cache_key(
    cache: Cache, raw: bytes, candidate: Candidate, config: ConfigResult | None, as_of: date
) -> str:
    fingerprint = config.fingerprint if config else ""
    return cache.key(raw, candidate.display, str(candidate.explicit), fingerprint, str(as_of.year))


def _check_chunk(
    todo: list[_Todo], as_of: date, cache: Cache | None, keep_data: bool
) -> list[FileResult]:
    """Check files one after another (in this process or in a pool worker).

    Without keep_data (validate) a plan's data is dropped once cached, so that memory
    holds findings, not the repository.
    """
    results = []
    for candidate, config, key, raw in todo:
        result = check_file(candidate, config, as_of, raw)
        if cache is not None and key is not None:
            cache.put(key, result.to_cache(), result.data)
        if not keep_data:
            result.data = None
        results.append(result)
    return results


def _check_in_pool(
    todo: list[_Todo], as_of: date,
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
        broken: list[list[_Todo]] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [(chunk, pool.submit(_check_chunk, chunk, as_of, cache, keep_data))
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
            advance([_crashed(broken[0][0][0])])
            pending = broken[1:]
        else:
            # Retry file by file in one worker, so that only the crashing file is lost.
            pending = [[item] for chunk in broken for item in chunk]
            workers = 1


def _crashed(candidate: Candidate) -> FileResult:
    detail = "the YAML parser crashed on this file"
    return FileResult(candidate.display, "plan", [finding(candidate.display, 1, 1, "QP011",
                                                          detail=detail)])


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
    kinds = {r.file: r.kind for r in files}
    problems = []
    for origin in given:
        if not Path(origin).is_dir():
            continue
        inside = [c for c in candidates if c.origin == origin and not c.explicit]
        if not any(kinds.get(c.display) == "plan" for c in inside):
            problems.append(
                f"{display_path(Path(origin))}: no plan files found (a plan file is a YAML file "
                f"with 'schema: {SCHEMA_V1}'; `qaplan init` scaffolds one)"
            )
    return problems


def check_file(
    candidate: Candidate, config: ConfigResult | None, as_of: date, raw: bytes | None = None
) -> FileResult:
    """Check one file as the kind of file it is; `raw`: its bytes when already read."""
    doc = read(candidate.path, candidate.display) if raw is None else parse(raw, candidate.display)
    return _check_document(doc, candidate.explicit, config, as_of)


def _check_document(
    doc: Document, explicit: bool, config: ConfigResult | None, as_of: date
) -> FileResult:
    result = FileResult(doc.file, "plan", list(doc.findings) + _error_ignores(doc.file, doc.text),
                        config=config, line_ignores=_line_ignores(doc.text))
    if doc.readable:
        if doc.blank:
            if not explicit:
                return _skipped(result, "is empty")
            result.findings.append(finding(doc.file, 1, 1, "QP005"))
        else:
            kind, problem = _classify(doc)
            if kind is None and problem is None:
                return _skipped(result, f"has no 'schema: {SCHEMA_V1}'")
            if problem is not None:
                result.findings.append(problem)
            else:
                if _validate_plan(doc, result, config.data if config else None, as_of):
                    result.data = doc.data
                    result.plan_id = doc.data["plan"]["id"]
    result.findings = _suppress(result)
    return result


def _skipped(result: FileResult, why: str) -> FileResult:
    result.kind = "skipped"
    result.findings = []
    result.note = f"note: {result.file} {why}: not a qaplan file, skipped"
    return result


def _classify(doc: Document) -> tuple[str | None, Finding | None]:
    """The kind of file ('plan'), or None with an error when it looks like a plan but is not one."""
    data = doc.data
    if not isinstance(data, dict):
        return None, None
    looks_like_plan = any(key in data for key in _LOOKS_LIKE_PLAN)
    schema = data.get("schema")
    if isinstance(schema, str) and schema.startswith("qaplan/"):
        version = _SCHEMA_VERSION.match(schema)
        if schema == SCHEMA_V1:
            return next((k for k in FILE_KINDS if k in data), FILE_KINDS[0]), None
        line, col = doc.value_position(("schema",))
        if version and int(version.group(1)) > 1:
            from qaplan import __version__

            return None, finding(doc.file, line, col, "QP009", schema=schema, version=__version__)
        return None, finding(doc.file, line, col, "QP008",
                             detail=f"unknown schema '{schema}' (expected '{SCHEMA_V1}')")
    if not looks_like_plan:
        return None, None
    if "schema" in data:
        line, col = doc.value_position(("schema",))
        detail = f"schema must be '{SCHEMA_V1}', not {schema!r}"
    else:
        line, col = doc.value_position(())
        detail = f"this looks like a plan but has no 'schema: {SCHEMA_V1}' line"
    return None, finding(doc.file, line, col, "QP008", detail=detail)


def _validate_plan(
    doc: Document, result: FileResult, config: dict[str, Any] | None, as_of: date
) -> bool:
    """True when the plan has the right shape; the other checks run either way."""
    from qaplan.checks import PlanContext, run_plan_checks
    from qaplan.checks.schema import schema_findings
    from qaplan.shape import PLAN, problems

    config_file = result.config.file if result.config else None
    unreadable = result.config is not None and result.config.data is None
    found = problems(PLAN, doc.data)
    if not found:
        result.id_position = doc.value_position(("plan", "id"))
        result.findings.extend(run_plan_checks(
            PlanContext(doc, doc.data, config, config_file, as_of, unreadable)))
        return True
    errors = schema_findings(found, doc, PLAN)
    result.findings.extend(errors)
    repaired = _repaired(doc, found)
    if repaired is not None:
        blocked = {(f.line, f.column) for f in errors} | repaired[1]
        context = PlanContext(doc, repaired[0], config, config_file, as_of, unreadable)
        result.findings.extend(
            f for f in run_plan_checks(context) if (f.line, f.column) not in blocked
        )
    return False


def _repaired(doc: Document, found: list[Any]) -> tuple[dict[str, Any], set[tuple[int, int]]] | None:
    """The plan's data with its invalid nodes repaired, and the positions the repair touched."""
    from qaplan.checks.schema import repair
    from qaplan.shape import PLAN, problems

    data = doc.data
    touched_positions: set[tuple[int, int]] = set()
    for _ in range(3):
        fixed = repair(data, found)
        if fixed is None:
            return None
        data, touched = fixed
        for path in touched:
            for target in (path, path[:-1]):
                touched_positions.add(doc.value_position(target))
                touched_positions.add(doc.key_position(target))
        found = problems(PLAN, data)
        if not found:
            return data, touched_positions
    return None


def _line_ignores(text: str) -> dict[int, frozenset[str] | None]:
    """Line -> codes silenced there by `# qaplan: ignore[...]` (None: every code)."""
    if "qaplan:" not in text:
        return {}
    found: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                None if codes is None else frozenset(c.strip() for c in codes.split(","))
            )
    return found


def _load_config(path: Path, display: str) -> ConfigResult:
    from qaplan.loader import read

    doc = read(path, display)
    return _config_result(doc, path)


def config_from_blob(raw: bytes, path: Path, display: str) -> ConfigResult:
    """A qaplan.yaml from content not read from disk; `path` is where it would be in the tree."""
    text, problem = decode(raw, display)
    if text is None:
        assert problem is not None
        return ConfigResult(path, display, None, [problem], {})
    return _config_result(compose(text, display), path)


def _config_result(doc: Document, path: Path) -> ConfigResult:
    """A qaplan.yaml checked; its data is what could be read (None when nothing could)."""
    from qaplan.checks.config import config_checks, ignore_rule_checks, usable_part
    from qaplan.checks.schema import schema_findings
    from qaplan.shape import CONFIG, problems

    findings = list(doc.findings) + _error_ignores(doc.file, doc.text)
    config = None
    if doc.readable:
        if not isinstance(doc.data, dict):
            findings.append(finding(doc.file, 1, 1, "QP100",
                                    detail="qaplan.yaml must be a mapping with 'schema: qaplan/v1'"))
        else:
            found = problems(CONFIG, doc.data)
            findings.extend(schema_findings(found, doc, CONFIG))
            # The plans keep what could be read, so one typo here is one finding, not
            # false findings in every plan.
            config = usable_part(doc.data, found) if found else doc.data
            findings.extend(config_checks(doc, config))
            findings.extend(ignore_rule_checks(doc, config))
    return ConfigResult(path, doc.file, config, findings, _line_ignores(doc.text))


def _unreadable_directory(path: Path, why: str) -> FileResult:
    """A directory that cannot be listed: an error, so that no run passes as if it saw it all."""
    display = display_path(path)
    detail = f"{display} is a directory that cannot be listed ({why}); its plans were not checked"
    return FileResult(display, "plan", [finding(display, 1, 1, "QP011", detail=detail)])


def _rest_of_repository(candidates: list[Candidate]) -> list[tuple[Path, list[Candidate]]]:
    """Each repository of the named files, with its other YAML files (origin: '/' path in it)."""
    named = {os.path.realpath(candidate.path) for candidate in candidates}
    roots: dict[Path, Path | None] = {}
    for candidate in candidates:
        if candidate.explicit and candidate.path.parent not in roots:
            roots[candidate.path.parent] = repository_root(candidate.path.parent)
    groups = []
    for root in sorted({root for root in roots.values() if root is not None}):
        show = _displayer(root)
        rest = [Candidate(root / rel, show(rel), False, rel) for rel in repository_files(root)
                if str(root / rel) not in named]
        groups.append((root, rest))
    return groups


def _rest_ids(
    groups: list[tuple[Path, list[Candidate]]], configs: _Configs, as_of: date,
    cache: Cache | None, jobs: int | None,
) -> list[FileResult]:
    """The other plans of the repositories, as far as the rules that span files need them.

    Their ids come from a signed index while their files are unchanged; the rest are
    checked (through the cache) and recorded.
    """
    from qaplan.ids_index import IdsIndex, stamp

    results: list[FileResult] = []
    for root, rest in groups:
        index = IdsIndex(cache, root) if cache is not None else None
        todo: list[_Work] = []
        stamps = {}
        for candidate in rest:
            stamps[candidate.display] = current = stamp(candidate.path)  # before it is read
            ids = index.lookup(candidate.origin, current) if index is not None else None
            if ids is None:
                todo.append((candidate, configs.for_file(candidate.path), None))
            else:
                results.append(FileResult(candidate.display, ids[0], plan_id=ids[1],
                                          id_position=(ids[2], ids[3])))
        checked = _check_all(todo, as_of, cache, jobs, keep_plans=False)
        results.extend(checked)
        if index is not None:
            origins = {candidate.display: candidate.origin for candidate in rest}
            for result in checked:
                index.record(origins[result.file], stamps[result.file],
                             (result.kind, result.plan_id, *result.id_position))
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


def _unique_plan_ids(files: list[FileResult], rest: list[FileResult]) -> None:
    """QP112 on a plan whose id a plan before it (in path order) has.

    `rest` are the repository's plans outside the run: when the later of two plans is one of
    them, the finding goes on the named plan instead, so a hook given only the changed files
    still sees the clash.
    """
    reported = {id(result) for result in files}
    by_id: dict[str, list[FileResult]] = {}
    for result in sorted([*files, *rest], key=lambda r: r.file):
        if result.plan_id is not None and result.kind == "plan":
            by_id.setdefault(result.plan_id, []).append(result)
    for plan_id, group in by_id.items():
        if len(group) < 2:
            continue
        targets = [(later, group[0]) for later in group[1:] if id(later) in reported]
        if not targets and id(group[0]) in reported:
            targets = [(group[0], group[1])]
        for result, other in targets:
            line, col = result.id_position
            extra = finding(result.file, line, col, "QP112", id=plan_id, other=other.file)
            result.findings = sorted(result.findings + _suppress_lines([extra], result.line_ignores))


def _suppress(result: FileResult) -> list[Finding]:
    """The findings not silenced by the repository file's rules or a comment on their line.

    Only warnings can be silenced: an error makes reports refuse the plan, so hiding it
    would only hide why.
    """
    if not result.findings:
        return result.findings
    rules = result.config.ignored_codes(result.file) if result.config is not None else []
    kept = [item for item in result.findings
            if item.code not in rules or item.severity == "error"]
    return _suppress_lines(kept, result.line_ignores)


def _suppress_lines(
    findings: list[Finding], line_ignores: dict[int, frozenset[str] | None]
) -> list[Finding]:
    if not line_ignores:
        return findings
    kept = []
    for item in findings:
        codes = line_ignores.get(item.line, frozenset())
        if item.severity == "warning" and (codes is None or item.code in codes):
            continue
        kept.append(item)
    return kept


def _error_ignores(file: str, text: str) -> list[Finding]:
    """A `# qaplan: ignore[...]` comment that names an error code (QP401): it silences nothing."""
    if "qaplan:" not in text:
        return []
    from qaplan.findings import CODES

    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match is None or match.group(1) is None:
            continue
        for code in (c.strip() for c in match.group(1).split(",")):
            entry = CODES.get(code.upper())
            if entry is not None and entry.severity == "error":
                found.append(finding(file, number, match.start() + 1, "QP401",
                                     where="this ignore comment", silenced=entry.code))
    return found


def load_plans(
    paths: list[str] | None, today: date, skip_invalid: bool, *, use_cache: bool = True,
    progress: Progress | None = None, skip_option: str | None = None,
) -> tuple[list[FileResult], list[str]]:
    """Valid plans for a report; a plan with errors stops it (exit 2) unless skipped.

    `today` stands for today in the checks (a report's own as-of only picks follow-ups);
    `skip_option` is the command's option that skips invalid plans, named in its hints.
    Every file left out is named, with why.
    """
    run = check_paths(paths, today, use_cache=use_cache, progress=progress)
    notes = list(run.notes)
    if run.fatal:
        raise QaplanError("\n".join([*run.fatal, *notes]))
    notes.extend(_config_notes(run.files))
    plans = []
    left_out: list[str] = []
    for result in run.files:
        if result.kind != "plan":
            continue
        refusal = _refusal(result, skip_option)
        if refusal is not None:
            if not skip_invalid:
                raise QaplanError(refusal[1])
            left_out.append(refusal[0])
            continue
        if result.plan is not None:
            plans.append(result)
        else:  # never silently: a plan without errors always has its data
            left_out.append(f"{result.file}: could not be read as a plan; run "
                            f"`qaplan validate {result.file}`")
    if left_out and plans:
        notes.extend(f"note: skipped {why}" for why in left_out)
        notes.append(f"note: skipped {len(left_out)} invalid file(s); `qaplan validate` lists "
                     "their errors")
    if not plans:
        reasons = left_out + [note.removeprefix("note: ") for note in run.notes]
        reasons = reasons or [f"{r.file}: the repository file, not a plan"
                              for r in run.files if r.kind == "config"]
        raise QaplanError("\n  ".join(["no valid plan files to report on:", *reasons]))
    return plans, notes


def _refusal(result: FileResult, skip_option: str | None) -> tuple[str, str] | None:
    """Why a report cannot use this plan: (one line naming the file, the full message), or None."""
    hint = f", or pass {skip_option} to report on the other plans" if skip_option else ""
    if result.errors:
        first, count = result.errors[0], len(result.errors)
        more = f" (and {count - 1} more error(s))" if count > 1 else ""
        message = (f"{first.as_text()}\n{result.file} has {count} error(s); run "
                   f"`qaplan validate {result.file}` to see them all{hint}")
        return f"{first.as_text()}{more}", message
    config = result.config
    if config is not None and config.data is None:
        # Without its qaplan.yaml the plan's owners and units cannot be told apart from typos.
        problem = next((f for f in config.findings if f.severity == "error"), None)
        cause = problem.as_text() if problem is not None else f"{config.file}: cannot be read"
        message = (f"{cause}\n{result.file} uses {config.file}, which cannot be read; fix it "
                   f"(`qaplan validate {config.file}`){hint}")
        return f"{result.file}: its {config.file} cannot be read: {cause}", message
    return None


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
            notes.append(f"note: {config.file} has {len(errors)} error(s); the plans use what "
                         f"could be read from it (`qaplan validate {config.file}` lists them)")
    return notes

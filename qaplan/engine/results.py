"""What the engine makes of files: a result per file, per qaplan.yaml, and per run."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from qaplan.codes import Finding
from qaplan.errors import QaplanError
from qaplan.kinds import KINDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache
    from qaplan.checks.continues import Links
    from qaplan.formats.config import Config
    from qaplan.spill import Spill

@dataclass(frozen=True, slots=True)
class Entry:
    """One usable file as a report reads it: where it is, its typed value, its repository file."""

    file: str
    value: Any  # the typed value of its kind (`qaplan.formats`)
    config: Config | None  # the nearest qaplan.yaml, as far as it could be read
    config_file: str | None
    language: str

    @property
    def plan(self) -> Any:
        """The typed plan (for entries of plan files)."""
        return self.value


SKIPPED = "skipped"  # the kind of a YAML file that is not a qaplan file
INVALID = "invalid"  # a file that is meant to be a qaplan file but cannot be read as one


@dataclass(slots=True)
class ConfigResult:
    """A qaplan.yaml: what could be read of it (None when nothing could) and its findings."""

    path: Path
    file: str
    data: dict[str, Any] | None
    findings: list[Finding]
    line_ignores: dict[int, frozenset[str] | None]
    _value: Config | None = None
    _fingerprint: str | None = None

    @property
    def config(self) -> Config | None:
        """The repository file as its typed value, built on first use."""
        if self._value is None and self.data is not None:
            from qaplan.formats.config import build

            self._value = build(self.data)
        return self._value

    @property
    def fingerprint(self) -> str:
        """What a file's findings depend on in this file (worked out once)."""
        if self._fingerprint is None:
            import json

            content = "invalid" if self.data is None else json.dumps(
                self.data, sort_keys=True, ensure_ascii=False)
            self._fingerprint = f"{self.path}:{content}"
            if self.data is not None and self.data.get("catalogues"):
                from qaplan.catalogues import files_stamp  # `covers` findings read them

                self._fingerprint += files_stamp(self.path, self.data)
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


@dataclass(slots=True)  # a run over 100,000 files holds one of these per file
class FileResult:
    """What qaplan made of one file: its kind, findings, and its data when it can be used."""

    file: str
    kind: str  # a name in `qaplan.kinds.KINDS` ("config" for qaplan.yaml), SKIPPED or INVALID
    findings: list[Finding] = field(default_factory=list)
    config: ConfigResult | None = None
    note: str | None = None
    line_ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)
    id_position: tuple[int, int] = (1, 1)
    file_id: str | None = None  # the id unique in a repository (a plan's id)
    links: Links | None = None  # a plan's links across periods (`qaplan.checks.continues`)
    _value: Any = field(default=None, repr=False, compare=False)
    _data: Any = field(default=None, repr=False)
    # Where the data waits when it is not in memory: a key in the repository's cache, or a
    # place in this run's spill, so that a run over 10,000 files holds findings, not files.
    _stored: str | None = field(default=None, repr=False, compare=False)
    _store: Cache | Spill | None = field(default=None, repr=False, compare=False)
    # Checks the file again when its stored data cannot be read back (a damaged entry).
    _recheck: Callable[[], FileResult | None] | None = field(default=None, repr=False,
                                                             compare=False)
    # What a report keeps of the file (`qaplan.engine.folds`), as JSON text, when it was
    # worked out where the file was checked or read from the cache.
    facts: bytes | None = field(default=None, repr=False, compare=False)
    facts_at: str | None = field(default=None, repr=False, compare=False)  # their spill place

    @property
    def data(self) -> Any:
        """The file's checked data when it has no errors (read back from its store, not kept)."""
        if self._data is None and self._stored is not None:
            found = self._read_back()
            return None if found is None else found[0]
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._stored = value, None

    def keep_in(self, key: str, store: Cache | Spill | None = None,
                recheck: Callable[[], FileResult | None] | None = None) -> None:
        """Leave the data under `key` in `store` (written there already; a pool worker names
        no store, the parent does) instead of in memory."""
        self._data, self._stored, self._store, self._recheck = None, key, store, recheck

    @property
    def stored(self) -> str | None:
        """The key the data waits under, when it is not in memory."""
        return self._stored

    @property
    def store(self) -> Cache | Spill | None:
        """Where the data waits: the repository's cache, or this run's spill."""
        return self._store

    @property
    def value(self) -> Any:
        """The file's typed value (`qaplan.formats`), built from the data on first use and kept."""
        if self._value is None:
            self._value = self.build()
            self._data = None  # one copy of the file in memory, not two
        return self._value

    def lend(self, value: Any) -> None:
        """Hold the typed value the checks built, until `take_value` (a fold in the pool)."""
        self._value = value

    def take_value(self) -> Any:
        """The typed value lent by the checks (None when they lent none); not kept."""
        value, self._value = self._value, None
        return value

    @property
    def usable(self) -> bool:
        """Whether the file has data to build its value from (without building it)."""
        return self._value is not None or self._data is not None or self._stored is not None

    def build(self) -> Any:
        """The typed value, built anew and not kept (a report that streams holds one at a time)."""
        if self._value is not None:
            return self._value
        if self._data is not None:
            return KINDS[self.kind].build(self._data)
        if self._stored is None:
            return None
        found = self._read_back()
        if found is None:
            found = self._checked_again()
        return found[1]

    def _read_back(self) -> tuple[Any, Any] | None:
        """The stored data and its typed value; None unless they are sound and this file's."""
        import json

        raw = self._store.data(self._stored) if self._store and self._stored else None
        if raw is None:
            return None
        kind = KINDS[self.kind]
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or kind.file_id(data) != self.file_id:
                return None
            return data, kind.build(data)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
            return None

    def _checked_again(self) -> tuple[Any, Any]:
        """The data and value of the file checked anew: its stored data could not be used."""
        fresh = self._recheck() if self._recheck is not None else None
        if fresh is None or fresh.errors or fresh.file_id != self.file_id or fresh.data is None:
            raise QaplanError(f"{self.file}: changed or lost its cache entry while it was read; "
                              "run the command again")
        return fresh.data, KINDS[self.kind].build(fresh.data)

    def entry(self, value: Any) -> Entry:
        """The file as a report reads it, with its typed `value`."""
        config = self.config
        return Entry(self.file, value, config.config if config else None,
                     config.file if config else None, self.language_of(value))

    @property
    def plan(self) -> Any:
        """The typed value of a plan file (what reports read)."""
        return self.value

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def language(self) -> str:
        """The file's language, else the repository's default, else English."""
        return self.language_of(self.value)

    def language_of(self, value: Any) -> str:
        """The language of `value` (this file's typed value), else the repository's default,
        else English."""
        language = getattr(value, "language", None) if value is not None else None
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
            "file_id": self.file_id,
            "links": None if self.links is None else self.links.as_json(),
            "data": self.usable,  # whether the entry's data line holds the checked data
        }

    @classmethod
    def from_cache(cls, file: str, entry: dict[str, Any], config: ConfigResult | None) -> FileResult:
        """The result a cache entry holds; ValueError unless it has the shape `to_cache` writes."""
        from qaplan.checks.continues import Links
        from qaplan.findings import CODES

        kind, findings, note = entry.get("kind"), entry.get("findings"), entry.get("note")
        ignores, position = entry.get("line_ignores"), entry.get("id_position")
        file_id = entry.get("file_id")
        links = entry.get("links")
        if (set(entry) - {"key", "sig"} != _CACHE_FIELDS
                or not (kind in (SKIPPED, INVALID) or kind in KINDS) or not isinstance(findings, list)
                or not isinstance(ignores, list) or not _positions(position, 2)
                or not isinstance(note, str | None) or not isinstance(file_id, str | None)
                or not isinstance(entry.get("data"), bool)):
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
            config=config,
            note=note,
            line_ignores={line: None if codes is None else frozenset(codes)
                          for line, codes in ignores},
            id_position=(position[0], position[1]),
            file_id=file_id,
            links=None if links is None else Links.from_json(links),
        )


_CACHE_FIELDS = frozenset(("kind", "findings", "note", "line_ignores", "id_position", "file_id",
                           "links", "data"))


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

    def of_kind(self, name: str) -> list[FileResult]:
        return [r for r in self.files if r.kind == name]

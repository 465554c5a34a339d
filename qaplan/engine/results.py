"""What the engine makes of files: a result per file, per qaplan.yaml, and per run."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from qaplan.codes import Finding
from qaplan.kinds import KINDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config

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
    """What qaplan made of one file: its kind, findings, and its data when it can be used."""

    file: str
    kind: str  # a name in `qaplan.kinds.KINDS` ("config" for qaplan.yaml), SKIPPED or INVALID
    findings: list[Finding] = field(default_factory=list)
    config: ConfigResult | None = None
    note: str | None = None
    line_ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)
    id_position: tuple[int, int] = (1, 1)
    file_id: str | None = None  # the id unique in a repository (a plan's id)
    _value: Any = field(default=None, repr=False, compare=False)
    _data: Any = field(default=None, repr=False)
    _data_json: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> Any:
        """The file's checked data when it has no errors, until `value` is built from it.

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
    def value(self) -> Any:
        """The file's typed value (`qaplan.formats`), built from the data on first use."""
        if self._value is None and self.data is not None:
            self._value = KINDS[self.kind].build(self.data)
            self._data = None  # one copy of the file in memory, not two
        return self._value

    @property
    def usable(self) -> bool:
        """Whether the file has data to build its value from (without building it)."""
        return self._value is not None or self._data is not None or self._data_json is not None

    def build(self) -> Any:
        """The typed value, built anew and not kept (a report that streams holds one at a time)."""
        if self._value is not None:
            return self._value
        data = self._data
        if self._data_json is not None:
            import json

            data = json.loads(self._data_json)
        return None if data is None else KINDS[self.kind].build(data)

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
        }

    @classmethod
    def from_cache(
        cls, file: str, entry: dict[str, Any], data_json: bytes | None, config: ConfigResult | None
    ) -> FileResult:
        """The result a cache entry holds; ValueError unless it has the shape `to_cache` writes."""
        from qaplan.findings import CODES

        kind, findings, note = entry.get("kind"), entry.get("findings"), entry.get("note")
        ignores, position = entry.get("line_ignores"), entry.get("id_position")
        file_id = entry.get("file_id")
        if (set(entry) - {"key", "sig"} != _CACHE_FIELDS
                or not (kind in (SKIPPED, INVALID) or kind in KINDS) or not isinstance(findings, list)
                or not isinstance(ignores, list) or not _positions(position, 2)
                or not isinstance(note, str | None) or not isinstance(file_id, str | None)):
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
            file_id=file_id,
        )

    def check_cached_data(self) -> None:
        """Build the value from the cached data now (a report needs it next); ValueError,
        KeyError, TypeError or RecursionError unless it is this file's."""
        if self.data is None:
            if self.file_id is not None:
                raise ValueError("a cached file without its data")
            return
        kind = KINDS[self.kind]
        if (not isinstance(self.data, dict) or kind.file_id(self.data) != self.file_id
                or self.value is None):
            raise ValueError("cached data that is not this file's")


_CACHE_FIELDS = frozenset(("kind", "findings", "note", "line_ignores", "id_position", "file_id"))


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

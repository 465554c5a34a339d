"""A cache of checked files in `.qaplan_cache/`, keyed by everything a file's findings depend on.

Entries are JSON (never pickle: a cache committed by someone else must not run code),
written atomically, and any entry that cannot be read is ignored and rewritten.
Deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from qaplan import __version__
from qaplan.fsutil import write_atomic
from qaplan.repo import git_root

DIRECTORY = ".qaplan_cache"
_FORMAT = "2"  # 2: the data on its own line, parsed only when a report needs it


def cache_root(start: Path) -> Path:
    """The repository root: the nearest directory with `.git` at or above `start`, else `start`."""
    return git_root(start) or start.resolve()


def _code_stamp() -> str:
    """Sizes and times of qaplan's own modules: a changed checkout never reuses old answers."""
    package = Path(__file__).resolve().parent
    stamp = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stamp.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return stamp.hexdigest()


class Cache:
    """Entries under `<root>/.qaplan_cache/<format>/`, one JSON file per key."""

    def __init__(self, root: Path) -> None:
        self.directory = root / DIRECTORY / f"v{_FORMAT}"
        self.stamp = _code_stamp()
        self._made: set[Path] = set()

    def key(self, raw: bytes, *parts: str) -> str:
        digest = hashlib.blake2b(digest_size=20)
        for part in (__version__, _FORMAT, self.stamp, *parts):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """The entry's fields and its data as JSON text (parsed only by those who need it)."""
        try:
            with open(self._path(key), "rb") as handle:
                raw = handle.read()
            head, _, data = raw.partition(b"\n")
            entry = json.loads(head)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not data:
            return None
        return entry, data

    def put(self, key: str, entry: dict[str, Any], data: Any) -> None:
        """Write an entry: one line of fields, then `data` as JSON on the rest of the file."""
        path = self._path(key)
        text = (json.dumps({**entry, "key": key}, ensure_ascii=False, separators=(",", ":"))
                + "\n" + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        try:
            if path.parent not in self._made:
                path.parent.mkdir(parents=True, exist_ok=True)
                ignore = self.directory.parent / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# created by qaplan; safe to delete\n*\n", encoding="utf-8")
                self._made.add(path.parent)
            write_atomic(path, text, durable=False)
        except OSError:
            return  # a cache that cannot be written is merely a slower run

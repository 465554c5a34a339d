"""The plan ids of a repository's files, for `validate FILE...`: a small signed index in the cache.

The rules that span files need only each other plan's id, so a warm hook run should not
read and hash a thousand plans. An entry is trusted only while the file's size, times and
inode are those recorded, as git trusts its index; an entry whose file changed within the
last seconds before it was recorded is never trusted (a change in the same clock tick would
leave the times alike). The index is a cache entry like any other: signed with this user's
key, so a planted one is ignored.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
# What the rules that span files need of a file: its kind, id, the id's position, and for a
# closed plan its activity ids as a link to it needs them (`Links.as_json`; None otherwise).
Ids = tuple[str, str | None, int, int, list[Any] | None]
_RACY_NS = 2_000_000_000  # changed this close to being recorded: not trusted


def stamp(path: Path) -> Stamp | None:
    """The file's size, times and inode (None when it cannot be read)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


class IdsIndex:
    """display path -> (stamp, ids), loaded from and saved to the cache of one repository."""

    def __init__(self, cache: Cache, root: Path) -> None:
        self.cache = cache
        self.key = cache.key(b"", "ids-index", str(root))
        self.entries: dict[str, tuple[Stamp, Ids]] = {}
        self.changed = False
        found = cache.get(self.key, True)
        if found is not None and found[1] is not None:
            try:
                self.entries = _entries(json.loads(found[1]))
            except (ValueError, TypeError, RecursionError):
                self.entries = {}  # damaged or of another shape: start again

    def lookup(self, display: str, current: Stamp | None) -> Ids | None:
        """The recorded ids of `display`, when its file is as it was when they were recorded."""
        entry = self.entries.get(display)
        if current is None or entry is None or entry[0] != current:
            return None
        return entry[1]

    def record(self, display: str, current: Stamp | None, ids: Ids) -> None:
        """Remember `ids` for the file as stamped before it was read."""
        if current is None or max(current[1], current[2]) > time.time_ns() - _RACY_NS:
            self.entries.pop(display, None)
        else:
            self.entries[display] = (current, ids)
        self.changed = True

    def keep_only(self, displays: set[str]) -> None:
        """Forget files that are gone."""
        gone = set(self.entries) - displays
        for display in gone:
            del self.entries[display]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if self.changed:
            data = {display: [list(st), list(ids)] for display, (st, ids) in self.entries.items()}
            self.cache.put(self.key, {"kind": "ids-index"}, data)


def _entries(data: Any) -> dict[str, tuple[Stamp, Ids]]:
    """The index's entries, checked for shape (anything unexpected raises TypeError)."""
    from qaplan.checks.continues import Links

    if not isinstance(data, dict):
        raise TypeError("not a mapping")
    entries: dict[str, tuple[Stamp, Ids]] = {}
    for display, (st, ids) in data.items():
        kind, file_id, line, col, links = ids
        size, mtime, ctime, inode = st
        if not (all(type(n) is int for n in (size, mtime, ctime, inode, line, col))
                and isinstance(kind, str) and (file_id is None or isinstance(file_id, str))
                and (links is None or isinstance(links, list))):
            raise TypeError("an entry of the wrong shape")
        if links is not None:
            Links.from_json(links)  # raises unless it has the shape of a plan's links
        entries[str(display)] = ((size, mtime, ctime, inode), (kind, file_id, line, col, links))
    return entries

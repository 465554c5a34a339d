"""Atomic writes: a temporary file in the same directory, then a rename."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ChangedMeanwhile(Exception):
    """The file is no longer the one that was read: it must not be replaced."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file's bytes as read once, and the real file they came from (symbolic links resolved)."""

    path: Path  # the real file
    raw: bytes
    links: int  # hard links to the real file


def snapshot(path: Path, limit: int) -> Snapshot:
    """Read a regular file (through symbolic links) once; OSError/ValueError say why not."""
    real = Path(os.path.realpath(path))
    info = os.stat(real)  # stat before open: opening a FIFO would block
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("is not a regular file")
    if info.st_size > limit:
        raise ValueError(f"is larger than {limit // (1024 * 1024)} MB")
    with open(real, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"is larger than {limit // (1024 * 1024)} MB")
    return Snapshot(real, raw, info.st_nlink)


def give_mode(tmp: str | Path, path: Path) -> None:
    """Give a temporary file the mode of the file it replaces, else a new file's (umask)."""
    if path.exists():
        os.chmod(tmp, path.stat().st_mode & 0o777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True,
                 unchanged: bytes | None = None) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    durable=False skips the fsync, for files that may be lost in a crash (cache entries).
    With `unchanged`, the file must still hold exactly those bytes right before the rename,
    else ChangedMeanwhile is raised and nothing is replaced. A symbolic link at `path` is
    itself replaced; pass the resolved path to write the file it points to.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        give_mode(tmp, path)
        if unchanged is not None and _current(path) != unchanged:
            raise ChangedMeanwhile(str(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _current(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None

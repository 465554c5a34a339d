"""Where a report's checked data and facts wait during one run without a cache (`--no-cache`).

A report over thousands of files must not hold every file's data until it reaches it, and
must not pay for a file per entry either (creating a file costs more than checking a small
plan). Each process of the run appends its entries to one file of its own in a private
temporary directory (0700, files 0600) that is removed when the run ends. An entry is found
by its place, `FILE:OFFSET:LENGTH`, and carries a MAC made with a key of this run only, over
its place and bytes: an entry read from elsewhere, or changed, is a miss, never an answer.
"""

from __future__ import annotations

import hashlib
import os
import stat
from hmac import compare_digest
from pathlib import Path

_MAC_SIZE = 32
_PERSON = b"qaplan-spill"  # BLAKE2b personalisation: this key signs spilled entries only
# The file this process appends to, per spill directory: (process id, descriptor, size). A
# pool worker receives a copy of its Spill with every chunk, so the state lives here.
_APPENDING: dict[Path, tuple[int, int, int]] = {}


class Spill:
    """Entries of one run, appended by any of its processes and read back by place."""

    def __init__(self, directory: Path, secret: bytes) -> None:
        self.directory = directory
        self._secret = secret
        self._reading: dict[str, int] = {}  # file name -> descriptor, in the reading process

    def __getstate__(self) -> dict[str, object]:
        return {"directory": self.directory, "_secret": self._secret}  # descriptors stay here

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._reading = {}

    def _mac(self, place: str, payload: bytes) -> bytes:
        mac = hashlib.blake2b(key=self._secret, person=_PERSON, digest_size=_MAC_SIZE)
        mac.update(place.encode("ascii"))
        mac.update(b"\0")
        mac.update(hashlib.sha256(payload).digest())  # in hardware on most machines
        return mac.digest()

    def put(self, payload: bytes) -> str | None:
        """Append `payload`; its place, or None when it could not be written."""
        pid = os.getpid()
        current = _APPENDING.get(self.directory)
        try:
            if current is None or current[0] != pid:  # the first entry of this process
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_NOFOLLOW
                current = (pid, os.open(self.directory / str(pid), flags, 0o600), 0)
                _APPENDING[self.directory] = current
        except OSError:
            return None  # the caller keeps the entry in memory instead
        _, fd, size = current
        place = f"{pid}:{size}:{len(payload)}"
        record = self._mac(place, payload) + payload
        try:
            view = memoryview(record)
            while view:
                view = view[os.write(fd, view):]
        except OSError:  # a full disk: the file ends wherever the write stopped
            try:
                _APPENDING[self.directory] = (pid, fd, os.fstat(fd).st_size)
            except OSError:
                del _APPENDING[self.directory]
            return None
        _APPENDING[self.directory] = (pid, fd, size + len(record))
        return place

    def data(self, place: str) -> bytes | None:
        """The entry at `place`, or None when it is not there or not this run's."""
        name, _, rest = place.partition(":")
        offset, _, length = rest.partition(":")
        if not (name.isdigit() and offset.isdigit() and length.isdigit()):
            return None
        try:
            fd = self._reading.get(name)
            if fd is None:
                fd = os.open(self.directory / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    os.close(fd)
                    return None
                self._reading[name] = fd
            record = os.pread(fd, _MAC_SIZE + int(length), int(offset))
        except OSError:
            return None
        payload = record[_MAC_SIZE:]
        if len(payload) != int(length) or not compare_digest(record[:_MAC_SIZE],
                                                             self._mac(place, payload)):
            return None
        return payload


def spill() -> Spill | None:
    """A spill of this run in a private temporary directory removed when the process ends;
    None where ownership and modes cannot be ensured (the data then stays in memory)."""
    import atexit
    import shutil
    import tempfile

    if not hasattr(os, "geteuid"):
        return None
    try:
        directory = Path(tempfile.mkdtemp(prefix="qaplan-"))  # 0700
    except OSError:
        return None
    atexit.register(shutil.rmtree, directory, ignore_errors=True)  # forked workers skip atexit
    return Spill(directory, os.urandom(32))

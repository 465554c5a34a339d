"""A cache of checked files in `.qaplan_cache/`, keyed by everything a file's findings depend on.

Trust: an entry is used only when it carries a MAC (keyed BLAKE2b) made with this user's
secret key, which lives outside every repository (`$XDG_CACHE_HOME/qaplan/key`, else
`~/.cache/qaplan/key`, mode 0600), so an entry planted by a pull request or by another user
is a cache miss, never an answer. The directory is used only when it is a real directory
(not a symbolic link) of this user that git does not track; it is made 0700 and entries
0600, since they hold plan text. When any of this cannot be ensured, qaplan runs without
the cache. Entries are JSON (never pickle), written atomically; an entry that cannot be
read or verified is ignored and rewritten. Deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from hmac import compare_digest
from pathlib import Path
from typing import Any

from qaplan import __version__
from qaplan.repo import git_root

DIRECTORY = ".qaplan_cache"
_FORMAT = "5"  # 5: SHA-256 digests; 4: whether an entry has data; 3: signed entries; 2: the data on its own line
_KEY_NAME = "key"
_KEY_SIZE = 32
_PERSON = b"qaplan-cache"  # BLAKE2b personalisation: this key signs cache entries only
_IGNORE_ALL = "# created by qaplan; safe to delete\n*\n"


def cache_root(start: Path) -> Path:
    """The repository root: the nearest directory with `.git` at or above `start`, else `start`."""
    return git_root(start) or start.resolve()


def open_cache(root: Path) -> Cache | None:
    """The cache of the repository at `root`, or None when it cannot be used safely."""
    secret = _secret(root)
    if secret is None:
        return None
    top = root / DIRECTORY
    cache = Cache(top / f"v{_FORMAT}", secret)
    try:
        made = _private_directory(top)
        if made is None or (not made and not _untracked(root, cache)):
            return None
        if made:
            _write_private(top / ".gitignore", _IGNORE_ALL.encode())
        if _private_directory(cache.directory) is None:
            return None
    except OSError:
        return None
    return cache


def _code_stamp() -> str:
    """Sizes and times of qaplan's own modules: a changed checkout never reuses old answers."""
    package = Path(__file__).resolve().parent
    stamp = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stamp.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return stamp.hexdigest()


class Cache:
    """Signed entries under `<root>/.qaplan_cache/v<format>/`, one file per key."""

    def __init__(self, directory: Path, secret: bytes) -> None:
        self.directory = directory
        self.stamp = _code_stamp()
        self._secret = secret
        self._made: set[Path] = set()

    def key(self, raw: bytes, *parts: str) -> str:
        """The entry's name: a digest of the file's bytes and of what its findings depend on."""
        digest = hashlib.sha256()  # SHA-256 is in hardware on most machines: 2-3x BLAKE2b here
        for part in (__version__, _FORMAT, self.stamp, *parts):
            # surrogatepass: a file name that is not UTF-8 (surrogate-escaped) still has a key.
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(raw)
        return digest.hexdigest()[:40]

    def _path(self, key: str) -> str:
        return f"{self.directory}{os.sep}{key[:2]}{os.sep}{key[2:]}.json"

    def _seal(self, key: str, head: bytes, data_digest: bytes) -> bytes:
        """The MAC of an entry: its key (an entry cannot move), its fields and its data's digest."""
        mac = hashlib.blake2b(key=self._secret, person=_PERSON, digest_size=32)
        for part in (key.encode("ascii"), head, data_digest):
            mac.update(len(part).to_bytes(8, "big"))
            mac.update(part)
        return mac.hexdigest().encode("ascii")

    def get(self, key: str, with_data: bool) -> tuple[dict[str, Any], bytes | None] | None:
        """The entry's fields, and its data as JSON text when asked for (parsed by its users).

        None for a missing entry and for one not signed with this user's key. Without
        `with_data` only the signed first lines are read (validate needs no data).
        """
        lines = _read_regular(self._path(key), with_data)
        if lines is None:
            return None
        seal, head, data = lines
        mac, _, data_digest = seal.partition(b" ")
        if not compare_digest(mac, self._seal(key, head, data_digest)):
            return None
        if data is not None and not compare_digest(data_digest, _digest(data)):
            return None
        try:
            entry = json.loads(head)
        except (ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry, data

    def data(self, key: str) -> bytes | None:
        """The data line of a signed entry (JSON text), or None when it is missing or unsigned."""
        found = self.get(key, True)
        return None if found is None else found[1]

    def put(self, key: str, entry: dict[str, Any], data: Any) -> bool:
        """Write a signed entry: its fields and `data`, as JSON; False when it was not written."""
        head, text = compact_json({**entry, "key": key}), compact_json(data)
        if head is None or text is None:
            return False  # nothing JSON can hold is worth a cache entry
        return self.put_raw(key, head, text)

    def put_raw(self, key: str, head: bytes, data: bytes) -> bool:
        """Sign and write an entry: `MAC DIGEST`, the fields line `head`, then the `data` line."""
        path = Path(self._path(key))
        digest = _digest(data)
        try:
            if path.parent not in self._made:
                if _private_directory(path.parent) is None:
                    return False
                self._made.add(path.parent)
            seal = self._seal(key, head, digest) + b" " + digest
            _write_private(path, b"\n".join((seal, head, data)))
        except OSError:
            return False  # a cache that cannot be written is merely a slower run
        return True


def compact_json(value: Any) -> bytes | None:
    """`value` as compact JSON text (UTF-8, names that are not UTF-8 kept as they are), or
    None when JSON cannot hold it."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    return text.encode("utf-8", "surrogatepass")


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode("ascii")


def _read_regular(path: str | Path, with_data: bool) -> tuple[bytes, bytes, bytes | None] | None:
    """The seal, fields and (when asked for) data lines of the regular file at `path`.

    Never through a final symbolic link, and never blocking on a FIFO. Read with plain system
    calls: a warm report reads two entries a plan.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        # The whole entry (one read, and one that finds its end), or its first two lines.
        size = max(info.st_size + 1, _HEAD_READ) if with_data else _HEAD_READ
        content = b""
        while chunk := os.read(fd, size):
            content += chunk
            if not with_data and content.find(b"\n", content.find(b"\n") + 1) >= 0:
                break
    except OSError:
        return None
    finally:
        os.close(fd)
    first = content.find(b"\n")
    second = content.find(b"\n", first + 1) if first >= 0 else -1
    if second < 0:
        return None
    # sliced once each: the data of a large entry is not copied twice
    return content[:first], content[first + 1:second], content[second + 1:] if with_data else None


_HEAD_READ = 8192  # bytes read at a time for an entry's first lines


def _write_private(path: Path, payload: bytes) -> None:
    """Replace `path` atomically with a file only this user can read (mkstemp makes it 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _private_directory(path: Path) -> bool | None:
    """Make `path` a 0700 directory of this user: True when made now, False when it was
    there already, None when it is a symlink, not a directory, or another user's."""
    try:
        os.mkdir(path, 0o700)
        made = True
    except FileExistsError:
        made = False
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return None  # a symlink, a file, or someone else's: never read or write through it
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)  # umask, or an older qaplan that made it 0755
    return made


def _untracked(root: Path, cache: Cache) -> bool:
    """Whether git tracks no file under the cache directory.

    A signed note of the git index it was last found untracked in spares the git process
    while the index stays the same (git replaces the file, so its inode changes).
    """
    dot_git = root / ".git"
    if "GIT_DIR" in os.environ or "GIT_INDEX_FILE" in os.environ or dot_git.is_file():
        return not _tracked_by_git(root)  # git may read another index than .git/index
    try:
        info = os.stat(dot_git / "index")
    except FileNotFoundError:
        return True  # not a repository, or one with no index: nothing is tracked
    state = f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
    seal = cache._seal("untracked", state.encode(), b"")
    note = cache.directory / "untracked"
    if _read_regular(note, False) == (seal, b"", None):
        return True
    if _tracked_by_git(root):
        return False
    if _private_directory(cache.directory) is not None:
        _write_private(note, seal + b"\n\n")
    return True


def _tracked_by_git(root: Path) -> bool:
    """Whether git tracks any file under the cache directory (True too when git cannot tell)."""
    import subprocess

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--", DIRECTORY], cwd=root, env=env,
                              capture_output=True, check=False)
    except OSError:
        return True
    return done.returncode != 0 or bool(done.stdout)


def _secret_directory() -> Path | None:
    """`$XDG_CACHE_HOME/qaplan`, else `~/.cache/qaplan` (None without an absolute home)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base, "qaplan")


def _secret(root: Path) -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept secret."""
    if not hasattr(os, "geteuid"):
        return None  # ownership and modes cannot be checked here
    directory = _secret_directory()
    if directory is None:
        return None
    try:
        if directory.resolve().is_relative_to(root):
            return None  # a key inside the repository could have been committed by anyone
        directory.parent.mkdir(parents=True, exist_ok=True)
        if _private_directory(directory) is None:
            return None
        key = directory / _KEY_NAME
        secret = _read_key(key)
        if secret is None and not os.path.lexists(key):
            _make_key(key)
            secret = _read_key(key)
        return secret
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    """The key at `path` when it is a regular file of this user that no one else can read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid()
                or info.st_mode & 0o077 or info.st_size != _KEY_SIZE):
            return None
        secret = handle.read(_KEY_SIZE + 1)
    return secret if len(secret) == _KEY_SIZE else None


def _make_key(path: Path) -> None:
    """Create the key whole, under its final name only once: concurrent first runs agree on it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(_KEY_SIZE))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another process made the key first; then that one is used
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)

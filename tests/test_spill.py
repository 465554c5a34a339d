"""The spill of a run without a cache: entries appended per process, read back by place,
private to the user, signed with a key of the run, and gone when the run ends."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qaplan.spill import Spill, spill

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX file modes")


def _put_in_child(store: Spill, payload: bytes, places: multiprocessing.Queue[str | None]) -> None:
    places.put(store.put(payload))


def test_entries_round_trip_and_live_in_private_files() -> None:
    store = spill()
    assert store is not None
    first, second = store.put(b'{"a":1}'), store.put("ä".encode() * 1000)
    assert first is not None and second is not None
    assert store.data(first) == b'{"a":1}'
    assert store.data(second) == "ä".encode() * 1000
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    files = list(store.directory.iterdir())
    assert len(files) == 1  # one file per process, however many entries
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_each_process_appends_to_a_file_of_its_own() -> None:
    store = spill()
    assert store is not None
    mine = store.put(b"parent")
    context: Any = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    places: multiprocessing.Queue[str | None] = context.Queue()
    children = [context.Process(target=_put_in_child, args=(store, f"child {n}".encode(), places))
                for n in range(2)]
    for child in children:
        child.start()
    found = sorted(store.data(places.get(timeout=30) or "") or b"" for _ in children)
    for child in children:
        child.join()
    assert found == [b"child 0", b"child 1"]
    assert mine is not None and store.data(mine) == b"parent"
    assert len(list(store.directory.iterdir())) == 3


def test_a_changed_or_misplaced_entry_is_a_miss(tmp_path: Path) -> None:
    store = spill()
    assert store is not None
    place = store.put(b"the plan's facts")
    other = store.put(b"another plan's!!")  # same length: only the place tells them apart
    assert place is not None and other is not None
    name, offset, length = place.split(":")
    _, other_offset, _ = other.split(":")
    assert store.data(f"{name}:{other_offset}:{length}") == b"another plan's!!"
    path = store.directory / name
    data = bytearray(path.read_bytes())
    data[-1] ^= 1  # one bit of the second entry
    path.write_bytes(bytes(data))
    assert store.data(other) is None
    assert store.data(place) == b"the plan's facts"
    for wrong in (f"{name}:{offset}:{int(length) + 5}", f"{name}:999999:3", "../x:0:1",
                  f"{int(name) + 1}:0:1", "nonsense", ""):
        assert store.data(wrong) is None
    # Another run's key: its entries are never answers here.
    assert Spill(store.directory, os.urandom(32)).data(place) is None


def test_the_spill_is_removed_when_the_run_ends(tmp_path: Path) -> None:
    code = ("from qaplan.spill import spill; s = spill(); s.put(b'x'); "
            "print(s.directory)")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert shown.startswith(str(tmp_path))
    assert not Path(shown).exists()

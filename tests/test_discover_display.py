"""A file found in a directory is shown as `display_path` shows it, however the directory
was named: the names are worked out a directory at a time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qaplan.repo import discover, display_path


@pytest.mark.parametrize("given", [".", "plans", "./plans/", "plans/../plans", "plans//a",
                                   "ABS", "OUTSIDE"])
def test_found_files_are_named_as_display_path_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    here = tmp_path / "repo"
    for name in ("plans/a/one.yaml", "plans/a/b/two.yml", "plans/three.yaml",
                 "plans/a/back\\slash.yaml", "plans/ä/fyra.yaml"):
        (here / name).parent.mkdir(parents=True, exist_ok=True)
        (here / name).write_text("x: 1\n")
    if os.name == "posix":
        (here / "plans" / os.fsdecode(b"not-utf8-\xff.yaml")).write_text("x: 1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere if given == "OUTSIDE" else here)
    root = {"ABS": str(here / "plans"), "OUTSIDE": str(here / "plans")}.get(given, given)
    found = discover([root])
    assert len(found) >= 3
    for candidate in found:
        assert candidate.display == display_path(candidate.path), candidate

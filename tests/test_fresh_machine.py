"""A fresh machine: CI also runs the suite with every dependency at its floor (.ci/floors.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / ".ci" / "floors.py"


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def run_floors(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(FLOORS), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


def test_every_dependency_is_pinned_to_its_floor() -> None:
    result = run_floors("test")
    assert result.returncode == 0, result.stderr
    pins = dict(line.split("==") for line in result.stdout.splitlines())
    expected = {}
    for requirement in requirements():
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        floor = re.search(r">=\s*([^,\s]+)", requirement)
        assert name and floor, f"{requirement!r} has no '>=' floor"
        expected[name.group()] = floor.group(1)
    assert pins == expected


def test_a_dependency_without_a_floor_stops_ci(tmp_path: Path) -> None:
    """A copy of floors.py beside a pyproject.toml whose dependency has only a ceiling."""
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci/floors.py").write_bytes(FLOORS.read_bytes())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["rich<14", "PyYAML>=6.0.1"]\n',
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, ".ci/floors.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "'rich<14' needs exactly one '>=' floor" in result.stderr


def test_ci_runs_the_suite_at_the_floors_too() -> None:
    script = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert ".ci/floors.py test" in script
    assert script.count("pytest") >= 2

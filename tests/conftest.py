"""Shared test helpers: run the CLI as a user would, and build small plan repositories."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qaplan.cli import app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Result:
    """Run `qaplan ARGS` in-process, in the current directory; stdout and stderr apart."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def write(path: Path, text: str) -> Path:
    """Write dedented text to `path`, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


MINIMAL_PLAN = """\
schema: qaplan/v1
plan:
  id: {plan_id}
  title: A plan
owners:
  PD: {{name: Programme director}}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: C1.G1.A1
            title: An activity
            start: 2023
            end: 2024
            owners: [PD]
            status:
              2024: {{state: done, note: Finished.}}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty plan repository (a git root with plans/) as the current directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def _cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _private_cache_key(_cache_key_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's per-user key lives in a directory of the test run, never in the real home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_key_home))

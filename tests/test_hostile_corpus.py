"""The hostile-input corpus in tests/fixtures/hostile/: every file, every output format.

Each file there was written by someone trying to break qaplan or the systems its output reaches
(a terminal, a CI log, a job summary). Whatever a file holds, the promises are the same:
no traceback, the contract's exit code, and nothing in human-readable output that a terminal,
a CI runner or a Markdown viewer would act on.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import run_cli

CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml"))
TIME_BOUND = 20.0

# What a terminal or a log viewer acts on: C0 controls but newline and tab, DEL, C1 controls,
# and the bidirectional overrides that reorder what a reader sees.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _copy(source: Path, repo: Path) -> str:
    target = repo / "plans" / source.name
    shutil.copyfile(source, target)
    return f"plans/{source.name}"


def _timed(*args: str) -> tuple[int, str, str]:
    start = time.perf_counter()
    result = run_cli(*args)
    assert time.perf_counter() - start < TIME_BOUND, args
    for stream in (result.stdout, result.stderr):
        assert "internal error" not in stream and "Traceback" not in stream, (args, stream)
    return result.exit_code, result.stdout, result.stderr


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_validate_text_and_github_stay_inert(source: Path, repo: Path) -> None:
    name = _copy(source, repo)
    code, out, err = _timed("validate", name)
    assert code in (0, 1)
    assert not ACTIVE.search(out + err), repr(out + err)
    assert not any(line.startswith("::") for line in out.splitlines()), out
    code, out, _ = _timed("validate", name, "--format", "github")
    assert code in (0, 1)
    for line in out.splitlines():
        assert line.startswith("::") or not line.strip() or not line.startswith(":"), line
    assert not any(line.startswith("::") and "evil.yaml" in line.split("::")[1]
                   for line in out.splitlines()), out


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
@pytest.mark.parametrize("command", ["overdue", "status"])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_reports_stay_inert(source: Path, command: str, fmt: str, repo: Path) -> None:
    name = _copy(source, repo)
    code, out, err = _timed(command, name, "--format", fmt, "--as-of", "2025-03-01")
    assert code in (0, 1, 2)
    assert not ACTIVE.search(out + err), repr(out + err)
    if fmt == "markdown":
        for raw in ("<details", "![", "](http"):
            assert raw not in out, out


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_export_writes_every_valid_plan_and_imports_back(source: Path, repo: Path) -> None:
    name = _copy(source, repo)
    code, out, err = _timed("export", name, "-o", "out.xlsx", "--as-of", "2025-03-01")
    assert code in (0, 2)
    assert not ACTIVE.search(out + err), repr(out + err)
    if code == 0:
        code, out, err = _timed("import", "out.xlsx", "--year", "2024")
        assert code in (0, 2)
        assert not ACTIVE.search(out + err), repr(out + err)

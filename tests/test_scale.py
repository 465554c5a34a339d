"""Reports at scale: every report reads the plans one at a time, however many there are."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from conftest import run_cli, write
from generate import plan_text

from qaplan.formats import plan as plan_format

AS_OF = "2026-11-23"
PLANS = 60  # more than the pool's threshold (48): the pool and the stores are used
BOUND = 3  # typed plans alive at once: the one being built, the one before, a diff's pair


@pytest.fixture
def many(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of PLANS small plans, checked in two worker processes."""
    monkeypatch.setenv("QAPLAN_JOBS", "2")
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\n")
    for index in range(PLANS):
        write(repo / f"plans/p{index:03d}.yaml", plan_text(index, criteria=2, goals=1, activities=2))
    return repo


@pytest.fixture
def alive(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many typed plans this process holds each time it builds one."""
    counts: list[int] = []
    real = plan_format.build

    def counting(data: object) -> plan_format.Plan:
        plan = real(data)  # type: ignore[arg-type]
        counts.append(sum(1 for item in gc.get_objects() if type(item) is plan_format.Plan))
        return plan

    monkeypatch.setattr(plan_format, "build", counting)
    return counts


def _json(*args: str) -> dict[str, object]:
    result = run_cli(*args, "--format", "json", "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("command", ["overdue", "status", "diff"])
def test_a_report_holds_a_few_plans_at_a_time(
    many: Path, alive: list[int], command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAPLAN_JOBS", "1")  # checked here, where the plans built are counted
    fresh = _json(command, "--no-cache")  # kept in a scratch store
    assert len(alive) >= PLANS and max(alive) <= BOUND
    alive.clear()
    assert _json(command) == fresh  # checked again, kept in the cache
    assert _json(command) == fresh  # read back from the cache
    assert len(alive) >= PLANS and max(alive) <= BOUND
    monkeypatch.setenv("QAPLAN_JOBS", "2")  # the pool: its workers build the plans
    assert _json(command, "--no-cache") == fresh


def test_a_warm_status_builds_no_plan(many: Path, alive: list[int]) -> None:
    fresh = _json("status", "--no-cache")
    assert _json("status") == fresh  # each plan's counts worked out by the pool, and cached
    alive.clear()
    assert _json("status") == fresh
    assert alive == []  # read from the cache: no plan was built
    changed = many / "plans" / "p007.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("state: ongoing", "state: done"),
                       encoding="utf-8")
    again = _json("status")
    assert len(alive) == 1  # only the changed plan is checked (here: one file is no pool)
    assert again != fresh and again == _json("status", "--no-cache")
    later = [run_cli("status", "--format", "json", "--as-of", "2027-03-01", *flag).stdout
             for flag in ((), ("--no-cache",))]
    assert json.loads(later[0])["as_of"] == "2027-03-01" and later[0] == later[1]


def test_export_writes_each_plan_as_it_comes(many: Path, alive: list[int]) -> None:
    result = run_cli("export", "-o", "all.xlsx", "--year", "2025", "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert f"{PLANS} plans" in result.stdout
    assert len(alive) == PLANS and max(alive) <= BOUND  # each plan built once, for its sheet


def test_a_revision_diff_compares_a_pair_at_a_time(
    many: Path, alive: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for name, value in (("GIT_CONFIG_GLOBAL", "/dev/null"), ("GIT_CONFIG_NOSYSTEM", "1"),
                        ("GIT_AUTHOR_NAME", "T"), ("GIT_AUTHOR_EMAIL", "t@example.org"),
                        ("GIT_COMMITTER_NAME", "T"), ("GIT_COMMITTER_EMAIL", "t@example.org")):
        monkeypatch.setenv(name, value)
    (many / ".git").rmdir()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "plans"]):
        subprocess.run(["git", *args], cwd=many, check=True)
    changed = many / "plans/p007.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("title: Analysera",
                                                                    "title: Granska", 1),
                       encoding="utf-8")
    report = _json("diff", "--rev", "HEAD")
    assert {(change["plan"], change["kind"]) for change in report["changes"]} == {  # type: ignore[index]
        ("plan-00007", "title_changed")}
    assert len(alive) >= 2 * PLANS and max(alive) <= BOUND


def test_a_run_without_the_cache_leaves_nothing_behind(many: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "QAPLAN_JOBS": "2"}
    done = subprocess.run([sys.executable, "-m", "qaplan", "overdue", "--no-cache", "--as-of", AS_OF],
                          cwd=many, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "plans checked" in done.stdout
    assert list(scratch.iterdir()) == []
    assert not (many / ".qaplan_cache").exists()


@pytest.mark.parametrize("command", [["overdue", "--format", "json"], ["report", "--format", "json"],
                                     ["overdue", "--fail-on-overdue"]])
def test_the_program_ends_with_all_its_output_and_its_exit_code(many: Path, command: list[str]) -> None:
    # `python -m qaplan` ends its process without tearing down what a report built: the
    # whole output still arrives through the pipe, with the command's exit code.
    expected = run_cli(*command, "--as-of", AS_OF)
    done = subprocess.run([sys.executable, "-m", "qaplan", *command, "--as-of", AS_OF],
                          cwd=many, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (expected.exit_code, expected.stdout)
    assert len(done.stdout) > 10_000
    missing = subprocess.run([sys.executable, "-m", "qaplan", "status", "nowhere"], cwd=many,
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 2
    assert "nowhere: no such file or directory" in missing.stderr

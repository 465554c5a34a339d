"""Which files count: `validate FILE...` sees the whole repository for the rules that span files
(issue 12 point 8), and a directory that cannot be listed is named (issue 13 point 14)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL_PLAN, run_cli, write

AS_OF = "2025-06-01"


@pytest.fixture
def gitrepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git work tree with two committed plans, as the current directory."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / "plans/lakare.yaml", MINIMAL_PLAN.format(plan_id="lakarprogrammet"))
    write(tmp_path / "plans/sjukskoterska.yaml", MINIMAL_PLAN.format(plan_id="sjukskoterska"))
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_named_file_reusing_an_unchanged_plans_id_fails(gitrepo: Path) -> None:
    # The hook passes only the new file; the clash is with a plan it does not pass.
    write(gitrepo / "plans/a_ny.yaml", MINIMAL_PLAN.format(plan_id="sjukskoterska"))
    result = run_cli("validate", "plans/a_ny.yaml", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == (
        "plans/a_ny.yaml:3:7: error QP112 plan id 'sjukskoterska' is also used by "
        "plans/sjukskoterska.yaml\nFound 1 error and 0 warnings in 1 file.\n"
    )
    # Later in path order than the plan it clashes with: the same.
    write(gitrepo / "plans/z_ny.yaml", MINIMAL_PLAN.format(plan_id="lakarprogrammet"))
    later = run_cli("validate", "plans/z_ny.yaml", "--as-of", AS_OF, "--format", "json")
    assert later.exit_code == 1
    [found] = json.loads(later.stdout)["findings"]
    assert (found["file"], found["code"], found["message"]) == (
        "plans/z_ny.yaml", "QP112", "plan id 'lakarprogrammet' is also used by plans/lakare.yaml")


def test_the_other_files_findings_are_not_reported(gitrepo: Path) -> None:
    write(gitrepo / "plans/trasig.yaml", MINIMAL_PLAN.format(plan_id="trasig").replace(
        "end: 2024", "end: 2022"))
    write(gitrepo / "ci.yml", "on: push\n")
    result = run_cli("validate", "plans/lakare.yaml", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "All good: 1 file checked, no findings.\n", "")


def test_the_same_answer_from_a_subdirectory_and_with_a_warm_cache(gitrepo: Path) -> None:
    write(gitrepo / "plans/a_ny.yaml", MINIMAL_PLAN.format(plan_id="lakarprogrammet"))
    os.chdir(gitrepo / "plans")
    for _ in range(2):  # the second run reads the other plans' ids from the cache
        result = run_cli("validate", "a_ny.yaml", "--as-of", AS_OF)
        assert result.exit_code == 1
        assert "a_ny.yaml:3:7: error QP112 plan id 'lakarprogrammet' is also used by lakare.yaml" \
            in result.stdout


def test_files_git_ignores_do_not_count(gitrepo: Path) -> None:
    write(gitrepo / ".gitignore", "utkast/\n")
    write(gitrepo / "utkast/kopia.yaml", MINIMAL_PLAN.format(plan_id="lakarprogrammet"))
    result = run_cli("validate", "plans/lakare.yaml", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout
    # A file git does not ignore, even one not yet added, counts.
    write(gitrepo / "docs/kopia.yaml", MINIMAL_PLAN.format(plan_id="lakarprogrammet"))
    result = run_cli("validate", "plans/lakare.yaml", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "is also used by docs/kopia.yaml" in result.stdout


def test_without_git_the_repository_is_where_qaplan_yaml_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "kvalitet/qaplan.yaml", "schema: qaplan/v1\n")
    write(tmp_path / "kvalitet/plans/a.yaml", MINIMAL_PLAN.format(plan_id="same"))
    write(tmp_path / "kvalitet/plans/b.yaml", MINIMAL_PLAN.format(plan_id="same"))
    write(tmp_path / "annat/c.yaml", MINIMAL_PLAN.format(plan_id="same"))  # another repository
    monkeypatch.chdir(tmp_path / "kvalitet")
    result = run_cli("validate", "plans/a.yaml", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "plans/a.yaml:3:7: error QP112 plan id 'same' is also used by plans/b.yaml" in result.stdout
    assert "annat" not in result.stdout


# --- 13.14: a directory that cannot be listed ---------------------------------------------------


@pytest.fixture
def unlistable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Directories named `hemlig` cannot be listed (as without read permission, even for root)."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.path.basename(os.fspath(path)) == "hemlig":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    yield


def test_an_unreadable_directory_is_named_and_fails_validate(repo: Path, unlistable: None) -> None:
    write(repo / "plans/a.yaml", MINIMAL_PLAN.format(plan_id="a"))
    write(repo / "plans/hemlig/b.yaml", MINIMAL_PLAN.format(plan_id="b"))
    result = run_cli("validate", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    [found] = json.loads(result.stdout)["findings"]
    assert (found["file"], found["line"], found["severity"], found["code"]) == (
        "plans/hemlig", 1, "error", "QP011")
    assert "cannot be listed (Permission denied)" in found["message"]
    report = run_cli("status", "--as-of", AS_OF)
    assert report.exit_code == 2
    assert "plans/hemlig:1:1: error QP011" in report.stderr
    skipped = run_cli("status", "--as-of", AS_OF, "--skip-invalid")
    assert skipped.exit_code == 0
    assert "note: skipped plans/hemlig:1:1: error QP011" in skipped.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists every directory")
def test_an_unreadable_directory_for_real(repo: Path) -> None:
    write(repo / "plans/a.yaml", MINIMAL_PLAN.format(plan_id="a"))
    write(repo / "plans/hemlig/b.yaml", MINIMAL_PLAN.format(plan_id="b"))
    (repo / "plans/hemlig").chmod(0)
    try:
        result = run_cli("validate", "--as-of", AS_OF)
    finally:
        (repo / "plans/hemlig").chmod(0o755)
    assert result.exit_code == 1
    assert "plans/hemlig:1:1: error QP011" in result.stdout


# --- the ids of unchanged plans come from a small signed index -----------------------------------


@pytest.mark.parametrize("racy_ns", [0, None])
def test_an_other_plan_changed_since_the_last_run_is_seen(
    gitrepo: Path, monkeypatch: pytest.MonkeyPatch, racy_ns: int | None
) -> None:
    import time

    from qaplan.engine import ids_index

    if racy_ns is not None:  # trust entries at once (files in a test are seconds old)
        monkeypatch.setattr(ids_index, "_RACY_NS", racy_ns)
    write(gitrepo / "plans/ny.yaml", MINIMAL_PLAN.format(plan_id="ny"))
    assert run_cli("validate", "plans/ny.yaml", "--as-of", AS_OF).exit_code == 0
    assert run_cli("validate", "plans/ny.yaml", "--as-of", AS_OF).exit_code == 0
    if racy_ns is not None:
        time.sleep(0.05)  # a later clock tick: the file's times differ from those recorded
    # The same size: only the times tell the file changed.
    write(gitrepo / "plans/lakare.yaml", MINIMAL_PLAN.format(plan_id="nyxxxxxxxxxxxxx"))
    write(gitrepo / "plans/ny.yaml", MINIMAL_PLAN.format(plan_id="nyxxxxxxxxxxxxx"))
    result = run_cli("validate", "plans/ny.yaml", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "plan id 'nyxxxxxxxxxxxxx' is also used by plans/lakare.yaml" in result.stdout

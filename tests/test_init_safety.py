"""`qaplan init` writes all or nothing, keeps the cache out of git, and pins what CI installs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_cli, write

from qaplan import __version__
from qaplan import init as init_module


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its bytes (None for a directory)."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def installed(repo: Path) -> list[str]:
    """What each generated CI file and the pre-commit hook would install."""
    workflow = load(repo / ".github/workflows/qaplan.yml")
    gitlab = load(repo / ".gitlab-ci.yml")
    hook = load(repo / ".pre-commit-config.yaml")["repos"][0]["hooks"][0]
    return [workflow["env"]["QAPLAN_PACKAGE"], gitlab["qaplan"]["variables"]["QAPLAN_PACKAGE"],
            *hook["additional_dependencies"]]


# --- all or nothing ---------------------------------------------------------------------------


def test_a_file_where_a_directory_belongs_stops_init_before_any_write(here: Path) -> None:
    write(here / "repo/.vscode", "not a directory\n")
    before = tree(here / "repo")
    result = run_cli("init", "repo")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("qaplan: error: repo/.vscode: is a file where init needs a "
                                    "directory (for repo/.vscode/")
    assert "nothing was written" in result.stderr
    assert "File exists" not in result.stderr
    assert tree(here / "repo") == before


def test_every_conflict_is_named_at_once(here: Path) -> None:
    write(here / "repo/.vscode", "x\n")
    write(here / "repo/plans", "x\n")
    (here / "repo/.gitlab-ci.yml").mkdir()
    before = tree(here / "repo")
    result = run_cli("init", "--force", "repo")
    assert result.exit_code == 2
    for path in ("repo/.vscode:", "repo/plans:", "repo/.gitlab-ci.yml: is a directory"):
        assert path in result.stderr
    assert result.stderr.count("repo/.vscode:") == 1  # one line for both files under it
    assert tree(here / "repo") == before


def test_a_failed_write_takes_back_what_init_wrote(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up half-way: new files go, overwritten ones come back as they were."""
    write(here / "repo/qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\n")
    write(here / "repo/.gitignore", "*.pyc\n")
    before = tree(here / "repo")
    real_write = init_module.write_atomic
    calls: list[Path] = []

    def failing(path: Path, data: bytes | str, **kwargs: Any) -> None:
        calls.append(path)
        if len(calls) == 6:
            raise OSError(28, "No space left on device")
        real_write(path, data, **kwargs)

    monkeypatch.setattr(init_module, "write_atomic", failing)
    result = run_cli("init", "--force", "repo")
    assert result.exit_code == 2
    assert result.stderr == ("qaplan: error: repo/plans/example-programme.yaml: cannot write "
                             "(No space left on device); nothing was written\n")
    assert tree(here / "repo") == before


def test_init_into_a_path_below_a_file_is_exit_2(here: Path) -> None:
    write(here / "a", "x\n")
    result = run_cli("init", "a/repo")
    assert result.exit_code == 2
    assert "a: is a file where init needs a directory" in result.stderr
    assert (here / "a").read_text() == "x\n"


# --- .gitignore keeps the cache out of git ---------------------------------------------------


def test_a_new_repository_gets_a_gitignore_with_the_cache(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    lines = (here / "repo/.gitignore").read_text().splitlines()
    assert ".qaplan_cache/" in lines


@pytest.mark.parametrize(
    "existing",
    [b"*.pyc\n.venv/\n", b"*.pyc", b"# mine\r\n*.pyc\r\n", b"\xef\xbb\xbf*.pyc\n\n\n", b""],
    ids=["lines", "no final newline", "crlf", "bom and blank lines", "empty"],
)
def test_the_cache_line_is_appended_and_the_rest_kept_byte_for_byte(
    here: Path, existing: bytes
) -> None:
    (here / "repo").mkdir()
    (here / "repo/.gitignore").write_bytes(existing)
    result = run_cli("init", "repo")
    assert result.exit_code == 0
    assert "added .qaplan_cache/ to repo/.gitignore" in result.stdout.splitlines()
    after = (here / "repo/.gitignore").read_bytes()
    assert after.startswith(existing)
    eol = b"\r\n" if b"\r\n" in existing else b"\n"
    added = after[len(existing):]
    assert added.lstrip(eol) == b".qaplan_cache/" + eol
    assert added in (b".qaplan_cache/" + eol, eol + b".qaplan_cache/" + eol)


@pytest.mark.parametrize("line", [".qaplan_cache/", ".qaplan_cache", "/.qaplan_cache/",
                                  "  /.qaplan_cache  ", "**/.qaplan_cache/"])
def test_a_gitignore_that_already_ignores_the_cache_is_left_alone(here: Path, line: str) -> None:
    write(here / "repo/.gitignore", f"*.pyc\n{line}\n")
    before = (here / "repo/.gitignore").read_bytes()
    result = run_cli("init", "repo")
    assert result.exit_code == 0
    assert "repo/.gitignore" not in result.stdout + result.stderr
    assert (here / "repo/.gitignore").read_bytes() == before


def test_init_twice_never_duplicates_the_line(here: Path) -> None:
    write(here / "repo/.gitignore", "*.pyc\n")
    assert run_cli("init", "repo").exit_code == 0
    assert run_cli("init", "--force", "repo").exit_code == 0
    assert (here / "repo/.gitignore").read_text() == "*.pyc\n.qaplan_cache/\n"


def test_a_symlinked_gitignore_is_updated_where_it_points(here: Path) -> None:
    write(here / "shared/ignore", "*.pyc\n")
    (here / "repo").mkdir()
    os.symlink("../shared/ignore", here / "repo/.gitignore")
    assert run_cli("init", "repo").exit_code == 0
    assert (here / "repo/.gitignore").is_symlink()
    assert (here / "shared/ignore").read_text() == "*.pyc\n.qaplan_cache/\n"


def test_a_gitignore_directory_is_a_conflict(here: Path) -> None:
    (here / "repo/.gitignore").mkdir(parents=True)
    result = run_cli("init", "repo")
    assert result.exit_code == 2
    assert "repo/.gitignore: is not a regular file" in result.stderr
    assert tree(here / "repo") == {".gitignore": None}


# --- --source: what CI and pre-commit install -------------------------------------------------


def test_by_default_ci_and_pre_commit_install_this_exact_version(here: Path) -> None:
    result = run_cli("init", "repo")
    assert result.exit_code == 0
    assert installed(here / "repo") == [f"qaplan=={__version__}"] * 3
    assert (f"CI and the pre-commit hook install qaplan=={__version__} (--source names another)."
            in result.stdout.splitlines())


@pytest.mark.parametrize("spec", [
    "qaplan==0.2.0",
    "qaplan===0.2.0",
    "qaplan @ git+https://github.com/example-university/qaplan@v0.1.0",
    "git+https://gitlab.example.org/quality/qaplan.git@v0.1.0#egg=qaplan",
    "qaplan @ git+ssh://git@github.com/example-university/qaplan@3f2a9c1e",
    "qaplan @ git+file:///srv/mirrors/qaplan@v0.1.0",
])
def test_a_pinned_source_is_written_as_given(here: Path, spec: str) -> None:
    result = run_cli("init", "--source", spec, "repo")
    assert result.exit_code == 0, result.stderr
    assert installed(here / "repo") == [spec] * 3
    hook = load(here / "repo/.pre-commit-config.yaml")["repos"][0]["hooks"][0]
    assert hook["language"] == "python"  # pre-commit builds the environment: nothing on PATH


@pytest.mark.parametrize(("spec", "why"), [
    ("qaplan>=0.1,<1", "a range"),
    ("qaplan~=0.1", "a range"),
    ("qaplan==0.1.*", "a range"),
    ("qaplan", "names no version"),
    ("git+https://github.com/example-university/qaplan", "names no tag or commit"),
    ("qaplan @ git+https://github.com/example-university/qaplan.git", "names no tag or commit"),
    ("git+https://github.com/example-university/qaplan@main", "'main' is a branch"),
    ("https://example.org/qaplan-0.1.0.tar.gz", "not an exact version or a git URL"),
    ('qaplan==0.1.0"\n  evil: "x', "plain ASCII"),
    ("qaplan==0.1.0 $(curl example.org)", "plain ASCII"),
])
def test_an_unpinned_source_is_refused_and_nothing_written(here: Path, spec: str, why: str) -> None:
    result = run_cli("init", "--source", spec, "repo")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("qaplan: error: --source ")
    assert why in result.stderr
    assert "qaplan==0.1.0" in result.stderr  # an example of the right form
    assert not (here / "repo").exists()


def test_the_source_is_refused_before_a_conflict_is_looked_at(here: Path) -> None:
    write(here / "repo/.vscode", "x\n")
    result = run_cli("init", "--source", "qaplan", "repo")
    assert result.exit_code == 2
    assert "--source 'qaplan'" in result.stderr


def test_no_install_line_when_the_files_that_install_were_kept(here: Path) -> None:
    for path in (".github/workflows/qaplan.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"):
        write(here / "repo" / path, "# mine\n")
    result = run_cli("init", "--source", "qaplan==9.9.9", "repo")
    assert result.exit_code == 0
    assert "install" not in result.stdout
    assert "wrote repo/qaplan.yaml" in result.stdout.splitlines()
    assert (here / "repo/.gitlab-ci.yml").read_text() == "# mine\n"

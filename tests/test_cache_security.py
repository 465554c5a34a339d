"""The cache never changes an answer: planted, forged, damaged or misplaced entries are misses.

An attacker here is a pull request (files committed into `.qaplan_cache/`, a symlink),
another user on the machine, or anyone who can reproduce the cache's key: none of them
holds the user's signing key under $XDG_CACHE_HOME/qaplan/.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_PLAN, ROOT, run_cli, write

from qaplan.cache import DIRECTORY, open_cache

AS_OF = "2026-11-23"
BAD_PLAN = MINIMAL_PLAN.format(plan_id="p").replace("[PD]", "[PD, X]")  # QP106 on owner X
LATE_PLAN = MINIMAL_PLAN.format(plan_id="p").replace("state: done", "state: ongoing")
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="giving a file to another user needs root")


@pytest.fixture(autouse=True)
def victim_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own key directory, outside the repository (the default for every run here)."""
    home = tmp_path_factory.mktemp("victim-xdg")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "qaplan"


def _validate(*args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("validate", "--format", "json", "--as-of", AS_OF, *args)
    return result.exit_code, json.loads(result.stdout)


def _overdue_json() -> str:
    result = run_cli("overdue", "--format", "json", "--as-of", AS_OF, "plans")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _entries(root: Path) -> dict[str, Path]:
    """Cache entry files by their key."""
    return {p.parent.name + p.stem: p for p in (root / DIRECTORY).rglob("*.json")}


def _rewrite_entries(root: Path, change: Callable[[dict[str, Any], Any], Any]) -> None:
    """Re-sign every entry, as changed by `change(fields, data)`, with the current user's key."""
    cache = open_cache(root)
    assert cache is not None
    for key in _entries(root):
        found = cache.get(key, True)
        assert found is not None
        fields, data = found
        assert data is not None
        cache.put(key, fields, change(fields, json.loads(data)))


def _forge_all_good(fields: dict[str, Any], data: Any) -> Any:
    if "findings" in fields:  # not the entry of a report's facts of the plan
        fields["findings"] = []
    return data


def _forge_phantom(fields: dict[str, Any], data: Any) -> Any:
    if "findings" not in fields:  # overdue's facts of the plan: its listed items first
        data[0].append([*data[0][0][:2], "C1.G1.A9", "Phantom activity", *data[0][0][4:]])
        return data
    activities = data["criteria"][0]["goals"][0]["activities"]
    activities.append({**activities[0], "id": "C1.G1.A9", "title": "Phantom activity"})
    return data


def _as_attacker(
    monkeypatch: pytest.MonkeyPatch, home: Path, forge: Callable[..., Any]
) -> None:
    """Fill the cache and forge its entries with the attacker's own key (who has no other)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    run_cli("overdue", "--as-of", AS_OF, "plans")  # fills the cache, data included
    _rewrite_entries(Path.cwd(), forge)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   env={**os.environ, **GIT_ENV}, stdout=subprocess.DEVNULL)


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git repository with plans/, as the current directory."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    _git(root, "init", "-q")
    monkeypatch.chdir(root)
    return root


@needs_git
def test_forged_entries_committed_to_the_repository_do_not_pass_a_bad_plan(
    git_repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    victim_key: Path,
) -> None:
    write(git_repo / "plans/p.yaml", BAD_PLAN)
    _as_attacker(monkeypatch, tmp_path_factory.mktemp("attacker-xdg"), _forge_all_good)
    assert _validate()[0] == 0  # the forgery works for the key that signed it
    _git(git_repo, "add", "-f", "plans", DIRECTORY)
    _git(git_repo, "commit", "-q", "-m", "a pull request with its own cache")
    committed = {key: path.read_bytes() for key, path in _entries(git_repo).items()}

    monkeypatch.setenv("XDG_CACHE_HOME", str(victim_key.parent))
    code, report = _validate()
    assert code == 1
    assert [f["code"] for f in report["findings"]] == ["QP106"]
    # A directory git tracks is not used at all: nothing read from it, nothing written to it.
    assert {key: path.read_bytes() for key, path in _entries(git_repo).items()} == committed


@needs_git
def test_forged_entries_do_not_add_a_phantom_activity_to_overdue(
    git_repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    victim_key: Path,
) -> None:
    write(git_repo / "plans/p.yaml", LATE_PLAN)
    _as_attacker(monkeypatch, tmp_path_factory.mktemp("attacker-xdg"), _forge_phantom)
    assert "Phantom activity" in _overdue_json()  # the forgery works for the key that signed it
    _git(git_repo, "add", "-f", "plans", DIRECTORY)
    _git(git_repo, "commit", "-q", "-m", "a pull request with its own cache")

    monkeypatch.setenv("XDG_CACHE_HOME", str(victim_key.parent))
    assert _overdue_json() == run_cli("overdue", "--format", "json", "--as-of", AS_OF, "plans",
                                      "--no-cache").stdout
    assert "Phantom activity" not in _overdue_json()


@pytest.mark.parametrize("forge", [_forge_all_good, _forge_phantom], ids=["all-good", "phantom"])
def test_entries_signed_with_another_key_are_misses_and_rewritten(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        victim_key: Path,
    forge: Callable[..., Any],
) -> None:
    # Planted without git (an unpacked archive, a shared directory): the signature alone decides.
    write(repo / "plans/p.yaml", BAD_PLAN if forge is _forge_all_good else LATE_PLAN)
    fresh = run_cli("overdue", "--format", "json", "--as-of", AS_OF, "plans", "--no-cache")
    _as_attacker(monkeypatch, tmp_path_factory.mktemp("attacker-xdg"), forge)
    planted = {key: path.read_bytes() for key, path in _entries(repo).items()}
    monkeypatch.setenv("XDG_CACHE_HOME", str(victim_key.parent))
    code, report = _validate()
    assert code == (1 if forge is _forge_all_good else 0)
    assert report["errors"] == code
    assert run_cli("overdue", "--format", "json", "--as-of", AS_OF, "plans").stdout == fresh.stdout
    entries = _entries(repo)
    assert all(entries[key].read_bytes() != planted[key] for key in planted)


def test_an_unsigned_entry_is_a_miss(repo: Path) -> None:
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    for path in _entries(repo).values():
        seal, head, data = path.read_bytes().split(b"\n", 2)
        fields = json.loads(head)
        fields["findings"] = []
        forged = json.dumps(fields).encode()
        path.write_bytes(b"0" * 64 + seal[64:] + b"\n" + forged + b"\n" + data)
    code, report = _validate()
    assert (code, report["errors"]) == (1, 1)


def test_a_symlinked_cache_directory_is_not_used(repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "world-writable"
    shared.mkdir()
    shared.chmod(0o777)
    (repo / DIRECTORY).symlink_to(shared)
    write(repo / "plans/p.yaml", BAD_PLAN)
    for _ in range(2):
        code, report = _validate()
        assert (code, report["errors"]) == (1, 1)
    assert list(shared.iterdir()) == []  # no plan text written where others can read it
    assert (repo / DIRECTORY).is_symlink()


def test_a_symlink_inside_the_cache_directory_is_not_written_through(
    repo: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "world-writable"
    shared.mkdir()
    shared.chmod(0o777)
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    (entry,) = _entries(repo).values()
    shutil.rmtree(entry.parent)
    entry.parent.symlink_to(shared)
    assert _validate()[0] == 1
    assert list(shared.iterdir()) == []


@needs_git
def test_a_cache_directory_git_tracks_is_not_used(git_repo: Path) -> None:
    write(git_repo / "plans/p.yaml", BAD_PLAN)
    _git(git_repo, "add", "plans")
    _git(git_repo, "commit", "-q", "-m", "plans")
    assert _validate()[0] == 1
    assert len(_entries(git_repo)) == 1  # untracked: used
    _git(git_repo, "add", "-f", DIRECTORY)
    _git(git_repo, "commit", "-q", "-m", "a tracked cache directory")
    write(git_repo / "plans/p.yaml", BAD_PLAN.replace("id: p", "id: p2", 1))
    assert _validate()[0] == 1
    assert len(_entries(git_repo)) == 1  # tracked now: neither read nor written
    _git(git_repo, "rm", "-q", "-r", "--cached", DIRECTORY)  # untracked again: used again
    assert _validate()[0] == 1
    assert len(_entries(git_repo)) == 2


@needs_root
def test_a_cache_directory_of_another_user_is_not_used(repo: Path) -> None:
    (repo / DIRECTORY).mkdir(mode=0o777)
    os.chown(repo / DIRECTORY, 65534, 65534)
    write(repo / "plans/p.yaml", BAD_PLAN)
    assert _validate()[0] == 1
    assert _entries(repo) == {}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_cache_and_key_are_private(repo: Path, victim_key: Path) -> None:
    old = os.umask(0o022)
    try:
        write(repo / "plans/p.yaml", BAD_PLAN)
        _validate()
    finally:
        os.umask(old)
    assert _mode(victim_key) == 0o700
    assert _mode(victim_key / "key") == 0o600
    assert (victim_key / "key").stat().st_size == 32
    directories = [repo / DIRECTORY, *(p for p in (repo / DIRECTORY).rglob("*") if p.is_dir())]
    assert len(directories) == 3  # the cache, its version, one key prefix
    assert {_mode(p) for p in directories} == {0o700}
    assert [_mode(p) for p in _entries(repo).values()] == [0o600]


def test_an_older_open_cache_directory_is_made_private(repo: Path) -> None:
    (repo / DIRECTORY).mkdir(mode=0o755)
    (repo / DIRECTORY).chmod(0o755)
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    assert _mode(repo / DIRECTORY) == 0o700
    assert len(_entries(repo)) == 1


def _insecure_mode(key: Path) -> None:
    key.chmod(0o644)


def _symlinked(key: Path) -> None:
    elsewhere = key.parent.parent / "elsewhere"
    elsewhere.write_bytes(key.read_bytes())
    elsewhere.chmod(0o600)
    key.unlink()
    key.symlink_to(elsewhere)


def _truncated(key: Path) -> None:
    key.write_bytes(b"short")


@pytest.mark.parametrize("spoil", [_insecure_mode, _symlinked, _truncated],
                         ids=["group-readable", "symlink", "truncated"])
def test_a_key_that_is_not_secret_turns_the_cache_off(
    repo: Path, victim_key: Path, spoil: Callable[[Path], None]
) -> None:
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    shutil.rmtree(repo / DIRECTORY)
    spoil(victim_key / "key")
    code, report = _validate()
    assert (code, report["errors"]) == (1, 1)
    assert _entries(repo) == {}


@needs_root
def test_a_key_of_another_user_turns_the_cache_off(repo: Path, victim_key: Path) -> None:
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    shutil.rmtree(repo / DIRECTORY)
    os.chown(victim_key / "key", 65534, 65534)
    assert _validate()[0] == 1
    assert _entries(repo) == {}


def test_a_key_inside_the_repository_is_not_trusted(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # e.g. CI with HOME set to the checkout: a committed key must not sign anything.
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
    write(repo / "plans/p.yaml", BAD_PLAN)
    assert _validate()[0] == 1
    assert _entries(repo) == {}


def test_first_runs_at_once_agree_on_one_key(repo: Path, victim_key: Path) -> None:
    for index in range(4):
        write(repo / f"plans/p{index}.yaml", MINIMAL_PLAN.format(plan_id=f"p{index}"))
    env = {**os.environ, "XDG_CACHE_HOME": str(victim_key.parent), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "qaplan", "validate", "--as-of", AS_OF, "plans"]
    runs = [subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL)
            for _ in range(4)]
    assert [run.wait() for run in runs] == [0] * 4
    assert sorted(p.name for p in victim_key.iterdir()) == ["key"]  # no temporary file left
    cache = open_cache(repo)
    assert cache is not None
    # Every entry, whichever run wrote it, verifies with the one key that stayed.
    assert len(_entries(repo)) >= 4
    assert all(cache.get(key, True) is not None for key in _entries(repo))


# --- damaged entries: each is a miss, checked again, never a crash or a wrong count ---------

def _deep_fields(key: str, fields: dict[str, Any]) -> bytes:
    return b'{"key":"' + key.encode() + b'","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _field(name: str, value: Any) -> Callable[[str, dict[str, Any]], bytes]:
    def change(key: str, fields: dict[str, Any]) -> bytes:
        return json.dumps({**fields, name: value}).encode()
    return change


def _first_finding(index: int, value: Any) -> Callable[[str, dict[str, Any]], bytes]:
    def change(key: str, fields: dict[str, Any]) -> bytes:
        findings = [list(f) for f in fields["findings"]]
        findings[0][index] = value
        return json.dumps({**fields, "findings": findings}).encode()
    return change


DAMAGED_FIELDS = {
    "nested-100000": _deep_fields,
    "id_position-empty": _field("id_position", []),
    "id_position-strings": _field("id_position", ["1", "1"]),
    "plan_id-list": _field("plan_id", ["x"]),
    "note-number": _field("note", 7),
    "kind-unknown": _field("kind", "deviation-case"),
    "findings-not-list": _field("findings", {"a": 1}),
    "finding-short": _field("findings", [[1, 1, "error", "QP106"]]),
    "severity-fatal": _first_finding(2, "fatal"),
    "code-unknown": _first_finding(3, "QP999"),
    "line-bool": _first_finding(0, True),
    "message-none": _first_finding(4, None),
    "line_ignores-bad": _field("line_ignores", [[3, [1, 2]]]),
}
DAMAGED_DATA = {
    "nested-100000": b"[" * 100_000 + b"]" * 100_000,
    "not-json": b'{"plan": [trunc',
    "list": b"[1, 2]",
    "wrong-shape": b'{"schema": "qaplan/v1", "plan": 5}',
    "null": b"null",
    "other-plan": None,  # filled in by the test: a valid plan with another id
}


def _damage_fields(root: Path, change: Callable[[str, dict[str, Any]], bytes]) -> None:
    cache = open_cache(root)
    assert cache is not None
    for key in _entries(root):
        found = cache.get(key, True)
        assert found is not None and found[1] is not None
        cache.put_raw(key, change(key, found[0]), found[1])


@pytest.mark.parametrize("damage", list(DAMAGED_FIELDS), ids=list(DAMAGED_FIELDS))
def test_a_signed_entry_of_the_wrong_shape_is_checked_again(repo: Path, damage: str) -> None:
    write(repo / "plans/p.yaml", BAD_PLAN)
    fresh = run_cli("validate", "--format", "json", "--as-of", AS_OF, "--no-cache").stdout
    _validate()
    _damage_fields(repo, DAMAGED_FIELDS[damage])
    damaged = {key: path.read_bytes() for key, path in _entries(repo).items()}
    for command in ("validate", "overdue"):
        result = run_cli(command, "--format", "json", "--as-of", AS_OF)
        assert result.exit_code == (1 if command == "validate" else 2), result.stderr
        assert "internal error" not in result.stderr
    assert run_cli("validate", "--format", "json", "--as-of", AS_OF).stdout == fresh
    # It was read, refused and replaced by a sound entry.
    assert all(path.read_bytes() != damaged[key] for key, path in _entries(repo).items())


@pytest.mark.parametrize("damage", list(DAMAGED_DATA), ids=list(DAMAGED_DATA))
def test_a_signed_entry_with_damaged_data_is_checked_again(repo: Path, damage: str) -> None:
    write(repo / "plans/p.yaml", LATE_PLAN)
    fresh = run_cli("overdue", "--format", "json", "--as-of", AS_OF, "--no-cache").stdout
    assert run_cli("overdue", "--format", "json", "--as-of", AS_OF).stdout == fresh
    cache = open_cache(repo)
    assert cache is not None
    for key in _entries(repo):
        found = cache.get(key, True)
        assert found is not None and found[1] is not None
        data = DAMAGED_DATA[damage]
        if data is None:
            data = found[1].replace(b'"id":"p"', b'"id":"q"', 1)
        cache.put_raw(key, json.dumps(found[0]).encode(), data)
    result = run_cli("overdue", "--format", "json", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (0, fresh), result.stderr
    code, report = _validate()  # validate does not read the data: the fields are sound
    assert (code, report["errors"]) == (0, 0)


@pytest.mark.parametrize("damage", ["nested-100000", "plan_id-list", "severity-fatal"])
def test_an_unsigned_damaged_entry_is_refused_by_its_signature(repo: Path, damage: str) -> None:
    write(repo / "plans/p.yaml", BAD_PLAN)
    _validate()
    for key, path in _entries(repo).items():
        seal, head, data = path.read_bytes().split(b"\n", 2)
        damaged = DAMAGED_FIELDS[damage](key, json.loads(head))
        path.write_bytes(seal + b"\n" + damaged + b"\n" + data)
    code, report = _validate()
    assert (code, report["errors"]) == (1, 1)


# --- file names that are not UTF-8 ----------------------------------------------------------

def _bytes_name(directory: Path, name: bytes, text: str) -> None:
    try:
        with open(os.fsencode(directory) + b"/" + name, "wb") as handle:
            handle.write(text.encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")


@pytest.mark.skipif(sys.platform == "win32", reason="names are UTF-16 on Windows")
def test_a_file_name_that_is_not_utf8_is_shown_escaped_everywhere(repo: Path) -> None:
    _bytes_name(repo / "plans", b"l\xe4kare.yaml", LATE_PLAN)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""}

    def qaplan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "qaplan", *args, "--as-of", AS_OF],
                              cwd=repo, env=env, capture_output=True, text=True, check=False)

    for _ in ("cold", "warm"):
        done = qaplan("validate")
        assert (done.returncode, done.stderr) == (0, "")
        done = qaplan("validate", "--format", "json")
        assert (done.returncode, json.loads(done.stdout)["files"]) == (0, 1)
        done = qaplan("overdue", "--format", "json")
        assert done.returncode == 0, done.stderr
        (activity,) = json.loads(done.stdout)["owners"][0]["activities"]
        assert activity["file"] == r"plans/l\xe4kare.yaml"
        done = qaplan("status")
        assert done.returncode == 0, done.stderr
        assert "1 plan, 1 activity" in done.stdout
    write(repo / "plans/other.yaml", BAD_PLAN.replace("id: p", "id: q", 1))
    _bytes_name(repo / "plans", b"l\xe4kare.yaml", BAD_PLAN)
    done = qaplan("validate")
    assert done.returncode == 1
    assert done.stdout.startswith("plans/l\\xe4kare.yaml:18:26: error QP106 ")
    done = qaplan("overdue")
    assert done.returncode == 2
    assert "internal error" not in done.stderr
    assert "plans/l\\xe4kare.yaml has 1 error" in done.stderr


def test_names_shown_escaped_stay_distinct(repo: Path) -> None:
    # `l\xe4kare.yaml` spelt with a backslash must not hide the file whose name is not UTF-8.
    _bytes_name(repo / "plans", b"l\xe4kare.yaml", BAD_PLAN)
    write(repo / "plans" / "l\\xe4kare.yaml", BAD_PLAN.replace("id: p", "id: q", 1))
    code, report = _validate()
    assert code == 1
    assert sorted(f["file"] for f in report["findings"]) == [
        "plans/l\\\\xe4kare.yaml", "plans/l\\xe4kare.yaml"]


def test_a_repository_file_in_a_directory_that_is_not_utf8(repo: Path) -> None:
    try:
        unit = os.fsdecode(b"pl\xe4ns")
        (repo / unit).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    write(repo / unit / "qaplan.yaml", "schema: qaplan/v1\nowners: {X: {name: Extern}}\n")
    write(repo / unit / "p.yaml", BAD_PLAN)
    for _ in ("cold", "warm"):
        code, report = _validate(unit)
        assert (code, report["errors"]) == (0, 0)

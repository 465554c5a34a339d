"""`qaplan diff --rev` shows the deviation register's changes too, and warns when a case goes
backwards without a note saying why."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from register_fixture import build

from qaplan.formats.deviation import build as build_case
from qaplan.reports.diff_cases import case_changes, case_diff


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture register committed in a real git repository, as the current directory."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{key}_NAME", "Test")
        monkeypatch.setenv(f"{key}_EMAIL", "test@example.org")
    monkeypatch.chdir(tmp_path)
    git("init", "-q")
    build(tmp_path)
    git("add", "-A")
    git("commit", "-q", "--no-gpg-sign", "-m", "register")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def changes(*args: str) -> list[dict[str, Any]]:
    result = run_cli("diff", "--rev", "HEAD", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["changes"]
    return found


CASES = Path("deviations/2025")


def test_state_measures_and_deadlines(register: Path) -> None:
    case = CASES / "AV-2025-002.yaml"
    edit(case, "deadline: 2025-06-30", "deadline: 2025-09-30")
    edit(case, "state: proposed", "state: accepted")
    edit(case, "    - id: M3\n", "    - id: M4\n")
    edit(CASES / "AV-2025-001.yaml", "state: received",
         "state: in-progress\n  consequence: low\n  measures:\n"
         "    - {id: M1, title: Publish on time, owner: KA, deadline: 2025-12-01}")
    (CASES / "AV-2025-005.yaml").unlink()
    assert [(c["case"], c["id"], c["kind"], c["from"], c["to"]) for c in changes()] == [
        ("AV-2025-001", None, "state_changed", "received", "in-progress"),
        ("AV-2025-001", "M1", "measure_added", None, None),
        ("AV-2025-002", "M1", "due_postponed", "2025-06-30", "2025-09-30"),
        ("AV-2025-002", "M2", "state_changed", "proposed", "accepted"),
        ("AV-2025-002", "M3", "measure_removed", None, None),
        ("AV-2025-002", "M4", "measure_added", None, None),
        ("AV-2025-005", None, "case_removed", "rejected", None),
    ]


def test_a_change_of_a_case_names_its_case_and_no_plan(register: Path) -> None:
    edit(CASES / "AV-2025-002.yaml", "owner: KA", "owner: GA")
    assert changes() == [{"plan": None, "id": "M2", "title": "Course on supervision",
                          "kind": "owners_changed", "from": ["KA"], "to": ["GA"],
                          "case": "AV-2025-002"}]


def test_closing_a_case(register: Path) -> None:
    edit(CASES / "AV-2025-001.yaml", "state: received",
         "state: closed\n  closing: {date: 2025-10-30, note: Results are published now.}")
    edit(CASES / "AV-2025-003.yaml", "note: The library has enough copies now.",
         "note: The library has enough copies and an e-book now.")
    assert [(c["case"], c["kind"], c["from"], c["to"]) for c in changes()] == [
        ("AV-2025-001", "case_closed", "received", "closed"),
        ("AV-2025-003", "closing_changed", "The library has enough copies now.",
         "The library has enough copies and an e-book now."),
    ]


def test_a_reopened_case_without_a_note_is_warned_about(register: Path) -> None:
    edit(CASES / "AV-2025-003.yaml", "state: closed", "state: in-progress")
    edit(CASES / "AV-2025-005.yaml", "state: rejected", "state: received")
    result = run_cli("diff", "--rev", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert "Case AV-2025-003" in result.stdout
    assert "case_reopened" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        ("warning: AV-2025-003: the case went from closed to in-progress without a note saying "
        "why; rewrite its closing.note in the same change (e.g. \"Reopened 2026-01-12: the new "
        "placement fell through.\")"),
        ("warning: AV-2025-005: the case went from rejected to received without a note saying "
        "why; rewrite its rejection in the same change (e.g. \"Reopened 2026-01-12: the new "
        "placement fell through.\")"),
    ]
    failed = run_cli("diff", "--rev", "HEAD", "--fail-on", "case_reopened")
    assert failed.exit_code == 1


def test_a_reopening_that_says_why_is_not_warned_about(register: Path) -> None:
    edit(CASES / "AV-2025-004.yaml", "state: closed", "state: in-progress")
    edit(CASES / "AV-2025-004.yaml", "note: Repaired and checked.",
         "note: 'Reopened 2025-06-10: the fan broke again.'")
    result = run_cli("diff", "--rev", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert "case_reopened" in result.stdout
    assert "warning" not in result.stderr


def test_a_new_case_and_a_github_annotation_at_its_line(register: Path) -> None:
    edit(CASES / "AV-2025-002.yaml", "deadline: 2025-06-30", "deadline: 2025-09-30")
    (CASES / "AV-2025-009.yaml").write_text(
        "schema: qaplan/v1\ndeviation:\n  id: AV-2025-009\n  title: New case\n"
        "  reported: 2025-10-01\n  category: education-quality\n  unit: hf\n"
        "  state: received\n", encoding="utf-8")
    result = run_cli("diff", "--rev", "HEAD", "--format", "github")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        ("::warning file=deviations/2025/AV-2025-002.yaml,line=16,title=qaplan due_postponed::"
        "AV-2025-002 M1 Talk with the supervisors: due_postponed from 2025-06-30 to 2025-09-30"),
        ("::notice file=deviations/2025/AV-2025-009.yaml,line=2,title=qaplan case_added::"
        "AV-2025-009 New case: case_added from none to received"),
    ]


def test_plans_and_cases_in_one_diff_plans_first(register: Path) -> None:
    edit(Path("plans/lak.yaml"), "end: 2025-09-30", "end: 2025-12-31")
    edit(CASES / "AV-2025-002.yaml", "deadline: 2025-06-30", "deadline: 2025-05-31")
    found = changes()
    assert [(c["plan"], c.get("case"), c["kind"]) for c in found] == [
        ("lak", None, "due_postponed"), (None, "AV-2025-002", "due_advanced")]
    table = run_cli("diff", "--rev", "HEAD", "--format", "csv").stdout
    assert table.lstrip("\ufeff").startswith("Plan / case,ID,Title,Change,From,To")


def test_at_a_revision_two_cases_with_one_id_stop_the_diff(register: Path) -> None:
    copy = CASES / "AV-2025-001-copy.yaml"
    copy.write_text((CASES / "AV-2025-001.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "--no-gpg-sign", "-m", "copy")
    result = run_cli("diff", "--rev", "HEAD~1..HEAD")
    assert result.exit_code == 2
    assert "both have case id 'AV-2025-001'" in result.stderr


def case(**fields: Any) -> Any:
    data = {"id": "AV-2025-001", "title": "T", "reported": "2025-03-01",
            "category": "education-quality", "state": "closed", **fields}
    return build_case({"schema": "qaplan/v1", "deviation": data})


def test_what_counts_as_a_note_for_a_reopening() -> None:
    closed = case(closing={"date": "2025-04-01", "note": "Solved."})
    same_note = case(state="in-progress", closing={"date": "2025-04-01", "note": "Solved."})
    new_note = case(state="in-progress", closing={"note": "Reopened: it came back."})
    assert case_changes(closed, same_note)[1] is not None
    assert case_changes(closed, new_note)[1] is None
    rejected = case(state="rejected", rejection="Not ours.")
    taken_up = case(state="in-progress", rejection="Not ours.")
    explained = case(state="in-progress", rejection="Taken up: it is ours after all.")
    assert case_changes(rejected, taken_up)[1] is not None
    assert case_changes(rejected, explained)[1] is None
    # rejected -> closed is not backwards
    assert case_diff({"AV-2025-001": rejected}, {"AV-2025-001": closed}).warnings == ()

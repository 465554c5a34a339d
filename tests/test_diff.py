"""qaplan diff: the yearly follow-up between two years, and the plans between git revisions."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, write

FIXTURE = str(ROOT / "tests/fixtures/diff/followup.yaml")
AS_OF = "2026-01-15"


# --- year diff -----------------------------------------------------------------------------------


def test_year_diff_json_has_every_kind() -> None:
    result = run_cli("diff", FIXTURE, "--from-year", "2024", "--to-year", "2025",
                     "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"changes": [
        {"plan": "followup", "id": "C1.G1.A1", "title": "Got done", "kind": "state_changed",
         "from": "ongoing", "to": "done"},
        {"plan": "followup", "id": "C1.G1.A2", "title": "Stalled", "kind": "note_unchanged",
         "from": "Inget nytt. Kvarstår.", "to": "Inget nytt.  Kvarstår. "},
        {"plan": "followup", "id": "C1.G1.A3", "title": "Nobody followed up",
         "kind": "follow_up_missing", "from": "ongoing", "to": None},
        {"plan": "followup", "id": "C1.G1.A5", "title": "New in 2025", "kind": "state_changed",
         "from": None, "to": "planned"},
        {"plan": "followup", "id": "C1.G1.A5", "title": "New in 2025", "kind": "follow_up_added",
         "from": None, "to": "planned"},
    ]}


def test_year_diff_table_and_summary() -> None:
    result = run_cli("diff", FIXTURE, "--from-year", "2024", "--to-year", "2025", "--as-of", AS_OF)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Follow-up changes from 2024 to 2025"
    assert "followup" in lines
    assert any(line.split()[:4] == ["C1.G1.A3", "Nobody", "followed", "up"]
               and "follow_up_missing" in line for line in lines)
    # finished in 2024, a note-only follow-up, and an activity not yet started: no change
    assert "C1.G1.A4" not in result.stdout
    assert "C1.G1.A6" not in result.stdout
    assert "C1.G1.A7" not in result.stdout
    assert lines[-1] == "5 changes from 2024 to 2025: 1 done, 1 stalled, 1 missing."


def test_year_diff_defaults_to_the_last_two_follow_up_years() -> None:
    result = run_cli("diff", FIXTURE, "--as-of", "2026-03-01", "--format", "json")
    explicit = run_cli("diff", FIXTURE, "--from-year", "2024", "--to-year", "2025",
                       "--as-of", "2026-03-01", "--format", "json")
    assert result.stdout == explicit.stdout
    only_from = run_cli("diff", FIXTURE, "--from-year", "2024", "--as-of", "2026-03-01", "-f", "json")
    assert only_from.stdout == explicit.stdout


def test_year_diff_on_the_bundled_plans() -> None:
    result = run_cli("diff", str(ROOT / "plans"), "--from-year", "2024", "--to-year", "2025",
                     "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    changes = json.loads(result.stdout)["changes"]
    stalled = {(c["plan"], c["id"]) for c in changes if c["kind"] == "note_unchanged"}
    assert ("lakarprogrammet", "C1.G4.A1") in stalled
    keys = [(c["plan"], c["id"]) for c in changes]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-year", "2025", "--to-year", "2025"], "--from-year 2025 is not before --to-year 2025"),
        (["--from-year", "2025", "--to-year", "2027"], "--to-year 2027 is after the as-of year 2026"),
        (["--from-year", "2024", "--rev", "HEAD"], "give one or the other"),
        (["--fail-on", "due_postponed"],
         "'due_postponed' is not a kind of this diff; it belongs to a revision diff"),
        (["--fail-on", "postponed"], "'postponed' is not a kind of this diff"),
        (["--format", "html"], "--format: 'html' is not one of table, markdown, csv, json"),
    ],
)
def test_year_diff_bad_usage_exits_2(args: list[str], message: str) -> None:
    result = run_cli("diff", FIXTURE, "--as-of", AS_OF, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_year_diff_fail_on() -> None:
    base = ("diff", FIXTURE, "--from-year", "2024", "--to-year", "2025", "--as-of", AS_OF)
    failed = run_cli(*base, "--fail-on", "follow_up_missing", "--fail-on", "note_unchanged")
    assert failed.exit_code == 1
    assert "follow_up_missing" in failed.stdout  # the report is printed all the same
    quiet = run_cli("diff", FIXTURE, "--from-year", "2023", "--to-year", "2024", "--as-of", AS_OF,
                    "--fail-on", "note_unchanged")
    assert quiet.exit_code == 0


def test_year_diff_refuses_an_invalid_plan() -> None:
    result = run_cli("diff", str(ROOT / "tests/fixtures/invalid"), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "qaplan validate" in result.stderr


# --- revision diff -------------------------------------------------------------------------------

COURSE = """\
schema: qaplan/v1
plan:
  id: course
  title: Course plan
owners:
  KA: {name: Course leader}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: A1
            title: Feedback routine
            start: 2024
            end: VT2025
            owners: [PD]
            status:
              2024: {state: ongoing, note: Started.}
          - id: A2
            title: Exam review
            end: 2025
            owners: [PD, KA]
          - id: A3
            title: Old activity
            end: 2024-06-30
            owners: [KA]
          - id: A4
            title: Untouched
            end: 2026
            owners: [KA, PD]
"""

# Every kind of change to COURSE: A1 postponed and done, A2 advanced, re-owned and retitled,
# A3 removed, A4 owners reordered (no change), A5 added.
COURSE_CHANGED = """\
schema: qaplan/v1
plan:
  id: course
  title: Course plan
owners:
  KA: {name: Course leader}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: A1
            title: Feedback routine
            start: 2024
            end: HT2025
            owners: [PD]
            status:
              2024: {state: ongoing, note: Started.}
              2025: {state: done, note: In place.}
          - id: A2
            title: Review of exams
            end: VT2025
            owners: [KA]
          - id: A4
            title: Untouched
            end: 2026
            owners: [PD, KA]
          - id: A5
            title: New activity
            end: 2027
            owners: [KA]
"""

SIMPLE = """\
schema: qaplan/v1
plan:
  id: {plan_id}
  title: {title}
owners:
  PD: {{name: Programme director}}
criteria:
  - title: A criterion
    goals:
      - title: A goal
        activities:
          - title: First
            end: {end}
            owners: [PD]
"""

CONFIG = """\
schema: qaplan/v1
owners:
  PD: {name: Programme director}
"""


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
    return done.stdout


def commit(message: str) -> None:
    git("add", "-A")
    git("commit", "-q", "--no-gpg-sign", "-m", message)


@pytest.fixture
def gitrepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git repository with qaplan.yaml (owner PD) and plans/, as the current directory."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{key}_NAME", "Test")
        monkeypatch.setenv(f"{key}_EMAIL", "test@example.org")
    monkeypatch.chdir(tmp_path)
    git("init", "-q")
    write(tmp_path / "qaplan.yaml", CONFIG)
    return tmp_path


def two_commits(repo: Path) -> None:
    """HEAD~1: course and retired plans; HEAD: course changed and renamed, retired gone, added."""
    write(repo / "plans/kurs.yaml", COURSE)
    write(repo / "plans/retired.yaml", SIMPLE.format(plan_id="retired", title="Retired", end=2024))
    commit("first")
    (repo / "plans/kurs.yaml").unlink()
    (repo / "plans/retired.yaml").unlink()
    write(repo / "plans/course.yaml", COURSE_CHANGED)
    write(repo / "plans/added.yaml", SIMPLE.format(plan_id="added", title="Added plan", end=2026))
    commit("second")


EVERY_KIND = [
    {"plan": "added", "id": None, "title": "Added plan", "kind": "plan_added",
     "from": None, "to": None},
    {"plan": "course", "id": "A1", "title": "Feedback routine", "kind": "due_postponed",
     "from": "VT2025", "to": "HT2025"},
    {"plan": "course", "id": "A1", "title": "Feedback routine", "kind": "state_changed",
     "from": "ongoing", "to": "done"},
    {"plan": "course", "id": "A2", "title": "Review of exams", "kind": "due_advanced",
     "from": "2025", "to": "VT2025"},
    {"plan": "course", "id": "A2", "title": "Review of exams", "kind": "owners_changed",
     "from": ["PD", "KA"], "to": ["KA"]},
    {"plan": "course", "id": "A2", "title": "Review of exams", "kind": "title_changed",
     "from": "Exam review", "to": "Review of exams"},
    {"plan": "course", "id": "A3", "title": "Old activity", "kind": "activity_removed",
     "from": None, "to": None},
    {"plan": "course", "id": "A5", "title": "New activity", "kind": "activity_added",
     "from": None, "to": None},
    {"plan": "retired", "id": None, "title": "Retired", "kind": "plan_removed",
     "from": None, "to": None},
]


def test_revision_diff_between_two_commits_has_every_kind(gitrepo: Path) -> None:
    two_commits(gitrepo)
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"changes": EVERY_KIND}
    assert result.stderr == ""  # explicit ids: no warning


def test_revision_diff_against_the_working_tree(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE)
    commit("first")
    write(gitrepo / "plans/kurs.yaml", COURSE_CHANGED)
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["changes"] == [
        change for change in EVERY_KIND if change["plan"] == "course"
    ]
    table = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF)
    assert table.stdout.splitlines()[0] == "Plan changes from HEAD to the working tree"
    assert table.stdout.splitlines()[-1] == (
        "7 changes from HEAD to the working tree: 1 done, 1 activity_added, 1 activity_removed, "
        "1 due_postponed, 1 due_advanced, 1 owners_changed, 1 state_changed, 1 title_changed."
    )


def test_a_renamed_plan_file_is_matched_by_plan_id(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE)
    commit("first")
    git("mv", "plans/kurs.yaml", "plans/archive-2025-course.yaml")
    commit("rename")
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "No changes." in result.stdout
    assert result.stdout.splitlines()[-1] == "0 changes from HEAD~1 to HEAD: 0 done."


def test_revision_diff_markdown_for_a_pull_request(gitrepo: Path) -> None:
    two_commits(gitrepo)
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## Plan changes from HEAD\\~1 to HEAD\n")  # "~" escaped: no strikethrough
    assert "### course" in text
    assert "| ID " in text and "| Change " in text
    row = next(line for line in text.splitlines() if "owners_changed" in line)
    assert [cell.strip() for cell in row.strip("|").split("|")] == [
        "A2", "Review of exams", "owners_changed", "PD, KA", "KA"
    ]
    plan_added = next(line for line in text.splitlines() if "plan_added" in line)
    assert "Added plan" in plan_added and "–" in plan_added
    assert text.rstrip().endswith("**9 changes from HEAD\\~1 to HEAD: 1 done, 1 plan_added, "
                                  "1 plan_removed, 1 activity_added, 1 activity_removed, "
                                  "1 due_postponed, 1 due_advanced, 1 owners_changed, "
                                  "1 state_changed, 1 title_changed.**")


def test_revision_diff_csv(gitrepo: Path) -> None:
    two_commits(gitrepo)
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0] == ["Plan", "ID", "Title", "Change", "From", "To"]
    assert ["course", "A2", "Review of exams", "owners_changed", "PD, KA", "KA"] in rows
    assert ["added", "", "Added plan", "plan_added", "", ""] in rows
    assert len(rows) == 1 + len(EVERY_KIND)


def test_csv_without_changes_still_has_its_header(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE)
    commit("first")
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["\ufeffPlan,ID,Title,Change,From,To"]


def test_fail_on_postponed_deadlines(gitrepo: Path) -> None:
    two_commits(gitrepo)
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--fail-on", "due_postponed")
    assert result.exit_code == 1
    assert "due_postponed" in result.stdout
    assert run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF,
                   "--fail-on", "plan_added", "--fail-on", "owners_changed").exit_code == 1
    nothing = run_cli("diff", "--rev", "HEAD..HEAD", "--as-of", AS_OF, "--fail-on", "due_postponed")
    assert nothing.exit_code == 0
    wrong = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--fail-on", "note_unchanged")
    assert wrong.exit_code == 2
    assert "belongs to a year diff" in wrong.stderr


def test_unknown_revision(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE)
    commit("first")
    for spec in ("nope", "HEAD..nope", "HEAD~5"):
        result = run_cli("diff", "--rev", spec, "--as-of", AS_OF)
        assert result.exit_code == 2
        assert "unknown revision" in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    dash = run_cli("diff", "--rev", "--output=x", "--as-of", AS_OF)
    assert dash.exit_code == 2
    assert not (gitrepo / "x").exists()


def test_not_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans/kurs.yaml", COURSE.replace("[PD]", "[KA]").replace("PD, KA", "KA"))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
    assert result.stdout == ""


def test_derived_ids_are_matched_with_a_warning(gitrepo: Path) -> None:
    write(gitrepo / "plans/simple.yaml", SIMPLE.format(plan_id="simple", title="Simple", end=2025))
    commit("first")
    write(gitrepo / "plans/simple.yaml", SIMPLE.format(plan_id="simple", title="Simple", end=2026))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changes"] == [
        {"plan": "simple", "id": "C1.G1.A1", "title": "First", "kind": "due_postponed",
         "from": "2025", "to": "2026"},
    ]
    assert "warning: simple: 1 activity matched by derived ids (C1.G1.A1)" in result.stderr


def test_an_invalid_plan_at_the_old_revision(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE.replace("end: 2026", "end: someday"))
    commit("broken")
    write(gitrepo / "plans/kurs.yaml", COURSE)
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "at HEAD: plans/kurs.yaml:" in result.stderr
    assert "--skip-invalid" in result.stderr
    skipped = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--skip-invalid", "-f", "json")
    assert skipped.exit_code == 0
    assert "skipped 1 invalid file at HEAD" in skipped.stderr
    assert json.loads(skipped.stdout)["changes"][0]["kind"] == "plan_added"


def test_paths_and_the_working_directory(gitrepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(gitrepo)
    write(gitrepo / "plans/ci.yaml", "name: not a plan\n")
    write(gitrepo / "other/elsewhere.yaml", SIMPLE.format(plan_id="elsewhere", title="E", end=2025))
    commit("third")
    monkeypatch.chdir(gitrepo / "plans")
    result = run_cli("diff", ".", "--rev", "HEAD~2..HEAD", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"changes": EVERY_KIND}  # other/ is not under PATHS
    assert result.stderr.count("ci.yaml has no 'schema: qaplan/v1'") == 1
    one_file = run_cli("diff", "course.yaml", "--rev", "HEAD~2..HEAD", "--as-of", AS_OF,
                       "--format", "json")
    assert [c["kind"] for c in json.loads(one_file.stdout)["changes"]] == ["plan_added"]
    outside = run_cli("diff", "/", "--rev", "HEAD", "--as-of", AS_OF)
    assert outside.exit_code == 2
    assert "outside the git repository" in outside.stderr


def test_merge_base_range(gitrepo: Path) -> None:
    write(gitrepo / "plans/kurs.yaml", COURSE)
    commit("first")
    git("branch", "-q", "feature")
    write(gitrepo / "plans/other.yaml", SIMPLE.format(plan_id="other", title="Other", end=2025))
    commit("on the main line")
    git("checkout", "-q", "feature")
    write(gitrepo / "plans/kurs.yaml", COURSE_CHANGED)
    commit("feature work")
    git("checkout", "-q", "-")
    result = run_cli("diff", "--rev", "HEAD...feature", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    kinds = {change["plan"] for change in json.loads(result.stdout)["changes"]}
    assert kinds == {"course"}  # the main line's new plan is not the feature's change


def test_many_plans_with_unusual_names_at_two_revisions(gitrepo: Path) -> None:
    # 60 plans: more than the pool threshold, read from git in one batch.
    folder = gitrepo / "plans" / "fakultet ø"
    for index in range(60):
        write(folder / f"plan {index:02d}.yaml",
              SIMPLE.format(plan_id=f"p{index:02d}", title=f"Plan {index}", end=2025))
    commit("first")
    write(folder / "plan 07.yaml", SIMPLE.format(plan_id="p07", title="Plan 7", end=2026))
    commit("second")
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"changes": [
        {"plan": "p07", "id": "C1.G1.A1", "title": "First", "kind": "due_postponed",
         "from": "2025", "to": "2026"},
    ]}

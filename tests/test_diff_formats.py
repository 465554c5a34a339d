"""`diff --format github|sarif` (issue 12 point 18): each change annotated at its line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, write

AS_OF = "2026-01-15"

PLAN = """\
schema: qaplan/v1
plan:
  id: course
  title: Course plan
owners:
  PD: {{name: Programme director}}
  KA: {{name: Course coordinator}}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:{extra}
          - id: A1
            title: {title}
            end: {end}
            owners: [PD]
            status:
              2024: {{state: ongoing, note: Started.}}
              2025: {{state: {state}, note: Going on.}}
          - id: A2
            title: Review of exams
            end: 2026
            owners: [{owners}]
"""
EXTRA = """
          - id: A0
            title: Inserted first
            end: 2027
            owners: [KA]"""


def plan(*, title: str = "Rewrite the course pages", end: str = "2025", state: str = "ongoing",
         owners: str = "PD", extra: str = "") -> str:
    return PLAN.format(title=title, end=end, state=state, owners=owners, extra=extra)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def gitrepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one committed plan, as the current directory."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR", "GIT_COMMITTER"):
        monkeypatch.setenv(f"{key}_NAME", "Test")
        monkeypatch.setenv(f"{key}_EMAIL", "test@example.org")
    monkeypatch.chdir(tmp_path)
    git("init", "-q")
    write(tmp_path / "plans/course.yaml", plan())
    commit("first")
    return tmp_path


def commit(message: str) -> None:
    git("add", "-A")
    git("commit", "-q", "-m", message)


def line_of(path: Path, text: str, after: str | None = None) -> int:
    """The 1-based line of the first `text` (after the line holding `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def test_github_annotates_a_postponed_due_date_at_its_end_line(gitrepo: Path) -> None:
    write(gitrepo / "plans/course.yaml", plan(end="VT2026", extra=EXTRA))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "github",
                     "--fail-on", "due_postponed")
    assert result.exit_code == 1
    end = line_of(gitrepo / "plans/course.yaml", "end: VT2026")
    added = line_of(gitrepo / "plans/course.yaml", "- id: A0")
    assert result.stdout.splitlines() == [
        (f"::notice file=plans/course.yaml,line={added},title=qaplan activity_added::"
         "course A0 Inserted first: activity_added"),
        (f"::error file=plans/course.yaml,line={end},title=qaplan due_postponed::"
         "course A1 Rewrite the course pages: due_postponed from 2025 to VT2026"),
    ]


def test_levels_follow_fail_on_and_what_needs_attention(gitrepo: Path) -> None:
    write(gitrepo / "plans/course.yaml", plan(end="2026", owners="PD, KA", title="New title"))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "github")
    assert result.exit_code == 0
    levels = {line.split("title=qaplan ")[1].split("::")[0]: line.split()[0]
              for line in result.stdout.splitlines()}
    assert levels == {"due_postponed": "::warning", "title_changed": "::notice",
                      "owners_changed": "::notice"}
    path = gitrepo / "plans/course.yaml"
    owners = next(line for line in result.stdout.splitlines() if "owners_changed" in line)
    assert f"line={line_of(path, 'owners: [PD, KA]')}," in owners
    title = next(line for line in result.stdout.splitlines() if "title_changed" in line)
    assert f"line={line_of(path, 'title: New title')}," in title


def test_a_removed_plan_is_annotated_without_a_file(gitrepo: Path) -> None:
    (gitrepo / "plans/course.yaml").unlink()
    write(gitrepo / "plans/other.yaml", plan().replace("id: course", "id: other"))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "github")
    lines = result.stdout.splitlines()
    assert "::warning title=qaplan plan_removed::course Course plan: plan_removed" in lines
    added = next(line for line in lines if "plan_added" in line)
    assert added.startswith("::notice file=plans/other.yaml,line=")


def test_a_range_reads_lines_from_the_new_revision_not_the_working_tree(gitrepo: Path) -> None:
    write(gitrepo / "plans/course.yaml", plan(end="2027"))
    commit("second")
    end = line_of(gitrepo / "plans/course.yaml", "end: 2027")
    # The working tree moves every line down; the annotations belong to HEAD's file.
    write(gitrepo / "plans/course.yaml", "# a comment\n# another\n" + plan(end="2028"))
    result = run_cli("diff", "--rev", "HEAD~1..HEAD", "--as-of", AS_OF, "--format", "github")
    assert result.stdout == (
        f"::warning file=plans/course.yaml,line={end},title=qaplan due_postponed::"
        "course A1 Rewrite the course pages: due_postponed from 2025 to 2027\n"
    )


def test_year_diff_annotates_the_follow_up_of_the_later_year(gitrepo: Path) -> None:
    write(gitrepo / "plans/course.yaml", plan(state="done"))
    result = run_cli("diff", "--from-year", "2024", "--to-year", "2025", "--as-of", AS_OF,
                     "--format", "github")
    line = line_of(gitrepo / "plans/course.yaml", "2025: {state: done")
    assert result.stdout == (
        f"::notice file=plans/course.yaml,line={line},title=qaplan state_changed::"
        "course A1 Rewrite the course pages: state_changed from ongoing to done\n"
    )


def test_sarif_has_a_rule_per_kind_and_a_region_per_change(gitrepo: Path) -> None:
    write(gitrepo / "plans/course.yaml", plan(end="2026"))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "sarif",
                     "--fail-on", "due_postponed")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["due_postponed"]
    [found] = run["results"]
    assert found["ruleId"] == "due_postponed" and found["level"] == "error"
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "plans/course.yaml"
    assert location["region"]["startLine"] == line_of(gitrepo / "plans/course.yaml", "end: 2026")


def test_plan_text_cannot_start_a_workflow_command(gitrepo: Path) -> None:
    hostile = '"\\n::error file=evil.yaml,line=1::Injected \\e[31m"'
    write(gitrepo / "plans/course.yaml", plan(title=hostile))
    result = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "github")
    [line] = result.stdout.splitlines()
    assert line.startswith("::notice file=plans/course.yaml,")
    assert r"\n::error file=evil.yaml,line=1::Injected \x1b[31m" in line
    assert "\x1b" not in result.stdout


def test_other_reports_do_not_take_the_annotation_formats(gitrepo: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--format", "github")
    assert result.exit_code == 2
    assert "--format: 'github' is not one of table, markdown, csv, json" in result.stderr
    bad = run_cli("diff", "--rev", "HEAD", "--as-of", AS_OF, "--format", "gitlab")
    assert bad.exit_code == 2
    assert "table, markdown, csv, json, github, sarif" in bad.stderr

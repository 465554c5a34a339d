"""`qaplan.load`, the library's entry: typed plans, the refusal policy, revisions, streaming."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

import qaplan
from conftest import MINIMAL_PLAN, write
from qaplan.errors import QaplanError
from qaplan.formats.plan import Activity, Plan


def test_load_gives_typed_plans_in_path_order(repo: Path) -> None:
    write(repo / "plans/b.yaml", MINIMAL_PLAN.format(plan_id="b"))
    write(repo / "plans/a.yaml", MINIMAL_PLAN.format(plan_id="a"))
    workspace = qaplan.load(["plans"], as_of=date(2025, 3, 1))
    entries = list(workspace.plans())
    assert [(e.file, e.plan.id) for e in entries] == [("plans/a.yaml", "a"), ("plans/b.yaml", "b")]
    assert isinstance(entries[0].plan, Plan)
    _, _, activity = entries[0].plan.activities()[0]
    assert isinstance(activity, Activity)
    assert activity.key == "C1.G1.A1" and activity.due == date(2024, 12, 31)
    assert activity.finished(2024) and not activity.finished(2023)
    assert entries[0].language == "en"
    assert workspace.owner_names() == {"PD": "Programme director"}


def test_plans_stream_one_value_at_a_time(repo: Path) -> None:
    for index in range(3):
        write(repo / f"plans/p{index}.yaml", MINIMAL_PLAN.format(plan_id=f"p{index}"))
    workspace = qaplan.load(["plans"], as_of=date(2025, 3, 1))
    first = [entry.plan for entry in workspace.plans()]
    again = [entry.plan for entry in workspace.plans()]
    assert first == again  # built anew from the data each time, equal in value
    assert all(a is not b for a, b in zip(first, again))  # and not kept by the workspace


def test_an_invalid_plan_is_refused_naming_it_or_skipped_with_a_note(repo: Path) -> None:
    write(repo / "plans/good.yaml", MINIMAL_PLAN.format(plan_id="good"))
    write(repo / "plans/bad.yaml", MINIMAL_PLAN.format(plan_id="bad").replace("[PD]", "[PD, X]"))
    with pytest.raises(QaplanError) as refused:
        qaplan.load(["plans"], as_of=date(2025, 3, 1))
    assert "plans/bad.yaml" in str(refused.value) and "QP106" in str(refused.value)
    workspace = qaplan.load(["plans"], as_of=date(2025, 3, 1), skip_invalid=True)
    assert [entry.file for entry in workspace.plans()] == ["plans/good.yaml"]
    assert any("plans/bad.yaml" in note for note in workspace.notes)


def test_load_at_a_git_revision(repo: Path) -> None:
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (repo / ".git").rmdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="old-id"))
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm",
                    "one"], cwd=repo, check=True)
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="new-id"))
    then = qaplan.load(["plans"], as_of=date(2025, 3, 1), rev="HEAD")
    now = qaplan.load(["plans"], as_of=date(2025, 3, 1))
    assert [e.plan.id for e in then.plans()] == ["old-id"]
    assert [e.plan.id for e in now.plans()] == ["new-id"]


def test_the_readme_example_runs_on_the_bundled_plans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using qaplan from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "plans/lakarprogrammet.yaml C4.G1.A1" in printed
    assert printed.rstrip().endswith("[]")

"""`qaplan report`: the four questions per unit, the roll-up, --unit, last year's figures, the
commit line and the language of each unit, through the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write
from hypothesis import given
from hypothesis import strategies as st
from report_units import AS_OF, build

from qaplan.formats.plan import build_activity
from qaplan.reports.yearly_facts import latest_states as _latest_states
from qaplan.values import STATES


@pytest.fixture
def units_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report_json(*args: str) -> dict[str, Any]:
    result = run_cli("report", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def units_by_key(data: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    found: dict[str | None, dict[str, Any]] = {}

    def visit(unit: dict[str, Any]) -> None:
        found[unit["key"]] = unit
        for child in unit["units"]:
            visit(child)

    for unit in data["units"]:
        visit(unit)
    return found


def row(markdown: str, first: str) -> list[str]:
    """The cells of the first Markdown table row whose first cell is `first`."""
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


def ids(unit: dict[str, Any], question: str) -> list[str]:
    return [item["id"] for item in unit["questions"][question]]


def test_each_question_lists_what_belongs_to_it(units_repo: Path) -> None:
    data = report_json()
    assert (data["as_of"], data["year"], data["previous_year"]) == (AS_OF, 2025, 2024)
    pa1 = units_by_key(data)["PA1"]
    # Done in 2025 only: A2 was done in 2024, A7 was cancelled.
    assert ids(pa1, "done") == ["A1"]
    assert pa1["questions"]["done"][0]["note"] == "Klart och infört."
    concerns = {item["id"]: item["reasons"] for item in pa1["questions"]["concerns"]}
    assert concerns == {"A3": ["overdue", "stalled"], "A5": ["delayed"],
                        "A6": ["missing_follow_up"]}
    # Soonest due first: 2025, VT2026, 2027; the delayed A5 is a concern, not next.
    assert ids(pa1, "next") == ["A3", "A6", "A4"]
    assert [(i["end"], i["due"], i["state"]) for i in pa1["questions"]["next"]] == [
        ("2025", "2025-12-31", "ongoing"), ("VT2026", "2026-06-30", "ongoing"),
        ("2027", "2027-12-31", "planned")]
    # A cancelled activity needs no help, even when its plan still says so.
    assert [(i["id"], i["help_needed"]) for i in pa1["questions"]["help"]] == [
        ("A4", "Fler handledare från institutionen.")]
    item = pa1["questions"]["done"][0]
    assert (item["plan"], item["file"], item["title"]) == ("pa1", "plans/pa1.yaml",
                                                           "Klar under året")


def test_figures_roll_up_the_tree_and_empty_branches_are_left_out(units_repo: Path) -> None:
    data = report_json()
    assert [unit["key"] for unit in data["units"]] == ["FAC", None]  # the tree, then Other
    units = units_by_key(data)
    assert "PA2" not in units  # no plans in or below it
    assert [child["key"] for child in units["FAC"]["units"]] == ["INA", "INB"]
    pa1 = units["PA1"]["figures"]["own"]
    assert {k: pa1[k] for k in ("activities", "done", "done_pct", "overdue", "missing_follow_up",
                                "help_needed")} == {
        "activities": 7, "done": 1, "done_pct": 33.3, "overdue": 1, "missing_follow_up": 1,
        "help_needed": 1}
    assert pa1["by_state"] == {"planned": 1, "ongoing": 2, "done": 2, "delayed": 1,
                               "cancelled": 1, "not_started": 0}
    # A unit without plans of its own shows zeros for itself and its children's sums.
    ina = units["INA"]
    assert ina["plans"] == [] and ina["figures"]["own"]["activities"] == 0
    assert ina["figures"]["rolled_up"] == units["PA1"]["figures"]["rolled_up"]
    # A plan on an institute counts for the institute, and its programme's are added.
    inb = units["INB"]["figures"]
    assert (inb["own"]["activities"], inb["rolled_up"]["activities"]) == (1, 3)
    assert (inb["own"]["done"], inb["rolled_up"]["done"]) == (1, 1)
    fac = units["FAC"]["figures"]["rolled_up"]
    assert (fac["activities"], fac["done"], fac["overdue"], fac["help_needed"]) == (10, 2, 1, 1)
    other = units[None]
    assert other["name"] is None and other["plans"] == ["nounit", "other"]
    assert ids(other, "done") == ["A1"] and ids(other, "next") == ["A1"]


def test_last_years_figures_stand_beside_this_years(units_repo: Path) -> None:
    units = units_by_key(report_json())
    before = units["PA1"]["previous_figures"]["own"]
    assert (before["activities"], before["done"], before["overdue"], before["missing_follow_up"],
            before["done_pct"]) == (7, 1, 0, 2, 14.3)
    assert units["FAC"]["previous_figures"]["rolled_up"]["done"] == 2  # A2 and PB1's T1
    markdown = run_cli("report", "--as-of", AS_OF, "--unit", "PA1").stdout
    assert row(markdown, "Klar") == ["Klar", "1 → 1"]
    assert row(markdown, "Ingen uppföljning") == ["Ingen uppföljning", "2 → 1"]


def test_unit_option_reports_that_branch_only(units_repo: Path) -> None:
    data = report_json("--unit", "INB")
    assert [unit["key"] for unit in data["units"]] == ["INB"]
    assert [child["key"] for child in data["units"][0]["units"]] == ["PB1"]
    assert ids(data["units"][0]["units"][0], "next") == ["T2", "T1"]
    result = run_cli("report", "--as-of", AS_OF, "--unit", "INC")
    assert result.exit_code == 2
    assert "--unit: no unit 'INC'" in result.stderr and "did you mean 'INB' or 'INA'" in result.stderr
    assert "Traceback" not in result.stderr


def test_each_unit_speaks_its_language(units_repo: Path) -> None:
    swedish = run_cli("report", "--as-of", AS_OF, "--unit", "PA1").stdout
    assert swedish.startswith("## Kvalitetsrapport 2025\n")
    for question in ("Vad har vi gjort, och hur gick det?", "Vad är vi upptagna av nu?",
                     "Vad ska vi göra framöver?", "Vad behöver vi hjälp med?"):
        assert f"#### {question}" in swedish
    norwegian = run_cli("report", "--as-of", AS_OF, "--unit", "INB").stdout
    assert norwegian.startswith("## Kvalitetsmelding 2025\n")
    for question in ("Hva har vi gjort, og hvordan gikk det?", "Hva er vi opptatt av nå?",
                     "Hva vil vi gjøre fremover?", "Hva trenger vi hjelp med?"):
        assert f"#### {question}" in norwegian
    english = run_cli("report", "--as-of", AS_OF, "--unit", "INB", "--lang", "en").stdout
    assert english.startswith("## Quality report 2025\n")
    for question in ("What have we done, and how did it go?", "What concerns us?",
                     "What will we do next?", "What do we need help with?"):
        assert f"#### {question}" in english
    # The whole report: the faculty's plans disagree, so qaplan.yaml's language (sv) heads it;
    # the Norwegian institute keeps its own below.
    whole = run_cli("report", "--as-of", AS_OF).stdout
    assert whole.startswith("## Kvalitetsrapport 2025\n")
    assert "#### Hva er vi opptatt av nå?" in whole and "#### What concerns us?" in whole


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def test_header_names_the_commit_and_uncommitted_changes(units_repo: Path) -> None:
    outside = run_cli("report", "--as-of", AS_OF, "--unit", "PA1", "--lang", "en")
    assert row(outside.stdout, "2026-03-01") == ["2026-03-01", "2025", "not in a git repository"]
    _git(units_repo, "init", "-q")
    _git(units_repo, "add", ".")
    _git(units_repo, "commit", "-q", "-m", "plans")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=units_repo, capture_output=True,
                            text=True, check=True).stdout.strip()
    clean = report_json("--unit", "PA1")
    assert (clean["commit"], clean["uncommitted_changes"]) == (commit, False)
    shown = run_cli("report", "--as-of", AS_OF, "--unit", "PA1", "--lang", "en").stdout
    assert row(shown, "2026-03-01")[2] == f"commit {commit[:12]}"
    # A report written beside the plans is no change to the plans.
    written = run_cli("report", "--as-of", AS_OF, "-f", "html", "-o", "plans/report.html")
    assert written.exit_code == 0
    assert report_json("--unit", "PA1")["uncommitted_changes"] is False
    plan = units_repo / "plans" / "pb1.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("I rute.", "Nytt."),
                    encoding="utf-8")
    dirty = run_cli("report", "--as-of", AS_OF, "--unit", "PA1", "--lang", "en").stdout
    assert f"commit {commit[:12]}, with uncommitted changes" in dirty
    assert report_json()["uncommitted_changes"] is True


def test_markdown_writes_plan_text_as_text(units_repo: Path) -> None:
    markdown = run_cli("report", "--as-of", AS_OF, "--unit", "INB").stdout
    assert "<script>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown and "\\*\\*Loud\\*\\* \\[link\\]" in markdown


def test_output_file_is_not_replaced_without_force(units_repo: Path) -> None:
    target = units_repo / "report.md"
    target.write_text("mine", encoding="utf-8")
    refused = run_cli("report", "--as-of", AS_OF, "-o", "report.md")
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    written = run_cli("report", "--as-of", AS_OF, "-o", "report.md", "--force")
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("## Kvalitetsrapport 2025")


def test_table_format_and_a_year_after_the_as_of_year(units_repo: Path) -> None:
    table = run_cli("report", "--as-of", AS_OF, "--format", "table", "--unit", "PB1")
    assert table.exit_code == 0 and "Tiltak med tidlig frist" in table.stdout
    late = run_cli("report", "--as-of", AS_OF, "--year", "2027")
    assert late.exit_code == 2 and "--year: 2027 is after the as-of year 2026" in late.stderr
    bad = run_cli("report", "--as-of", AS_OF, "--format", "csv")
    assert bad.exit_code == 2 and "markdown, html, json, table" in bad.stderr


def test_plans_without_a_units_tree_go_under_other(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path)
    (tmp_path / "qaplan.yaml").write_text("schema: qaplan/v1\nlanguage: en\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = report_json()
    assert [unit["key"] for unit in data["units"]] == [None]
    assert data["units"][0]["plans"] == ["inb", "nounit", "other", "pa1", "pb1"]
    unknown = run_cli("report", "--as-of", AS_OF, "--unit", "PA1")
    assert unknown.exit_code == 2 and "the units: none" in unknown.stderr


STATUSES = st.dictionaries(
    st.integers(2019, 2027),
    st.fixed_dictionaries({}, optional={"state": st.sampled_from(STATES), "note": st.just("n")}),
    max_size=6)


@given(STATUSES, st.integers(2019, 2028))
def test_the_three_latest_states_agree_with_the_activitys_rule(status: dict[int, dict[str, str]],
                                                               year: int) -> None:
    activity = build_activity({"title": "A", "status": status})
    assert _latest_states(activity, year) == (
        activity.latest_state(year), activity.latest_state(year - 1),
        activity.latest_state(year - 2))


def test_json_lines_keep_each_row_on_one_line() -> None:
    """The report's JSON is json.dumps's data, with each innermost object on one line."""
    from qaplan.render.json import leaves_inline

    data = {"units": [{"key": "LP", "plans": ["a", "b"], "empty": {}, "rows": [
        {"id": "A1", "title": "Ö \"quoted\" <x>", "reasons": ["overdue"], "due": None},
        {"id": "A2", "n": 1.5, "ok": True}]}], "year": 2025}
    text = leaves_inline(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    assert '        {"id": "A1", "title": "Ö \\"quoted\\" <x>", "reasons": ["overdue"], ' \
           '"due": null},' in lines
    assert '      "plans": ["a", "b"],' in lines and lines[0] == "{" and lines[-1] == "}"


def test_the_source_in_each_state_of_a_repository(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`source_of` (one `git status` that runs beside the report): outside git, before the
    first commit, clean, a YAML file changed or renamed away, another file changed."""
    from qaplan.git import Source, source_of

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=q", "-c", "user.email=q@example.org",
                               "-c", "commit.gpgsign=false", *args], check=True,
                              capture_output=True, text=True).stdout.strip()

    paths = ["plans", "qaplan.yaml"]
    assert source_of(paths) == Source(None, False, "not in a git repository")
    git("init", "-q")
    write(tmp_path / "plans/a.yaml", "plan: {}\n")
    assert source_of(paths) == Source(None, True, "no commit yet")
    git("add", "-A")
    git("commit", "-qm", "plans")
    first = git("rev-parse", "HEAD")
    assert source_of(paths) == Source(first, False)
    write(tmp_path / "notes.txt", "not a plan\n")
    write(tmp_path / "plans/README.md", "not a plan either\n")
    assert source_of(paths) == Source(first, False)
    git("mv", "plans/a.yaml", "plans/a.txt")  # the YAML file is gone from the plans
    assert source_of(paths) == Source(first, True)
    git("commit", "-qm", "renamed")
    second = git("rev-parse", "HEAD")
    assert source_of(paths) == Source(second, False)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"  # plans outside the work tree
    elsewhere.mkdir()
    assert source_of([str(elsewhere)]) == Source(second, True)  # git cannot vouch for them
    write(tmp_path / "qaplan.yaml", "language: sv\n")  # untracked
    assert source_of(paths).uncommitted is True
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert source_of(paths) == Source(None, False, "git is not installed")

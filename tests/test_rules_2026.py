"""Rules that fought the users (issue 12 points 4-7, 16; issue 13 point 16), from the user's side."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL_PLAN, run_cli, write

from qaplan.findings import CODES

AS_OF = "2025-06-01"


def plan(activity: str, *, plan_id: str = "p", owners: str = "PD: {name: Programdirektör}") -> str:
    """A plan with one activity (given as YAML lines indented for `activities:`)."""
    return (
        "schema: qaplan/v1\n"
        f"plan:\n  id: {plan_id}\n  title: P\n"
        f"owners:\n  {owners}\n"
        "criteria:\n  - id: C1\n    title: C\n    goals:\n      - id: C1.G1\n        title: G\n"
        "        activities:\n" + activity
    )


# --- 12.4: only warnings can be silenced -------------------------------------------------------


def test_an_ignore_comment_naming_an_error_silences_nothing_and_is_reported(repo: Path) -> None:
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n"
        "            title: T\n"
        "            end: 2024\n"
        "            owners: [PD, XX]  # qaplan: ignore[QP106]\n"
        "          - id: A2\n"
        "            title: T\n"
        "            end: 2024\n"
        "            owners: [YY]  # qaplan: ignore\n"
    ))
    result = run_cli("validate", "--as-of", AS_OF)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "plans/p.yaml:17:26: error QP106 owner 'XX' is not declared in any owners directory" in lines
    assert ("plans/p.yaml:17:31: warning QP401 this ignore comment names the error QP106, which "
            "cannot be silenced; the error is still reported") in lines
    # A bare ignore on a line with an error silences nothing either.
    assert "plans/p.yaml:21:22: error QP106 owner 'YY' is not declared in any owners directory" in lines
    assert "All good" not in result.stdout
    # ...and a report refuses the plan, naming the error that validate showed.
    report = run_cli("status", "--as-of", AS_OF)
    assert report.exit_code == 2
    assert "plans/p.yaml:17:26: error QP106" in report.stderr


def test_a_warning_can_still_be_silenced(repo: Path) -> None:
    write(repo / "plans/p.yaml", plan(
        "          - id: A1  # qaplan: ignore[QP202]\n"
        "            title: Utan slutdatum\n"
    ))
    result = run_cli("validate", "--strict", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (0, "All good: 1 file checked, no findings.\n")


def test_an_ignore_rule_naming_an_error_is_reported_against_qaplan_yaml(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        ignore:
          - {code: QP106, path: "plans/*"}
          - {code: QP202, path: "plans/*"}
    """)
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n            title: T\n            owners: [XX]\n"))
    result = run_cli("validate", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    found = [(f["file"], f["line"], f["column"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    # The error stays; the warning (QP202, no due date) is silenced as asked.
    assert found == [("plans/p.yaml", 16, 22, "QP106"), ("qaplan.yaml", 3, 12, "QP401")]


def test_explain_never_recommends_silencing_an_error() -> None:
    for code, entry in CODES.items():
        text = run_cli("validate", "--explain", code).stdout
        if entry.severity == "error":
            assert "qaplan: ignore" not in text and "ignore:" not in text, code
            assert "cannot be silenced" in text, code
        else:
            assert f"# qaplan: ignore[{code}]" in text, code


# --- 12.5: a typo in qaplan.yaml is reported there, the rest is used ---------------------------


def test_a_typo_in_qaplan_yaml_costs_only_its_own_finding(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        language: se
        languag: sv
        owners: {PD: {name: Programdirektör}, KA: {name: Kursansvarig}}
    """)
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n            title: T\n            end: 2024\n            owners: [PD, KA]\n",
        owners="GA: {name: Grundnivåansvarig}"))
    result = run_cli("validate", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert [line.split(" ")[0:3] for line in result.stdout.splitlines()[:-1]] == [
        ["qaplan.yaml:2:11:", "error", "QP100"],
        ["qaplan.yaml:3:1:", "error", "QP101"],
    ]
    # A report uses the owners that could be read, and says why it did not stop.
    report = run_cli("overdue", "--as-of", AS_OF, "--format", "json")
    assert report.exit_code == 0, report.stderr
    owners = json.loads(report.stdout)["owners"]
    assert [(o["owner"], o["name"]) for o in owners] == [("KA", "Kursansvarig"), ("PD", "Programdirektör")]
    assert "qaplan.yaml:2:11: error QP100" in report.stderr
    assert "the plans use what could be read from it" in report.stderr


def test_one_bad_owner_in_qaplan_yaml_keeps_the_others(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        owners: {PD: {name: Programdirektör}, KA: Kursansvarig}
    """)
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n            title: T\n            end: 2024\n            owners: [PD]\n",
        owners="GA: {name: Grundnivåansvarig}"))
    result = run_cli("validate", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "plans/p.yaml" not in result.stdout
    assert "qaplan.yaml:2:" in result.stdout


def test_a_syntax_error_in_qaplan_yaml_is_named_by_every_report(repo: Path) -> None:
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners: {PD: {name: X}\n")
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n            title: T\n            end: 2024\n            owners: [PD, KA]\n",
        owners="GA: {name: G}"))
    result = run_cli("validate", "--as-of", AS_OF)
    assert result.exit_code == 1
    # No false "owner not declared" in the plan: its owners may be in the file that failed.
    assert "QP106" not in result.stdout
    assert "qaplan.yaml:3:1: error QP001" in result.stdout
    for args in (["status"], ["overdue", "--skip-invalid"]):
        report = run_cli(*args, "--as-of", AS_OF)
        assert report.exit_code == 2
        assert "qaplan.yaml:3:1: error QP001" in report.stderr
        assert "plans/p.yaml" in report.stderr
        assert "Traceback" not in report.stderr


# --- 12.6: reports can look back ---------------------------------------------------------------

LOOK_BACK = (
    "          - id: A1\n"
    "            title: Utvärdera kursen\n"
    "            start: 2022\n"
    "            end: 2023\n"
    "            owners: [PD]\n"
    "            status:\n"
    "              2023: {state: ongoing}\n"
    "              2025: {state: done}\n"
)


def test_a_report_with_an_earlier_as_of_ignores_later_follow_ups(repo: Path) -> None:
    write(repo / "plans/p.yaml", plan(LOOK_BACK))
    then = run_cli("overdue", "--as-of", "2024-06-01", "--format", "json")
    assert then.exit_code == 0, then.stderr
    [item] = json.loads(then.stdout)["owners"][0]["activities"]
    assert (item["id"], item["state"], item["days_overdue"]) == ("A1", "ongoing", 153)
    now = run_cli("overdue", "--as-of", "2025-06-01", "--format", "json")
    assert (now.exit_code, json.loads(now.stdout)["owners"]) == (0, [])
    status = run_cli("status", "--as-of", "2024-06-01", "--format", "json")
    assert status.exit_code == 0, status.stderr
    totals = json.loads(status.stdout)["totals"]
    assert (totals["by_state"]["ongoing"], totals["by_state"]["done"], totals["overdue"]) == (1, 0, 1)
    diff = run_cli("diff", "--from-year", "2022", "--to-year", "2023", "--as-of", "2024-06-01",
                   "--format", "json")
    assert diff.exit_code == 0, diff.stderr
    assert [(c["kind"], c["to"]) for c in json.loads(diff.stdout)["changes"]] == [
        ("state_changed", "ongoing"), ("follow_up_added", "ongoing")]


def test_validate_as_of_stands_for_today_in_the_future_year_check(repo: Path) -> None:
    write(repo / "plans/p.yaml", plan(LOOK_BACK))
    result = run_cli("validate", "--as-of", "2024-06-01")
    assert result.exit_code == 1
    assert ("plans/p.yaml:21:15: error QP107 status year 2025 is in the future "
            "(the current year is 2024)") in result.stdout


def test_a_follow_up_after_today_still_stops_a_report(repo: Path) -> None:
    next_year = date.today().year + 1
    write(repo / "plans/p.yaml", plan(LOOK_BACK.replace("2025:", f"{next_year}:")))
    result = run_cli("overdue", "--as-of", "2024-06-01")
    assert result.exit_code == 2
    assert f"QP107 status year {next_year} is in the future" in result.stderr


# --- 12.7: a follow-up after the end is expected -----------------------------------------------


def test_a_follow_up_after_end_draws_no_warning_but_one_before_start_does(repo: Path) -> None:
    write(repo / "plans/p.yaml", plan(
        "          - id: A1\n"
        "            title: T\n"
        "            start: 2023\n"
        "            end: 2024\n"
        "            owners: [PD]\n"
        "            status:\n"
        "              2022: {state: planned}\n"
        "              2024: {state: delayed}\n"
        "              2025: {state: ongoing, note: Försenad; klar under 2025.}\n"
    ))
    result = run_cli("validate", "--strict", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:-1] == [
        "plans/p.yaml:20:15: warning QP203 status year 2022 is before the activity's start (2023)"
    ]
    text = (repo / "plans/p.yaml").read_text(encoding="utf-8")
    write(repo / "plans/p.yaml", text.replace("              2022: {state: planned}\n", ""))
    assert run_cli("validate", "--strict", "--as-of", AS_OF).exit_code == 0


# --- 12.4 / 13.16: a report names every file it leaves out, and why ---------------------------


def test_skip_invalid_names_each_skipped_file_with_its_first_error(repo: Path) -> None:
    write(repo / "plans/good.yaml", MINIMAL_PLAN.format(plan_id="good"))
    write(repo / "plans/bad.yaml", MINIMAL_PLAN.format(plan_id="bad").replace("end: 2024", "end: 2022"))
    result = run_cli("status", "--as-of", AS_OF, "--skip-invalid")
    assert result.exit_code == 0
    assert "note: skipped plans/bad.yaml:" in result.stderr
    assert "QP103 end (2022) is before start (2023)" in result.stderr


def test_every_file_invalid_names_each_file_and_why(repo: Path) -> None:
    write(repo / "plans/a.yaml", MINIMAL_PLAN.format(plan_id="a").replace("end: 2024", "end: 2022"))
    write(repo / "plans/b.yaml", MINIMAL_PLAN.format(plan_id="b").replace("owners: [PD]", "owners: [XX]"))
    result = run_cli("overdue", "--as-of", AS_OF, "--skip-invalid")
    assert result.exit_code == 2
    assert "no valid plan files to report on" in result.stderr
    assert "plans/a.yaml:17:18: error QP103" in result.stderr
    assert "plans/b.yaml:18:22: error QP106" in result.stderr


@pytest.mark.parametrize("command", ["overdue", "status"])
def test_a_non_plan_file_named_to_a_report_is_named_with_why(repo: Path, command: str) -> None:
    write(repo / "ci.yml", "on: push\njobs: {}\n")
    result = run_cli(command, "ci.yml")
    assert result.exit_code == 2
    assert "ci.yml has no 'schema: qaplan/v1'" in result.stderr
    assert "Traceback" not in result.stderr


# --- 12.16: hints name only options the command has --------------------------------------------


def test_a_report_refusal_suggests_skip_invalid_only_where_it_exists(repo: Path) -> None:
    write(repo / "plans/bad.yaml", MINIMAL_PLAN.format(plan_id="bad").replace("end: 2024", "end: 2022"))
    for command in ("overdue", "status", "diff"):
        result = run_cli(command, "--as-of", AS_OF)
        assert result.exit_code == 2
        assert "or pass --skip-invalid" in result.stderr, command
    from qaplan.errors import QaplanError
    from qaplan.workspace import load_plans

    # A caller without that option (import --into reads its target this way) gets no such hint.
    with pytest.raises(QaplanError) as refused:
        load_plans(["plans/bad.yaml"], date(2025, 6, 1), skip_invalid=False)
    assert "plans/bad.yaml:17:18: error QP103" in str(refused.value)
    assert "--skip-invalid" not in str(refused.value)


def test_the_repository_file_named_to_a_report_is_named_as_such(repo: Path) -> None:
    write(repo / "qaplan.yaml", "schema: qaplan/v1\n")
    result = run_cli("overdue", "qaplan.yaml")
    assert result.exit_code == 2
    assert "qaplan.yaml: the repository file, not a plan" in result.stderr


def test_a_revision_diff_with_an_earlier_as_of_does_not_refuse_later_follow_ups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                       cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    write(tmp_path / "plans/p.yaml", plan(LOOK_BACK))
    git("add", "-A")
    git("commit", "-qm", "plan")
    write(tmp_path / "plans/p.yaml", plan(LOOK_BACK.replace("end: 2023", "end: 2024")))
    monkeypatch.chdir(tmp_path)
    result = run_cli("diff", "--rev", "HEAD", "--as-of", "2024-06-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [(c["kind"], c["from"], c["to"]) for c in json.loads(result.stdout)["changes"]] == [
        ("due_postponed", "2023", "2024")]

"""`qaplan validate` as a user runs it: findings with file, line and column, exit codes, streams."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAN, ROOT, run_cli, write

HEAD = """\
schema: qaplan/v1
plan:
  id: p
  title: P
owners:
  PD: {name: Programdirektör}
criteria:
  - id: C1
    title: Kriterium
    goals:
      - id: C1.G1
        title: Mål
        activities:
"""


def findings(*args: str) -> tuple[int, list[tuple[int, int, str, str]], str]:
    """Run validate with JSON output: (exit code, [(line, column, code, message)], stderr)."""
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01", *args)
    payload = json.loads(result.stdout)
    rows = [(f["line"], f["column"], f["code"], f["message"]) for f in payload["findings"]]
    return result.exit_code, rows, result.stderr


def plan_with(repo: Path, activities: str, name: str = "plans/p.yaml", head: str = HEAD) -> Path:
    return write(repo / name, head + activities)


def test_bundled_plans_are_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("validate", "plans/")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "All good: 4 files checked, no findings.\n"


def test_default_path_is_plans_dir(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    result = run_cli("validate")
    assert result.exit_code == 0
    assert "1 file checked" in result.stdout


def test_end_before_start_points_at_end(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2024
            end: 2023
""")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(17, 18, "QP103", "end (2023) is before start (2024)")]


def test_text_format_line(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: HT2024
            end: VT2024
""")
    result = run_cli("validate", "--as-of", "2025-06-01")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "plans/p.yaml:17:18: error QP103 end (VT2024) is before start (HT2024)"
    )
    assert result.stdout.splitlines()[-1] == "Found 1 error and 0 warnings in 1 file."


def test_same_term_start_and_end_is_fine(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: HT24
            end: HT2024
""")
    assert findings() == (0, [], "")


def test_unknown_key_points_at_key_and_suggests(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            end: 2024
            owner: [PD]
""")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(17, 13, "QP101", "unknown key 'owner' (did you mean 'owners'?)")]


def test_missing_title_points_at_mapping(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            end: 2024
""")
    code, rows, _ = findings()
    assert rows == [(14, 13, "QP102", "missing required field 'title'")]


def test_wrong_type_points_at_value(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: [a, list]
            end: 2024
""")
    code, rows, _ = findings()
    assert rows == [(15, 20, "QP100", "title: expected text, got a list")]


def test_bad_state_and_bad_date(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            end: Q3 2024
            status:
              2024: {state: klart}
""")
    code, rows, _ = findings()
    assert code == 1
    assert (16, 18, "QP108",
            "invalid date 'Q3 2024': expected a year, a term such as VT2024, or a date such as "
            "2024-06-30") in rows
    assert (18, 29, "QP109", "unknown state 'klart', did you mean 'done'? (the states are: "
            "planned, ongoing, done, delayed, cancelled)") in rows


def test_duplicate_ids_point_at_second(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Första
            end: 2024
          - id: A1
            title: Andra
            end: 2024
""")
    code, rows, _ = findings()
    assert rows == [(17, 17, "QP104", "duplicate id 'A1' (first at line 14)")]


def test_derived_id_colliding_with_explicit(repo: Path) -> None:
    plan_with(repo, """\
          - title: Utan id
            end: 2024
          - id: C1.G1.A1
            title: Med id
            end: 2024
""")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(14, 13, "QP105", "the id 'C1.G1.A1' derived from the position of this activity "
                     "collides with an explicit id (line 16)")]


def test_undeclared_owner_points_at_item(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            end: 2024
            owners: [PD, OEK]
""")
    code, rows, _ = findings()
    assert rows == [(17, 26, "QP106", "owner 'OEK' is not declared in any owners directory")]


def test_owner_declared_in_repository_file(repo: Path) -> None:
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners: {OEK: {name: Examinationskommittén}}\n")
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            end: 2024
            owners: [PD, OEK]
""")
    assert findings() == (0, [], "")


def test_status_year_in_future_is_error_and_follows_as_of(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2024
            end: 2027
            status:
              2026: {state: ongoing}
""")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(19, 15, "QP107", "status year 2026 is in the future (the current year is 2025)")]
    result = run_cli("validate", "--as-of", "2026-01-01")
    assert result.exit_code == 0


def test_warnings_exit_zero_unless_strict(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Utan slutdatum
            start: 2023
            status:
              2022: {note: Bara en anteckning.}
""")
    code, rows, _ = findings()
    assert code == 0
    assert rows == [
        (14, 13, "QP202", "activity has no due date (end)"),
        (18, 15, "QP201", "state missing in the follow-up for 2022"),
        (18, 15, "QP203", "status year 2022 is before the activity's start (2023)"),
    ]
    assert run_cli("validate", "--strict", "--as-of", "2025-06-01").exit_code == 1


def test_activity_outside_plan_period(repo: Path) -> None:
    head = HEAD.replace("  title: P\n", "  title: P\n  period: {start: 2022, end: 2024}\n")
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2021
            end: VT2025
""", head=head)
    code, rows, _ = findings()
    assert code == 0
    assert rows == [
        (17, 20, "QP204", "activity start (2021) is outside the plan period 2022–2024"),
        (18, 18, "QP204", "activity end (VT2025) is outside the plan period 2022–2024"),
    ]


def test_personal_data_is_found_in_free_text(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            end: 2024
            status:
              2024: {state: done, note: "Fråga anna.svensson@example.se eller ring 070-123 45 67"}
          - id: A2
            title: Student 811218-9876 och 15076500565
            end: 2024
""")
    code, rows, _ = findings()
    assert code == 0
    codes = sorted((line, code) for line, _, code, _ in rows)
    assert codes == [(18, "QP301"), (18, "QP304"), (20, "QP302"), (20, "QP303")]


def test_ordinary_text_raises_no_personal_data_alarm(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: T1-T4 och T6 på plats, T6-T9 samt T11-T12; 2020 2024; HT23 och VT24
            end: 2024
            status:
              2024: {state: done, note: "MED101 7,5 hp, 2024-06-30, 45 studenter av 120 (37,5 %), dnr 2023/4567"}
""")
    assert findings() == (0, [], "")


def test_ignore_comment_on_the_line(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Kontakt kansliet@example.se  # qaplan: ignore[QP301]
            end: 2024
          - id: A2
            title: Kontakt kansliet@example.se  # qaplan: ignore
            end: 2024
          - id: A3
            title: Kontakt kansliet@example.se  # qaplan: ignore[QP304]
            end: 2024
""")
    code, rows, _ = findings()
    assert [(line, c) for line, _, c, _ in rows] == [(21, "QP301")]


def test_ignore_rule_in_repository_file(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        ignore:
          - {code: QP301, path: "plans/arkiv/*"}
    """)
    activity = """\
          - id: A1
            title: Kontakt kansliet@example.se
            end: 2024
"""
    plan_with(repo, activity, name="plans/arkiv/gammal.yaml")
    plan_with(repo, activity.replace("A1", "A1"), name="plans/ny.yaml",
              head=HEAD.replace("id: p\n", "id: ny\n"))
    code, rows, _ = findings()
    assert [(line, c) for line, _, c, _ in rows] == [(15, "QP301")]
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01")
    assert json.loads(result.stdout)["findings"][0]["file"] == "plans/ny.yaml"


def test_duplicate_plan_id_across_files(repo: Path) -> None:
    write(repo / "plans/a.yaml", MINIMAL_PLAN.format(plan_id="same"))
    write(repo / "plans/b.yaml", MINIMAL_PLAN.format(plan_id="same"))
    result = run_cli("validate", "--as-of", "2025-06-01")
    assert result.exit_code == 1
    assert "plans/b.yaml:3:7: error QP112 plan id 'same' is also used by plans/a.yaml" in result.stdout


def test_unknown_unit_and_broken_units_tree(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        units:
          MED: {name: Medicin, parent: UNI}
          A: {name: A, parent: B}
          B: {name: B, parent: A}
    """)
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p").replace(
        "  title: A plan\n", "  title: A plan\n  unit: LP\n"))
    result = run_cli("validate", "--as-of", "2025-06-01")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "plans/p.yaml:5:9: error QP110 unit 'LP' is not in the units tree of qaplan.yaml" in lines
    assert ("qaplan.yaml:3:32: error QP111 unit 'MED' has parent 'UNI', which is not a unit"
            in lines)
    assert "qaplan.yaml:4:24: error QP111 units form a cycle: A -> B -> A" in lines
    assert len(lines) == 4


def test_nearest_repository_file_applies(repo: Path) -> None:
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners: {OEK: {name: Top}}\n")
    write(repo / "plans/sub/qaplan.yaml", "schema: qaplan/v1\nowners: {KA: {name: Kursansvarig}}\n")
    write(repo / "plans/sub/p.yaml", MINIMAL_PLAN.format(plan_id="p").replace("[PD]", "[KA, OEK]"))
    code, rows, _ = findings()
    assert [(c, m) for _, _, c, m in rows] == [
        ("QP106", "owner 'OEK' is not declared in any owners directory")]


def test_json_shape(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
""")
    result = run_cli("validate", "--format", "json")
    assert json.loads(result.stdout) == {
        "files": 1, "errors": 0, "warnings": 1,
        "findings": [{"file": "plans/p.yaml", "line": 14, "column": 13, "severity": "warning",
                      "code": "QP202", "message": "activity has no due date (end)"}],
    }
    assert result.stderr == ""


def test_github_format(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2024
            end: 2023
""")
    result = run_cli("validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=plans/p.yaml,line=17,col=18,title=QP103::QP103 end (2023) is before start (2024)\n"
    )


def test_explain_prints_code_documentation() -> None:
    result = run_cli("validate", "--explain", "qp103")
    assert result.exit_code == 0
    assert result.stdout.startswith("QP103 (error): end before start\n")
    assert "How to fix it" in result.stdout
    bad = run_cli("validate", "--explain", "QP999")
    assert bad.exit_code == 2
    assert "unknown code 'QP999'" in bad.stderr


def test_bad_format_and_bad_date_are_usage_errors(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    result = run_cli("validate", "--format", "xml")
    assert result.exit_code == 2 and "--format" in result.stderr
    result = run_cli("validate", "--as-of", "1/2/2025")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


# --- which files are plans ---------------------------------------------------------------------


def test_non_plan_yaml_is_skipped_with_a_note(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    write(repo / "plans/workflow.yml", "on: push\njobs: {}\n")
    result = run_cli("validate")
    assert result.exit_code == 0
    assert "plans/workflow.yml" in result.stderr and "skipped" in result.stderr
    assert "workflow" not in result.stdout


def test_explicit_non_plans_only_exit_zero(repo: Path) -> None:
    write(repo / ".pre-commit-config.yaml", "repos: []\n")
    result = run_cli("validate", ".pre-commit-config.yaml")
    assert result.exit_code == 0
    assert ".pre-commit-config.yaml" in result.stderr


def test_plan_without_schema_is_an_error(repo: Path) -> None:
    write(repo / "plans/p.yaml", "plan:\n  id: p\n  title: P\n")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(1, 1, "QP008", "this looks like a plan but has no 'schema: qaplan/v1' line")]


def test_newer_schema_version(repo: Path) -> None:
    write(repo / "plans/p.yaml", "schema: qaplan/v2\nplan: {id: p, title: P}\n")
    code, rows, _ = findings()
    assert code == 1
    assert rows[0][:3] == (1, 9, "QP009")
    assert "written for a newer qaplan" in rows[0][3]


def test_missing_path_and_empty_directory_exit_two(repo: Path) -> None:
    result = run_cli("validate", "nowhere.yaml")
    assert result.exit_code == 2
    assert "nowhere.yaml: no such file or directory" in result.stderr
    result = run_cli("validate", "plans")
    assert result.exit_code == 2
    assert "plans: no plan files found" in result.stderr


def test_two_wins_after_findings_are_printed(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2024
            end: 2023
""")
    result = run_cli("validate", "plans", "missing")
    assert result.exit_code == 2
    assert "QP103" in result.stdout
    assert "missing: no such file or directory" in result.stderr


# --- bad input -------------------------------------------------------------------------------


def test_yaml_syntax_error_has_position(repo: Path) -> None:
    write(repo / "plans/p.yaml", "schema: qaplan/v1\nplan:\n  id: p\n  title: [unclosed\n")
    code, rows, _ = findings()
    assert code == 1
    assert rows[0][2] == "QP001"
    assert rows[0][0] >= 4


def test_duplicate_keys(repo: Path) -> None:
    write(repo / "plans/p.yaml", "schema: qaplan/v1\nplan:\n  id: p\n  title: P\n  id: q\n")
    code, rows, _ = findings()
    assert rows == [(5, 3, "QP002", "duplicate key 'id' (first at line 3)")]


def test_alias_bomb_is_refused_quickly(repo: Path) -> None:
    lines = ["schema: qaplan/v1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("plan: {id: p, title: P}")
    write(repo / "plans/p.yaml", "\n".join(lines) + "\n")
    code, rows, _ = findings()
    assert code == 1
    assert {c for _, _, c, _ in rows} >= {"QP003"}
    assert (2, 5, "QP003") in [row[:3] for row in rows]


# Two limits guard deep nesting: qaplan's composer stops at 64 levels, and libyaml >= 0.2.6 at
# 1000 while it scans ahead. Whichever fires, the user sees the same one error with a position.
DEEP = {
    "flow sequences": "plan: " + "[" * 100_000 + "]" * 100_000,
    "flow mappings": "plan: " + "{a: " * 100_000 + "1" + "}" * 100_000,
    "block sequences": "plan:\n  " + "- " * 100_000 + "x",
    "deeper than qaplan's limit, within libyaml's": "plan: " + "[" * 500 + "]" * 500,
}


@pytest.mark.parametrize("body", DEEP.values(), ids=list(DEEP))
def test_deep_nesting_is_one_error_with_a_position(repo: Path, body: str) -> None:
    (repo / "plans/p.yaml").write_text(f"schema: qaplan/v1\n{body}\n")
    result = run_cli("validate", "--format", "json", "plans/p.yaml")
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["findings"]
    assert (problem["severity"], problem["code"]) == ("error", "QP006")
    assert problem["message"] == "YAML nesting deeper than 64 levels"
    assert problem["line"] >= 2 and problem["column"] > 1


def test_deep_nesting_is_bounded_in_time_and_memory(repo: Path) -> None:
    """A 2 MB file of brackets, in a process allowed 512 MiB of address space and 60 s."""
    (repo / "plans/p.yaml").write_text("schema: qaplan/v1\nplan: " + "[" * 10**6 + "]" * 10**6)
    limit = 512 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-m", "qaplan", "validate", "--no-cache", "plans/p.yaml"],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("plans/p.yaml:2:")
    assert " error QP006 " in result.stdout
    assert result.stderr == ""


def test_non_utf8_names_line_and_offset(repo: Path) -> None:
    (repo / "plans/p.yaml").write_bytes(
        "schema: qaplan/v1\nplan: {id: p, title: 'Läkar".encode() + b"\xe5'}\n")
    code, rows, _ = findings()
    assert code == 1
    assert rows == [(2, 28, "QP004", "file is not valid UTF-8 (byte 0xe5 at offset 46)")]


def test_utf8_bom_is_accepted(repo: Path) -> None:
    (repo / "plans/p.yaml").write_bytes(b"\xef\xbb\xbf" + MINIMAL_PLAN.format(plan_id="p").encode())
    assert findings() == (0, [], "")


def test_empty_file_named_explicitly_is_error_but_skipped_in_directory(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    (repo / "plans/empty.yaml").write_text("  \n\n")
    assert findings()[0] == 0
    code, rows, _ = findings("plans/empty.yaml")
    assert code == 1
    assert rows == [(1, 1, "QP005", "file is empty")]


def test_python_tags_are_refused(repo: Path) -> None:
    write(repo / "plans/p.yaml", "schema: qaplan/v1\nplan: !!python/object:os.system {id: p}\n")
    code, rows, _ = findings()
    assert rows[0][2] == "QP010"


def test_several_documents(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p") + "---\nschema: qaplan/v1\n")
    code, rows, _ = findings()
    assert rows[0][2] == "QP007"


def test_no_input_file_changes(repo: Path) -> None:
    path = write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    before = path.read_bytes()
    run_cli("validate")
    assert path.read_bytes() == before
    assert sorted(p.name for p in (repo / "plans").iterdir()) == ["p.yaml"]


def test_schema_errors_do_not_hide_other_findings(repo: Path) -> None:
    plan_with(repo, """\
          - id: A1
            title: Aktivitet
            start: 2024
            end: 2023
            owners: [PD, OEK]
            staus: {}
          - id: A2
            title: Annan
            end: Q3
""")
    code, rows, _ = findings()
    assert code == 1
    assert [(line, c) for line, _, c, _ in rows] == [
        (17, "QP103"), (18, "QP106"), (19, "QP101"), (22, "QP108")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("id: C1\n", 'id: "C1\\n"\n'),  # a final line break is not part of an id
        ("PD: {name", '"P\\x1fD": {name'),  # nor is a control character part of an owner key
    ],
)
def test_ids_and_owner_keys_with_hidden_characters_are_errors(
    tmp_path: Path, old: str, new: str
) -> None:
    text = MINIMAL_PLAN.format(plan_id="p").replace(old, new, 1)
    assert text != MINIMAL_PLAN.format(plan_id="p")
    path = write(tmp_path / "plan.yaml", text)
    result = run_cli("validate", "--no-cache", str(path))
    assert result.exit_code == 1
    assert "QP100" in result.stdout
    # A report refuses the file with the same message instead of failing inside.
    report = run_cli("status", "--no-cache", str(path))
    assert report.exit_code == 2
    assert "QP100" in report.stderr

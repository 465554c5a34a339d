"""`validate --format gitlab` and `--format sarif`, and the pre-commit hook manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL_PLAN, ROOT, run_cli, write

from qaplan import __version__
from qaplan.findings import CODES

# One error (QP103, end before start) and one warning (QP202, no due date).
FAULTY = """\
schema: qaplan/v1
plan:
  id: faulty
  title: Faulty
owners:
  PD: {name: Programme director}
criteria:
  - id: C1
    title: A criterion
    goals:
      - id: C1.G1
        title: A goal
        activities:
          - id: C1.G1.A1
            title: Swapped dates
            start: 2024
            end: 2023
            owners: [PD]
          - id: C1.G1.A2
            title: No end
            start: 2024
"""
SARIF_SCHEMAS = ROOT / "tests" / "fixtures" / "sarif"


def validate(fmt: str, *paths: str) -> tuple[int, Any, str]:
    result = run_cli("validate", "--format", fmt, "--as-of", "2025-06-01", *paths)
    return result.exit_code, json.loads(result.stdout), result.stderr


def text_findings(*paths: str) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, severity, code) from the JSON format, to compare positions with."""
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01", *paths)
    return [
        (f["file"], f["line"], f["column"], f["severity"], f["code"])
        for f in json.loads(result.stdout)["findings"]
    ]


# --- GitLab Code Quality -----------------------------------------------------------------------


def test_gitlab_report_has_the_code_quality_fields(repo: Path) -> None:
    write(repo / "plans/faulty.yaml", FAULTY)
    code, issues, _ = validate("gitlab")
    assert code == 1
    assert [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"])
        for i in issues
    ] == [
        ("plans/faulty.yaml", 17, "QP103", "major"),
        ("plans/faulty.yaml", 19, "QP202", "minor"),
    ]
    assert [(f[0], f[1], f[4]) for f in text_findings()] == [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues
    ]
    assert issues[0]["description"] == "QP103 end (2023) is before start (2024)"
    for issue in issues:
        assert issue["type"] == "issue"
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])


def test_gitlab_fingerprints_are_stable_and_survive_moved_lines(repo: Path) -> None:
    write(repo / "plans/faulty.yaml", FAULTY)
    _, first, _ = validate("gitlab")
    _, again, _ = validate("gitlab")
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in again]
    write(repo / "plans/faulty.yaml", "# a comment that moves every line down\n" + FAULTY)
    _, moved, _ = validate("gitlab")
    assert [i["location"]["lines"]["begin"] for i in moved] == [18, 20]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in first]


def test_gitlab_fingerprints_are_unique_for_repeated_findings(repo: Path) -> None:
    activity = "          - title: No end {n}\n"
    head = FAULTY.split("          - id: C1.G1.A1")[0]
    write(repo / "plans/faulty.yaml", head + "".join(activity.format(n="") for _ in range(3)))
    _, issues, _ = validate("gitlab")
    assert [i["check_name"] for i in issues] == ["QP202"] * 3
    assert len({i["fingerprint"] for i in issues}) == 3


def test_gitlab_report_without_findings_is_an_empty_array(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    code, issues, _ = validate("gitlab")
    assert (code, issues) == (0, [])


# --- SARIF -------------------------------------------------------------------------------------


def sarif_validator() -> Any:
    """The official SARIF 2.1.0 schema when vendored here, else the hand-written subset."""
    jsonschema = pytest.importorskip("jsonschema")
    official = SARIF_SCHEMAS / "sarif-schema-2.1.0.json"
    path = official if official.exists() else SARIF_SCHEMAS / "sarif-2.1.0-subset.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_validates_against_the_sarif_schema(repo: Path) -> None:
    write(repo / "plans/faulty.yaml", FAULTY)
    code, log, _ = validate("sarif")
    assert code == 1
    assert [e.message for e in sarif_validator().iter_errors(log)] == []
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_sarif_schema_check_catches_a_broken_log(repo: Path) -> None:
    write(repo / "plans/faulty.yaml", FAULTY)
    _, log, _ = validate("sarif")
    del log["runs"][0]["results"][0]["message"]
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(sarif_validator().iter_errors(log))) == 2


def test_sarif_driver_and_one_rule_per_code(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    code, log, _ = validate("sarif")
    assert code == 0
    run = log["runs"][0]
    assert run["results"] == []
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("qaplan", __version__)
    assert "informationUri" not in driver
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == list(CODES)
    rule = rules["QP103"]
    assert rule["name"] == "EndBeforeStart"
    assert rule["shortDescription"]["text"] == "End before start"
    assert rule["fullDescription"]["text"] == CODES["QP103"].what
    assert CODES["QP103"].why in rule["help"]["text"]
    assert CODES["QP103"].fix in rule["help"]["markdown"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rules["QP202"]["defaultConfiguration"]["level"] == "warning"
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", r["name"]) for r in rules.values())


def test_sarif_results_point_where_the_text_format_does(repo: Path) -> None:
    write(repo / "plans/faulty.yaml", FAULTY)
    _, log, _ = validate("sarif")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    located = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        located.append((
            physical["artifactLocation"]["uri"],
            physical["region"]["startLine"],
            physical["region"]["startColumn"],
            result["level"],
            result["ruleId"],
        ))
    assert located == text_findings()
    assert run["results"][0]["message"]["text"] == "end (2023) is before start (2024)"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_uri_is_percent_encoded(repo: Path) -> None:
    write(repo / "plans/läkare plan.yaml", FAULTY)
    _, log, _ = validate("sarif")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"plans/l%C3%A4kare%20plan.yaml"}
    assert [e.message for e in sarif_validator().iter_errors(log)] == []


def test_unknown_format_lists_the_ci_formats(repo: Path) -> None:
    result = run_cli("validate", "--format", "junit")
    assert result.exit_code == 2
    assert "text, json, github, gitlab, sarif" in result.stderr


# --- pre-commit --------------------------------------------------------------------------------


def test_pre_commit_manifest_declares_the_validate_hook() -> None:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(manifest, list)
    (hook,) = manifest
    assert hook["id"] == "qaplan-validate"
    assert hook["entry"] == "qaplan validate"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]
    assert hook.get("pass_filenames", True) is True
    assert hook["require_serial"] is True  # duplicate plan ids are found across all files
    assert hook["name"] and hook["description"]


def test_hook_command_on_a_commits_yaml_files(repo: Path) -> None:
    """What the hook runs: a plan and other YAML files; the others are skipped with a note."""
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    write(repo / ".gitlab-ci.yml", "test:\n  script: [make]\n")
    result = run_cli("validate", "plans/p.yaml", ".gitlab-ci.yml")
    assert result.exit_code == 0
    assert result.stdout == "All good: 1 file checked, no findings.\n"
    assert ".gitlab-ci.yml" in result.stderr and "skipped" in result.stderr
    write(repo / "plans/faulty.yaml", FAULTY)
    result = run_cli("validate", "--as-of", "2025-06-01", "plans/faulty.yaml", ".gitlab-ci.yml")
    assert result.exit_code == 1
    assert "plans/faulty.yaml:17:18: error QP103" in result.stdout

"""`qaplan init` as a user runs it, the files it writes for CI and editors, examples/, help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_cli, write

from qaplan.cli import app
from qaplan.init import EXAMPLE_FILES, REMINDER_FILES, STATIC_FILES, starter_plan

WRITTEN = [
    ".github/workflows/qaplan.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    "plans/example-programme.yaml",
    "qaplan.yaml",
    "schemas/deviation.schema.json",
    "schemas/plan.schema.json",
    "schemas/qaplan.schema.json",
]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- init into an empty and a non-empty directory ------------------------------------------------


def test_init_into_a_new_directory_writes_the_scaffold(here: Path) -> None:
    result = run_cli("init", "repo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote repo/{path}" for path in WRITTEN] + [
        "CI and the pre-commit hook install qaplan==0.1.0 (--source names another).",
        "Next: edit the starter plan, then run `qaplan validate repo/plans`.",
    ]
    assert result.stderr == ""
    assert sorted(p.relative_to(here / "repo").as_posix()
                  for p in (here / "repo").rglob("*") if p.is_file()) == sorted(WRITTEN)


def test_init_defaults_to_the_current_directory(here: Path) -> None:
    result = run_cli("init")
    assert result.exit_code == 0
    assert "wrote plans/example-programme.yaml" in result.stdout.splitlines()
    assert (here / "qaplan.yaml").is_file()


def test_validate_passes_right_after_init(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    result = run_cli("validate", "--strict", "repo/plans")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "All good: 2 files checked, no findings.\n"


@pytest.mark.parametrize("years_later", [0, 1, 5, 30])
def test_starter_plan_validates_on_any_later_date(here: Path, years_later: int) -> None:
    """No follow-up year in the starter, so no "status year in the future" whatever the date."""
    assert run_cli("init", "repo").exit_code == 0
    as_of = (date.today() + timedelta(days=365 * years_later)).isoformat()
    result = run_cli("validate", "--strict", "--as-of", as_of, "repo/plans")
    assert result.exit_code == 0, result.stdout


def test_starter_plan_period_starts_in_the_year_of_init(here: Path) -> None:
    path = write(here / "plans/p.yaml", starter_plan(date(2031, 3, 1)))
    plan = load_yaml(path)
    assert plan["plan"]["period"] == {"start": 2031, "end": 2034}
    assert "status:" not in "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    result = run_cli("validate", "--strict", "--as-of", "2031-01-01", "plans")
    assert result.exit_code == 0, result.stdout


def test_the_ci_report_commands_run_on_the_starter(here: Path) -> None:
    """The workflow's job summary commands work on a fresh repository."""
    assert run_cli("init", "repo").exit_code == 0
    for report in ("status", "overdue"):
        result = run_cli(report, "--format", "markdown", "--skip-invalid", "repo/plans")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("## ")


def test_init_never_overwrites_existing_files(here: Path) -> None:
    write(here / "repo/qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\n")
    write(here / "repo/.gitlab-ci.yml", "test:\n  script: [make]\n")
    write(here / "repo/plans/old.yaml", "schema: qaplan/v1\nplan: {id: old, title: Old}\n")
    result = run_cli("init", "repo")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "skipped repo/.gitlab-ci.yml: exists (--force overwrites it)",
        "skipped repo/qaplan.yaml: exists (--force overwrites it)",
    ]
    assert "wrote repo/plans/example-programme.yaml" in result.stdout
    assert "repo/qaplan.yaml" not in result.stdout
    assert (here / "repo/qaplan.yaml").read_text() == "schema: qaplan/v1\nlanguage: sv\n"
    assert (here / "repo/.gitlab-ci.yml").read_text() == "test:\n  script: [make]\n"
    assert (here / "repo/plans/old.yaml").is_file()
    # The starter declares its own owners, so it validates with the repository's qaplan.yaml.
    assert run_cli("validate", "--strict", "repo/plans").exit_code == 0


def test_init_twice_writes_nothing_the_second_time(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    before = {p: p.read_bytes() for p in (here / "repo").rglob("*") if p.is_file()}
    result = run_cli("init", "repo")
    assert result.exit_code == 0
    assert result.stdout == ""
    # Every file is skipped but .gitignore, which already holds the cache's line.
    assert result.stderr.splitlines() == [
        f"skipped repo/{path}: exists (--force overwrites it)"
        for path in WRITTEN if path != ".gitignore"
    ] + ["nothing written: every file exists"]
    assert {p: p.read_bytes() for p in (here / "repo").rglob("*") if p.is_file()} == before


def test_force_overwrites(here: Path) -> None:
    write(here / "repo/qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\n")
    result = run_cli("init", "--force", "repo")
    assert result.exit_code == 0
    assert "overwrote repo/qaplan.yaml" in result.stdout.splitlines()
    assert "wrote repo/.gitlab-ci.yml" in result.stdout.splitlines()
    assert result.stderr == ""
    assert "language: en" in (here / "repo/qaplan.yaml").read_text()


def test_init_into_a_file_is_exit_2(here: Path) -> None:
    write(here / "repo", "not a directory\n")
    result = run_cli("init", "repo")
    assert result.exit_code == 2
    assert result.stderr == "qaplan: error: repo: exists and is not a directory\n"


def test_init_where_a_directory_blocks_a_file_is_exit_2(here: Path) -> None:
    (here / "repo/.gitlab-ci.yml").mkdir(parents=True)
    result = run_cli("init", "--force", "repo")
    assert result.exit_code == 2
    assert "repo/.gitlab-ci.yml: is a directory" in result.stderr


# --- editor support -------------------------------------------------------------------------------


def test_written_yaml_files_carry_the_modeline(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    plan = (here / "repo/plans/example-programme.yaml").read_text(encoding="utf-8")
    assert plan.splitlines()[0] == "# yaml-language-server: $schema=../schemas/plan.schema.json"
    config = (here / "repo/qaplan.yaml").read_text(encoding="utf-8")
    assert config.splitlines()[0] == "# yaml-language-server: $schema=schemas/qaplan.schema.json"
    for line, text in ((plan, "plans"), (config, ".")):
        target = line.splitlines()[0].split("$schema=")[1]
        assert (here / "repo" / text / target).is_file()


def test_schemas_are_generated_from_the_model(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    assert (here / "repo/schemas/plan.schema.json").read_text(encoding="utf-8") == run_cli(
        "schema"
    ).stdout
    assert (here / "repo/schemas/qaplan.schema.json").read_text(encoding="utf-8") == run_cli(
        "schema", "--config"
    ).stdout
    assert (here / "repo/schemas/deviation.schema.json").read_text(encoding="utf-8") == run_cli(
        "schema", "--kind", "deviation"
    ).stdout


def test_a_new_case_in_an_initialised_repository_finds_its_schema(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    (here / "repo/qaplan.yaml").write_text(
        "schema: qaplan/v1\nunits:\n  LP: {name: Läkarprogrammet}\n", encoding="utf-8")
    import os

    os.chdir(here / "repo")
    result = run_cli("new", "deviation", "--unit", "LP", "--category", "education-quality",
                     "--title", "Lecture notes missing")
    assert result.exit_code == 0, result.stderr
    case = here / "repo" / result.stdout.strip()
    target = case.read_text(encoding="utf-8").splitlines()[0].split("$schema=")[1]
    assert (case.parent / target).resolve() == (here / "repo/schemas/deviation.schema.json")
    assert "deviations/**/*.yaml" in json.loads(
        (here / "repo/.vscode/settings.json").read_text(encoding="utf-8")
    )["yaml.schemas"]["./schemas/deviation.schema.json"]


def test_starter_plan_and_config_match_their_schemas(here: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    assert run_cli("init", "repo").exit_code == 0
    for document, schema in (
        ("plans/example-programme.yaml", "schemas/plan.schema.json"),
        ("qaplan.yaml", "schemas/qaplan.schema.json"),
    ):
        jsonschema.validate(
            load_yaml(here / "repo" / document),
            json.loads((here / "repo" / schema).read_text(encoding="utf-8")),
        )


def test_vscode_settings_map_the_schemas(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    settings = json.loads((here / "repo/.vscode/settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    assert "plans/*.yaml" in schemas["./schemas/plan.schema.json"]
    assert schemas["./schemas/qaplan.schema.json"] == ["qaplan.yaml"]
    for schema in schemas:
        assert (here / "repo" / schema).is_file()
    extensions = json.loads((here / "repo/.vscode/extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]


def _properties(schema: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property of a JSON Schema, wherever it is declared, with a readable path."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            found.append((f"{path}.{name}", prop))
        for key, value in schema.items():
            if key == "properties":
                found.extend(
                    item for name, prop in value.items() for item in _properties(prop, f"{path}.{name}")
                )
            else:
                found.extend(_properties(value, f"{path}/{key}"))
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            found.extend(_properties(item, f"{path}[{index}]"))
    return found


@pytest.mark.parametrize("name", ["plan.schema.json", "qaplan.schema.json"])
def test_every_schema_property_has_a_description(name: str) -> None:
    """Editors show the description as help on hover and in completion."""
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    properties = _properties(schema)
    assert len(properties) > 10
    missing = [path for path, prop in properties if not prop.get("description")]
    assert missing == []


# --- examples/ and the templates ----------------------------------------------------------------


def test_examples_are_the_files_init_writes(here: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    assert sorted(
        p.relative_to(ROOT / "examples").as_posix()
        for p in (ROOT / "examples").rglob("*") if p.is_file()
    ) == sorted(EXAMPLE_FILES)
    for path in EXAMPLE_FILES:
        assert (ROOT / "examples" / path).read_bytes() == (here / "repo" / path).read_bytes(), (
            f"examples/{path} is out of date: run python scripts/update_docs.py"
        )


def test_templates_are_package_data() -> None:
    """Package-data globs skip hidden files, so no template name starts with a dot."""
    templates = ROOT / "qaplan" / "templates"
    names = sorted(p.name for p in templates.iterdir())
    assert names == sorted([*STATIC_FILES, *REMINDER_FILES, "plan.yaml",
                            "report.html.j2"])  # the HTML of `qaplan report`
    assert not [name for name in names if name.startswith(".")]


# --- the CI files -------------------------------------------------------------------------------


def test_github_workflow_validates_and_writes_the_job_summary() -> None:
    workflow = load_yaml(ROOT / "examples/.github/workflows/qaplan.yml")
    runs = [step.get("run", "") for step in workflow["jobs"]["plans"]["steps"]]
    assert "qaplan validate --format github plans/" in runs
    summary = next(run for run in runs if "GITHUB_STEP_SUMMARY" in run)
    assert 'qaplan status --format markdown --skip-invalid plans/ >> "$GITHUB_STEP_SUMMARY"' in summary
    assert 'qaplan overdue --format markdown --skip-invalid plans/ >> "$GITHUB_STEP_SUMMARY"' in summary


def test_gitlab_ci_uploads_the_code_quality_report() -> None:
    ci = load_yaml(ROOT / "examples/.gitlab-ci.yml")
    job = ci["qaplan"]
    report = job["artifacts"]["reports"]["codequality"]
    assert f"qaplan validate --format gitlab plans/ > {report} || true" in job["script"]
    assert job["script"][-1] == "qaplan validate plans/"
    assert job["artifacts"]["when"] == "always"


def test_pre_commit_config_runs_the_hook() -> None:
    config = load_yaml(ROOT / "examples/.pre-commit-config.yaml")
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == "qaplan-validate"
    assert hook["entry"] == "qaplan validate"
    # pre-commit installs qaplan itself: the hook needs nothing on PATH but pre-commit.
    assert hook["language"] == "python"
    assert hook["additional_dependencies"] == ["qaplan==0.1.0"]
    assert hook["types"] == ["yaml"]
    assert hook["require_serial"] is True


@pytest.mark.parametrize(
    ("path", "schema"),
    [(".github/workflows/qaplan.yml", "github-workflows"), (".gitlab-ci.yml", "gitlab-ci")],
)
def test_ci_files_match_the_ci_schemas(path: str, schema: str) -> None:
    """check-jsonschema ships the schemas of GitHub workflows and GitLab CI (skipped without it)."""
    pytest.importorskip("check_jsonschema")
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    vendor = files("check_jsonschema").joinpath("builtin_schemas", "vendor", f"{schema}.json")
    validator = jsonschema.Draft7Validator(json.loads(vendor.read_text(encoding="utf-8")))
    from ruamel.yaml import YAML  # YAML 1.2, as GitHub and GitLab read it: `on:` is a key

    document = YAML(typ="safe").load((ROOT / "examples" / path).read_text(encoding="utf-8"))
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []


# --- help and shell completion ------------------------------------------------------------------


def test_every_command_has_a_one_line_summary_and_an_example() -> None:
    result = run_cli("--help")
    assert "Example: qaplan " in result.stdout
    for command in app.registered_commands:
        assert command.callback is not None
        doc = command.callback.__doc__ or ""
        summary = doc.strip().split("\n\n")[0]
        assert summary and "\n" not in summary, f"{command.callback.__name__}: {summary!r}"
        assert "Example: qaplan " in doc, command.callback.__name__


def _qaplan_script() -> str | None:
    beside = Path(sys.executable).parent / "qaplan"
    return str(beside) if beside.exists() else shutil.which("qaplan")


@pytest.mark.parametrize(
    ("words", "expected"),
    [("qaplan in", "init"), ("qaplan validate --format s", "sarif")],
)
def test_shell_completion(words: str, expected: str) -> None:
    script = _qaplan_script()
    if script is None:
        pytest.skip("the qaplan script is not installed")
    env = dict(os.environ, _QAPLAN_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - 1))
    result = subprocess.run(
        [script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert result.stdout.split() == [expected]

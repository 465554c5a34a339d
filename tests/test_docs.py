"""The README and the generated files stay honest: codes table, schemas, every command documented."""

from __future__ import annotations

import sys

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "scripts"))
from update_docs import readme_with_codes, schema_text  # noqa: E402

from qaplan.cli import app  # noqa: E402
from qaplan.findings import CODES  # noqa: E402


def test_readme_table_of_codes_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_codes(readme) == readme, "run: python scripts/update_docs.py"
    for code in CODES:
        assert f"`{code}`" in readme


def test_schemas_are_current() -> None:
    assert (ROOT / "schemas/plan.schema.json").read_text(encoding="utf-8") == schema_text()
    assert (ROOT / "schemas/qaplan.schema.json").read_text(encoding="utf-8") == schema_text(True)
    assert (ROOT / "schemas/deviation.schema.json").read_text(encoding="utf-8") \
        == schema_text(kind="deviation")


def test_schema_command_prints_the_committed_schema() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "schemas/plan.schema.json").read_text(encoding="utf-8")


def test_schema_command_prints_each_kind() -> None:
    for options, name in ((["--kind", "deviation"], "deviation"), (["--config"], "qaplan"),
                          (["--kind", "config"], "qaplan")):
        result = run_cli("schema", *options)
        assert result.exit_code == 0
        assert result.stdout == (ROOT / f"schemas/{name}.schema.json").read_text(encoding="utf-8")
    result = run_cli("schema", "--kind", "memo")
    assert result.exit_code == 2
    assert "deviation" in result.stderr


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    lines = [line for line in first_block.strip().splitlines()]
    assert lines[0].startswith("pip install . && qaplan ")
    assert lines[1] == "pip install '.[test]' && pytest"


def test_every_command_has_help_and_a_readme_section() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"### `qaplan {name}`" in readme, f"README lacks a section for {name}"
        result = run_cli(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout, f"{name} --help has no example"
    for group in app.registered_groups:  # `qaplan new deviation`
        assert group.typer_instance is not None
        for command in group.typer_instance.registered_commands:
            name = f"{group.name} {command.name or command.callback.__name__}"  # type: ignore[union-attr]
            assert f"### `qaplan {name}`" in readme, f"README lacks a section for {name}"
            result = run_cli(*name.split(), "--help")
            assert result.exit_code == 0
            assert "Example:" in result.stdout, f"{name} --help has no example"


def test_codes_have_complete_documentation() -> None:
    for entry in CODES.values():
        assert entry.title and entry.what and entry.why and entry.fix, entry.code

"""Start-up: the pre-commit path (`qaplan validate FILE`) imports no heavy library.

`qaplan validate` runs on every commit; each of these modules costs tens of milliseconds
to import (pydantic alone about 100 ms), which would make the hook slower than yamllint.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL_PLAN, write

HEAVY = ("pydantic", "pydantic_core", "rich", "openpyxl", "ruamel", "tabulate", "stdnum",
         "icalendar", "smtplib")

_PROBE = """
import json, sys
from qaplan.cli import main
sys.argv = ["qaplan", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
sys.stderr.write("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""


def _run(tmp_path: Path, *args: str) -> tuple[int, set[str], str]:
    """The exit code, every module loaded (full names) and the output of `qaplan ARGS`."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


def _modules(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    code, loaded, _ = _run(tmp_path, *args)
    return code, {name.split(".")[0] for name in loaded}


def test_validate_one_plan_imports_nothing_heavy(tmp_path: Path) -> None:
    write(tmp_path / "plan.yaml", MINIMAL_PLAN.format(plan_id="p1"))
    code, loaded = _modules(tmp_path, "validate", "--no-cache", "plan.yaml")
    assert code == 0
    assert "yaml" in loaded  # the probe really ran the check
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_validate_with_errors_imports_nothing_heavy(tmp_path: Path) -> None:
    bad = MINIMAL_PLAN.format(plan_id="p1").replace("title:", "titel:", 1)
    write(tmp_path / "plan.yaml", bad)
    code, loaded = _modules(tmp_path, "validate", "--no-cache", "plan.yaml")
    assert code == 1
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_version_imports_neither_yaml_nor_pydantic(tmp_path: Path) -> None:
    code, loaded = _modules(tmp_path, "--version")
    assert code == 0
    assert loaded.isdisjoint({"yaml", *HEAVY})


def test_reports_build_the_typed_plan_without_pydantic(tmp_path: Path) -> None:
    write(tmp_path / "plans" / "plan.yaml", MINIMAL_PLAN.format(plan_id="p1"))
    code, loaded = _modules(tmp_path, "overdue", "--no-cache", "--format", "json", "plans")
    assert code == 0
    # Reports read the one typed plan value; pydantic only generates the JSON Schemas.
    assert "yaml" in loaded  # the probe really read the plan
    assert "pydantic" not in loaded


def test_version_does_not_even_import_typer(tmp_path: Path) -> None:
    code, loaded = _modules(tmp_path, "--version")
    assert code == 0
    assert "typer" not in loaded


def test_validate_loads_only_its_own_command_and_the_checks_its_files_need(
    tmp_path: Path,
) -> None:
    write(tmp_path / "plan.yaml", MINIMAL_PLAN.format(plan_id="p1"))
    code, loaded, output = _run(tmp_path, "validate", "--no-cache", "plan.yaml")
    assert (code, output) == (0, "All good: 1 file checked, no findings.\n")
    assert "qaplan.checks.dates" in loaded  # the plan checks ran
    unneeded = {"qaplan.checks.catalogues", "qaplan.checks.deviation", "qaplan.formats.config",
                "qaplan.cli.reports", "qaplan.cli.excel", "qaplan.cli.new"}
    assert loaded.isdisjoint(unneeded), sorted(loaded & unneeded)


def test_a_plan_that_names_catalogue_items_still_gets_their_findings(tmp_path: Path) -> None:
    text = MINIMAL_PLAN.format(plan_id="p1").replace(
        "    title: A criterion\n", "    title: A criterion\n    covers: [esg:9.9, nonsense]\n")
    write(tmp_path / "plan.yaml", text)
    code, loaded, output = _run(tmp_path, "validate", "--no-cache", "--format", "json",
                                "plan.yaml")
    assert code == 1
    assert [f["code"] for f in json.loads(output)["findings"]] == ["QP722", "QP723"]
    assert "qaplan.checks.catalogues" in loaded


def test_a_deviation_case_still_gets_its_codes(tmp_path: Path) -> None:
    write(tmp_path / "AV-2026-001.yaml", (
        "schema: qaplan/v1\n"
        "deviation:\n"
        "  id: AV-2026-001\n"
        "  title: A ladder without a guard\n"
        "  reported: 2026-05-04\n"
        "  category: hms\n"
        "  state: closed\n"))
    code, loaded, output = _run(tmp_path, "validate", "--no-cache", "--format", "json",
                                "--as-of", "2026-06-30", "AV-2026-001.yaml")
    assert code == 0  # warnings only
    assert {f["code"] for f in json.loads(output)["findings"]} == {"QP502", "QP503", "QP508"}
    assert "qaplan.checks.deviation" in loaded
    assert "qaplan.checks.catalogues" not in loaded

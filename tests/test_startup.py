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


def _modules(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]}


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

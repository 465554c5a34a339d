"""What the pre-commit path loads lazily stays whole: the registry knows every code from its
light table, and the one command built for a command line parses as the full command tree does."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from qaplan.findings import CODES, DECLARED

# Runs qaplan the way the console script does (`main`), or through the full command tree.
_MAIN = "import sys\nfrom qaplan.cli import main\nsys.argv[0] = 'qaplan'\nmain()\n"
_FULL = "import sys\nfrom qaplan.cli import app\nsys.argv[0] = 'qaplan'\napp()\n"


def _qaplan(probe: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True,
                          text=True, check=False, env={"COLUMNS": "100", "PATH": "/usr/bin"})
    return done.returncode, done.stdout, done.stderr


def test_the_light_table_names_each_module_with_exactly_its_codes() -> None:
    for module, codes in DECLARED.items():
        assert codes == tuple(code.code for code in import_module(module).CODES), module
    assert len(CODES) == sum(len(codes) for codes in DECLARED.values())


@pytest.mark.parametrize("code", ["QP001", "QP206", "QP514", "QP725"])
def test_explain_reads_the_code_from_its_own_module(tmp_path: Path, code: str) -> None:
    status, out, _ = _qaplan(_MAIN, tmp_path, "validate", "--explain", code.lower())
    assert status == 0
    assert out.startswith(f"{code} ({CODES[code].severity}): {CODES[code].title}\n")


@pytest.mark.parametrize("args", [
    ("validate", "--help"),
    ("validate", "--bogus"),
    ("validate", "--format", "yaml", "."),
    ("overdue", "-h"),
    ("new", "--help"),
    ("new", "deviation", "--help"),
    ("import",),
])
def test_one_command_built_alone_parses_as_in_the_full_tree(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert _qaplan(_MAIN, tmp_path, *args) == _qaplan(_FULL, tmp_path, *args)

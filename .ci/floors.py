"""Print pip constraints that pin every dependency of pyproject.toml to its `>=` floor.

CI installs the project with these constraints in a second venv and runs the suite, so a floor
that no longer works fails CI instead of a user's fresh install. The pins come from
pyproject.toml each run, so they cannot drift from it.
Usage: python .ci/floors.py [EXTRA ...] > floors.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# A requirement as pyproject.toml writes them: a name, then comma-separated specifiers.
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)")


def floor(requirement: str) -> str:
    """`name>=1.2,<2` -> `name==1.2`; a requirement without a `>=` floor is an error."""
    match = _REQUIREMENT.fullmatch(requirement)
    if match is None or ";" in requirement or "[" in requirement:
        raise SystemExit(f"floors.py: cannot read the requirement {requirement!r}")
    name, specifiers = match.groups()
    floors = [spec.strip()[2:].strip() for spec in specifiers.split(",")
              if spec.strip().startswith(">=")]
    if len(floors) != 1:
        raise SystemExit(f"floors.py: {requirement!r} needs exactly one '>=' floor")
    return f"{name}=={floors[0]}"


def main(extras: list[str]) -> None:
    """Print one `name==floor` line per dependency, and per dependency of each extra."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    sys.stdout.write("".join(f"{floor(requirement)}\n" for requirement in requirements))


if __name__ == "__main__":
    main(sys.argv[1:])

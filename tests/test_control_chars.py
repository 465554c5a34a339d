"""Control characters in plan text: validate warns where they are, and no message prints them raw.

A double-quoted `"\\e[31m"`, `"\\x01"` or `"\\v"` puts a control character in a title, a note
or a key, from where it would recolour a terminal, clear a CI log's screen or, after a newline,
start a workflow command of its own (issue 13, point 11).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import run_cli, write

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "messages"
# What a terminal or a CI runner acts on: C0 controls (newline aside), DEL, C1 controls,
# line separators and bidirectional overrides.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

PLAN = """\
schema: qaplan/v1
plan: {{id: p, title: {title}}}
criteria:
  - title: C
    goals:
      - title: G
        activities:
          - title: A
            end: 2030
"""


def validate(*args: str) -> tuple[int, str]:
    result = run_cli("validate", "--as-of", "2025-06-01", *args)
    assert not RAW.search(result.stdout + result.stderr), repr(result.stdout + result.stderr)
    return result.exit_code, result.stdout


@pytest.mark.parametrize(("written", "escaped"), [
    (r'"Plan \e[31m red"', r"\x1b"),
    (r'"Plan \x01"', r"\x01"),
    (r'"Plan \v tab"', r"\x0b"),
    (r'"Plan \u202e desrever"', r"\u202e"),
    (r'"Plan \r over"', r"\x0d"),
])
def test_control_character_is_a_warning_at_the_scalar_shown_escaped(
    repo: Path, written: str, escaped: str
) -> None:
    write(repo / "plans/p.yaml", PLAN.format(title=written))
    code, out = validate()
    assert code == 0
    [line] = [line for line in out.splitlines() if " QP206 " in line]
    assert line.startswith("plans/p.yaml:2:22: warning QP206 ")
    assert f"control character {escaped}" in line
    code, _ = validate("--strict")
    assert code == 1


def test_plain_text_line_breaks_and_tabs_are_not_control_characters(repo: Path) -> None:
    write(repo / "plans/p.yaml", PLAN.format(title=r'"Plan\twith a tab"') + """\
            status:
              2024:
                state: ongoing
                note: |
                  Två rader,
                  helt vanliga.
""")
    code, out = validate()
    assert (code, out) == (0, "All good: 1 file checked, no findings.\n")


def test_control_character_in_a_key_is_escaped_in_every_message(repo: Path) -> None:
    shutil.copyfile(HOSTILE / "hostile-keys.yaml", repo / "plans/p.yaml")
    code, out = validate()
    assert code == 1
    assert not any(line.startswith("::") for line in out.splitlines()), out
    assert r"unknown key 'x\x0a::error file=evil.yaml,line=1::Injected'" in out
    assert r"\x1b]52;c;aGVsbG8=\x07" in out
    result = run_cli("validate", "--format", "github", "--as-of", "2025-06-01")
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert commands and all("plans/p.yaml" in line.split("::")[1] for line in commands)


def test_fixture_warns_once_per_scalar_with_positions(repo: Path) -> None:
    shutil.copyfile(HOSTILE / "control-characters.yaml", repo / "plans/p.yaml")
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01")
    assert result.exit_code == 0
    found = [(f["line"], f["column"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [(2, 22, "QP206"), (4, 12, "QP206"), (11, 44, "QP206")]
    assert not RAW.search(result.stdout)


def test_explain_describes_the_code() -> None:
    result = run_cli("validate", "--explain", "QP206")
    assert result.exit_code == 0
    assert "control character" in result.stdout

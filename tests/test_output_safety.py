"""What reaches a terminal, a CI log or a job summary: plan text is shown, never acted on.

Issue 13 points 11 (output) and 12, issue 12 points 16 (`--owner`) and 17 (counts).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, write

HOSTILE = ROOT / "tests/fixtures/hostile/output/control.yaml"
AS_OF = "2025-03-01"
# Anything a terminal or a log viewer would act on: C0 but nothing else, DEL, C1, U+2028/9, bidi.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
TITLE_SHOWN = r"Plan \x1b[31m red \x1b]52;c;ZXZpbA==\x07 clip \x01 \x0b \x0d end \u202e rtl"
INJECTED_SHOWN = r"\n::error file=evil.yaml,line=1::Injected"


@pytest.fixture
def hostile(repo: Path) -> Path:
    shutil.copy(HOSTILE, repo / "plans/control.yaml")
    return repo


def assert_inert(text: str) -> None:
    """No control character, and no line that GitHub would run as a workflow command."""
    assert not RAW_CONTROL.search(text), RAW_CONTROL.search(text)
    assert not [line for line in text.splitlines() if line.lstrip("\ufeff").startswith("::")]


@pytest.mark.parametrize("command", [("overdue",), ("status", "--within", "400")])
def test_tables_show_control_characters_as_escapes(hostile: Path, command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    assert INJECTED_SHOWN in result.stdout
    if command[0] == "overdue":
        assert r"PD – Director\x1b[2J" in result.stdout


def test_rich_table_on_a_terminal_shows_escapes(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qaplan.render.use_color", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli("overdue", "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 0
    # rich's own colour codes are "ESC [ ... m"; any other ESC came from the plan.
    plain = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)
    assert_inert(plain)
    assert r"Director\x1b[2J" in plain and INJECTED_SHOWN in plain


def test_markdown_shows_no_html_image_link_or_list_from_plan_text(hostile: Path) -> None:
    result = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--format", "markdown")
    text = result.stdout
    assert result.exit_code == 0
    assert_inert(text)
    assert "<details>" not in text and "<summary>" not in text and "&lt;details&gt;" in text
    assert "![" not in text and not re.search(r"(?<!\\)\]\(", text)  # no image, no link
    assert r"!\[img\]\(https://evil.example/x.png)" in text
    # The owner name's line break does not start a list item under the heading.
    heading = next(line for line in text.splitlines() if line.startswith("### KA"))
    assert heading == r"### KA – &lt;details&gt;hidden\\n- \[list item\]\(https://evil.example/)"
    assert not [line for line in text.splitlines() if line.startswith("- ")]
    row = next(line for line in text.splitlines() if "summary" in line)
    assert r"\*bold\* \`code\` \| pipe" in row
    assert row.count(" | ") == 5  # the title's "|" adds no column


def test_markdown_keeps_ordinary_text_readable(repo: Path) -> None:
    write(repo / "plans/p.yaml", """\
        schema: qaplan/v1
        plan: {id: plain-text, title: Plan}
        owners: {PD: {name: Programdirektör}}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - {id: C1.G1.A1, title: "Revise T6-T9 exams (2024–2025), step 1.", end: 2024, owners: [PD]}
        """)
    text = run_cli("overdue", "--as-of", AS_OF, "--format", "markdown", "--no-cache").stdout
    assert "| plain-text | C1.G1.A1 | Revise T6-T9 exams (2024–2025), step 1. |" in text


def test_csv_keeps_the_text_with_escapes_and_json_stays_exact(hostile: Path) -> None:
    csv_text = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--format", "csv").stdout
    assert_inert(csv_text.replace("\r\n", "\n"))
    assert INJECTED_SHOWN in csv_text
    data = json.loads(run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--format", "json").stdout)
    titles = {item["title"] for owner in data["owners"] for item in owner["activities"]}
    assert "\n::error file=evil.yaml,line=1::Injected" in titles  # JSON escapes it itself


def test_validate_text_keeps_one_finding_per_line(repo: Path) -> None:
    write(repo / "plans/evil.yaml", """\
        schema: qaplan/v1
        plan:
          id: evil
          title: "Plan \\e[31m red"
          "\\n::error file=evil.yaml,line=1::Injected": 1
        criteria: []
        """)
    text = run_cli("validate", "--no-cache").stdout
    assert_inert(text)
    assert len(text.splitlines()) == 3  # two findings and the summary
    github = run_cli("validate", "--no-cache", "--format", "github")
    assert github.exit_code == 1
    assert not RAW_CONTROL.search(github.stdout)
    lines = github.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::") for line in lines)
    assert "::error file=plans/evil.yaml,line=5" in lines[1]  # the real finding, and no other


def test_notes_on_stderr_show_escapes(hostile: Path) -> None:
    write(hostile / "plans/broken.yaml", """\
        schema: qaplan/v1
        plan: {id: broken, title: B}
        criteria:
          - title: C
            "\\e]52;c;ZXZpbA==\\a": 1
        """)
    result = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--skip-invalid")
    assert result.exit_code == 0
    assert "broken.yaml" in result.stderr
    assert_inert(result.stderr)


# --- counts (issue 12 point 17) ------------------------------------------------------------------

ONE = """\
schema: qaplan/v1
plan: {{id: one, title: One}}
owners: {{PD: {{name: Programdirektör}}}}
criteria:
  - title: C
    goals:
      - title: G
        activities:
          - {{id: C1.G1.A1, title: Late, end: 2024{owners}}}
"""


def test_one_of_each_is_singular(repo: Path) -> None:
    write(repo / "plans/one.yaml", ONE.format(owners=", owners: [PD]"))
    status = run_cli("status", "--as-of", AS_OF, "--no-cache").stdout.splitlines()[-1]
    assert status.startswith("1 plan, 1 activity: 0 done")
    overdue = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--within", "1").stdout
    assert overdue.splitlines()[0].endswith("(and due within 1 day)")
    assert overdue.splitlines()[-1] == (
        "1 activity overdue and 0 due within 1 day, for 1 owner (1 plan checked).")


def test_an_activity_without_owner_is_named_not_counted_as_zero_owners(repo: Path) -> None:
    write(repo / "plans/one.yaml", ONE.format(owners=""))
    text = run_cli("overdue", "--as-of", AS_OF, "--no-cache").stdout
    assert "(no owner)" in text
    assert text.splitlines()[-1] == "1 activity overdue, 1 without an owner (1 plan checked)."
    assert "0 owners" not in text


# --- --owner (issue 12 point 16) -----------------------------------------------------------------


def test_owner_in_another_case_finds_the_key(repo: Path) -> None:
    write(repo / "plans/one.yaml", ONE.format(owners=", owners: [PD]"))
    lower = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--owner", "pd", "-f", "json")
    assert lower.exit_code == 0, lower.stderr
    assert [group["owner"] for group in json.loads(lower.stdout)["owners"]] == ["PD"]


def test_owner_keys_that_differ_only_in_case_must_be_given_exactly(repo: Path) -> None:
    write(repo / "plans/one.yaml", ONE.format(owners=", owners: [PD, Pd]").replace(
        "{PD: {name: Programdirektör}}", "{PD: {name: A}, Pd: {name: B}}"))
    result = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--owner", "pd")
    assert result.exit_code == 2
    assert "'pd' matches 'PD' and 'Pd', which differ only in case" in result.stderr
    assert run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--owner", "Pd").exit_code == 0


def test_unknown_owner_says_did_you_mean(repo: Path) -> None:
    write(repo / "plans/one.yaml", ONE.format(owners=", owners: [PD]"))
    result = run_cli("overdue", "--as-of", AS_OF, "--no-cache", "--owner", "PDD")
    assert result.exit_code == 2
    assert "no owner 'PDD' in the plans or qaplan.yaml (did you mean 'PD'?)" in result.stderr
    assert "Traceback" not in result.stderr

"""Tables on a terminal (issue 12 point 21): ids never wrap, titles do, nothing is wider than it.

The bundled example repository (`plans/`) has plan ids of 22 characters; the rich layout is
forced as on a terminal, at the width `COLUMNS` gives.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from rich.cells import cell_len

AS_OF = "2026-03-01"
COLOUR = re.compile("\x1b\\[[0-9;]*m")


@pytest.fixture
def example(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The README's example plans, rendered as on a terminal."""
    for plan in (ROOT / "plans").glob("*.yaml"):
        shutil.copy(plan, repo / "plans" / plan.name)
    monkeypatch.setattr("qaplan.render.use_color", lambda: True)
    return repo


def terminal(monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_cli(*args, "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 0, result.stderr
    return [COLOUR.sub("", line) for line in result.stdout.splitlines()]


def ids(*args: str) -> set[str]:
    """The plan and activity ids the JSON of the same report names."""
    data = json.loads(run_cli(*args, "--as-of", AS_OF, "--no-cache", "-f", "json").stdout)
    found = {plan["plan"] for plan in data.get("plans", [])}
    for owner in data.get("owners", []):
        found |= {item["plan"] for item in owner["activities"]}
        found |= {item["id"] for item in owner["activities"]}
    for item in data.get("activities", []):
        found |= {item["plan"], item["id"]}
    return found


@pytest.mark.parametrize("width", [80, 100, 160])
@pytest.mark.parametrize("command", [("overdue",), ("status",), ("status", "--within", "60")])
def test_no_id_is_split_and_no_line_is_wider_than_the_terminal(
    example: Path, monkeypatch: pytest.MonkeyPatch, width: int, command: tuple[str, ...]
) -> None:
    lines = terminal(monkeypatch, width, *command)
    assert max(cell_len(line) for line in lines) <= width
    words = {word for line in lines for word in line.split()}
    expected = ids(*command)
    assert expected and expected <= words  # each id whole, on one line


def test_status_fits_100_columns_with_every_column_and_a_bar(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(terminal(monkeypatch, 100, "status"))
    for header in ("Plan", "Total", "Planned", "Ongoing", "Done", "Delayed", "Can-", "Not",
                   "Overdue", "Missing", "% done"):
        assert header in text
    total = next(line for line in text.splitlines() if line.startswith("Total "))
    assert total.split()[1:] == ["27", "2", "9", "8", "5", "2", "1", "11", "4", "█▋░░░", "32%"]
    assert "hidden" not in text


def test_status_at_160_columns_has_full_headers(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = terminal(monkeypatch, 160, "status")[1]
    assert "Activities" in header and "Not started" in header and "No follow-up 2025" in header


def test_status_at_80_columns_hides_the_least_read_states_and_says_so(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = " ".join(terminal(monkeypatch, 80, "status"))
    assert "Done" in text and "Overdue" in text and "32%" in text
    assert "(Planned, Cancelled, Not started: hidden at 80 columns;" in text


def test_titles_wrap_on_a_narrow_terminal(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = terminal(monkeypatch, 80, "overdue", "--owner", "MUR")
    row = next(i for i, line in enumerate(lines) if "C4.G1.A1" in line)
    assert "Studenter är" in lines[row] and "programbokslut" not in lines[row]
    assert any("programbokslut" in line for line in lines[row + 1:row + 6])

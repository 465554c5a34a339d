"""`qaplan overdue` over many plans: cold, warm and uncached runs print the same bytes, in every
format; a warm run builds no plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_scale
from conftest import run_cli
from test_scale import AS_OF

# The 60-plan repository checked in two worker processes, and the count of typed plans built.
many = test_scale.many
alive = test_scale.alive

RUNS = [
    ("--format", "table"),
    ("--format", "markdown", "--within", "30"),
    ("--format", "csv", "--lang", "sv"),
    ("--format", "json", "--within", "400", "--owner", "pd"),
]


def _overdue(*args: str) -> str:
    result = run_cli("overdue", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("args", RUNS, ids=lambda args: "-".join(args[1:]))
def test_cold_warm_and_uncached_runs_print_the_same(many: Path, alive: list[int], args: tuple[str, ...]) -> None:
    fresh = _overdue(*args, "--no-cache")
    assert fresh.count("plan-000") > 20  # the items of many plans are listed
    assert _overdue(*args) == fresh  # checked again, kept in the cache
    alive.clear()
    assert _overdue(*args) == fresh  # the plans' facts read back from the cache
    assert alive == []  # no plan built


def test_an_edited_plan_shows_in_the_next_warm_run(many: Path) -> None:
    before = _overdue("--format", "csv")
    assert _overdue("--format", "csv") == before
    changed = many / "plans" / "p007.yaml"
    text = changed.read_text(encoding="utf-8")
    assert "state: ongoing" in text
    changed.write_text(text.replace("state: ongoing", "state: done"), encoding="utf-8")
    after = _overdue("--format", "csv")
    assert after != before and after == _overdue("--format", "csv", "--no-cache")
    assert len(after.splitlines()) < len(before.splitlines())  # its done activities left the list

"""The cache of checked files and the process pool: same answers, safe against corruption and crashes."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import plan_text  # noqa: E402

from conftest import MINIMAL_PLAN, run_cli, write  # noqa: E402
from qaplan.engine import files as engine_files  # noqa: E402
from qaplan.engine import run as engine_run  # noqa: E402

AS_OF = "2026-11-23"


def _validate_json(*args: str) -> dict[str, object]:
    result = run_cli("validate", "--format", "json", "--as-of", AS_OF, *args)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_second_run_reads_the_cache_and_gives_the_same_findings(repo: Path) -> None:
    path = write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p").replace("[PD]", "[PD, X]"))
    first = _validate_json()
    entries = list((repo / ".qaplan_cache").rglob("*.json"))
    assert len(entries) == 1
    assert (repo / ".qaplan_cache/.gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert _validate_json() == first
    # An edit changes the key: the new content is checked, not the old answer reused.
    path.write_text(MINIMAL_PLAN.format(plan_id="p"), encoding="utf-8")
    assert _validate_json()["errors"] == 0


def test_corrupt_cache_entries_are_ignored(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p").replace("[PD]", "[PD, X]"))
    first = _validate_json()
    for entry in (repo / ".qaplan_cache").rglob("*.json"):
        entry.write_bytes(b"\x00garbage{")
    assert _validate_json() == first
    for entry in (repo / ".qaplan_cache").rglob("*.json"):
        entry.write_text(json.dumps({"key": entry.stem, "kind": "plan"}), encoding="utf-8")
    assert _validate_json() == first


def test_cache_depends_on_repository_file_and_as_of_year(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p").replace("[PD]", "[PD, KA]"))
    assert _validate_json()["errors"] == 1
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners: {KA: {name: Kursansvarig}}\n")
    assert _validate_json()["errors"] == 0
    late = run_cli("validate", "--format", "json", "--as-of", "2023-05-01")
    assert json.loads(late.stdout)["errors"] == 1  # status year 2024 is in the future then


def test_no_cache_writes_nothing(repo: Path) -> None:
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    assert run_cli("validate", "--no-cache").exit_code == 0
    assert not (repo / ".qaplan_cache").exists()


def _many_plans(repo: Path, count: int) -> None:
    for index in range(count):
        write(repo / f"plans/p{index:03d}.yaml", plan_text(index, criteria=1, goals=1, activities=2))


def test_pool_gives_the_same_answer_as_one_process(repo: Path) -> None:
    _many_plans(repo, 60)
    write(repo / "plans/p007.yaml", plan_text(7, criteria=1, goals=1, activities=2)
          .replace("end:", "end: 1999 #", 1))
    one = engine_run.check_paths(["plans"], date(2026, 11, 23), use_cache=False, jobs=1)
    two = engine_run.check_paths(["plans"], date(2026, 11, 23), use_cache=False, jobs=2)
    assert one.findings == two.findings
    assert one.findings
    assert [r.file for r in one.files] == [r.file for r in two.files]
    assert [r.file_id for r in one.files] == [r.file_id for r in two.files]


@pytest.mark.skipif(sys.platform != "linux", reason="the crash is injected through fork")
def test_a_worker_that_crashes_costs_only_its_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_plans(repo, 60)
    real = engine_files.check_file

    def crash_on_one(candidate, config, as_of, raw=None, **options):  # type: ignore[no-untyped-def]
        if candidate.display.endswith("p042.yaml"):
            os._exit(139)  # what a segfault in a C extension looks like to the pool
        return real(candidate, config, as_of, raw, **options)

    monkeypatch.setattr(engine_files, "check_file", crash_on_one)
    run = engine_run.check_paths(["plans"], date(2026, 11, 23), use_cache=False, jobs=2)
    files = [r.file for r in run.files]
    assert len(files) == 60
    crashed = [f for f in run.findings if f.code == "QP011"]
    assert [(f.file, f.message) for f in crashed] == [
        ("plans/p042.yaml", "cannot read the file: the YAML parser crashed on this file")]


def test_reports_from_the_cache_match_a_fresh_run(repo: Path) -> None:
    _many_plans(repo, 3)
    args = ("overdue", "--format", "json", "--as-of", AS_OF, "plans")
    fresh = run_cli(*args, "--no-cache").stdout
    assert run_cli(*args).stdout == fresh  # fills the cache
    assert run_cli(*args).stdout == fresh  # reads the plans' data back from it


def test_an_entry_with_damaged_data_is_checked_again(repo: Path) -> None:
    _many_plans(repo, 1)
    args = ("overdue", "--format", "json", "--as-of", AS_OF, "plans")
    fresh = run_cli(*args).stdout
    for entry in (repo / ".qaplan_cache").rglob("*.json"):
        head = entry.read_bytes().partition(b"\n")[0]
        entry.write_bytes(head + b"\n{\"plan\": [trunc")
    again = run_cli(*args)
    assert again.exit_code == 0
    assert again.stdout == fresh

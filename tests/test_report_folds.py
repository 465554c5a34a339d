"""`qaplan report` reads each plan's facts, worked out where the plan is checked and cached: a
cold, a warm and a --no-cache run print the same bytes in every format, a warm run builds no
plan, and an edited plan shows in the next warm report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import test_scale
from conftest import run_cli, write
from report_units import AS_OF, build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import plan_text

PLANS = 60  # more than the pool's threshold (48): the facts are worked out in its workers
FORMATS = ("markdown", "json", "html", "table")


built = test_scale.alive  # how many typed plans this process holds each time it builds one


@pytest.fixture
def many(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PLANS plans under a units tree of two faculties (sv and nb), checked in two workers."""
    monkeypatch.setenv("QAPLAN_JOBS", "2")
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\nunits:\n"
          "  F1: {name: Fakultet ett}\n  F2: {name: Fakultet to}\n")
    for index in range(PLANS):
        text = plan_text(index, criteria=2, goals=1, activities=3)
        unit = "F1" if index % 3 else "F2"
        language = "sv" if index % 3 else "nb"
        text = text.replace("  language: sv\n", f"  language: {language}\n  unit: {unit}\n", 1)
        write(repo / f"plans/p{index:03d}.yaml", text)
    return repo


def report(fmt: str, *args: str) -> str:
    result = run_cli("report", "--as-of", "2026-11-23", "--format", fmt, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_cold_warm_and_uncached_reports_are_the_same(many: Path, fmt: str) -> None:
    fresh = report(fmt, "--no-cache")
    assert "plan-00059" in fresh and "F2" in fresh
    assert report(fmt) == fresh  # worked out by the pool's workers, and cached
    assert report(fmt) == fresh  # read from the cache
    assert report(fmt, "--lang", "en") == report(fmt, "--lang", "en", "--no-cache")
    assert report(fmt, "--unit", "F2", "--year", "2024") == report(
        fmt, "--unit", "F2", "--year", "2024", "--no-cache")


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_a_warm_report_builds_no_plan(many: Path, built: list[int], fmt: str) -> None:
    fresh = report(fmt, "--no-cache")
    assert built == []  # checked in the pool's workers, whose facts come back
    assert report(fmt) == fresh
    built.clear()
    assert report(fmt) == fresh
    assert built == []
    changed = many / "plans" / "p007.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "state: ongoing", "state: delayed"), encoding="utf-8")
    again = report(fmt)
    assert len(built) == 1  # only the edited plan is checked and drawn again
    assert again != fresh and again == report(fmt, "--no-cache")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_units_fixture_reads_alike_from_the_cache(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      fmt: str) -> None:
    build(tmp_path)
    monkeypatch.chdir(tmp_path)
    for args in ((), ("--unit", "INB"), ("--lang", "nb"), ("--year", "2024")):
        fresh = run_cli("report", "--as-of", AS_OF, "-f", fmt, "--no-cache", *args).stdout
        for _run in range(2):
            assert run_cli("report", "--as-of", AS_OF, "-f", fmt, *args).stdout == fresh


def test_a_report_written_to_a_file_replaces_it_whole(many: Path) -> None:
    target = many / "report.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    result = run_cli("report", "--as-of", "2026-11-23", "-o", "report.md", "--force")
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == report("markdown")
    assert target.stat().st_mode & 0o777 == 0o640
    assert [path.name for path in many.iterdir() if path.name.startswith(".report")] == []
    missing = run_cli("report", "--as-of", "2026-11-23", "-o", "nowhere/report.md")
    assert missing.exit_code == 2 and "nowhere/report.md: cannot write" in missing.stderr


def test_the_library_report_and_its_streamed_json_agree(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`yearly_report` over typed plans (the library) gives the data that the command line
    streams, and its `as_json` is what `--format json` prints."""
    import io
    from datetime import date

    from qaplan.git import source_of
    from qaplan.render.json import leaves_inline
    from qaplan.render.yearly_json import write_report
    from qaplan.reports.yearly import yearly_report
    from qaplan.workspace import load

    build(tmp_path)
    monkeypatch.chdir(tmp_path)
    workspace = load(["plans"], use_cache=False)
    result = yearly_report(workspace.plans(), workspace.units, date.fromisoformat(AS_OF),
                           source_of(["plans", "qaplan.yaml"]),
                           earlier=workspace.earlier_activities())
    streamed = io.BytesIO()
    write_report(result, streamed.write)
    printed = run_cli("report", "--as-of", AS_OF, "-f", "json").stdout
    assert streamed.getvalue().decode() == leaves_inline(result.as_json()) == printed


@pytest.mark.parametrize("batch", [1, 3, 4, 5, 7, 1000])
def test_listed_lines_are_written_in_batches_without_a_seam(batch: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """However a unit's texts fall into batches, they keep their order and the lines come
    out one `between` apart, no separator first or last."""
    from qaplan.render import yearly_json
    from qaplan.reports import yearly

    monkeypatch.setattr(yearly, "BATCH", batch)
    unit = yearly.UnitReport("u", "U", None, "en")
    unit.listed = [yearly.Listed([b"a", b"", b"", b""], []),  # a plan's lines under "done"
                   yearly.Listed([b"bb\ncc", b"", b"", b""], []),
                   yearly.Listed([b"", b"", b"", b""], []),
                   yearly.Listed([b"d\nee\nf", b"", b"", b""], [])]
    batches = unit.batches("done")
    assert [text for texts in batches for text in texts] == [b"a", b"bb\ncc", b"d\nee\nf"]
    assert len(batches) == (3 if batch < 10 else 1)
    written: list[bytes] = []
    yearly_json._items(batches, b",\n  ", written.append)
    assert b"".join(written) == b"a,\n  bb,\n  cc,\n  d,\n  ee,\n  f"

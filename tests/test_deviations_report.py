"""`qaplan deviations`: the register per unit (rolled up the tree) and category, the cases with
their age, overdue measures, and the year's cases received and closed, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write
from register_fixture import AS_OF, build

from qaplan import i18n
from qaplan.formats.deviation import build as build_case
from qaplan.reports.cases import age_days, measure_state_on, open_on, state_on
from qaplan.values import CATEGORIES, LANGUAGES


@pytest.fixture
def register(repo: Path) -> Path:
    return build(repo)


def report_json(*args: str) -> dict[str, Any]:
    result = run_cli("deviations", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_units_are_rolled_up_the_tree_and_a_case_without_a_unit_is_other(register: Path) -> None:
    units = report_json()["units"]
    assert [(u["unit"], u["depth"], u["cases"], u["cases_total"], u["oldest_days"])
            for u in units] == [
        ("med", 0, 0, 3, 236),
        ("med-ikm", 1, 1, 3, 236),
        ("med-lak", 2, 2, 2, 92),
        (None, 0, 1, 1, 351),
    ]
    assert units[0]["name"] == "Medicinska fakulteten"


def test_cases_are_listed_as_they_stood_on_the_as_of_date(register: Path) -> None:
    cases = report_json()["cases"]
    # AV-2025-006 was closed after the as-of date, AV-2025-008 reported after it.
    assert [(c["id"], c["state"], c["age_days"], c["measures_open"], c["measures_overdue"])
            for c in cases] == [
        ("AV-2024-007", "in-progress", 351, 1, 1),
        ("AV-2025-002", "in-progress", 236, 2, 1),
        ("AV-2025-006", "in-progress", 92, 1, 1),
        ("AV-2025-001", "received", 12, 0, 0),
    ]
    assert cases[1] == {
        "id": "AV-2025-002", "file": "deviations/2025/AV-2025-002.yaml",
        "title": "Harsh tone in supervision meetings", "unit": "med-ikm",
        "category": "learning-environment-psychosocial", "state": "in-progress",
        "reported": "2025-03-10", "age_days": 236, "handler": "QC", "measures_open": 2,
        "measures_overdue": 1,
    }


def test_the_year_counts_received_closed_and_the_median_days_to_close(register: Path) -> None:
    data = report_json()
    by_category = {row["category"]: row for row in data["categories"]}
    assert list(by_category) == list(CATEGORIES)
    assert by_category["education-quality"] == {
        "category": "education-quality", "cases": 3, "received": 3, "closed": 1,
        "median_days_to_close": 70}
    assert by_category["learning-environment-physical"]["median_days_to_close"] == 30
    assert by_category["hms"] == {"category": "hms", "cases": 0, "received": 0, "closed": 0,
                                  "median_days_to_close": None}
    assert data["totals"] == {"cases": 4, "received": 6, "closed": 2, "median_days_to_close": 50}
    assert data["year"] == 2025 and data["states"] == ["received", "in-progress"]


def test_overdue_measures_of_the_listed_cases(register: Path) -> None:
    measures = report_json()["overdue_measures"]
    assert [(m["case"], m["id"], m["owner"], m["due"], m["days_overdue"], m["state"])
            for m in measures] == [
        ("AV-2024-007", "M1", "GA", "2025-06-30", 124, "accepted"),
        ("AV-2025-002", "M1", "PD", "2025-06-30", 124, "accepted"),
        ("AV-2025-006", "M1", "GA", "2025-10-01", 31, "accepted"),
    ]


def test_unit_takes_the_unit_and_its_sub_units(register: Path) -> None:
    data = report_json("--unit", "med-ikm")
    assert [c["id"] for c in data["cases"]] == ["AV-2025-002", "AV-2025-006", "AV-2025-001"]
    assert data["unit"] == "med-ikm"
    assert data["totals"]["received"] == 3  # 001, 002 and 006; not hf's or the unit-less one
    assert [u["unit"] for u in data["units"]] == ["med", "med-ikm", "med-lak"]


def test_state_and_year_choose_what_is_listed_and_counted(register: Path) -> None:
    data = report_json("--state", "closed", "--state", "rejected", "--year", "2024")
    # oldest first: a closed case's age runs to its closing
    assert [(c["id"], c["age_days"]) for c in data["cases"]] == [
        ("AV-2025-003", 70), ("AV-2025-005", 61), ("AV-2025-004", 30)]
    assert data["overdue_measures"] == []
    assert data["totals"] == {"cases": 3, "received": 1, "closed": 0, "median_days_to_close": None}


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "med-lk"], ("--unit: no unit 'med-lk' in qaplan.yaml's units or the cases "
                           "(did you mean 'med-lak' or 'med-ikm'?)")),
    (["--state", "open"], "--state: 'open' is not one of received, rejected, in-progress, closed"),
    (["--format", "html"], "--format: 'html' is not one of"),
])
def test_bad_options_exit_2(register: Path, args: list[str], message: str) -> None:
    result = run_cli("deviations", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_table_for_people(register: Path) -> None:
    result = run_cli("deviations", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Deviation register as of 2025-11-01 (year 2025)\n")
    assert "· · Läkarprogrammet" in out
    assert "Psychosocial learning environment" in out
    assert "2025-06-30 (VT2025)" in out and "124 days" in out
    assert out.rstrip().endswith(
        "4 cases received/in-progress (oldest 351 days), 3 measures overdue; 2025: 6 received, "
        "2 closed, median 50 days to close (8 case files read).")


def test_norwegian_labels_as_the_seed_words_them(register: Path) -> None:
    result = run_cli("deviations", "--as-of", AS_OF, "--lang", "nb", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    for word in ("Avviksregisteret per 2025-11-01", "Utdanningskvalitet",
                 "Psykososialt læringsmiljø", "Fysisk læringsmiljø", "HMS", "Varsling",
                 "under behandling", "Saker per enhet (mottatt, under behandling)"):
        assert word in result.stdout, word


def test_csv_is_one_table_per_section(register: Path) -> None:
    result = run_cli("deviations", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("\ufeff")
    tables = [list(csv.reader(io.StringIO(block)))
              for block in re.split(r"\r?\n\r?\n", result.stdout.lstrip("\ufeff").strip())]
    assert [table[0] for table in tables] == [
        ["Unit", "Cases", "Incl. sub-units", "Oldest (days)"],
        ["Category", "Cases", "Received 2025", "Closed 2025", "Median days to close 2025"],
        ["Case", "File", "Title", "Unit", "Category", "State", "Reported", "Age (days)",
         "Handler", "Open measures", "Overdue"],
        ["Case", "File", "ID", "Measure", "Owner", "Due", "Days overdue", "State"],
    ]
    assert tables[0][1] == ["med", "0", "3", "236"]
    assert tables[1][-1] == ["Total", "4", "6", "2", "50"]
    assert tables[2][1][:6] == ["AV-2024-007", "deviations/2024/AV-2024-007.yaml",
                                "Feedback on assignments never came", "",
                                "education-quality", "in-progress"]


def test_without_a_units_tree_each_unit_stands_alone(repo: Path) -> None:
    build(repo)
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners:\n  PD: {name: P}\n  KA: {name: K}\n"
          "  GA: {name: G}\n  QC: {name: Q}\n")
    data = report_json()
    assert [(u["unit"], u["depth"], u["cases"]) for u in data["units"]] == [
        ("med-ikm", 0, 1), ("med-lak", 0, 2), (None, 0, 1)]
    result = run_cli("deviations", "--unit", "nope")
    assert result.exit_code == 2 and "--unit: no unit 'nope'" in result.stderr


def test_a_repository_without_cases(repo: Path) -> None:
    build(repo)
    shutil.rmtree(repo / "deviations")
    result = run_cli("deviations")
    assert result.exit_code == 2
    assert "no valid deviation files to report on" in result.stderr


def test_a_case_with_errors_is_refused(register: Path) -> None:
    bad = register / "deviations/2025/AV-2025-001.yaml"
    bad.write_text(bad.read_text().replace("state: received", "state: open"), encoding="utf-8")
    result = run_cli("deviations")
    assert result.exit_code == 2
    assert "deviations/2025/AV-2025-001.yaml" in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_category_has_a_label_in_every_language(language: str) -> None:
    labels = i18n.CATEGORY_LABELS[language]
    assert set(labels) == set(CATEGORIES)
    assert len(set(labels.values())) == len(CATEGORIES)


def case(**fields: Any) -> Any:
    """A typed case from the fields a case file would hold."""
    data = {"id": "AV-2025-001", "title": "T", "reported": "2025-03-01",
            "category": "education-quality", "state": "in-progress", **fields}
    return build_case({"schema": "qaplan/v1", "deviation": data})


def test_a_case_closed_after_the_as_of_date_was_still_in_progress() -> None:
    closed = case(state="closed", closing={"date": "2025-06-01", "note": "Done."})
    assert state_on(closed, date(2025, 5, 31)) == "in-progress"
    assert open_on(closed, date(2025, 5, 31))
    assert state_on(closed, date(2025, 6, 1)) == "closed"
    assert age_days(closed, date(2025, 5, 31)) == 91
    assert age_days(closed, date(2026, 1, 1)) == 92  # to the closing
    assert not open_on(closed, date(2025, 2, 28))  # not reported yet


def test_a_measure_done_after_the_as_of_date_was_still_open() -> None:
    measure = case(measures=[{"title": "M", "state": "done",
                              "done": {"date": "2025-04-01", "note": "n"}}]).measures[0]
    assert measure_state_on(measure, date(2025, 3, 31)) == "accepted"
    assert measure_state_on(measure, date(2025, 4, 1)) == "done"


def test_a_repository_without_cases_says_what_it_found_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(Path(__file__).parent.parent / "plans", tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    result = run_cli("deviations")
    assert result.exit_code == 2
    assert "no valid deviation files to report on" in result.stderr
    assert "3 plan files, not deviation files" in result.stderr

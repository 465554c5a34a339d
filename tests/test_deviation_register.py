"""The deviation register: its fixture validates clean, each bad case gives its finding at its line,
the typed case, `qaplan schema --kind deviation` and `--explain` for every QP5xx code."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

from qaplan.checks import deviation as deviation_checks
from qaplan.formats.deviation import build
from qaplan.kinds import KINDS
from qaplan.values import CASE_STATES, CATEGORIES

REGISTER = ROOT / "tests/fixtures/register"
BAD = ROOT / "tests/fixtures/register_bad"
AS_OF = "2026-06-30"  # the fixture's fixed date: every date in it lies on or before it
_MARK = re.compile(r"#\s*<-\s*(QP[0-9]{3})")


def _validate(*args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("validate", "--no-cache", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("as_of", [AS_OF, "2026-12-01"])
def test_the_register_validates_clean(as_of: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REGISTER)
    code, report = _validate("--as-of", as_of)
    assert code == 0, report["findings"]
    assert report["findings"] == []
    assert report["files"] == 13  # qaplan.yaml and a dozen cases


def test_an_empty_plans_folder_beside_the_register_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default paths are plans/ and deviations/: one of them with files is enough."""
    import shutil

    shutil.copytree(REGISTER, tmp_path / "repo")
    (tmp_path / "repo/plans").mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path / "repo")
    code, report = _validate("--as-of", AS_OF)
    assert code == 0 and report["files"] == 13
    result = run_cli("deviations", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_the_register_has_every_state_and_category() -> None:
    from qaplan.loader import read

    cases = [build(read(path, path.name).data) for path in sorted(REGISTER.rglob("AV-*.yaml"))]
    assert len(cases) == 12
    assert {case.state for case in cases} == set(CASE_STATES)
    assert {case.category for case in cases} == set(CATEGORIES)
    overdue = {(case.id, m.id) for case in cases for m in case.measures
               if m.open and m.due is not None and m.due < date(2026, 12, 1)}
    assert overdue == {("AV-2025-003", "M1"), ("AV-2025-003", "M2"), ("AV-2025-006", "M1"),
                       ("AV-2026-002", "pensum"), ("AV-2026-006", "M1")}


@pytest.fixture(scope="module")
def bad_findings() -> dict[str, list[tuple[str, int]]]:
    """The findings of the bad register, as (code, line) per file name."""
    import os

    here = os.getcwd()
    os.chdir(BAD)
    try:
        code, report = _validate("--as-of", AS_OF, ".")
    finally:
        os.chdir(here)
    assert code == 1
    found: dict[str, list[tuple[str, int]]] = {}
    for finding in report["findings"]:
        found.setdefault(Path(finding["file"]).name, []).append((finding["code"], finding["line"]))
    return found


def _marked(path: Path) -> list[tuple[str, int]]:
    return [(match.group(1), number)
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for match in _MARK.finditer(line)]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda path: path.stem)
def test_each_bad_case_gives_its_finding_at_its_line(
    path: Path, bad_findings: dict[str, list[tuple[str, int]]]
) -> None:
    assert sorted(bad_findings.get(path.name, [])) == _marked(path)


def test_every_case_check_has_a_bad_case() -> None:
    marked = {code for path in BAD.glob("*.yaml") for code, _ in _marked(path)}
    assert {code.code for code in deviation_checks.CODES} <= marked


def test_personal_data_in_a_case_is_an_error_and_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_cli("validate", "--no-cache", "--as-of", AS_OF, "QP515.yaml")
    assert result.exit_code == 1
    assert "QP515.yaml:9:14: error QP515 personal data in a case: e-mail address " \
        "'o***@student.ntnu.no'" in result.stdout
    assert "ola.nordmann" not in result.stdout


def test_a_case_id_twice_is_named_a_case_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_cli("validate", "--no-cache", "--as-of", AS_OF, "QP112_b.yaml")
    assert "QP112_b.yaml:3:7: error QP112 case id 'AV-2025-120' is also used by QP112_a.yaml" \
        in result.stdout


@pytest.mark.parametrize("code", [code.code for code in deviation_checks.CODES])
def test_every_code_is_explained(code: str) -> None:
    result = run_cli("validate", "--explain", code)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{code} (")
    assert "How to fix it" in result.stdout


def test_the_typed_case_reads_dates_as_text_or_dates() -> None:
    data = {"schema": "qaplan/v1", "deviation": {
        "id": "AV-2025-001", "title": "T", "reported": "2025-03-14", "category": "hms",
        "state": "closed", "personnel_matter": True,
        "measures": [{"title": "A", "deadline": "HT25", "state": "done",
                      "done": {"date": date(2025, 9, 1), "note": "n"}},
                     {"id": "x", "title": "B", "deadline": 2026}],
        "closing": {"date": "2025-10-01", "note": "Closed."},
    }}
    case = build(data)
    assert case.reported == date(2025, 3, 14)
    assert case.personnel_matter and not case.open and case.closed_on == date(2025, 10, 1)
    first, second = case.measures
    assert (first.id, first.derived_id, first.path) == ("M1", True, ("deviation", "measures", 0))
    assert first.due == date(2025, 12, 31) and not first.open
    assert first.done is not None and first.done.date == date(2025, 9, 1)
    assert (second.id, second.derived_id, second.state, second.open) == ("x", False, "proposed", True)
    assert second.due == date(2026, 12, 31)


def test_the_schema_model_has_the_format_s_choices() -> None:
    from typing import get_args

    from qaplan import values as deviation  # the words of a case file
    from qaplan.model_deviation import CaseState, Category, Consequence, MeasureState

    assert get_args(Category) == deviation.CATEGORIES
    assert get_args(CaseState) == deviation.CASE_STATES
    assert get_args(MeasureState) == deviation.MEASURE_STATES
    assert get_args(Consequence) == deviation.CONSEQUENCES


def test_the_deviation_kind_is_registered() -> None:
    kind = KINDS["deviation"]
    assert (kind.key, kind.id_path, kind.schema_file) == (
        "deviation", ("deviation", "id"), "deviation.schema.json")


def test_a_file_that_looks_like_a_case_needs_the_schema_line(tmp_path: Path) -> None:
    path = tmp_path / "AV-2025-001.yaml"
    path.write_text("deviation: {id: AV-2025-001, title: T}\n", encoding="utf-8")
    result = run_cli("validate", "--no-cache", str(path))
    assert result.exit_code == 1
    assert "QP008" in result.stdout and "looks like a deviation" in result.stdout


def test_the_schema_file_has_the_modeline_target() -> None:
    schema = json.loads((ROOT / "schemas/deviation.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["deviation"]["$ref"] == "#/$defs/DeviationCase"
    first = next(REGISTER.rglob("AV-*.yaml")).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../../../schemas/deviation.schema.json"


def test_a_warning_on_a_case_can_be_silenced_an_error_cannot(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "qaplan.yaml").write_text(
        (REGISTER / "qaplan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    case = tmp_path / "deviations/2026/AV-2026-050.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(
        "schema: qaplan/v1\n"
        "deviation:\n"
        "  id: AV-2026-050\n"
        "  title: Stige uten sikring i laboratoriet\n"
        "  reported: 2026-05-04\n"
        "  category: hms  # qaplan: ignore[QP508]\n"
        "  unit: IBI\n"
        "  handler: SK-VN  # qaplan: ignore[QP514]\n"
        "  state: received\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, report = _validate("--as-of", AS_OF)
    assert code == 1
    assert sorted((f["code"], f["line"], f["message"]) for f in report["findings"]) == [
        ("QP401", 8, "this ignore comment names the error QP514, which cannot be silenced; the "
         "error is still reported"),
        ("QP514", 8, "handler 'SK-VN' is not declared in the owners of qaplan.yaml "
         "(did you mean 'SK-NV'?)"),
    ]

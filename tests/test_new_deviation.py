"""`qaplan new deviation`: the next free id of the year, the file it writes, and what it refuses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli, write

from qaplan import register

CONFIG = """\
schema: qaplan/v1
owners:
  SK: {name: Studiekvalitetskontakt}
units:
  NV: {name: Fakultet for naturvitenskap}
  IBI: {name: Institutt for biologi, parent: NV}
"""
NEW = ("new", "deviation", "--unit", "IBI", "--category", "education-quality")


@pytest.fixture
def register_repo(repo: Path) -> Path:
    write(repo / "qaplan.yaml", CONFIG)
    (repo / "plans").rmdir()  # a register without plans: validate's default is deviations/
    return repo


def test_two_in_a_row_get_consecutive_ids(register_repo: Path) -> None:
    first = run_cli(*NEW, "--title", "Forelesninger avlyst", "--reported", "2025-03-14")
    second = run_cli(*NEW, "--title", "Ingen \"pensumliste\": ennå", "--reported", "2025-03-15")
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.stdout == "deviations/2025/AV-2025-001.yaml\n"
    assert second.stdout == "deviations/2025/AV-2025-002.yaml\n"
    assert "`qaplan schema --kind deviation -o schemas/deviation.schema.json`" in first.stderr
    text = (register_repo / "deviations/2025/AV-2025-002.yaml").read_text(encoding="utf-8")
    assert text == (
        "# yaml-language-server: $schema=../../schemas/deviation.schema.json\n"
        "schema: qaplan/v1\n"
        "deviation:\n"
        "  id: AV-2025-002\n"
        "  title: \"Ingen \\\"pensumliste\\\": ennå\"\n"
        "  reported: 2025-03-15\n"
        "  category: education-quality\n"
        "  unit: IBI\n"
        "  state: received\n"
    )
    result = run_cli("validate", "--no-cache", "--as-of", "2025-12-01")
    assert result.exit_code == 0, result.stdout
    assert "3 files checked, no findings" in result.stdout


def test_the_number_follows_names_and_ids_of_the_year(register_repo: Path) -> None:
    run_cli(*NEW, "--title", "A", "--reported", "2025-01-02")
    # A case written by hand under another name, and an older year's higher number.
    case = (register_repo / "deviations/2025/AV-2025-001.yaml").read_text(encoding="utf-8")
    write(register_repo / "deviations/2025/hand.yaml", case.replace("AV-2025-001", "AV-2025-007"))
    write(register_repo / "deviations/2024/AV-2024-031.yaml", "not: a case\n")
    result = run_cli(*NEW, "--title", "B", "--reported", "2025-06-01")
    assert result.stdout == "deviations/2025/AV-2025-008.yaml\n"
    result = run_cli(*NEW, "--title", "C", "--year", "2024", "--reported", "2025-01-05")
    assert result.stdout == "deviations/2024/AV-2024-032.yaml\n"


def test_today_is_the_default_and_dir_is_an_option(register_repo: Path) -> None:
    result = run_cli(*NEW, "--title", "T", "--dir", "register/avvik")
    year = date.today().year
    assert result.stdout == f"register/avvik/{year}/AV-{year}-001.yaml\n"
    text = (register_repo / result.stdout.strip()).read_text(encoding="utf-8")
    assert f"reported: {date.today().isoformat()}\n" in text
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/deviation.schema.json")


def test_a_clash_after_a_merge_is_caught_by_validate(register_repo: Path) -> None:
    assert run_cli(*NEW, "--title", "On main", "--reported", "2025-03-14").exit_code == 0
    # The same number taken on another branch, under another file name, then merged.
    write(register_repo / "deviations/2025/AV-2025-001-branch.yaml",
          (register_repo / "deviations/2025/AV-2025-001.yaml").read_text(encoding="utf-8")
          .replace("On main", "On a branch"))
    result = run_cli("validate", "--no-cache", "--format", "json", "--as-of", "2025-12-01")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["line"], f["message"]) for f in findings] == [
        ("QP112", 4, "case id 'AV-2025-001' is also used by deviations/2025/AV-2025-001-branch.yaml")]


@pytest.mark.parametrize(("options", "message"), [
    (["--unit", "IBX", "--category", "hms"],
     "--unit: 'IBX' is not in the units tree of qaplan.yaml (did you mean 'IBI'?)"),
    (["--unit", "IBI", "--category", "education_quality"], "(did you mean 'education-quality'?)"),
    (["--unit", "IBI", "--category", "hms", "--reported", "14.03.2025"], "--reported: '14.03.2025'"),
])
def test_unknown_unit_or_category_exits_2(register_repo: Path, options: list[str],
                                          message: str) -> None:
    result = run_cli("new", "deviation", "--title", "T", *options)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (register_repo / "deviations").exists()


def test_a_title_with_personal_data_is_refused_masked(register_repo: Path) -> None:
    result = run_cli(*NEW, "--title", "Kontakt kari@example.no")
    assert result.exit_code == 2
    assert "k***@example.no" in result.stderr and "kari@" not in result.stderr


def test_without_a_units_tree_any_unit_is_taken(repo: Path) -> None:
    result = run_cli("new", "deviation", "--unit", "Biologi", "--category", "other",
                     "--title", "T", "--reported", "2025-01-01")
    assert result.exit_code == 0
    assert "  unit: Biologi\n" in (repo / result.stdout.strip()).read_text(encoding="utf-8")


def test_an_existing_file_is_never_replaced(register_repo: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    taken = write(register_repo / "deviations/2025/AV-2025-001.yaml", "# someone else's\n")
    # As if another process wrote the file after the register was scanned.
    monkeypatch.setattr(register, "case_ids", lambda directory: iter(()))
    path = register.new_case(Path("deviations"), unit="IBI", category="other", title="T",
                             reported=date(2025, 5, 1))
    assert path == Path("deviations/2025/AV-2025-002.yaml")
    assert taken.read_text(encoding="utf-8") == "# someone else's\n"
    assert sorted(p.name for p in taken.parent.iterdir()) == ["AV-2025-001.yaml",
                                                               "AV-2025-002.yaml"]

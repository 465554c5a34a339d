"""qaplan rollover: the next plan period written, unfinished work carried over, the old plan closed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import run_cli, write

from qaplan.formats.plan import Period
from qaplan.rollover import default_id, next_title, parse_period

OLD = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
# Programmets kvalitetsplan. Redigeras av kvalitetssamordnaren.
schema: qaplan/v1
plan:
  id: prog-2020-2026      # do not rename: CI depends on it
  title: Programmet – kvalitetsplan 2020–2026
  language: sv
  period: {start: 2020, end: 2026}
owners:
  PD: {name: Programdirektör}   # the director
  KA: {name: Kursansvarig}
criteria:
  # --- first criterion ---
  - id: C1
    title: Studieresultaten motsvarar lärandemål.
    goals:
      - id: C1.G1
        title: Användbar återkoppling
        activities:
          - id: C1.G1.A1
            title: Analysera återkopplingen
            start: 2022
            end: 2024
            owners: [PD]
            status:
              2023: {state: ongoing, note: Samlas in.}
              2024: {state: done, note: Klart.}
          - id: C1.G1.A2
            title: Följ upp användningen   # carried over
            start: 2023
            end: VT25
            owners: [KA]
            status:
              2025: {state: delayed, note: Inget nytt.}
          - title: Utan id
            end: 2026
            owners: [PD, KA]
  - id: C2
    title: Lärandet i fokus.
    goals:
      - id: C2.G1
        title: Eget ansvar
        activities:
          - id: C2.G1.A1
            title: Inställd aktivitet
            end: 2025
            status:
              2024: {state: cancelled, note: Ersatt av annat.}
# end of plan
"""
CLOSED_LINE = "  closed: 2026-12-31\n"
PERIOD_LINE = "  period: {start: 2020, end: 2026}\n"


@pytest.fixture
def old_plan(repo: Path) -> Path:
    return write(repo / "plans/prog.yaml", OLD)


def rollover(*args: str) -> tuple[int, str, str]:
    result = run_cli("rollover", "plans/prog.yaml", "--period", "2027-2032",
                     "--as-of", "2026-12-31", *args)
    return result.exit_code, result.stdout, result.stderr


def activities(data: dict) -> dict[str, dict]:
    return {a["id"]: a for c in data["criteria"] for g in c["goals"] for a in g["activities"]}


def test_rollover_writes_the_next_plan_and_closes_the_old_one(old_plan: Path, repo: Path) -> None:
    code, stdout, stderr = rollover()
    assert code == 0, stderr
    new_file = repo / "plans/prog-2027-2032.yaml"
    assert "wrote plans/prog-2027-2032.yaml" in stdout
    assert "carried over 2 unfinished activities" in stdout and "C1.G1.A2, C1.G1.A3" in stdout
    assert "left behind 2 finished activities" in stdout and "C1.G1.A1, C2.G1.A1" in stdout
    text = new_file.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    data = yaml.safe_load(text)
    assert data["plan"] == {"id": "prog-2027-2032", "title": "Programmet – kvalitetsplan 2027–2032",
                            "language": "sv", "period": {"start": 2027, "end": 2032}}
    assert data["owners"] == {"PD": {"name": "Programdirektör"}, "KA": {"name": "Kursansvarig"}}
    # Same criteria and goals, also a goal whose activities were all finished.
    assert [(c["id"], [g["id"] for g in c["goals"]]) for c in data["criteria"]] == [
        ("C1", ["C1.G1"]), ("C2", ["C2.G1"])]
    carried = activities(data)
    assert list(carried) == ["C1.G1.A2", "C1.G1.A3"]  # a derived id is written out, unchanged
    assert carried["C1.G1.A2"] == {
        "id": "C1.G1.A2", "title": "Följ upp användningen", "continues": "prog-2020-2026/C1.G1.A2",
        "start": 2023, "end": "VT25", "owners": ["KA"]}  # no follow-up history
    assert carried["C1.G1.A3"]["continues"] == "prog-2020-2026/C1.G1.A3"
    # The old plan: one line added, every other byte (comments included) as it was.
    assert old_plan.read_text(encoding="utf-8") == OLD.replace(PERIOD_LINE, PERIOD_LINE + CLOSED_LINE)
    assert "closed plans/prog.yaml" in stdout
    result = run_cli("validate")
    assert result.exit_code == 0, result.stdout
    assert "no findings" in result.stdout


def test_a_closed_plan_is_rolled_over_again_only_with_force(old_plan: Path, repo: Path) -> None:
    assert rollover()[0] == 0
    closed_text = old_plan.read_bytes()
    code, _, stderr = rollover("-o", "plans/again.yaml")
    assert code == 2
    assert "plan 'prog-2020-2026' was closed on 2026-12-31" in stderr and "--force" in stderr
    assert not (repo / "plans/again.yaml").exists()
    code, stdout, stderr = rollover("-o", "plans/again.yaml", "--id", "prog-again", "--force")
    assert code == 0, stderr
    assert "was closed already; left as it is" in stdout
    assert old_plan.read_bytes() == closed_text  # its closed date stays
    assert yaml.safe_load((repo / "plans/again.yaml").read_text())["plan"]["id"] == "prog-again"


def test_an_existing_output_is_never_replaced_without_force(old_plan: Path, repo: Path) -> None:
    existing = write(repo / "plans/prog-2027-2032.yaml", "# someone's draft\n")
    code, _, stderr = rollover()
    assert code == 2
    assert "plans/prog-2027-2032.yaml exists; replace it with --force" in stderr
    assert existing.read_text() == "# someone's draft\n"
    assert old_plan.read_text(encoding="utf-8") == OLD  # not closed: nothing was written
    code, _, stderr = rollover("--force")
    assert code == 0, stderr
    assert "continues: prog-2020-2026/C1.G1.A2" in existing.read_text(encoding="utf-8")


def test_a_plan_with_errors_is_refused(repo: Path) -> None:
    broken = write(repo / "plans/prog.yaml", OLD.replace("end: VT25", "end: soon"))
    before = broken.read_bytes()
    code, stdout, stderr = rollover()
    assert code == 2
    assert "plans/prog.yaml:" in stderr and "error QP" in stderr and "qaplan validate" in stderr
    assert stdout == ""
    assert broken.read_bytes() == before
    assert sorted(p.name for p in (repo / "plans").iterdir()) == ["prog.yaml"]


def test_the_options_are_checked_before_anything_is_written(old_plan: Path, repo: Path) -> None:
    for args, message in [
        (("--period", "2027"), "--period: '2027' is not a period"),
        (("--period", "2032-2027"), "the first year comes first"),
        (("--period", "2027-2032", "--id", "prog-2020-2026"), "is the old plan's id"),
        (("--period", "2027-2032", "--id", "ny plan"), "--id: 'ny plan' is not a plan id"),
        (("--period", "2027-2032", "-o", "plans/prog.yaml", "--force"),
         "is the plan being rolled over"),
    ]:
        result = run_cli("rollover", "plans/prog.yaml", *args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
    assert old_plan.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in (repo / "plans").iterdir()) == ["prog.yaml"]


def test_id_and_output_options_and_an_en_dash_period(old_plan: Path, repo: Path) -> None:
    result = run_cli("rollover", "plans/prog.yaml", "--period", "2027–2032", "--as-of",
                     "2027-01-15", "--id", "prog-next", "-o", "next/prog.yaml")
    assert result.exit_code == 2  # next/ does not exist: nothing is written
    assert old_plan.read_text(encoding="utf-8") == OLD
    (repo / "next").mkdir()
    result = run_cli("rollover", "plans/prog.yaml", "--period", "2027–2032", "--as-of",
                     "2027-01-15", "--id", "prog-next", "-o", "next/prog.yaml")
    assert result.exit_code == 0, result.stderr
    text = (repo / "next/prog.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert yaml.safe_load(text)["plan"]["id"] == "prog-next"
    assert "  closed: 2027-01-15\n" in old_plan.read_text(encoding="utf-8")


def test_the_as_of_date_decides_what_is_finished(old_plan: Path, repo: Path) -> None:
    # As of 2023 the first activity was still ongoing: it is carried over too.
    result = run_cli("rollover", "plans/prog.yaml", "--period", "2024-2026", "--as-of", "2023-12-31")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((repo / "plans/prog-2024-2026.yaml").read_text(encoding="utf-8"))
    assert list(activities(data)) == ["C1.G1.A1", "C1.G1.A2", "C1.G1.A3", "C2.G1.A1"]


def test_a_flow_style_plan_section_and_a_bom_are_kept(repo: Path) -> None:
    text = ("\ufeffschema: qaplan/v1   # flow\r\n"
            "plan: {id: flow, title: Flow, period: {start: 2020, end: 2023}}\r\n"
            "criteria: []\r\n")
    plan = repo / "plans/flow.yaml"
    plan.write_bytes(text.encode("utf-8"))
    result = run_cli("rollover", "plans/flow.yaml", "--period", "2024-2027", "--as-of", "2024-01-10")
    assert result.exit_code == 0, result.stderr
    assert plan.read_bytes() == text.replace(
        "end: 2023}}", "end: 2023}, closed: 2024-01-10}").encode("utf-8")
    assert (repo / "plans/flow-2024-2027.yaml").is_file()


def test_the_default_id_and_title_follow_the_period() -> None:
    old, new = Period(2020, 2026), Period(2027, 2032)
    assert default_id("lp-2020-2026", old, new) == "lp-2027-2032"
    assert default_id("lp_2020_2026", old, new) == "lp_2027_2032"
    assert default_id("lakarprogrammet", old, new) == "lakarprogrammet-2027-2032"
    assert default_id("lakarprogrammet", None, new) == "lakarprogrammet-2027-2032"
    assert next_title("Plan 2020–2026", old, new) == "Plan 2027–2032"
    assert next_title("Plan 2020 - 2026", old, new) == "Plan 2027 - 2032"
    assert next_title("Plan 12020-20265", old, new) == "Plan 12020-20265"
    assert next_title("Plan", None, new) == "Plan"
    assert parse_period(" 2027 – 2032 ") == Period(2027, 2032)
    assert parse_period("2027-2027") == Period(2027, 2027)


def test_rollover_help_names_every_option() -> None:
    result = run_cli("rollover", "--help")
    assert result.exit_code == 0
    for option in ("--period", "--output", "--id", "--as-of", "--force"):
        assert option in result.stdout

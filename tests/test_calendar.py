"""`qaplan calendar` as a user runs it: an iCalendar feed that icalendar reads back, with UIDs
that survive runs and edits, so calendar applications update events instead of duplicating them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write

icalendar = pytest.importorskip("icalendar")

AS_OF = "2025-03-01"

CONFIG = """\
schema: qaplan/v1
language: sv
owners:
  PD: {name: Programdirektör, email: pd@example.se}
  KA: {name: Kursansvarig}
calendar:
  - {month_day: "02-15", title: Årlig uppföljning lämnas in}
  - {date: 2025-06-10, title: Kvalitetsdialog, description: Med fakultetsledningen}
"""
PLAN = """\
schema: qaplan/v1
plan: {id: lakare, title: Läkarprogrammet}
criteria:
  - id: C1
    title: Kriterium
    goals:
      - id: C1.G1
        title: Mål
        activities:
          - id: A1
            title: Analysera kursvärderingar
            start: 2023
            end: 2024
            owners: [PD]
            status: {2024: {state: ongoing}}
          - id: A2
            title: Revidera kursplaner
            start: 2024
            end: VT25
            owners: [KA]
          - id: A3
            title: Klar aktivitet
            start: 2023
            end: 2024-06-30
            owners: [PD]
            status: {2024: {state: done}}
          - id: A4
            title: Inställd aktivitet
            start: 2023
            end: 2024-09-30
            owners: [KA]
            status: {2024: {state: cancelled}}
          - id: A5
            title: Utan slutdatum
            owners: [PD]
"""
CASE = """\
schema: qaplan/v1
deviation:
  id: AV-2025-001
  title: Lokalen saknar ventilation
  reported: 2025-01-10
  category: learning-environment-physical
  state: in-progress
  measures:
    - {id: M1, title: Byt fläkt, owner: PD, deadline: 2025-02-15, state: accepted}
    - {id: M2, title: Utan frist, owner: PD, state: proposed}
    - {id: M3, title: Nytt rum, owner: KA, deadline: 2025-04-01, state: declined}
"""


@pytest.fixture
def deadlines(repo: Path) -> Path:
    write(repo / "qaplan.yaml", CONFIG)
    write(repo / "plans/lakare.yaml", PLAN)
    write(repo / "deviations/AV-2025-001.yaml", CASE)
    return repo


def events(path: Path) -> dict[str, Any]:
    """UID -> event of the feed, as icalendar reads it."""
    feed = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in feed.walk("VEVENT")}


def by_summary(path: Path) -> dict[str, Any]:
    return {str(event["SUMMARY"]): event for event in events(path).values()}


def test_every_deadline_is_an_all_day_event(deadlines: Path) -> None:
    result = run_cli("calendar", "--as-of", AS_OF, "-o", "deadlines.ics")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("wrote deadlines.ics: 9 events (4 activities, 2 measures, "
                             "3 milestones)\n")
    feed = icalendar.Calendar.from_ical((deadlines / "deadlines.ics").read_bytes())
    assert str(feed["PRODID"]) == "-//qaplan//qaplan calendar//EN"
    found = by_summary(deadlines / "deadlines.ics")
    assert {summary: event.decoded("DTSTART") for summary, event in found.items()} == {
        "Analysera kursvärderingar (lakare A1)": date(2024, 12, 31),
        "Revidera kursplaner (lakare A2)": date(2025, 6, 30),
        "✓ Klar aktivitet (lakare A3)": date(2024, 6, 30),
        "Inställd aktivitet (lakare A4)": date(2024, 9, 30),
        "Byt fläkt (ärende AV-2025-001, åtgärd M1)": date(2025, 2, 15),
        "Nytt rum (ärende AV-2025-001, åtgärd M3)": date(2025, 4, 1),
        "Årlig uppföljning lämnas in": date(2026, 2, 15),  # the later of its two events
        "Kvalitetsdialog": date(2025, 6, 10),
    }
    yearly = [e for e in events(deadlines / "deadlines.ics").values()
              if str(e["SUMMARY"]) == "Årlig uppföljning lämnas in"]
    assert sorted(e.decoded("DTSTART") for e in yearly) == [date(2025, 2, 15), date(2026, 2, 15)]
    a2 = found["Revidera kursplaner (lakare A2)"]
    assert a2.decoded("DTEND") == date(2025, 7, 1)  # all day: the end is the next day
    assert "Ansvariga: KA" in str(a2["DESCRIPTION"]) and "Klart senast: VT25" in str(
        a2["DESCRIPTION"])
    assert str(found["Inställd aktivitet (lakare A4)"]["STATUS"]) == "CANCELLED"
    assert str(found["Nytt rum (ärende AV-2025-001, åtgärd M3)"]["STATUS"]) == "CANCELLED"
    assert str(found["✓ Klar aktivitet (lakare A3)"]["STATUS"]) == "CONFIRMED"
    assert str(found["Kvalitetsdialog"]["DESCRIPTION"]) == "Med fakultetsledningen"
    assert all(str(uid).endswith("@qaplan") for uid in events(deadlines / "deadlines.ics"))


def test_two_runs_give_the_same_bytes(deadlines: Path) -> None:
    assert run_cli("calendar", "--as-of", AS_OF, "-o", "a.ics").exit_code == 0
    assert run_cli("calendar", "--as-of", AS_OF, "-o", "b.ics").exit_code == 0
    assert (deadlines / "a.ics").read_bytes() == (deadlines / "b.ics").read_bytes()


def test_uids_survive_an_unrelated_edit_and_a_finished_activity_is_marked(deadlines: Path) -> None:
    assert run_cli("calendar", "--as-of", AS_OF, "-o", "deadlines.ics").exit_code == 0
    before = events(deadlines / "deadlines.ics")
    edited = PLAN.replace("title: Revidera kursplaner", "title: Revidera alla kursplaner")
    edited = edited.replace("criteria:\n", "# Reviderad efter kvalitetsdialogen\ncriteria:\n")
    edited = edited.replace("status: {2024: {state: ongoing}}",
                            "status: {2024: {state: ongoing}, 2025: {state: done}}")
    write(deadlines / "plans/lakare.yaml", edited)
    # Regenerating the feed qaplan wrote needs no --force.
    result = run_cli("calendar", "--as-of", AS_OF, "-o", "deadlines.ics")
    assert result.exit_code == 0, result.stderr
    after = events(deadlines / "deadlines.ics")
    assert set(after) == set(before)
    changed = {uid for uid in after if str(after[uid]["SUMMARY"]) != str(before[uid]["SUMMARY"])}
    assert sorted(str(after[uid]["SUMMARY"]) for uid in changed) == [
        "Revidera alla kursplaner (lakare A2)", "✓ Analysera kursvärderingar (lakare A1)"]


def test_a_file_qaplan_did_not_write_is_kept_without_force(deadlines: Path) -> None:
    write(deadlines / "mine.ics", "BEGIN:VCALENDAR\nPRODID:-//Someone//EN\nEND:VCALENDAR\n")
    result = run_cli("calendar", "--as-of", AS_OF, "-o", "mine.ics")
    assert result.exit_code == 2
    assert "mine.ics exists and qaplan did not write it; replace it with --force" in result.stderr
    assert "Someone" in (deadlines / "mine.ics").read_text()
    assert run_cli("calendar", "--as-of", AS_OF, "-o", "mine.ics", "--force").exit_code == 0
    assert "qaplan" in (deadlines / "mine.ics").read_text()


def test_owner_gets_their_deadlines_and_the_milestones(deadlines: Path) -> None:
    result = run_cli("calendar", "--as-of", AS_OF, "-o", "pd.ics", "--owner", "PD")
    assert result.exit_code == 0, result.stderr
    assert sorted(by_summary(deadlines / "pd.ics")) == [
        "Analysera kursvärderingar (lakare A1)", "Byt fläkt (ärende AV-2025-001, åtgärd M1)",
        "Kvalitetsdialog", "Årlig uppföljning lämnas in", "✓ Klar aktivitet (lakare A3)"]


def test_calendar_needs_an_output_file(deadlines: Path) -> None:
    result = run_cli("calendar", "--as-of", AS_OF)
    assert result.exit_code == 2 and "-o FILE.ics" in result.stderr


def test_milestones_need_one_day(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        calendar:
          - {title: Ingen dag}
          - {date: 2025-06-01, month_day: "06-01", title: Båda}
          - {month_day: "02-29", title: Skottdag}
          - {month_day: "02-29", title: Skottdag}
        """)
    write(repo / "plans/lakare.yaml", PLAN)
    result = run_cli("validate", "--as-of", AS_OF, "qaplan.yaml")
    assert result.exit_code == 1
    assert "qaplan.yaml:3:5: error QP611 calendar: 'Ingen dag' has no day" in result.stdout
    assert "qaplan.yaml:4:24: error QP611 calendar: 'Båda' has both date and month_day" \
        in result.stdout
    assert "qaplan.yaml:6:5: warning QP612 calendar: 'Skottdag' on 02-29 is listed twice" \
        in result.stdout


def test_a_recurring_activity_has_an_event_per_occurrence(repo: Path) -> None:
    write(repo / "plans/kurs.yaml", """\
        schema: qaplan/v1
        plan: {id: kurs, title: Kurs, period: {start: 2024, end: 2027}}
        owners: {KA: {name: Kursansvarig}}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - id: KV
                    title: Kursvärdering
                    every: term
                    owners: [KA]
                    status: {2025: {state: done}}
        """)
    assert run_cli("calendar", "--as-of", AS_OF, "-o", "kurs.ics").exit_code == 0
    found = sorted((event.decoded("DTSTART"), str(event["SUMMARY"]))
                   for event in events(repo / "kurs.ics").values())
    assert found == [
        (date(2025, 6, 30), "✓ Kursvärdering – VT2025 (kurs KV)"),
        (date(2025, 12, 31), "✓ Kursvärdering – HT2025 (kurs KV)"),
        (date(2026, 6, 30), "Kursvärdering – VT2026 (kurs KV)"),
        (date(2026, 12, 31), "Kursvärdering – HT2026 (kurs KV)"),
    ]
    assert len(events(repo / "kurs.ics")) == 4  # one UID per occurrence

"""Unit tests of the date rules, the state rules and derived ids."""

from __future__ import annotations

from datetime import date

import pytest

from qaplan.formats.plan import Activity, build
from qaplan.values import Due, State


@pytest.mark.parametrize(
    ("text", "due", "start"),
    [
        (2024, date(2024, 12, 31), date(2024, 1, 1)),
        ("2024", date(2024, 12, 31), date(2024, 1, 1)),
        ("VT2024", date(2024, 6, 30), date(2024, 1, 1)),
        ("HT2024", date(2024, 12, 31), date(2024, 7, 1)),
        ("V2024", date(2024, 6, 30), date(2024, 1, 1)),
        ("H2024", date(2024, 12, 31), date(2024, 7, 1)),
        ("VT24", date(2024, 6, 30), date(2024, 1, 1)),
        ("HT23", date(2023, 12, 31), date(2023, 7, 1)),
        ("ht23", date(2023, 12, 31), date(2023, 7, 1)),
        ("VT 2025", date(2025, 6, 30), date(2025, 1, 1)),
        ("2024-06-15", date(2024, 6, 15), date(2024, 6, 15)),
        (date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 1)),
    ],
)
def test_due_forms_resolve_to_dates(text: object, due: date, start: date) -> None:
    value = Due.parse(text)
    assert value.due_date == due
    assert value.start_date == start


def test_due_keeps_the_text_as_written() -> None:
    assert str(Due.parse("HT23")) == "HT23"
    assert str(Due.parse(2024)) == "2024"


@pytest.mark.parametrize("bad", ["2024-13-01", "Q3 2024", "HT", "24", 24, True, None, "VT202", 1800])
def test_due_rejects_other_forms(bad: object) -> None:
    with pytest.raises(ValueError):
        Due.parse(bad)


def test_due_orders_by_date() -> None:
    assert Due.parse("HT23") < Due.parse("VT2024")
    assert sorted([Due.parse(2025), Due.parse("VT2025"), Due.parse("2024-01-01")]) == [
        Due.parse("2024-01-01"), Due.parse("VT2025"), Due.parse(2025)
    ]


def _activity(status: dict[int, dict[str, str]]) -> Activity:
    plan = build({"plan": {"id": "p", "title": "P"}, "criteria": [
        {"title": "c", "goals": [{"title": "g", "activities": [{"title": "x", "status": status}]}]},
    ]})
    return plan.activities()[0][2]


def test_latest_state_is_the_highest_year_with_a_state_not_after_the_year() -> None:
    activity = _activity({2023: {"state": "ongoing"}, 2024: {"note": "only a note"},
                          2025: {"state": "done"}})
    assert activity.latest_state(2022) is None
    assert activity.latest_state(2023) is State.ONGOING
    assert activity.latest_state(2024) is State.ONGOING
    assert activity.latest_state(2025) is State.DONE
    assert activity.finished(2025) and not activity.finished(2024)


def test_cancelled_counts_as_finished() -> None:
    assert _activity({2024: {"state": "cancelled"}}).finished(2024)


def test_derived_ids_follow_position_and_keep_explicit_ones() -> None:
    plan = build({
        "schema": "qaplan/v1",
        "plan": {"id": "p", "title": "P"},
        "criteria": [
            {"title": "c1", "goals": [{"title": "g", "activities": [{"title": "a"}, {"id": "X", "title": "b"}]}]},
            {"id": "K2", "title": "c2", "goals": [{"title": "g2"}]},
        ],
    })
    derived = [(row.path, row.id) for row in plan.rows() if row.derived_id]
    ids = [row.key for _, _, row in plan.activities()]
    assert ids == ["C1.G1.A1", "X"]
    assert plan.criteria[1].goals[0].key == "C2.G1"
    assert plan.criteria[0].derived_id and not plan.criteria[1].derived_id
    assert [d[1] for d in derived] == ["C1", "C1.G1", "C1.G1.A1", "C2.G1"]
    assert derived[-1][0] == ("criteria", 1, "goals", 0)  # where the loader records the row


def test_a_year_as_text_reads_as_written_around_spaces_and_control_characters() -> None:
    from qaplan.values import parse_year

    assert parse_year(" 2024 ") == parse_year("\x1c2024") == parse_year(2024) == 2024
    with pytest.raises(ValueError, match="four-digit year"):
        parse_year("٢٠٢٤")  # only ASCII digits, as the JSON Schema reads them

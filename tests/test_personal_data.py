"""Personal-data checks: real numbers and addresses are found; ordinary text never raises an alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from qaplan.checks.personal_data import find_personal_data

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

ORDINARY = [
    "T1-T4 och T6 på plats", "T6-T9 samt T11-T12", "2020 2024", "2020-2024", "HT23", "VT24",
    "2024-06-30", "MED101 7,5 hp", "45 av 120 studenter (37,5 %)", "dnr 2023/4567",
    "ISH1+2 (T11/12)", "kr 40 000 000", "org.nr 202100-3153", "rom 2-105", "ECTS 7.5",
    "Läkarprogrammet 2020–2025", "Emnekode TDT4100", "sak 22/01234", "ISBN 978-91-44-12345-6",
]
PERSONAL = [
    ("Fråga anna.svensson@example.se", "QP301", "anna.svensson@example.se"),
    ("personnummer 19811218-9876", "QP302", "19811218-9876"),
    ("pnr 811218-9876", "QP302", "811218-9876"),
    ("fnr 15076500565", "QP303", "15076500565"),
    ("ring 070-123 45 67", "QP304", "070-123 45 67"),
    ("+46 70 123 45 67", "QP304", "+46 70 123 45 67"),
    ("tlf 912 34 567", "QP304", "912 34 567"),
    ("+47 22 85 50 50", "QP304", "+47 22 85 50 50"),
    ("växel 08-123 456 78", "QP304", "08-123 456 78"),
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert list(find_personal_data(text)) == []


@pytest.mark.parametrize(("text", "code", "value"), PERSONAL)
def test_personal_data_is_found(text: str, code: str, value: str) -> None:
    assert [(c, v) for _, c, v in find_personal_data(text)] == [(code, value)]


def test_invalid_check_digits_are_not_reported() -> None:
    assert list(find_personal_data("19811218-9875")) == []
    assert list(find_personal_data("15076500566")) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not here")
@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
def test_seed_documents_raise_no_alarm(seed: Path) -> None:
    assert list(find_personal_data(seed.read_text(encoding="utf-8"))) == []

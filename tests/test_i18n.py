"""The one translation table: every language has every word, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from conftest import run_cli
from report_fixture import AS_OF, build

from qaplan import i18n
from qaplan.excel import vocabulary
from qaplan.values import LANGUAGES


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_report_word_with_the_same_fields(language: str) -> None:
    english, table = i18n.REPORT_WORDS["en"], i18n.REPORT_WORDS[language]
    assert set(table) == set(english)
    for key, text in table.items():
        assert fields(text) == fields(english[key]), (language, key)
        assert text.strip(), (language, key)


STATUS_COLUMNS = ("plan", "activities", "planned", "ongoing", "done", "delayed", "cancelled",
                  "not_started", "overdue", "no_follow_up", "done_pct")
LIST_COLUMNS = ("owner", "owner_name", "plan", "file", "id", "activity", "end", "due",
                "days_overdue", "overdue", "state", "owners")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_headers_of_one_table_differ(language: str) -> None:
    table = i18n.REPORT_WORDS[language]
    for keys in (STATUS_COLUMNS, LIST_COLUMNS):
        headers = [table[key] for key in keys if key != "due"]  # due: two forms of one date
        assert len(set(headers)) == len(headers), (language, headers)


def test_the_languages_are_the_plan_languages() -> None:
    assert i18n.LANGUAGES == LANGUAGES
    assert set(i18n.REPORT_WORDS) == set(LANGUAGES)


def test_excel_tables_have_the_same_keys_and_fields_and_a_fallback_for_the_rest() -> None:
    english = i18n.EXCEL_HEADINGS["en"]
    for table in i18n.EXCEL_HEADINGS.values():
        assert {k: fields(v) for k, v in table.items()} == {k: fields(v) for k, v in english.items()}
    for labels in i18n.STATE_LABELS.values():
        assert set(labels) == set(i18n.STATE_LABELS["en"])
    covered = set(i18n.EXCEL_HEADINGS) | set(i18n.EXCEL_FALLBACK)
    assert covered == set(LANGUAGES)


def test_the_excel_vocabulary_reads_the_one_table() -> None:
    assert vocabulary.headings("sv") is i18n.EXCEL_HEADINGS["sv"]
    assert vocabulary.headings("nn") is i18n.EXCEL_HEADINGS["nb"]
    assert vocabulary.state_labels("da") is i18n.STATE_LABELS["nb"]


def test_unknown_or_no_language_is_english() -> None:
    assert i18n.words(None) is i18n.REPORT_WORDS["en"]
    assert i18n.words("xx")["plan"] == "Plan"
    assert i18n.days("sv", 1) == "1 dag" and i18n.days("sv", 30) == "30 dagar"
    assert i18n.days("en", 30) == "30 days"


def test_reports_speak_the_language_asked_for(repo: Path) -> None:
    build(repo)
    english = run_cli("status", "--as-of", AS_OF, "--format", "markdown")
    swedish = run_cli("status", "--as-of", AS_OF, "--format", "markdown", "--lang", "sv")
    assert english.exit_code == swedish.exit_code == 0, swedish.stderr
    assert "## Status as of 2025-03-01" in english.stdout and "Activities |" in english.stdout
    assert "## Läget per 2025-03-01 (uppföljningsår 2024)" in swedish.stdout
    assert "Aktiviteter" in swedish.stdout and "Ingen uppföljning 2024" in swedish.stdout
    overdue = run_cli("overdue", "--as-of", AS_OF, "--format", "csv", "--lang", "nb")
    assert overdue.stdout.startswith("\ufeffAnsvarlig,Navn på ansvarlig,Plan,Fil,ID,Tiltak")
    diff = run_cli("diff", "--as-of", AS_OF, "--lang", "fi", "--format", "markdown")
    assert diff.stdout.startswith("## Seurannan muutokset 2023–2024")


def test_an_unknown_language_is_a_usage_error(repo: Path) -> None:
    result = run_cli("overdue", "--lang", "de")
    assert result.exit_code == 2
    assert "--lang: 'de' is not one of sv, nb, nn, en, da, fi" in result.stderr


def test_state_words_are_the_states_in_english_and_the_excel_labels_in_sv_and_nb() -> None:
    from qaplan.values import State

    for language in ("en", "sv", "nb"):
        table = i18n.REPORT_WORDS[language]
        labels = i18n.STATE_LABELS[language]
        assert {s.value: table[s.value].lower() for s in State} == labels
    assert i18n.REPORT_WORDS["en"]["not_started"].lower() == "not started"

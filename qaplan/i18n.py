"""The one translation table: report headings and column headers, Excel headings and state labels.

Swedish, Norwegian (bokmål, nynorsk), English, Danish and Finnish live here as data and
nowhere else. A report's view asks `words(language)` for its headings; the Excel package reads
EXCEL_HEADINGS and STATE_LABELS. To add a language, add a block to each table (tests/test_i18n.py
checks that every language has every key with the same placeholders as English).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("sv", "nb", "nn", "en", "da", "fi")
DEFAULT = "en"

# Report words, per language: column headers, section headings and titles. "{...}" fields are
# filled by the view; "\n" breaks a short header on a narrow terminal.
REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "plan": "Plan", "file": "File", "title": "Title", "id": "ID", "activity": "Activity",
        "owner": "Owner", "owner_name": "Owner name", "end": "End", "due": "Due",
        "days_overdue": "Days overdue", "overdue": "Overdue", "state": "State",
        "owners": "Owners", "activities": "Activities", "activities_short": "Total",
        "planned": "Planned", "ongoing": "Ongoing", "done": "Done", "delayed": "Delayed",
        "cancelled": "Cancelled", "cancelled_short": "Can-\ncelled",
        "not_started": "Not started", "not_started_short": "Not\nstarted",
        "no_follow_up": "No follow-up {year}", "missing_short": "Missing\n{year}",
        "done_pct": "% done", "total": "Total", "change": "Change", "from": "From", "to": "To",
        "unit": "Unit", "no_owner": "(no owner)", "day": "day", "days": "days",
        "overdue_title": "Overdue activities as of {as_of}",
        "overdue_within": " (and due within {days})",
        "overdue_empty": "Nothing overdue as of {as_of}.",
        "status_title": "Status as of {as_of} (follow-up year {year})",
        "within_heading": "Overdue or due within {days}",
        "year_diff_title": "Follow-up changes from {old} to {new}",
        "revision_diff_title": "Plan changes from {old} to {new}",
        "no_changes": "No changes.", "empty": "Nothing to report.",
        "due_today": "due today", "due_in": "in {days}",
    },
    "sv": {
        "plan": "Plan", "file": "Fil", "title": "Titel", "id": "ID", "activity": "Aktivitet",
        "owner": "Ansvarig", "owner_name": "Ansvarigs namn", "end": "Slut",
        "due": "Klart senast", "days_overdue": "Dagar förfallen", "overdue": "Förfallen",
        "state": "Läge", "owners": "Ansvariga", "activities": "Aktiviteter",
        "activities_short": "Totalt", "planned": "Planerad", "ongoing": "Pågår", "done": "Klar",
        "delayed": "Försenad", "cancelled": "Inställd", "cancelled_short": "Inställd",
        "not_started": "Ej påbörjad", "not_started_short": "Ej\npåbörjad",
        "no_follow_up": "Ingen uppföljning {year}", "missing_short": "Saknas\n{year}",
        "done_pct": "% klart", "total": "Totalt", "change": "Ändring", "from": "Från",
        "to": "Till", "unit": "Enhet", "no_owner": "(ingen ansvarig)", "day": "dag",
        "days": "dagar",
        "overdue_title": "Försenade aktiviteter per {as_of}",
        "overdue_within": " (och klara senast om {days})",
        "overdue_empty": "Inget försenat per {as_of}.",
        "status_title": "Läget per {as_of} (uppföljningsår {year})",
        "within_heading": "Försenade eller klara senast om {days}",
        "year_diff_title": "Ändringar i uppföljningen från {old} till {new}",
        "revision_diff_title": "Ändringar i planerna från {old} till {new}",
        "no_changes": "Inga ändringar.", "empty": "Inget att rapportera.",
        "due_today": "i dag", "due_in": "om {days}",
    },
    "nb": {
        "plan": "Plan", "file": "Fil", "title": "Tittel", "id": "ID", "activity": "Tiltak",
        "owner": "Ansvarlig", "owner_name": "Navn på ansvarlig", "end": "Slutt",
        "due": "Frist", "days_overdue": "Dager over frist", "overdue": "Over frist",
        "state": "Tilstand", "owners": "Ansvarlige", "activities": "Tiltak",
        "activities_short": "Totalt", "planned": "Planlagt", "ongoing": "Pågår",
        "done": "Ferdig", "delayed": "Forsinket", "cancelled": "Avlyst",
        "cancelled_short": "Avlyst", "not_started": "Ikke startet",
        "not_started_short": "Ikke\nstartet", "no_follow_up": "Ingen oppfølging {year}",
        "missing_short": "Mangler\n{year}", "done_pct": "% ferdig", "total": "Totalt",
        "change": "Endring", "from": "Fra", "to": "Til", "unit": "Enhet",
        "no_owner": "(ingen ansvarlig)", "day": "dag", "days": "dager",
        "overdue_title": "Forsinkede tiltak per {as_of}",
        "overdue_within": " (og med frist innen {days})",
        "overdue_empty": "Ingenting forsinket per {as_of}.",
        "status_title": "Status per {as_of} (oppfølgingsår {year})",
        "within_heading": "Forsinket eller med frist innen {days}",
        "year_diff_title": "Endringer i oppfølgingen fra {old} til {new}",
        "revision_diff_title": "Endringer i planene fra {old} til {new}",
        "no_changes": "Ingen endringer.", "empty": "Ingenting å rapportere.",
        "due_today": "i dag", "due_in": "om {days}",
    },
    "nn": {
        "plan": "Plan", "file": "Fil", "title": "Tittel", "id": "ID", "activity": "Tiltak",
        "owner": "Ansvarleg", "owner_name": "Namn på ansvarleg", "end": "Slutt",
        "due": "Frist", "days_overdue": "Dagar over frist", "overdue": "Over frist",
        "state": "Tilstand", "owners": "Ansvarlege", "activities": "Tiltak",
        "activities_short": "Totalt", "planned": "Planlagt", "ongoing": "Pågår",
        "done": "Ferdig", "delayed": "Forseinka", "cancelled": "Avlyst",
        "cancelled_short": "Avlyst", "not_started": "Ikkje starta",
        "not_started_short": "Ikkje\nstarta", "no_follow_up": "Inga oppfølging {year}",
        "missing_short": "Manglar\n{year}", "done_pct": "% ferdig", "total": "Totalt",
        "change": "Endring", "from": "Frå", "to": "Til", "unit": "Eining",
        "no_owner": "(ingen ansvarleg)", "day": "dag", "days": "dagar",
        "overdue_title": "Forseinka tiltak per {as_of}",
        "overdue_within": " (og med frist innan {days})",
        "overdue_empty": "Ingenting forseinka per {as_of}.",
        "status_title": "Status per {as_of} (oppfølgingsår {year})",
        "within_heading": "Forseinka eller med frist innan {days}",
        "year_diff_title": "Endringar i oppfølginga frå {old} til {new}",
        "revision_diff_title": "Endringar i planane frå {old} til {new}",
        "no_changes": "Ingen endringar.", "empty": "Ingenting å rapportere.",
        "due_today": "i dag", "due_in": "om {days}",
    },
    "da": {
        "plan": "Plan", "file": "Fil", "title": "Titel", "id": "ID", "activity": "Aktivitet",
        "owner": "Ansvarlig", "owner_name": "Ansvarligs navn", "end": "Slut", "due": "Frist",
        "days_overdue": "Dage over frist", "overdue": "Over frist", "state": "Tilstand",
        "owners": "Ansvarlige", "activities": "Aktiviteter", "activities_short": "I alt",
        "planned": "Planlagt", "ongoing": "I gang", "done": "Færdig", "delayed": "Forsinket",
        "cancelled": "Aflyst", "cancelled_short": "Aflyst", "not_started": "Ikke startet",
        "not_started_short": "Ikke\nstartet", "no_follow_up": "Ingen opfølgning {year}",
        "missing_short": "Mangler\n{year}", "done_pct": "% færdig", "total": "I alt",
        "change": "Ændring", "from": "Fra", "to": "Til", "unit": "Enhed",
        "no_owner": "(ingen ansvarlig)", "day": "dag", "days": "dage",
        "overdue_title": "Forsinkede aktiviteter pr. {as_of}",
        "overdue_within": " (og med frist inden for {days})",
        "overdue_empty": "Intet forsinket pr. {as_of}.",
        "status_title": "Status pr. {as_of} (opfølgningsår {year})",
        "within_heading": "Forsinket eller med frist inden for {days}",
        "year_diff_title": "Ændringer i opfølgningen fra {old} til {new}",
        "revision_diff_title": "Ændringer i planerne fra {old} til {new}",
        "no_changes": "Ingen ændringer.", "empty": "Intet at rapportere.",
        "due_today": "i dag", "due_in": "om {days}",
    },
    "fi": {
        "plan": "Suunnitelma", "file": "Tiedosto", "title": "Otsikko", "id": "ID",
        "activity": "Toimenpide", "owner": "Vastuutaho", "owner_name": "Vastuutahon nimi",
        "end": "Päättyy", "due": "Määräaika", "days_overdue": "Päiviä myöhässä",
        "overdue": "Myöhässä", "state": "Tila", "owners": "Vastuutahot",
        "activities": "Toimenpiteet", "activities_short": "Yhteensä",
        "planned": "Suunniteltu", "ongoing": "Käynnissä", "done": "Valmis",
        "delayed": "Viivästynyt", "cancelled": "Peruttu", "cancelled_short": "Peruttu",
        "not_started": "Ei aloitettu", "not_started_short": "Ei\naloitettu",
        "no_follow_up": "Ei seurantaa {year}", "missing_short": "Puuttuu\n{year}",
        "done_pct": "% valmis", "total": "Yhteensä", "change": "Muutos", "from": "Ennen",
        "to": "Jälkeen", "unit": "Yksikkö", "no_owner": "(ei vastuutahoa)", "day": "päivä",
        "days": "päivää",
        "overdue_title": "Myöhässä olevat toimenpiteet {as_of}",
        "overdue_within": " (ja määräaika {days} kuluessa)",
        "overdue_empty": "Ei mitään myöhässä {as_of}.",
        "status_title": "Tilanne {as_of} (seurantavuosi {year})",
        "within_heading": "Myöhässä tai määräaika {days} kuluessa",
        "year_diff_title": "Seurannan muutokset {old}–{new}",
        "revision_diff_title": "Suunnitelmien muutokset {old}–{new}",
        "no_changes": "Ei muutoksia.", "empty": "Ei raportoitavaa.",
        "due_today": "tänään", "due_in": "{days} päästä",
    },
}

# What `qaplan export` writes, per language: column headings (the status heading takes the
# year), and the words of the info line under the title. nn, da and fi fall back as below.
EXCEL_HEADINGS: dict[str, dict[str, str]] = {
    "sv": {
        "criterion": "Övergripande kvalitetskriterier", "goal": "Kvalitetsmål",
        "activity": "Aktiviteter", "start": "Planerad start", "end": "Planerat avslut",
        "owners": "Ansvarig", "status": "Status/uppföljning {year}", "state": "Läge",
        "previous": "Status/uppföljning {year} (föregående år, skrivskyddad)",
        "criterion_id": "Kriterium-ID", "goal_id": "Mål-ID", "id": "ID",
        "read_only": "Kolumnen visar förra årets uppföljning och ändras inte här; skriv årets i "
                     "{status}.",
        "info": "Uppföljning {year} · per {as_of} · plan-id {plan_id} · försenade aktiviteter "
                "markerade",
    },
    "nb": {
        "criterion": "Kvalitetskriterier", "goal": "Kvalitetsmål", "activity": "Tiltak",
        "start": "Planlagt start", "end": "Planlagt slutt", "owners": "Ansvarlig",
        "status": "Status/oppfølging {year}", "state": "Tilstand",
        "previous": "Status/oppfølging {year} (forrige år, skrivebeskyttet)",
        "criterion_id": "Kriterium-ID", "goal_id": "Mål-ID", "id": "ID",
        "read_only": "Kolonnen viser fjorårets oppfølging og endres ikke her; skriv årets i "
                     "{status}.",
        "info": "Oppfølging {year} · per {as_of} · plan-id {plan_id} · forsinkede tiltak "
                "markert",
    },
    "en": {
        "criterion": "Overall quality criteria", "goal": "Quality goals",
        "activity": "Activities", "start": "Planned start", "end": "Planned end",
        "owners": "Owners", "status": "Status {year}", "state": "State",
        "previous": "Status {year} (previous year, read only)",
        "criterion_id": "Criterion ID", "goal_id": "Goal ID", "id": "ID",
        "read_only": "This column shows last year's follow-up and is not edited here; write "
                     "this year's in {status}.",
        "info": "Follow-up {year} · as of {as_of} · plan id {plan_id} · overdue activities "
                "highlighted",
    },
}
# The Excel tables exist in three languages; the others read the nearest one.
EXCEL_FALLBACK = {"nn": "nb", "da": "nb", "fi": "en"}

# State labels in the Excel State column's drop-down; the importer reads any of them, and
# the English state words, in any language.
STATE_LABELS: dict[str, dict[str, str]] = {
    "sv": {"planned": "planerad", "ongoing": "pågår", "done": "klar", "delayed": "försenad",
           "cancelled": "inställd"},
    "nb": {"planned": "planlagt", "ongoing": "pågår", "done": "ferdig", "delayed": "forsinket",
           "cancelled": "avlyst"},
    "en": {"planned": "planned", "ongoing": "ongoing", "done": "done", "delayed": "delayed",
           "cancelled": "cancelled"},
}


def words(language: str | None) -> Mapping[str, str]:
    """The report words of `language` (None or an unknown language: English)."""
    return REPORT_WORDS.get(language or DEFAULT, REPORT_WORDS[DEFAULT])


def days(language: str | None, count: int) -> str:
    """`1 day`, `30 days` in `language`."""
    table = words(language)
    return f"{count} {table['day'] if count == 1 else table['days']}"

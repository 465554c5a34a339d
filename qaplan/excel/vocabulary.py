"""The words of plan tables: header synonyms, sheet headings, state labels and state keywords.

Swedish, Norwegian and English live here as data and nowhere else. To teach the
importer a new header, add it to HEADER_SYNONYMS; to export in a new language, add
it to EXCEL_HEADINGS and STATE_LABELS in `qaplan/i18n.py`.
"""

from __future__ import annotations

import re
import unicodedata

# What export writes and the State column's labels live in the one translation table.
from qaplan.i18n import EXCEL_FALLBACK as HEADING_FALLBACK
from qaplan.i18n import EXCEL_HEADINGS as HEADINGS
from qaplan.i18n import STATE_LABELS

# Column kinds of a plan table.
CRITERION, GOAL, ACTIVITY = "criterion", "goal", "activity"
START, END, OWNERS, STATUS, STATE = "start", "end", "owners", "status", "state"
PREVIOUS = "previous"  # last year's status, shown read-only beside this year's; never imported
ACTIVITY_ID, CRITERION_ID, GOAL_ID = "id", "criterion_id", "goal_id"
HELP = "help_needed"  # the activity's `help_needed`: what the unit needs help with
REQUIRED_COLUMNS = (CRITERION, GOAL, ACTIVITY)

# kind -> language -> names a header may start with (matched case-, spacing- and
# punctuation-insensitively; the longest matching name wins).
HEADER_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    CRITERION: {
        "sv": ("Övergripande kvalitetskriterier", "Övergripande kvalitetskriterium",
               "Kvalitetskriterier", "Kvalitetskriterium", "Kriterium", "Kriterier"),
        "nb": ("Overordnede kvalitetskriterier", "Kvalitetskriterier", "Kvalitetskriterium",
               "Kriterium", "Kriterier"),
        "en": ("Overall quality criteria", "Quality criteria", "Quality criterion", "Criteria",
               "Criterion"),
    },
    GOAL: {
        "sv": ("Kvalitetsmål", "Mål"),
        "nb": ("Kvalitetsmål", "Mål", "Målsetting"),
        "en": ("Quality goals", "Quality goal", "Goals", "Goal", "Objective", "Objectives"),
    },
    ACTIVITY: {
        "sv": ("Aktiviteter", "Aktivitet", "Åtgärder", "Åtgärd"),
        "nb": ("Tiltak", "Aktiviteter", "Aktivitet"),
        "en": ("Activities", "Activity", "Actions", "Action"),
    },
    START: {
        "sv": ("Planerad start", "Start", "Startår", "Påbörjas"),
        "nb": ("Planlagt start", "Oppstart", "Start", "Startår"),
        "en": ("Planned start", "Start"),
    },
    END: {
        "sv": ("Planerat avslut", "Planerat slut", "Avslut", "Slut", "Klart senast", "Slutår"),
        "nb": ("Planlagt slutt", "Slutt", "Frist", "Ferdig innen", "Sluttår"),
        "en": ("Planned end", "End", "Due", "Deadline", "Due date"),
    },
    OWNERS: {
        "sv": ("Ansvarig", "Ansvariga"),
        "nb": ("Ansvarlig", "Ansvar"),
        "en": ("Owner", "Owners", "Responsible"),
    },
    STATUS: {
        "sv": ("Status/uppföljning", "Status", "Uppföljning"),
        "nb": ("Status/oppfølging", "Status", "Oppfølging"),
        "en": ("Status", "Follow-up", "Follow up", "Progress"),
    },
    STATE: {
        "sv": ("Läge", "Tillstånd"),
        "nb": ("Tilstand",),
        "en": ("State",),
    },
    ACTIVITY_ID: {"sv": ("ID",), "nb": ("ID",), "en": ("ID", "Activity ID")},
    CRITERION_ID: {"sv": ("Kriterium-ID",), "nb": ("Kriterium-ID",), "en": ("Criterion ID",)},
    GOAL_ID: {"sv": ("Mål-ID",), "nb": ("Mål-ID",), "en": ("Goal ID",)},
    HELP: {
        "sv": ("Behöver hjälp med", "Behov av hjälp", "Behov av stöd"),
        "nb": ("Trenger hjelp med", "Behov for hjelp", "Behov for støtte"),
        "en": ("Help needed", "Needs help with", "Support needed"),
    },
}

# --guess-state: words in a follow-up note that suggest a state, one table per language.
# When several states match, the first in GUESS_ORDER wins ("Rapport klar. Implementering
# påbörjad." is ongoing; "ej påbörjat" is delayed, not ongoing).
GUESS_ORDER = ("cancelled", "delayed", "ongoing", "done", "planned")
STATE_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "sv": {
        "done": ("klart", "klar", "avslutat", "avslutad", "genomfört", "genomförd", "på plats",
                 "implementerat", "implementerad", "färdigt", "färdig", "slutfört", "slutförd"),
        "ongoing": ("pågår", "påbörjat", "påbörjad", "pågående", "i gång", "igång",
                    "under utveckling", "under arbete", "fortsätter", "ej klart", "ej klar",
                    "inte klart", "inte klar", "ej färdigt", "inte färdigt"),
        "delayed": ("inget nytt", "kvarstår", "försenad", "försenat", "försening", "skjuts upp",
                    "uppskjutet", "uppskjuten", "ej påbörjat", "ej påbörjad", "inte påbörjat",
                    "inte påbörjad"),
        "cancelled": ("avbrutet", "avbruten", "inställt", "inställd", "utgår", "struken",
                      "avskrivet", "avskriven"),
        "planned": ("planerad", "planerat", "planeras"),
    },
    "nb": {
        "done": ("ferdig", "ferdigstilt", "fullført", "gjennomført", "avsluttet", "på plass",
                 "implementert"),
        "ongoing": ("pågår", "i gang", "påbegynt", "startet", "under arbeid", "ikke ferdig",
                    "ikke fullført"),
        "delayed": ("forsinket", "utsatt", "ikke startet", "ikke påbegynt", "ingen fremdrift",
                    "står stille"),
        "cancelled": ("avlyst", "kansellert", "avbrutt", "utgår", "droppet", "skrinlagt"),
        "planned": ("planlagt", "planlegges"),
    },
    "en": {
        "done": ("done", "completed", "complete", "finished", "in place", "implemented"),
        "ongoing": ("ongoing", "in progress", "started", "underway", "under way", "continuing",
                    "not done", "not finished", "not complete", "not completed"),
        "delayed": ("delayed", "postponed", "behind schedule", "no progress", "not started",
                    "stalled"),
        "cancelled": ("cancelled", "canceled", "dropped", "abandoned", "withdrawn"),
        "planned": ("planned", "scheduled"),
    },
}

_NON_WORD = re.compile(r"[\W_]+")


def nfc(text: str) -> str:
    """Text in Unicode NFC, so that `å` typed on a Mac or pasted from a PDF matches."""
    return unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """Case-, spacing- and punctuation-insensitive form of a header or a phrase."""
    return " ".join(_NON_WORD.sub(" ", nfc(text).casefold()).split())


def headings(language: str) -> dict[str, str]:
    """The export headings for `language` (nn and da fall back to nb, others to en)."""
    language = HEADING_FALLBACK.get(language, language)
    return HEADINGS.get(language, HEADINGS["en"])


def state_labels(language: str) -> dict[str, str]:
    """State -> the word the State column shows in `language`."""
    language = HEADING_FALLBACK.get(language, language)
    return STATE_LABELS.get(language, STATE_LABELS["en"])


_SYNONYMS = sorted(
    (
        (normalise(name), kind, language)
        for kind, by_language in HEADER_SYNONYMS.items()
        for language, names in by_language.items()
        for name in names
    ),
    key=lambda item: -len(item[0]),
)
_YEAR_IN_HEADER = re.compile(r"(?<!\d)(19\d\d|2[01]\d\d|2200)(?!\d)")


# The words that mark export's read-only column of last year's status, in each language.
_READ_ONLY = [
    (normalise(words[PREVIOUS].split("(", 1)[1]), language)
    for language, words in HEADINGS.items()
]


def match_header(text: str) -> tuple[str, str | None, int | None] | None:
    """(kind, language or None when every language uses the name, year named in it) or None."""
    norm = normalise(text)
    if not norm:
        return None
    for marker, language in _READ_ONLY:
        if norm.endswith(" " + marker):
            years = _YEAR_IN_HEADER.findall(norm)
            return PREVIOUS, language, int(years[-1]) if years else None
    for name, kind, language in _SYNONYMS:
        if norm == name or norm.startswith(name + " "):
            languages = {lang for n, k, lang in _SYNONYMS if n == name and k == kind}
            years = _YEAR_IN_HEADER.findall(norm[len(name):])
            return kind, (language if len(languages) == 1 else None), (
                int(years[-1]) if years else None
            )
    return None


_STATE_WORDS = {
    normalise(word): state
    for labels in STATE_LABELS.values()
    for state, word in labels.items()
} | {state: state for state in STATE_LABELS["en"]} | {
    "pågående": "ongoing", "klart": "done", "canceled": "cancelled", "ferdigstilt": "done",
    "planlagd": "planned", "försenat": "delayed", "inställt": "cancelled",
}


def state_from_label(text: str) -> str | None:
    """The state a State cell names (`klar`, `pågår`, `done`, …), or None."""
    return _STATE_WORDS.get(normalise(text))


def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(normalise(word)) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_GUESS = {
    language: [(state, _keyword_pattern(table[state])) for state in GUESS_ORDER]
    for language, table in STATE_KEYWORDS.items()
}


def guess_state(note: str, language: str) -> str | None:
    """A state suggested by the words of a follow-up note (the language's table first)."""
    text = normalise(note)
    language = HEADING_FALLBACK.get(language, language)
    order = [language] + [lang for lang in _GUESS if lang != language]
    for lang in order:
        for state, pattern in _GUESS.get(lang, []):
            if pattern.search(text):
                return state
    return None

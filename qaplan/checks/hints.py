"""How to fix a schema error, in the user's words: the right form, and what was likely meant.

Messages never show a regular expression: each rule is said in words here, with an
example of the right form for the place the wrong value stands in.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any

from qaplan.values import STATES

Loc = tuple[Any, ...]

# The right form of a value, by the field it stands in (`owners` depends on its place).
_FORMS = {
    "plan": "plan: {id: lakarprogrammet, title: Läkarprogrammet}",
    "period": "period: {start: 2022, end: 2025}",
    "status": 'status: {2024: {state: done, note: "Rutin på plats."}}',
    "criteria": "criteria: [{id: C1, title: Studieresultaten motsvarar lärandemålen}]",
    "goals": "goals: [{id: C1.G1, title: Användbar feedback}]",
    "activities": "activities: [{id: C1.G1.A1, title: Analysera feedbacken, end: 2025}]",
    "units": "units: {MED: {name: Medicinska fakulteten}}",
    "ignore": 'ignore: [{code: QP301, path: "plans/arkiv/*"}]',
    "owner_list": "owners: [PD, GA]",
    "owner_map": "owners: {PD: {name: Programdirektör}}",
}
_ROW_FORMS = {
    "criteria": "- {id: C1, title: Studieresultaten motsvarar lärandemålen}",
    "goals": "- {id: C1.G1, title: Användbar feedback}",
    "activities": "- {id: C1.G1.A1, title: Analysera feedbacken, end: 2025}",
}
_SLUG_RULE = (
    "an id uses the letters a–z and A–Z (no å, ä, ö or other accented letters), digits, "
    "'.', '_' and '-', and starts with a letter or a digit"
)
_OWNER_KEY_RULE = "an owner key is one word, without spaces, commas or control characters"
_INITIALS = re.compile(r"[A-ZÅÄÖÆØ0-9-]{1,6}\Z")
_SPLIT = re.compile(r"[\s,]+")
# Letters NFKD does not take apart into a base letter and an accent.
_LATIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d",
                        "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"})
_NOT_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_NO_SPACE_KEY = re.compile(r"([A-Za-z_][\w-]*):(\S.*)\Z")


def right_form(loc: Loc) -> str:
    """An example of the right form for the node at `loc`, or ''."""
    if not loc:
        return ""
    last = loc[-1]
    parent = loc[-2] if len(loc) >= 2 else None
    if last == "owners":
        return _FORMS["owner_map"] if len(loc) == 1 else _FORMS["owner_list"]
    if parent == "owners" and len(loc) == 2:
        return f"{last}: {{name: Programdirektör}}"
    if parent == "units" and len(loc) == 2:
        return f"{last}: {{name: Medicinska fakulteten, parent: MED}}"
    if parent == "status":
        return f'{last}: {{state: done, note: "Rutin på plats."}}'
    if parent in _ROW_FORMS and isinstance(last, int):
        return _ROW_FORMS[parent]
    return _FORMS.get(str(last), "") if isinstance(last, str) else ""


def slug_suggestion(value: str) -> str:
    """`läkarprogrammet` -> `lakarprogrammet`: the id with accents and spaces taken out."""
    plain = unicodedata.normalize("NFKD", value.translate(_LATIN))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NOT_SLUG.sub("-", plain).strip("-._")[:200]


def slug_hint(value: Any) -> str:
    """Why an id is not allowed, and the id that would be."""
    suggestion = slug_suggestion(value) if isinstance(value, str) else ""
    return f"{_SLUG_RULE}; write id: {suggestion}" if suggestion else _SLUG_RULE


def owner_key_hint(value: Any, in_list: bool) -> str:
    """Why an owner key is not allowed; `[P, D]` where spaces or commas separate initials."""
    if not isinstance(value, str):
        return _OWNER_KEY_RULE
    parts = [part for part in _SPLIT.split(value.strip()) if part]
    if len(parts) > 1 and all(_INITIALS.match(part) for part in parts):
        keys = ", ".join(parts)
        form = f"owners: [{keys}]" if in_list else ", ".join(f"{p}: {{name: …}}" for p in parts)
        return f"{_OWNER_KEY_RULE}; for {len(parts)} owners write {form}"
    if len(parts) > 1:
        return f"{_OWNER_KEY_RULE}; write it as one word, such as {'-'.join(parts)}"
    if in_list:
        return f"{_OWNER_KEY_RULE} (owners: [PD, GA])"
    return f"{_OWNER_KEY_RULE} (PD: {{name: Programdirektör}})"


def state_suggestion(value: Any, language: str | None = None) -> str | None:
    """The state a wrong state word most likely means: `klart`, `pågår`, `ferdig`, `Done`."""
    if not isinstance(value, str) or not value.strip():
        return None
    # The table `import --guess-state` reads; pure data, no openpyxl.
    from qaplan.excel.vocabulary import guess_state, state_from_label

    folded = value.strip().casefold()
    if folded in STATES:
        return folded
    state = state_from_label(value) or guess_state(value, language or "en")
    if state is not None:
        return state
    close = difflib.get_close_matches(folded, STATES, n=1, cutoff=0.75)
    return close[0] if close else None


# Where a key that is valid elsewhere belongs.
_HOME = {
    "note": 'in a follow-up: status: {2024: {state: done, note: "…"}}',
    "state": 'in a follow-up: status: {2024: {state: done, note: "…"}}',
    "start": "on an activity, or as period: {start: 2022, end: 2025} under plan:",
    "end": "on an activity, or as period: {start: 2022, end: 2025} under plan:",
    "status": "on an activity",
    "activities": "under a goal",
    "goals": "under a criterion",
    "criteria": "at the top of the file",
    "owners": "on an activity (owners: [PD, GA]), or at the top of the file",
    "name": "in an owner: PD: {name: Programdirektör}",
    "unit": "under plan:",
    "language": "under plan:",
    "period": "under plan:",
}


def misplaced_key(key: Any) -> str | None:
    """Where a key that is right elsewhere belongs."""
    home = _HOME.get(key) if isinstance(key, str) else None
    return f"'{key}' is not a key here; it belongs {home}" if home else None


def close_key(key: Any, known: set[str]) -> str | None:
    """A known key that `key` is probably a misspelling of."""
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.75)
    if close:
        return close[0]
    folded = {name.casefold(): name for name in known}
    return folded.get(str(key).casefold())


def no_space_hint(key: Any, known: set[str]) -> str | None:
    """`end:2024` as one key: the space after ':' is missing."""
    match = _NO_SPACE_KEY.match(key) if isinstance(key, str) else None
    if match is None or match.group(1) not in known:
        return None
    return f"a space is missing after ':'; write {match.group(1)}: {match.group(2)}"


def split_source(record: dict[Any, Any], key: Any) -> str | None:
    """The key whose unquoted text a comma may have split into `key` (which has no value)."""
    if record.get(key) is not None:
        return None
    keys = list(record)
    for before in reversed(keys[:keys.index(key)]):
        value = record[before]
        if isinstance(value, str) and isinstance(before, str):
            return before
        if value is not None:
            return None
    return None


def split_hint(field: str, text: str) -> str:
    """How to write a text with a comma inside `{...}`."""
    return (f"an unquoted {field} with a comma inside {{...}} is split at the comma into "
            f"another key; quote the whole {field}: {field}: \"{text}, …\"")

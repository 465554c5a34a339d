"""The plan format's values without pydantic: the schema name, Due, State and their patterns.

Both the fast shape check (`qaplan.shape`) and the pydantic models (`qaplan.model`) use
these, so a year, a term or a state is read by one piece of code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

SCHEMA_V1 = "qaplan/v1"
MIN_YEAR, MAX_YEAR = 1900, 2200
LANGUAGES = ("sv", "nb", "nn", "en", "da", "fi")


class State(StrEnum):
    """The state of an activity in one year's follow-up."""

    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (State.DONE, State.CANCELLED)


STATES = tuple(state.value for state in State)

# ASCII digits only: `\d` would also read "٢٠٢٤" as 2024, which no JSON Schema pattern can
# follow (ECMA-262's `\d` is ASCII), so editors would flag what qaplan accepts.
_TERM = re.compile(r"(?i)(VT|HT|V|H) ?([0-9]{2}|[0-9]{4})\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_YEAR = re.compile(r"[0-9]{4}\Z")


@dataclass(frozen=True, slots=True)
class Due:
    """A start or end as written: a year, a term (VT/HT/V/H) or a date, resolved to calendar dates."""

    text: str
    year: int
    spring: bool | None = None  # True for VT/V, False for HT/H, None when not a term
    day: date | None = None

    @classmethod
    def parse(cls, value: Any) -> Due:
        """Parse `2024`, `"2024"`, `VT24`, `HT2024`, `V2024`, `H2024` or `2024-06-30`."""
        if isinstance(value, bool):
            raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")
        if isinstance(value, date):
            return cls(value.isoformat(), value.year, day=value)
        if isinstance(value, int):
            return cls(str(value), _check_year(value))
        if not isinstance(value, str):
            raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")
        text = value.strip()
        if _YEAR.match(text):
            return cls(value, _check_year(int(text)))
        term = _TERM.match(text)
        if term:
            digits = term.group(2)
            year = int(digits) + 2000 if len(digits) == 2 else int(digits)
            return cls(value, _check_year(year), spring=term.group(1).upper().startswith("V"))
        if _DATE.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError as exc:
                raise ValueError(f"not a calendar date ({exc})") from None
            return cls(value, _check_year(day.year), day=day)
        raise ValueError("expected a year, a term such as VT2024, or a date such as 2024-06-30")

    @property
    def due_date(self) -> date:
        """The last day this value stands for: 31 Dec of a year, 30 Jun for VT, 31 Dec for HT."""
        if self.day is not None:
            return self.day
        if self.spring:
            return date(self.year, 6, 30)
        return date(self.year, 12, 31)

    @property
    def start_date(self) -> date:
        """The first day this value stands for: 1 Jan of a year or VT, 1 Jul for HT."""
        if self.day is not None:
            return self.day
        if self.spring is False:
            return date(self.year, 7, 1)
        return date(self.year, 1, 1)

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: Due) -> bool:
        return (self.due_date, self.text) < (other.due_date, other.text)


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return year


@lru_cache(maxsize=4096)
def _parse_due_cached(value: int | str) -> Due:
    return Due.parse(value)


def parse_due(value: Any) -> Due:
    """`Due.parse`, remembered for the few thousand distinct forms a repository uses."""
    if isinstance(value, Due):
        return value
    if type(value) is int or type(value) is str:
        return _parse_due_cached(value)
    return Due.parse(value)


def parse_year(value: Any) -> int:
    """A follow-up key or period year: an integer, or text of four digits, within range."""
    if type(value) is int or type(value) is str:
        return _parse_year_cached(value)
    return _parse_year(value)


@lru_cache(maxsize=1024)
def _parse_year_cached(value: int | str) -> int:
    return _parse_year(value)


def _parse_year(value: Any) -> int:
    if isinstance(value, str) and _YEAR.match(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected a four-digit year such as 2024")
    return _check_year(value)


# Patterns read by three regex engines: Python `re` (qaplan.shape), Rust `regex` (pydantic)
# and ECMA-262 (JSON Schema validators: editors, check-jsonschema). Write them in the syntax
# all three read alike: `[0-9]` rather than `\d`, `\uFEFF` for a single character.
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# No space, comma or control character, nor U+FEFF (a byte-order mark or zero-width
# no-break space), which ECMA-262's `\s` counts as a space and Python's and Rust's do not.
OWNER_KEY_PATTERN = r"^[^\s,\x00-\x1f\uFEFF]+$"
CODE_PATTERN = r"^QP[0-9]{3}$"
# For the JSON Schema only (qaplan reads a title with `has_text`): some character that is
# not whitespace. ECMA's `\s` also counts U+FEFF, which `str.strip` keeps: looser, never stricter.
TITLE_PATTERN = r"\S|\uFEFF"
BLANK_TEXT = "Text should hold more than whitespace"


def has_text(value: str) -> bool:
    """True when a title holds something other than whitespace (`""` and `"  "` do not)."""
    return bool(value.strip())

# For the JSON Schema only (qaplan reads these values with Due.parse and parse_year): the
# whitespace str.strip() removes around a year or term, as each engine reads it; ECMA's `\s`
# lacks \x1c-\x1f and \x85, Python's has them. Looser than qaplan, never stricter.
_SPACES = r"[\s\x1c-\x1f\x85]*"
YEAR_TEXT_PATTERN = rf"^{_SPACES}[0-9]{{4}}{_SPACES}$"
TERM_PATTERN = (
    rf"^{_SPACES}([VvHh][Tt]? ?([0-9]{{2}}|[0-9]{{4}})|[0-9]{{4}}|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"
    rf"{_SPACES}$"
)


# C0 and C1 control characters, DEL, the Unicode line and paragraph separators and the
# bidirectional overrides: characters that move a terminal's cursor, recolour it, start a
# CI workflow command on a new line, or reorder what a reader sees.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _short_escape(match: re.Match[str]) -> str:
    return _SHORT.get(match.group()) or _escape(match)


def printable(text: str, *, short: bool = False) -> str:
    """`text` with control characters written as escapes (`\\x1b`), safe to print anywhere;
    `short`: tab and line breaks as YAML writes them (`\\n`), for cells read by people."""
    # Fast path: what str.isprintable() accepts holds none of them (reports have many cells).
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(_short_escape if short else _escape, text)


def derived_id(criterion: int, goal: int | None = None, activity: int | None = None) -> str:
    """The id a row without one gets from its position: C1, C1.G2, C1.G2.A3 (0-based in)."""
    text = f"C{criterion + 1}"
    if goal is not None:
        text += f".G{goal + 1}"
        if activity is not None:
            text += f".A{activity + 1}"
    return text


# The words of a deviation case file (`formats/deviation.py`), here so that checking a file's
# shape does not load the case's typed value.
CATEGORIES = ("education-quality", "learning-environment-physical",
              "learning-environment-psychosocial", "hms", "whistleblowing", "other")
CASE_STATES = ("received", "rejected", "in-progress", "closed")
MEASURE_STATES = ("proposed", "accepted", "declined", "done")
CONSEQUENCES = ("low", "medium", "high")

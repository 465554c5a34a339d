"""Owner cells of plan tables: `PD OEK`, `PD, KA`, `PNO + OEK`, `OEK projektledare` -> owner keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from qaplan.excel.vocabulary import nfc

# Separators between owners: , + / & (and ;) and the words och / og / and.
_SEPARATORS = re.compile(r"[,+/&;]|(?<!\S)(?:och|og|and)(?!\S)", re.IGNORECASE)
_INITIALISM = re.compile(r"[A-ZÅÄÖÆØÜ0-9-]{2,6}\Z")
_TRANSLIT = str.maketrans({"Æ": "AE", "Ø": "O", "ß": "SS", "Þ": "TH", "Ð": "D"})


def split_owner_cell(cell: str, known: Collection[str] = ()) -> list[str]:
    """The owners an Owner cell names, as written (not yet keys).

    The cell is split on `,` `+` `/` `&` and the words och/og/and; a part is split
    further on spaces only when every word is an initialism (2–6 capitals, digits
    or `-`) or a known owner key. So `PD OEK` is two owners and `OEK projektledare`
    one.
    """
    owners: list[str] = []
    for part in _SEPARATORS.split(nfc(cell)):
        words = part.split()
        if not words:
            continue
        if len(words) > 1 and all(_INITIALISM.match(w) or w in known for w in words):
            owners.extend(words)
        else:
            owners.append(" ".join(words))
    return list(dict.fromkeys(owners))


def owner_slug(text: str) -> str:
    """An owner key for a whole-text owner: `OEK projektledare` -> `OEK-PROJEKTLEDARE`."""
    upper = nfc(text).upper().translate(_TRANSLIT)
    ascii_text = "".join(
        ch for ch in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(ch)
    )
    slug = re.sub(r"[^A-Z0-9]+", "-", ascii_text).strip("-")
    return slug[:100] or "OWNER"


@dataclass(frozen=True, slots=True)
class OwnerRef:
    """One owner named in a cell: its key and, when the key is new, the name to declare."""

    key: str
    name: str
    known: bool


def resolve_owner(text: str, directory: Mapping[str, str]) -> OwnerRef:
    """The key for an owner as written, given the known directory (key -> name)."""
    if text in directory:
        return OwnerRef(text, directory[text], True)
    folded = text.casefold()
    for key, name in directory.items():
        if key.casefold() == folded or nfc(name).casefold() == folded:
            return OwnerRef(key, name, True)
    if _INITIALISM.match(text) or (" " not in text and "," not in text and text.isupper()):
        return OwnerRef(text, text, False)
    slug = owner_slug(text)
    for key, name in directory.items():
        if key == slug:
            return OwnerRef(key, name, True)
    return OwnerRef(slug, text, False)

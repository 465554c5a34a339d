"""Counted words, written the same way in every message: `1 activity`, `2 activities`."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 activity`, `2 activities`, `0 plans`."""
    return f"{count} {one if count == 1 else many or one + 's'}"

"""A criteria catalogue as one typed value: its name, title, source, version and numbered items.

The same value comes from a catalogue file (the shipped `qaplan/catalogues/*.yaml`, or a
repository's `file:`) and from an entry of qaplan.yaml's `catalogues:`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a catalogue: a standard, an aspect, a section."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A versioned list of criteria that plans say they cover (`covers: [esg:1.3]`)."""

    name: str
    title: str
    items: tuple[Item, ...] = ()
    source: str | None = None
    version: str | None = None
    file: str | None = None  # a repository catalogue kept in a file, relative to qaplan.yaml

    def item(self, item_id: str) -> Item | None:
        """The item numbered `item_id`, if the catalogue has it."""
        return next((item for item in self.items if item.id == item_id), None)


def build(data: Mapping[str, Any]) -> Catalogue:
    """The typed catalogue of a catalogue file's checked data."""
    info = data["catalogue"]
    return Catalogue(info["name"], info["title"], _items(data["items"]), info.get("source"),
                     info.get("version"))


def build_entry(name: str, data: Mapping[str, Any]) -> Catalogue:
    """The typed catalogue of one entry of qaplan.yaml's `catalogues:` (its items, or its file)."""
    return Catalogue(name, data.get("title") or name, _items(data.get("items") or ()),
                     data.get("source"), data.get("version"), data.get("file"))


def _items(data: Any) -> tuple[Item, ...]:
    return tuple(Item(item["id"], item["title"]) for item in data)

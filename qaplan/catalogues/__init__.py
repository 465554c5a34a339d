"""Criteria catalogues: the ones shipped with qaplan and a repository's own, read when needed.

The shipped catalogues are YAML files beside this module (`esg-2015.yaml`, ...), each with
`catalogue: {name, title, source, version}` and `items: [{id, title}]` and no `schema:` line
(a file with one would be taken for a plan). A repository adds its
own in qaplan.yaml (`catalogues: {name: {title, items}}`, or `{file: path}` relative to
qaplan.yaml). Plans name items as `catalogue:item` (`covers: [esg:1.3]`). Nothing here is
read until a plan has `covers` or a report asks: `validate ONE.yaml` of a plan without them
never opens a catalogue.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from qaplan.formats.catalogue import Catalogue, build
from qaplan.loader import read
from qaplan.shape import CATALOGUE_ITEM, ListOf, Record, Text, Title, problems
from qaplan.values import SLUG_PATTERN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config

# `catalogue:item`, both slugs: `esg:1.3`, `nokut:2-1`.
CATALOGUE_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._-]*$"
_REF = re.compile(CATALOGUE_REF_PATTERN.removesuffix("$") + r"\Z")
_HERE = Path(__file__).resolve().parent
SHIPPED = {
    "esg": "esg-2015.yaml",
    "uka": "uka-2022.yaml",
    "nokut": "nokut-studietilsynsforskriften.yaml",
}
_TEXT = Text()
CATALOGUE_FILE = Record("CatalogueFile", {
    "catalogue": (Record("CatalogueInfo", {
        "name": (Text(SLUG_PATTERN, 200), True),
        "title": (Title(), True),
        "source": (_TEXT, False),
        "version": (_TEXT, False),
    }), True),
    "items": (ListOf(CATALOGUE_ITEM), True),
})


class CatalogueError(Exception):
    """A catalogue file that cannot be read as one; the message says where and why."""


def parse_ref(text: str) -> tuple[str, str] | None:
    """`"esg:1.3"` as ("esg", "1.3"); None when the text is not of that form."""
    if not _REF.match(text):
        return None
    name, _, item = text.partition(":")
    return name, item


def read_catalogue(path: Path, display: str) -> Catalogue:
    """A catalogue file, checked; CatalogueError says what is wrong with it."""
    doc = read(path, display)
    errors = [f for f in doc.findings if f.severity == "error"]
    if errors:
        raise CatalogueError(errors[0].as_text())
    if not doc.readable or not isinstance(doc.data, dict):
        raise CatalogueError(f"{display}: not a catalogue (expected catalogue: and items:)")
    found = problems(CATALOGUE_FILE, doc.data)
    if found:
        first = found[0]
        where = ".".join(str(part) for part in first["loc"])
        line, col = doc.value_position(tuple(first["loc"]))
        raise CatalogueError(f"{display}:{line}:{col}: {where}: {first['msg']}")
    return build(doc.data)


@cache
def shipped(name: str) -> Catalogue:
    """A catalogue shipped with qaplan, by name (KeyError for another name)."""
    return read_catalogue(_HERE / SHIPPED[name], f"qaplan/catalogues/{SHIPPED[name]}")


def catalogue_file(config_file: str, file: str) -> Path:
    """Where a repository catalogue's `file:` is: relative to its qaplan.yaml."""
    return Path(config_file).parent / file


@lru_cache(maxsize=64)
def _read_cached(path: str, _stamp: tuple[int, int], name: str) -> Catalogue:
    return replace(read_catalogue(Path(path), path), name=name)


def read_entry(entry: Catalogue, config_file: str | None) -> Catalogue:
    """A repository catalogue with its items: read from its file when it names one."""
    if entry.file is None:
        return entry
    if config_file is None:
        raise CatalogueError(f"{entry.file}: no qaplan.yaml to find it from")
    path = catalogue_file(config_file, entry.file)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise CatalogueError(f"{path.as_posix()}: cannot be read ({exc.strerror})") from None
    return _read_cached(path.as_posix(), (info.st_mtime_ns, info.st_size), entry.name)


class Catalogues:
    """The catalogues one plan may name: the shipped ones and its qaplan.yaml's, each read on
    first use. A repository catalogue that cannot be read is `broken` (qaplan.yaml's own
    finding says why), so plans naming it get no second finding."""

    def __init__(self, config: Config | None, config_file: str | None) -> None:
        self.own = dict(config.catalogues) if config is not None else {}
        self.config_file = config_file
        self.broken: set[str] = set()
        self._read: dict[str, Catalogue] = {}

    def names(self) -> list[str]:
        """Every catalogue name, the shipped ones and the repository's, sorted."""
        return sorted(set(SHIPPED) | set(self.own))

    def get(self, name: str) -> Catalogue | None:
        """The catalogue called `name` with its items; None when unknown or broken."""
        if name in self._read:
            return self._read[name]
        catalogue: Catalogue | None = None
        if name in self.own and name not in SHIPPED:
            try:
                catalogue = read_entry(self.own[name], self.config_file)
            except CatalogueError:
                self.broken.add(name)
        elif name in SHIPPED:
            catalogue = shipped(name)
        if catalogue is not None:
            self._read[name] = catalogue
        return catalogue


def files_stamp(config_path: Path, data: dict[str, Any] | None) -> str:
    """The size and time of each catalogue file qaplan.yaml names: its plans' findings depend
    on them, so the cache key of each plan includes them."""
    entries = (data or {}).get("catalogues") or {}
    stamps = []
    for name, entry in sorted(entries.items()):
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str):
            continue
        try:
            info = os.stat(config_path.parent / file)
            stamps.append(f"{name}={info.st_size}:{info.st_mtime_ns}")
        except OSError:
            stamps.append(f"{name}=missing")
    return ";".join(stamps)

"""Criteria catalogue references (`covers: [esg:1.3]`) in plans, and the catalogues that a
repository declares in qaplan.yaml."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from difflib import get_close_matches
from typing import Any

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.formats.plan import Criterion, Goal
from qaplan.loader import Document

QP721 = Code(
    "QP721", "error", "unknown catalogue",
    "no catalogue '{name}' in '{ref}'{hint}; the catalogues are: {known}",
    what="A `covers` reference names a catalogue that neither qaplan ships (esg, uka, nokut) "
    "nor the repository's qaplan.yaml declares under `catalogues:`.",
    why="`qaplan coverage` cannot place the work under an item of a catalogue it does not know.",
    fix="Correct the catalogue's name, or declare the catalogue in qaplan.yaml.",
)
QP722 = Code(
    "QP722", "error", "unknown catalogue item",
    "catalogue '{name}' has no item '{item}'{hint}",
    what="A `covers` reference names an item that its catalogue does not have.",
    why="A mistyped number (`esg:1.11`) would make the work count for nothing in "
    "`qaplan coverage`.",
    fix="Use the item's number as the catalogue numbers it (`qaplan coverage --catalogue NAME` "
    "lists them).",
)
QP723 = Code(
    "QP723", "error", "not a catalogue reference",
    "'{ref}' is not a catalogue reference; write catalogue:item, e.g. esg:1.3",
    what="An entry of `covers` is not of the form `catalogue:item` (`esg:1.3`, `uka:2.1`).",
    why="qaplan cannot tell which catalogue and item the entry means.",
    fix="Write the catalogue's name, a colon and the item's number, without spaces: `esg:1.3`.",
)
QP724 = Code(
    "QP724", "warning", "catalogue item named twice", "'{ref}' is named twice in covers",
    what="The same catalogue item appears twice in one `covers` list.",
    why="The second one adds nothing; often another item was meant.",
    fix="Remove it, or correct it to the item that was meant.",
)
QP725 = Code(
    "QP725", "error", "catalogue without items",
    "catalogue '{name}' needs either items: or file:, {problem}",
    what="A catalogue in qaplan.yaml's `catalogues:` has neither `items:` nor `file:`, or both.",
    why="qaplan reads a catalogue's items from one place.",
    fix="Give the items in qaplan.yaml (`items: [{id: K1, title: ...}]`), or the path of a "
    "catalogue file (`file: catalogues/policy.yaml`).",
)
QP726 = Code(
    "QP726", "error", "unreadable catalogue file", "catalogue '{name}': {detail}",
    what="A catalogue's `file:` cannot be read as a catalogue file (`catalogue: {name, title, "
    "source, version}` and `items: [{id, title}]`), or does not exist.",
    why="Plans that name its items could not be checked, nor reported in `qaplan coverage`.",
    fix="Correct the path (relative to qaplan.yaml) or the file at the position given.",
)
QP727 = Code(
    "QP727", "error", "duplicate catalogue item", "catalogue '{name}' has item '{item}' twice",
    what="Two items of one catalogue have the same id.",
    why="A reference to that id would be ambiguous.",
    fix="Give each item its own id.",
)
QP728 = Code(
    "QP728", "error", "catalogue name taken",
    "catalogue '{name}' is shipped with qaplan; give the repository's own catalogue another name",
    what="A catalogue in qaplan.yaml has the name of a catalogue shipped with qaplan "
    "(esg, uka, nokut).",
    why="References such as `esg:1.3` must mean one thing in every repository.",
    fix="Rename the repository's catalogue (and its references), e.g. `lokal`.",
)

CODES = (QP721, QP722, QP723, QP724, QP725, QP726, QP727, QP728)


def _hint(wanted: str, known: Sequence[str]) -> str:
    close = get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def covers_known(ctx: PlanContext) -> Iterator[Finding]:
    """Every `covers` reference names a known catalogue and item (run only for plans with any)."""
    rows: list[Criterion | Goal] = []
    for criterion in ctx.plan.criteria:
        rows.extend([criterion] if criterion.covers else [])
        rows.extend(goal for goal in criterion.goals if goal.covers)
    from qaplan.catalogues import Catalogues, parse_ref

    catalogues = Catalogues(ctx.config, ctx.config_file)
    for row in rows:
        seen: set[str] = set()
        for index, ref in enumerate(row.covers):
            path = row.path + ("covers", index)
            parsed = parse_ref(ref)
            if parsed is None:
                yield ctx.at(path, QP723, ref=ref)
                continue
            if ref in seen:
                yield ctx.at(path, QP724, ref=ref)
            seen.add(ref)
            name, item = parsed
            catalogue = catalogues.get(name)
            if catalogue is None:
                if name not in catalogues.broken:  # qaplan.yaml's finding says why
                    names = catalogues.names()
                    yield ctx.at(path, QP721, name=name, ref=ref, hint=_hint(name, names),
                                 known=", ".join(names))
            elif catalogue.item(item) is None:
                ids = [entry.id for entry in catalogue.items]
                yield ctx.at(path, QP722, name=name, item=item, hint=_hint(item, ids))


def config_catalogues(doc: Document, data: Mapping[str, Any]) -> Iterator[Finding]:
    """The checks of qaplan.yaml's `catalogues:` (on data that has its shape and some)."""
    entries = data["catalogues"]
    from qaplan.catalogues import SHIPPED, CatalogueError, read_entry
    from qaplan.formats.catalogue import build_entry

    file = doc.file
    for name, entry in entries.items():
        where = ("catalogues", name)
        if name in SHIPPED:
            yield QP728.at(file, *doc.key_position(where), name=name)
            continue
        has_items, has_file = bool(entry.get("items")), entry.get("file") is not None
        if has_items == has_file:
            yield QP725.at(file, *doc.value_position(where), name=name,
                           problem="not both" if has_items else "and has neither")
            continue
        try:
            catalogue = read_entry(build_entry(name, entry), file)
        except CatalogueError as exc:
            yield QP726.at(file, *doc.value_position((*where, "file")), name=name,
                           detail=str(exc))
            continue
        seen: set[str] = set()
        for index, item in enumerate(catalogue.items):
            if item.id in seen:
                path = (*where, "items", index, "id") if has_items else (*where, "file")
                yield QP727.at(file, *doc.value_position(path), name=name, item=item.id)
            seen.add(item.id)


CHECKS: tuple[Check, ...] = (covers_known,)

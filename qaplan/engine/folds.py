"""What a report keeps of each file, worked out where the file is checked and kept in the cache.

A report that reads thousands of plans needs a few facts of each (a status row, the overdue
items, one unit's figures), not the plan. A `Fold` names a function that turns one file's
entry into those facts as JSON-able data. The engine applies it where the file's data already
is: in the pool worker that checked the file (both cores, no second parse), and it keeps the
facts in a signed cache entry of their own beside the file's, keyed by that entry and the
fold's arguments. A warm run reads the facts and never builds the typed plan; the report only
merges them. A plan that carries on activities of an earlier plan (`continues`) depends on
other files, so its facts are worked out by the report each time and never cached.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from qaplan.engine.results import Entry, FileResult
from qaplan.spill import Spill

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.cache import Cache

# (one file's entry, the earlier activities its links name, *the fold's args) -> JSON-able facts
FoldFunction = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Fold:
    """One report's per-file work: `function(entry, earlier, *args)` for files of `kind`.

    `function` is a module-level function (a pool worker receives it by name); `args` are what
    its answer depends on beside the file (the as-of date, the year): they are part of the key.
    """

    name: str
    kind: str
    function: FoldFunction
    args: tuple[Any, ...] = ()
    # Whether decoded facts have the shape `function` gives (a module-level function too): an
    # entry that does not (damaged, or of another shape) is a miss, never an error in a report.
    valid: Callable[[Any], bool] | None = None
    # The place in the facts (a list) of a list of texts kept apart from the JSON, as UTF-8
    # bytes after it: a report copies them out as they are, never decoding them.
    apart: int | None = None

    def key(self, cache: Cache, data_key: str) -> str:
        """The facts' entry: the file's entry (its content, path, repository file, qaplan's
        code) and this fold with its arguments."""
        return cache.key(data_key.encode("ascii"), "fold", self.name, repr(self.args))

    def facts(self, entry: Entry | Any, earlier: dict[str, Any] | None = None) -> bytes:
        """The facts of one file as JSON text; with `apart`, the JSON on one line (its texts
        replaced by their lengths) and the texts after it."""
        value = self.function(entry, earlier or {}, *self.args)
        texts: list[bytes] = []
        if self.apart is not None:
            value = list(value)
            texts = [text.encode("utf-8", "surrogatepass") for text in value[self.apart]]
            value[self.apart] = [len(text) for text in texts]
        head = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass")
        return head if self.apart is None else b"".join((head, b"\n", *texts))

    def decode(self, facts: bytes) -> Any:
        """The facts from `facts` as `facts()` wrote them; ValueError when they are not."""
        if self.apart is None:
            return json.loads(facts)
        cut = facts.index(b"\n")  # compact JSON holds no newline
        value = json.loads(facts[:cut])
        lengths = value[self.apart] if type(value) is list and len(value) > self.apart else None
        if (type(lengths) is not list or set(map(type, lengths)) - {int}
                or min(lengths, default=0) < 0 or sum(lengths) != len(facts) - cut - 1):
            raise ValueError("the texts kept apart do not match their lengths")
        ends = list(accumulate(lengths, initial=cut + 1))
        value[self.apart] = list(map(facts.__getitem__, map(slice, ends, ends[1:])))
        return value

    def applies(self, result: FileResult) -> bool:
        """Whether the facts of `result` depend on that file alone (and so may be cached); a
        file with errors has none (reports refuse it, or leave it out)."""
        links = result.links
        return (result.kind == self.kind and (links is None or not links.continues)
                and not result.errors)


def keep_facts(fold: Fold, result: FileResult, value: Any, store: Cache | Spill | None,
               data_key: str | None) -> None:
    """Work out the facts of a checked file from its typed `value` and keep them in their own
    entry of the cache beside the file's data (`data_key`), or in this run's spill, else with
    the result itself."""
    facts = fold.facts(result.entry(value))
    if store is None or data_key is None:
        result.facts = facts
    elif isinstance(store, Spill):
        result.facts_at = store.put(facts)
        if result.facts_at is None:
            result.facts = facts
    elif not keep(store, fold.key(store, data_key), facts):
        result.facts = facts


def facts_of(fold: Fold, result: FileResult, earlier: dict[str, Any] | None) -> Any:
    """The facts of one file: those kept with it or in its store, else worked out now from its
    typed value (and kept in the cache when they depend on the file alone)."""
    facts, result.facts = result.facts, None  # read once: memory holds what is merged
    store, data_key = result.store, result.stored
    if facts is None and result.facts_at is not None and store is not None:
        facts = store.data(result.facts_at)  # this run's own, signed: of the fold's shape
    cache = None if isinstance(store, Spill) else store  # a spill is of this run alone
    key = None
    if cache is not None and data_key is not None and fold.applies(result):
        key = fold.key(cache, data_key)
    if facts is None and cache is not None and key is not None:
        found = _read(fold, cache, key)
        if found is not None:
            return found
    if facts is None:
        facts = fold.facts(result.entry(result.build()), earlier)
        if cache is not None and key is not None:
            keep(cache, key, facts)
    return fold.decode(facts)


def _read(fold: Fold, store: Cache, key: str) -> Any:
    """The decoded facts of a signed entry of the fold's shape, else None (a miss)."""
    found = store.get(key, True)
    if found is None or found[1] is None or set(found[0]) != {"key"}:
        return None
    try:
        facts = fold.decode(found[1])
    except (ValueError, RecursionError):
        return None
    return facts if fold.valid is None or fold.valid(facts) else None


# A facts template for `shape`: a type (int never matches a bool), a tuple of types (any of
# them), a list of one template (a list whose items fit it), or a `Row` of templates (a list of
# that many items, each fitting its own).
class Row(tuple[Any, ...]):
    """A template for a list of so many items, each of its own template (`shape`)."""


Check = Callable[[Any], bool]


def shape(template: Any) -> Check:
    """A check of whether decoded facts have the shape of `template` (what a fold's `valid`
    does for every file a warm report reads): made once per template, and checking the types
    of a row's or a list's items in one pass of C code where it can."""
    allowed = _types(template)
    if allowed is not None:
        return lambda value: type(value) in allowed
    if isinstance(template, Row):
        return _row(template)
    if isinstance(template, list):
        items = _types(template[0])
        if items is not None:
            return lambda value: type(value) is list and set(map(type, value)) <= items
        check = shape(template[0])
        return lambda value: type(value) is list and all(map(check, value))
    parts = [shape(part) for part in template]  # a tuple with more than types in it
    return lambda value: any(check(value) for check in parts)


def _types(template: Any) -> frozenset[type] | None:
    """The types a template allows when it is a type or a tuple of types, else None."""
    if type(template) is type:
        return frozenset((template,))
    if type(template) is tuple and all(type(part) is type for part in template):
        return frozenset(template)
    return None


def _row(template: Row) -> Check:
    """A row: the type of each item in the set of its place, then the items with a template of
    more than types checked in depth."""
    size = len(template)
    typed = [(at, _types(part) or frozenset((list,))) for at, part in enumerate(template)
             if _types(part) is not None or isinstance(part, list)]  # a list or a Row: a list
    allowed = tuple(types for _, types in typed)
    places = [at for at, _ in typed]
    deep = [at for at, part in enumerate(template) if _types(part) is None]
    inner = [shape(template[at]) for at in deep]
    contains, call = frozenset.__contains__, operator.call

    def check(value: Any) -> bool:
        if type(value) is not list or len(value) != size:
            return False
        items = value if len(places) == size else [value[at] for at in places]
        return (all(map(contains, allowed, map(type, items)))
                and all(map(call, inner, map(value.__getitem__, deep))))
    return check


def keep(store: Cache, key: str, facts: bytes) -> bool:
    """Write the facts as a signed entry of their own (a fields line with the key alone)."""
    return store.put_raw(key, json.dumps({"key": key}).encode("ascii"), facts)

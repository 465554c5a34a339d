"""A long list of a report's rows kept compact: each group's rows (one plan's changes) as one
JSON text, turned back into items when they are read, a group at a time.

A year diff over 100,000 plans finds over a million changes: as objects they take about 500
bytes each (a synthetic plan's), as JSON text 180, what their words take.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, TypeVar, overload

Item = TypeVar("Item")
Row = list[Any]  # one item as JSON-able data


def _text(rows: list[Row]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


class Packed(Sequence[Item]):
    """Items in groups sorted by key, each group's kept as JSON text; `make(key, row)` turns a
    row back into an item, the group last read is kept decoded."""

    __slots__ = ("_keys", "_last", "_make", "_size", "_starts", "_texts")

    def __init__(self, groups: Iterable[tuple[str, list[Row]]], make: Callable[[str, Row], Item],
                 order: Callable[[Row], Any]) -> None:
        """`groups`: (key, rows in order) as they come; groups that share a key are merged,
        their rows put in `order` (a sort key; ties keep the groups' order)."""
        packed = sorted(((key, _text(rows), len(rows)) for key, rows in groups if rows),
                        key=itemgetter(0))  # stable: groups that share a key keep their order
        self._keys: list[str] = []
        self._texts: list[str] = []
        self._starts: list[int] = []
        self._size = 0
        for key, same in groupby(packed, key=itemgetter(0)):
            parts = list(same)
            text = parts[0][1]
            if len(parts) > 1:
                text = _text(sorted((row for part in parts for row in json.loads(part[1])),
                                    key=order))
            self._keys.append(key)
            self._texts.append(text)
            self._starts.append(self._size)
            self._size += sum(part[2] for part in parts)
        self._make = make
        self._last: tuple[int, list[Item]] = (-1, [])

    def __len__(self) -> int:
        return self._size

    def spans(self) -> Iterator[tuple[str, range]]:
        """Each group's key and the indexes of its items (without reading them)."""
        for key, start, stop in zip(self._keys, self._starts, [*self._starts[1:], self._size]):
            yield key, range(start, stop)

    def _group(self, number: int) -> list[Item]:
        if self._last[0] != number:
            key = self._keys[number]
            self._last = (number, [self._make(key, row) for row in json.loads(self._texts[number])])
        return self._last[1]

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return _slice(self, range(self._size)[index])
        index = range(self._size)[index]  # negative from the end; IndexError past it
        number = bisect_right(self._starts, index) - 1
        return self._group(number)[index - self._starts[number]]

    def __iter__(self) -> Iterator[Item]:
        return self.between(0, self._size)

    def between(self, start: int, stop: int) -> Iterator[Item]:
        """The items from `start` up to `stop`, each group decoded once."""
        number = bisect_right(self._starts, start) - 1
        while start < stop:
            first = self._starts[number]
            items = self._group(number)[start - first:stop - first]
            yield from items
            start += len(items)
            number += 1


def _slice(items: Packed[Item], indexes: range) -> Sequence[Item]:
    """A window on the items at `indexes`, or a list of them when they are not consecutive."""
    return Window(items, indexes) if indexes.step == 1 else [items[index] for index in indexes]


class Window(Sequence[Item]):
    """Consecutive items of a packed list (a slice of it), read from it when they are reached."""

    __slots__ = ("_indexes", "_items")

    def __init__(self, items: Packed[Item], indexes: range) -> None:
        self._items = items
        self._indexes = indexes

    def __len__(self) -> int:
        return len(self._indexes)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return _slice(self._items, self._indexes[index])
        return self._items[self._indexes[index]]

    def __iter__(self) -> Iterator[Item]:
        return self._items.between(self._indexes.start, self._indexes.stop)

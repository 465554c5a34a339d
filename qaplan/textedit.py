"""Edits of YAML text at the positions the parser reports (import --into).

Every change is a splice into the original text: a value replaced where it stands,
a line inserted after an entry. Everything outside those spans stays byte for byte
(line endings, indentation, quotes, escapes, comments and their spacing, `...`).
Each edit is also applied to the plain data, so the caller can check that the new
text reads back as exactly what was intended.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml

from qaplan.writer import double_quoted, literal_ok, scalar

_TEXT_KEYS = frozenset({"title", "note", "name", "description"})


class Flow(dict):  # type: ignore[type-arg]
    """A mapping to write in flow style: `{state: done, note: Klart.}`."""


class CannotEdit(Exception):
    """The change cannot be made without rewriting more of the file than the edited entry."""


@dataclass(slots=True, eq=False)
class Node:
    """A node of the parsed text: its kind, span (character offsets) and style."""

    kind: str  # "map", "seq" or "scalar"
    start: int
    end: int
    flow: bool = False
    style: str | None = None  # scalars: None (plain), "'", '"', "|", ">"
    value: str = ""
    items: list[Any] = field(default_factory=list)  # map: [(key, value)]; seq: [node]

    def entry(self, key: Any) -> tuple[Node, Node] | None:
        """The (key, value) nodes of `key` in a mapping."""
        for key_node, value_node in self.items:
            if key_node.kind == "scalar" and key_node.value == str(key):
                return key_node, value_node
        return None


def parse_spans(text: str) -> Node:
    """The node tree of a (validated, alias-free) YAML document, with spans."""
    root: Node | None = None
    stack: list[Node] = []
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        node: Node | None = None
        start, end = event.start_mark.index, event.end_mark.index
        if isinstance(event, yaml.ScalarEvent):
            node = Node("scalar", start, end, style=event.style or None, value=event.value)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            node = Node(kind, start, end, flow=bool(event.flow_style))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop().end = end
            continue
        elif isinstance(event, yaml.AliasEvent):
            raise CannotEdit("the file uses an alias")
        else:
            continue
        if stack:
            _attach(stack[-1], node)
        else:
            root = node
        if node.kind != "scalar":
            stack.append(node)
    if root is None or root.kind != "map":
        raise CannotEdit("the file is not a mapping")
    return root


def _attach(parent: Node, node: Node) -> None:
    if parent.kind == "seq":
        parent.items.append(node)
    elif parent.items and parent.items[-1][1] is None:
        parent.items[-1] = (parent.items[-1][0], node)
    else:
        parent.items.append((node, None))


class TextDoc:
    """A YAML text and the edits to splice into it; the plain data follows every edit."""

    def __init__(self, text: str, data: Any) -> None:
        self.text = text
        self.data = data  # the caller's fresh copy: every edit is applied to it
        first_break = text.find("\n")
        self.newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
        self.root = parse_spans(text)
        self.edits: list[tuple[int, int, str]] = []
        self.unit, self.seq_offset, self.gap = self._indentation()
        self.quote = self._quote_style()

    # --- reading the layout ---------------------------------------------------------------

    def column(self, index: int) -> int:
        return index - (self.text.rfind("\n", 0, index) + 1)

    def _dash(self, item: Node) -> int:
        """The offset of the `-` that opens a block sequence item."""
        index = item.start - 1
        while index >= 0 and self.text[index] == " ":
            index -= 1
        if index < 0 or self.text[index] != "-":
            raise CannotEdit("a list item does not start with '-' where expected")
        return index

    def _indentation(self) -> tuple[int, int, int]:
        """The file's mapping indent, a list's `-` under its key, and the gap after `-`."""
        unit = offset = gap = None
        todo = [self.root]
        while todo and (unit is None or offset is None or gap is None):
            node = todo.pop(0)
            if node.kind == "map" and not node.flow:
                for key, value in node.items:
                    if value.kind == "map" and not value.flow and unit is None:
                        unit = self.column(value.start) - self.column(key.start)
                    if value.kind == "seq" and not value.flow and value.items and offset is None:
                        offset = self.column(self._dash(value.items[0])) - self.column(key.start)
                    todo.append(value)
            elif node.kind == "seq":
                if not node.flow and node.items and node.items[0].kind == "map" and gap is None:
                    gap = self.column(node.items[0].start) - self.column(self._dash(node.items[0]))
                todo.extend(node.items)
        unit = unit if unit and unit > 0 else 2
        return (unit, offset if offset is not None and offset >= 0 else unit,
                gap if gap and gap > 0 else 2)

    def _quote_style(self) -> str | None:
        """How the file writes its titles and notes: mostly plain, 'single' or "double" quoted."""
        styles: Counter[str | None] = Counter()
        todo = [self.root]
        while todo:
            node = todo.pop()
            if node.kind == "map":
                for key, value in node.items:
                    if value.kind == "scalar" and key.value in _TEXT_KEYS and value.style in (
                            None, "'", '"'):
                        styles[value.style] += 1
                    todo.append(value)
            elif node.kind == "seq":
                todo.extend(node.items)
        return styles.most_common(1)[0][0] if styles else None

    def content_end(self, node: Node) -> int:
        """Where a node's own text ends (a block scalar's trailing blank lines excluded)."""
        if node.kind == "scalar":
            if node.style in ("|", ">"):
                return node.start + len(self.text[node.start:node.end].rstrip())
            return node.end
        if node.flow or not node.items:
            return node.end
        last = node.items[-1]
        if node.kind == "seq":
            return self.content_end(last)
        return self._entry_end(*last)

    def _entry_end(self, key: Node, value: Node) -> int:
        if value.kind == "scalar" and value.start == value.end:  # an empty value (`end:`)
            return self.text.index(":", key.end) + 1
        return self.content_end(value)

    def _line_after(self, index: int) -> tuple[int, str]:
        """Where a line inserted after the line holding `index` goes, and a prefix it needs."""
        found = self.text.find("\n", index)
        if found < 0:
            return len(self.text), self.newline
        return found + 1, ""

    # --- edits ------------------------------------------------------------------------------

    def _splice(self, start: int, end: int, new: str) -> None:
        self.edits.append((start, end, new))

    def _lines(self, at: int, lines: list[str]) -> None:
        position, prefix = self._line_after(at)
        self._splice(position, position, prefix + "".join(line + self.newline for line in lines))

    def node(self, path: tuple[Any, ...]) -> Node:
        """The node at `path` (keys and list indexes) in the original text."""
        node = self.root
        for step in path:
            if node.kind == "seq" and isinstance(step, int) and step < len(node.items):
                node = node.items[step]
                continue
            found = node.entry(step) if node.kind == "map" else None
            if found is None:
                raise CannotEdit(f"no {'/'.join(str(p) for p in path)} in the file")
            node = found[1]
        return node

    def datum(self, path: tuple[Any, ...]) -> Any:
        value = self.data
        for step in path:
            value = value[step]
        return value

    def has(self, path: tuple[Any, ...], key: Any) -> bool:
        node = self.node(path)
        found = node.entry(key) if node.kind == "map" else None
        return found is not None and not (found[1].kind == "scalar" and found[1].start == found[1].end)

    def set(self, path: tuple[Any, ...], key: Any, value: Any, order: list[Any]) -> None:
        """Set `key` of the mapping at `path`; a new key goes before the first later one in `order`."""
        node = self.node(path)
        if node.kind != "map":
            raise CannotEdit(f"{'/'.join(str(p) for p in path)} is not a mapping")
        found = node.entry(key)
        if found is not None:
            self._replace(found[0], found[1], key, value)
        elif node.flow:
            self._insert_flow(node, key, value, order)
        else:
            self._insert_block(node, key, value, order)
        target = self.datum(path)
        if target is None:
            raise CannotEdit(f"{'/'.join(str(p) for p in path)} is empty")
        target[key] = _plain(value)

    def append(self, path: tuple[Any, ...], key: str, items: list[dict[str, Any]],
               order: list[Any]) -> None:
        """Add `items` at the end of the list `key` of the mapping at `path`."""
        parent = self.node(path)
        found = parent.entry(key) if parent.kind == "map" else None
        if found is None or found[1].kind != "seq" or found[1].flow or not found[1].items:
            if found is not None and found[1].kind == "seq" and found[1].items:
                raise CannotEdit(f"the list '{key}' is written in flow style")
            self.set(path, key, items, order)
            return
        seq = found[1]
        last = seq.items[-1]
        dash = self._dash(last)
        gap = self.column(last.start) - self.column(dash) if last.kind == "map" else self.gap
        self._lines(self.content_end(seq),
                    [line for item in items for line in self._item(item, self.column(dash), gap)])
        self.datum(path)[key].extend(_plain(items))

    def add_modeline(self, line: str) -> None:
        self._splice(0, 0, line + self.newline)

    def result(self) -> str:
        """The text with every edit spliced in."""
        pieces, position = [], 0
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < position:
                raise CannotEdit("two changes touch the same text")
            pieces.append(self.text[position:start])
            pieces.append(new)
            position = end
        pieces.append(self.text[position:])
        return "".join(pieces)

    # --- the splices --------------------------------------------------------------------------

    def _replace(self, key: Node, old: Node, name: Any, value: Any) -> None:
        flow = self._in_flow(old)
        column = self.column(key.start)
        if isinstance(value, str) and "\n" in value and not flow and literal_ok(value):
            indicator = self._block_indicator(value)
            lines = self._literal_lines(value, column + self.unit)
            if old.kind == "scalar" and old.style in ("|", ">"):
                self._splice(old.start, self.content_end(old),
                             indicator + self.newline + self.newline.join(lines))
            elif old.kind == "scalar" and old.start != old.end:
                self._splice(old.start, old.end, indicator)
                self._lines(old.end, lines)
            else:
                raise CannotEdit(f"'{name}' would have to be rewritten as a whole")
            return
        if old.kind == "seq" and not old.flow and old.items and isinstance(value, list) and all(
                isinstance(v, (str, int)) for v in value):
            dash = self.column(self._dash(old.items[0]))
            new = (self.newline + " " * dash).join("- " + self._scalar(v, False, None) for v in value)
            self._splice(self._dash(old.items[0]), self.content_end(old), new)
            return
        if _is_block(value) and not flow:
            if old.kind == "scalar" and old.start == old.end:
                start = end = self.text.index(":", key.end) + 1
            elif old.kind == "scalar" or old.flow:
                start, end = self._gap_before(old.start), old.end
            else:
                raise CannotEdit(f"'{name}' would have to be rewritten as a whole")
            self._splice(start, end, "")
            self._lines(end, self._value_lines({name: value}, column)[1:])  # under `name:`
            return
        style = old.style if old.kind == "scalar" and old.style in ("'", '"') else "plain"
        if old.kind == "scalar" and old.start == old.end:
            at = self.text.index(":", key.end) + 1
            self._splice(at, at, " " + self._inline(value, flow, name, style))
        elif old.kind == "scalar" and old.style in ("|", ">"):
            self._splice(old.start, self.content_end(old), self._inline(value, flow, name, None))
        elif old.kind == "scalar" or old.flow:
            self._splice(old.start, old.end, self._inline(value, flow, name, style))
        else:
            raise CannotEdit(f"'{name}' would have to be rewritten as a whole")

    def _gap_before(self, index: int) -> int:
        while index > 0 and self.text[index - 1] == " ":
            index -= 1
        return index

    def _in_flow(self, target: Node) -> bool:
        """Whether `target` stands inside a flow collection."""
        todo: list[tuple[Node, bool]] = [(self.root, False)]
        while todo:
            node, flow = todo.pop()
            if node is target:
                return flow
            inner = flow or (node.kind != "scalar" and node.flow)
            children = [v for _, v in node.items] if node.kind == "map" else node.items
            todo.extend((child, inner) for child in children if child.start <= target.start
                        <= child.end)
        return False

    def _insert_flow(self, node: Node, key: Any, value: Any, order: list[Any]) -> None:
        if _is_block(value):
            raise CannotEdit(f"'{key}' cannot go into a mapping written in flow style")
        text = f"{self._key(key)}: {self._inline(value, True, key, None)}"
        later = self._later(node, key, order)
        if later is not None:
            self._splice(later[0].start, later[0].start, text + ", ")
        elif node.items:
            end = self._entry_end(*node.items[-1])
            self._splice(end, end, ", " + text)
        else:
            self._splice(node.start + 1, node.end - 1, text)

    def _insert_block(self, node: Node, key: Any, value: Any, order: list[Any]) -> None:
        later = self._later(node, key, order)
        index = node.items.index(later) if later is not None else len(node.items)
        column = self.column(node.items[0][0].start)
        lines = self._value_lines({key: value}, column)
        if index > 0:
            self._lines(self._entry_end(*node.items[index - 1]), lines)
            return
        first = node.items[0][0].start
        line_start = first - column
        if self.text[line_start:first].strip():  # `- key:` opens a list item: keep it first
            self._lines(self._entry_end(*node.items[0]), lines)
            return
        self._splice(line_start, line_start, "".join(line + self.newline for line in lines))

    @staticmethod
    def _later(node: Node, key: Any, order: list[Any]) -> tuple[Node, Node] | None:
        """The first entry of `node` that `order` puts after `key`."""
        if key not in order:
            return None
        rank = {str(name): position for position, name in enumerate(order)}
        mine = rank[str(key)]
        for entry in node.items:
            other = rank.get(entry[0].value)
            if other is not None and other > mine:
                return entry  # type: ignore[no-any-return]
        return None

    # --- writing new text -----------------------------------------------------------------------

    def _key(self, key: Any) -> str:
        return scalar(key if isinstance(key, int) else str(key), flow=True)

    def _scalar(self, value: str | int, flow: bool, style: str | None) -> str:
        if isinstance(value, int):
            return str(value)
        if style == "'" and "\n" not in value and literal_ok(value) and value.strip() == value:
            return "'" + value.replace("'", "''") + "'"
        if style == '"':
            return double_quoted(value)
        return scalar(value, flow=flow)  # plain where it reads back as the same text

    def _inline(self, value: Any, flow: bool, name: Any, style: str | None) -> str:
        """A value on one line: a scalar, `[a, b]` or `{a: x, b: y}`."""
        if isinstance(value, dict):
            inner = ", ".join(f"{self._key(k)}: {self._inline(v, True, k, None)}"
                              for k, v in value.items())
            return "{" + inner + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self._scalar(v, True, None) for v in value) + "]"
        if style is None and str(name) in _TEXT_KEYS:
            style = self.quote
        return self._scalar(value, flow, style)

    def _block_indicator(self, value: str) -> str:
        return "|-" if not value.endswith("\n") else "|"

    def _literal_lines(self, value: str, column: int) -> list[str]:
        body = value.removesuffix("\n")
        return [" " * column + line if line else "" for line in body.split("\n")]

    def _value_lines(self, mapping: dict[Any, Any], column: int) -> list[str]:
        """A block mapping's lines, its keys at `column`."""
        lines: list[str] = []
        pad = " " * column
        for key, value in mapping.items():
            head = f"{pad}{self._key(key)}:"
            if isinstance(value, str) and "\n" in value and literal_ok(value):
                lines.append(f"{head} {self._block_indicator(value)}")
                lines.extend(self._literal_lines(value, column + self.unit))
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(head)
                for item in value:
                    lines.extend(self._item(item, column + self.seq_offset, self.gap))
            elif _is_block(value):
                lines.append(head)
                lines.extend(self._value_lines(value, column + self.unit))
            else:
                lines.append(f"{head} {self._inline(value, False, key, None)}")
        return lines

    def _item(self, item: dict[str, Any], dash: int, gap: int) -> list[str]:
        """A mapping as a block list item: `- id: ...` with its `-` at column `dash`."""
        lines = self._value_lines(item, dash + gap)
        lines[0] = " " * dash + "-" + " " * (gap - 1) + lines[0].lstrip(" ")
        return lines


def _is_block(value: Any) -> bool:
    if isinstance(value, Flow):
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

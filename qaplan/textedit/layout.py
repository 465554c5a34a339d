"""How a YAML text is laid out: its nodes by path, indentation, quoting, where entries end."""

from __future__ import annotations

from collections import Counter
from typing import Any

from qaplan.textedit.spans import CannotEdit, Node, parse_spans

TEXT_KEYS = frozenset({"title", "note", "name", "description"})


class TextLayout:
    """A YAML text as parsed: its nodes with their spans, and the layout new lines follow."""

    def __init__(self, text: str) -> None:
        self.text = text
        first_break = text.find("\n")
        self.newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
        self.root = parse_spans(text)
        self.unit, self.seq_offset, self.gap = self._indentation()
        self.quote = self._quote_style()

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
                    if value.kind == "scalar" and key.value in TEXT_KEYS and value.style in (
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

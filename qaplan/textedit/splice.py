"""TextDoc: edits of a YAML text as splices at the parsed positions; the data follows each."""

from __future__ import annotations

from typing import Any

from qaplan.textedit.newtext import NewText, is_block
from qaplan.textedit.spans import CannotEdit, Node
from qaplan.writer import literal_ok


class TextDoc(NewText):
    """A YAML text and the edits to splice into it; the plain data follows every edit."""

    def __init__(self, text: str, data: Any) -> None:
        super().__init__(text)
        self.data = data  # the caller's fresh copy: every edit is applied to it
        self.edits: list[tuple[int, int, str]] = []

    # --- edits ------------------------------------------------------------------------------

    def _splice(self, start: int, end: int, new: str) -> None:
        self.edits.append((start, end, new))

    def _lines(self, at: int, lines: list[str]) -> None:
        position, prefix = self._line_after(at)
        self._splice(position, position, prefix + "".join(line + self.newline for line in lines))

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
        if is_block(value) and not flow:
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
        if is_block(value):
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


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

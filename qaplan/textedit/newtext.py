"""New YAML text in the file's own style: keys, scalars, flow values, block entries."""

from __future__ import annotations

from typing import Any

from qaplan.textedit.layout import TEXT_KEYS, TextLayout
from qaplan.writer import double_quoted, literal_ok, scalar


class Flow(dict):  # type: ignore[type-arg]
    """A mapping to write in flow style: `{state: done, note: Klart.}`."""


class NewText(TextLayout):
    """A parsed YAML text that writes new values in its own indentation and quoting."""

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
        if style is None and str(name) in TEXT_KEYS:
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
            elif is_block(value):
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


def is_block(value: Any) -> bool:
    """Whether a value is written as lines under its key: a mapping or a list of mappings."""
    if isinstance(value, Flow):
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)

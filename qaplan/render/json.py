"""JSON: the report's payload, nothing else."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, TextIO

from qaplan.render.view import Rows, View

# Without `indent` the standard library encodes in C, several times faster than its indenting
# encoder in Python; `leaves_inline` gives it every innermost object.
_CONTAINERS = (dict, list)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def render(view: View, color: bool) -> str:
    buffer = io.StringIO()
    write(view, buffer)
    return buffer.getvalue()


def write(view: View, out: TextIO) -> None:
    """The payload as `json.dumps(data, ensure_ascii=False, indent=2)` writes it, byte for byte,
    written to `out` as it is made: its lists may be `Rows`, made one item at a time."""
    chunks: list[str] = []
    _indented(view.data, 0, chunks, out)
    chunks.append("\n")
    out.write("".join(chunks))


_ARRAYS = (list, tuple, Rows)
_NESTED = (dict, *_ARRAYS)
_FLUSH = 4096  # pieces gathered before they are written
# An encoder per depth whose item separator breaks the line and indents the next item: it
# writes a container of plain values the way the indenting encoder does, in one call in C.
_AT_DEPTH: dict[int, Callable[[Any], str]] = {}


def _flat(depth: int) -> Callable[[Any], str]:
    encode = _AT_DEPTH.get(depth)
    if encode is None:
        separator = ",\n" + "  " * (depth + 1)
        encode = _AT_DEPTH[depth] = json.JSONEncoder(ensure_ascii=False,
                                                     separators=(separator, ": ")).encode
    return encode


def _indented(value: Any, depth: int, chunks: list[str], out: TextIO) -> None:
    if isinstance(value, dict):
        items: Any = value.values()
        opening, closing = "{", "}"
    elif isinstance(value, _ARRAYS):
        items = value
        opening, closing = "[", "]"
    else:
        chunks.append(_ENCODE(value))
        return
    if not value:
        chunks.append(opening + closing)
        return
    pad = "  " * (depth + 1)
    if not isinstance(value, Rows) and not any(isinstance(item, _NESTED) for item in items):
        text = _flat(depth)(value)
        chunks.append(f"{opening}\n{pad}{text[1:-1]}\n{'  ' * depth}{closing}")
        return
    chunks.append(opening)
    if isinstance(value, dict):
        for index, (key, item) in enumerate(value.items()):
            name = key if isinstance(key, str) else json.dumps(key)
            chunks.append(("," if index else "") + "\n" + pad + _ENCODE(name) + ": ")
            _indented(item, depth + 1, chunks, out)
    else:
        for index, item in enumerate(value):
            chunks.append(("," if index else "") + "\n" + pad)
            _indented(item, depth + 1, chunks, out)
            if len(chunks) >= _FLUSH:
                out.write("".join(chunks))
                chunks.clear()
    chunks.append("\n" + "  " * depth + closing)


def leaves_inline(data: Any) -> str:
    """Indented JSON in which each innermost object or array (one that holds no object, and
    no array but of plain values) stands on one line: a large report's rows one per line,
    as readable and diffable as fully indented JSON, written about four times faster."""
    out: list[str] = []
    _write(data, 0, out)
    return "".join(out) + "\n"


def _leaf(value: Any) -> bool:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is dict or (kind is list and any(type(x) in _CONTAINERS for x in item)):
            return False
    return True


def _write(value: Any, depth: int, out: list[str]) -> None:
    if type(value) not in _CONTAINERS or not value or _leaf(value):
        out.append(_ENCODE(value))
        return
    pad = "\n" + "  " * (depth + 1)
    if type(value) is dict:
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append(("," if index else "") + pad + _ENCODE(str(key)) + ": ")
            _write(item, depth + 1, out)
        out.append("\n" + "  " * depth + "}")
    else:
        out.append("[")
        for index, item in enumerate(value):
            out.append(("," if index else "") + pad)
            _write(item, depth + 1, out)
        out.append("\n" + "  " * depth + "]")


def leaves_inline_at(data: Any, depth: int) -> str:
    """`data` as `leaves_inline` writes it `depth` levels in, without the final newline: for a
    writer that streams a large payload part by part."""
    out: list[str] = []
    _write(data, depth, out)
    return "".join(out)

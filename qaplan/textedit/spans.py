"""The node tree of a YAML text: each node with its character span and style."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


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

"""YAML -> (data, positions): the only reader of plan files.

libyaml's C parser emits events; a small iterative composer turns them into plain
Python data and records, for every node, where its key and its value stand. The
composer never recurses (so deep nesting cannot crash the process), never expands
aliases (so alias bombs cannot explode), and resolves scalars by the YAML 1.2 core
schema (`no` and `2024-06-30` stay text, as in editors that speak YAML 1.2).
"""

from __future__ import annotations

import bisect
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qaplan.codes import Code, Finding

Path_ = tuple[Any, ...]
# (key line, key column, value line, value column), 1-based; for list items key == value.
Position = tuple[int, int, int, int]

MAX_DEPTH = 64
MAX_BYTES = 256 * 1024 * 1024

_CParser = yaml._yaml.CParser
_ev = yaml.events
_SCALAR, _ALIAS = _ev.ScalarEvent, _ev.AliasEvent
_MAP_START, _MAP_END = _ev.MappingStartEvent, _ev.MappingEndEvent
_SEQ_START, _SEQ_END = _ev.SequenceStartEvent, _ev.SequenceEndEvent
_DOC_START, _STREAM_END = _ev.DocumentStartEvent, _ev.StreamEndEvent

_NEWLINE = re.compile("\n")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL = {
    "null": None, "Null": None, "NULL": None, "~": None, "": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
_MAYBE_NOT_STR = frozenset("0123456789+-.~nNtTfF")
_CORE = "tag:yaml.org,2002:"
_KNOWN_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
_NO_KEY = object()


# --- The codes of the file itself: its bytes, its YAML syntax --------------------------------

QP001 = Code(
    "QP001", "error", "YAML syntax error", "YAML syntax error: {detail}",
    what="The file is not well-formed YAML, so nothing in it can be checked.",
    why="A plan that does not parse cannot be reported on; editors and CI would disagree on its "
    "content.",
    fix="Fix the syntax at the position given (often a missing space after ':', a tab used "
    "for indentation, or an unclosed quote). An editor with the YAML language server shows it live.",
)
QP002 = Code(
    "QP002", "error", "duplicate key", "duplicate key '{key}' (first at line {first_line})",
    what="A mapping has the same key twice.",
    why="YAML loaders silently keep one of the two values, so half of what was written is lost.",
    fix="Remove or rename one of the two keys; the finding points at the second one.",
)
QP003 = Code(
    "QP003", "error", "anchor or alias",
    "anchors and aliases are not allowed in plan files ({what})",
    what="The file uses a YAML anchor (`&name`), alias (`*name`) or merge key.",
    why="Plans need none, aliases make the text say less than the data, and nested aliases can "
    "blow up to gigabytes when expanded (an 'alias bomb'). qaplan never expands them.",
    fix="Write the value out in full where the alias stood.",
)
QP004 = Code(
    "QP004", "error", "not UTF-8", "file is not valid UTF-8 (byte 0x{byte:02x} at offset {offset})",
    what="The file holds bytes that are not UTF-8 text.",
    why="Plan files must be UTF-8 so that every tool, editor and platform reads the same characters.",
    fix="Re-save the file as UTF-8 (a UTF-8 byte order mark is accepted).",
)
QP006 = Code(
    "QP006", "error", "nesting too deep", "YAML nesting deeper than {limit} levels",
    what="Collections nest deeper than any plan needs.",
    why="Deeply nested YAML is a known way to crash YAML libraries; a plan is at most a few levels "
    "deep.",
    fix="Flatten the structure; a plan needs criteria -> goals -> activities -> status only.",
)
QP007 = Code(
    "QP007", "error", "several documents", "the file holds more than one YAML document",
    what="The file has a `---` separator followed by a second document.",
    why="One file holds one plan; a second document would be ignored by other tools.",
    fix="Move the second document to a file of its own.",
)
QP010 = Code(
    "QP010", "error", "unsupported tag", "unsupported YAML tag '{tag}'",
    what="A node carries an explicit YAML tag such as `!!python/object` or `!custom`.",
    why="Tags can make loaders build arbitrary objects; plans are plain data.",
    fix="Remove the tag; quote the value if it must be text.",
)
QP011 = Code(
    "QP011", "error", "unreadable file", "cannot read the file: {detail}",
    what="The file could not be read (permissions, or it vanished while qaplan ran), or a "
    "directory searched for plans could not be listed.",
    why="A plan that cannot be read cannot be checked; a run that skipped it silently would pass "
    "as if it had seen everything.",
    fix="Check the permissions of the file or directory, and that it exists.",
)

CODES = (QP001, QP002, QP003, QP004, QP006, QP007, QP010, QP011)


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data, each node's position, and what went wrong reading it."""

    file: str
    text: str
    data: Any = None
    positions: dict[Path_, Position] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True  # False when the bytes or the syntax stopped composition

    @property
    def blank(self) -> bool:
        return self.readable and not self.text.strip()

    def key_position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the key that leads to `path` (its nearest known ancestor's)."""
        pos = self._nearest(path)
        return pos[0], pos[1]

    def value_position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at `path` (its nearest known ancestor's)."""
        pos = self._nearest(path)
        return pos[2], pos[3]

    def _nearest(self, path: Path_) -> Position:
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return pos
            path = path[:-1]
        return self.positions.get((), (1, 1, 1, 1))


def resolve_plain(value: str) -> Any:
    """What a plain (unquoted) scalar means under the YAML 1.2 core schema."""
    if not value:
        return None
    if value[0] not in _MAYBE_NOT_STR:
        return value
    if value in _SPECIAL:
        return _SPECIAL[value]
    if _INT.match(value):
        try:
            return int(value)
        except ValueError:  # more digits than Python converts: keep the text
            return value
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        return float(value)
    return value


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class LineIndex:
    """1-based line and column of many offsets in one text, after one pass over it."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]

    def position(self, index: int) -> tuple[int, int]:
        """What `line_col(text, index)` answers, in logarithmic time."""
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def decode(raw: bytes, file: str) -> tuple[str | None, Finding | None]:
    """UTF-8 bytes (with or without a BOM) -> text, or a finding at the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = line_col(prefix, len(prefix))
        return None, QP004.at(file, line, col, byte=raw[exc.start], offset=exc.start)


def read_raw(path: Path, file: str) -> tuple[bytes | None, Finding | None]:
    """The file's bytes, or a finding that says why they cannot be read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return None, QP011.at(file, 1, 1, detail="not a regular file")
        if info.st_size > MAX_BYTES:
            detail = f"{info.st_size} bytes is more than the limit of {MAX_BYTES} bytes"
            return None, QP011.at(file, 1, 1, detail=detail)
        return path.read_bytes(), None
    except OSError as exc:
        return None, QP011.at(file, 1, 1, detail=exc.strerror or str(exc))


def read(path: Path, file: str) -> Document:
    """Read and compose one file; every problem becomes a finding on the document."""
    raw, problem = read_raw(path, file)
    if raw is None:
        assert problem is not None
        return _unreadable(file, problem)
    return parse(raw, file)


def parse(raw: bytes, file: str) -> Document:
    """Decode and compose a file's bytes."""
    text, problem = decode(raw, file)
    if text is None:
        assert problem is not None
        return _unreadable(file, problem)
    return compose(text, file)


def _unreadable(file: str, problem: Finding) -> Document:
    return Document(file, "", findings=[problem], readable=False)


class _Frame:
    __slots__ = ("container", "path", "key", "key_pos", "first_lines")

    def __init__(self, container: Any, path: Path_) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY
        self.key_pos = (0, 0)
        self.first_lines: dict[Any, int] | None = {} if isinstance(container, dict) else None


def compose(text: str, file: str) -> Document:
    """Compose YAML text into data and positions without recursion or alias expansion."""
    doc = Document(file, text)
    if not text.strip():
        return doc
    positions = doc.positions
    findings = doc.findings
    stack: list[_Frame] = []
    documents = 0
    parser = _CParser(text)

    def attach(value: Any, line: int, col: int) -> Path_ | None:
        """Place a value under the open container; None when it was a key."""
        if not stack:
            positions[()] = (line, col, line, col)
            doc.data = value
            return ()
        top = stack[-1]
        container = top.container
        if top.first_lines is None:
            path = top.path + (len(container),)
            positions[path] = (line, col, line, col)
            container.append(value)
            return path
        if top.key is _NO_KEY:
            if value.__hash__ is None:
                raise _Stop(QP001.at(file, line, col,
                                     detail="only plain scalar mapping keys are supported"))
            first = top.first_lines.get(value)
            if first is not None:
                findings.append(QP002.at(file, line, col, key=value, first_line=first))
            else:
                top.first_lines[value] = line
            top.key = value
            top.key_pos = (line, col)
            return None
        key = top.key
        top.key = _NO_KEY
        path = top.path + (key,)
        kl, kc = top.key_pos
        positions[path] = (kl, kc, line, col)
        if key not in container:
            container[key] = value
        return path

    try:
        while True:
            ev = parser.get_event()
            kind = type(ev)
            if kind is _SCALAR:
                mark = ev.start_mark
                line, col = mark.line + 1, mark.column + 1
                if ev.anchor is not None:
                    findings.append(QP003.at(file, line, col, what=f"anchor &{ev.anchor}"))
                tag = ev.tag
                value = ev.value
                if tag is None or tag == "!":
                    if not ev.style and tag is None:
                        value = resolve_plain(value)
                elif tag in _KNOWN_TAGS:
                    value = _apply_tag(tag, value, file, line, col, findings)
                else:
                    findings.append(QP010.at(file, line, col, tag=tag))
                attach(value, line, col)
            elif kind is _MAP_START or kind is _SEQ_START:
                mark = ev.start_mark
                line, col = mark.line + 1, mark.column + 1
                if ev.anchor is not None:
                    findings.append(QP003.at(file, line, col, what=f"anchor &{ev.anchor}"))
                if ev.tag is not None and ev.tag != "!" and ev.tag not in _KNOWN_TAGS:
                    findings.append(QP010.at(file, line, col, tag=ev.tag))
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(QP006.at(file, line, col, limit=MAX_DEPTH))
                container: Any = {} if kind is _MAP_START else []
                if stack and stack[-1].first_lines is not None and stack[-1].key is _NO_KEY:
                    raise _Stop(QP001.at(file, line, col,
                                         detail="only plain scalar mapping keys are supported"))
                path = attach(container, line, col)
                assert path is not None
                stack.append(_Frame(container, path))
            elif kind is _MAP_END or kind is _SEQ_END:
                stack.pop()
            elif kind is _ALIAS:
                mark = ev.start_mark
                line, col = mark.line + 1, mark.column + 1
                findings.append(QP003.at(file, line, col, what=f"alias *{ev.anchor}"))
                attach(f"*{ev.anchor}" if _expects_key(stack) else None, line, col)
            elif kind is _DOC_START:
                documents += 1
                if documents > 1:
                    mark = ev.start_mark
                    raise _Stop(QP007.at(file, mark.line + 1, mark.column + 1))
            elif kind is _STREAM_END or ev is None:
                break
    except _Stop as stop:
        findings.append(stop.finding)
        doc.readable = False
    except yaml.YAMLError as exc:
        findings.append(_syntax_finding(exc, text, file))
        doc.readable = False
    return doc


def _expects_key(stack: list[_Frame]) -> bool:
    return bool(stack) and stack[-1].first_lines is not None and stack[-1].key is _NO_KEY


class _Stop(Exception):
    def __init__(self, problem: Finding) -> None:
        super().__init__(problem.message)
        self.finding = problem


def _apply_tag(
    tag: str, value: str, file: str, line: int, col: int, findings: list[Finding]
) -> Any:
    name = tag[len(_CORE):]
    if name == "str":
        return value
    resolved = resolve_plain(value)
    wanted: dict[str, tuple[type, ...]] = {
        "int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),)
    }
    kinds = wanted.get(name)
    if kinds is None or not isinstance(resolved, kinds) or (name == "int" and resolved is True):
        findings.append(QP001.at(file, line, col, detail=f"'{value}' is not a valid !!{name}"))
        return value
    return resolved


def _syntax_finding(exc: yaml.YAMLError, text: str, file: str) -> Finding:
    position = getattr(exc, "position", None)  # a reader error: an unacceptable character
    if isinstance(position, int):
        line, col = line_col(text, min(position, len(text)))
        character = getattr(exc, "character", None)
        what = f"character #x{character:04x}: " if isinstance(character, int) else ""
        return QP001.at(file, line, col, detail=f"{what}{getattr(exc, 'reason', exc)}")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    detail = f"{problem} ({context})" if context else str(problem)
    if mark is not None and "nesting depth" in str(problem):
        # libyaml >= 0.2.6 stops at its own depth (1000) while scanning ahead of the composer,
        # before the composer's guard sees the 65th level: the same finding either way.
        return QP006.at(file, mark.line + 1, mark.column + 1, limit=MAX_DEPTH)
    if mark is None:
        return QP001.at(file, 1, 1, detail=detail)
    from qaplan.yamlhints import likely_cause

    marks = [(m.line, m.column) for m in (getattr(exc, "problem_mark", None),
                                          getattr(exc, "context_mark", None)) if m is not None]
    cause = likely_cause(text, str(problem), marks)
    if cause is not None:
        return QP001.at(file, cause[0], cause[1], detail=cause[2])
    return QP001.at(file, mark.line + 1, mark.column + 1, detail=detail)

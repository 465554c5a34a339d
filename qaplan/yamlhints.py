"""The likely cause of a YAML syntax error, said in words, at the line that holds it.

libyaml reports where it gave up, often a line after the mistake, in the words of its
grammar. People make three mistakes most: a tab in the indentation, no space after a
key's ':' (`title:Analysera`), and a key indented unlike its neighbours.
"""

from __future__ import annotations

import re

# (1-based line, 1-based column, what to say)
Hint = tuple[int, int, str]

_NO_SPACE = re.compile(r"(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):([^\s:/].*)")
_KEY = re.compile(r"(\s*(?:-\s+)?)([^\s#:-][^:#]*?):(?:\s|$)")
_INDENTATION = ("expected key", "expected '-'", "not allowed in this context",
                "not allowed here", "expected <block end>", "expected <document start>")


def likely_cause(text: str, problem: str, marks: list[tuple[int, int]]) -> Hint | None:
    """What most likely went wrong, given libyaml's problem and its 0-based (line, column) marks."""
    lines = text.split("\n")
    candidates = sorted({line for line, _ in marks if 0 <= line < len(lines)})
    for number in candidates:
        hint = _tab(lines, number)
        if hint is not None:
            return hint
    # A plain `title:Analysera` runs on into the next line, so libyaml may stop one line later.
    before = [n for n in range(min(candidates, default=0) - 1, -1, -1) if lines[n].strip()][:1]
    for number in candidates + before:
        hint = _no_space(lines, number)
        if hint is not None:
            return hint
    if any(words in problem for words in _INDENTATION) and marks:
        return _indentation(lines, marks[0][0])
    return None


def _tab(lines: list[str], number: int) -> Hint | None:
    line = lines[number]
    column = line.find("\t")
    if column < 0:
        return None
    where = "indents this line" if not line[:column].strip() else "stands in this line"
    what = (f"a tab at column {column + 1} {where}; YAML indents with spaces only: "
            f"replace the tab with spaces")
    return number + 1, column + 1, what


def _no_space(lines: list[str], number: int) -> Hint | None:
    match = _NO_SPACE.fullmatch(lines[number].rstrip())
    if match is None:
        return None
    lead, key, value = match.groups()
    what = f"a space is missing after ':' in '{key}:{value}'; write {key}: {value}"
    return number + 1, len(lead) + len(key) + 2, what


def _indentation(lines: list[str], number: int) -> Hint | None:
    here = _KEY.match(lines[number]) if number < len(lines) else None
    if here is None:
        return None
    indent, key = len(here.group(1)), here.group(2)
    # The keys above that this one could stand beside: each less indented than those after it.
    levels: list[tuple[int, str, int]] = []
    for above in range(number - 1, -1, -1):
        match = _KEY.match(lines[above])
        column = len(match.group(1)) if match else None
        if match and column is not None and (not levels or column < levels[-1][0]):
            levels.append((column, match.group(2), above + 1))
    if not levels or any(column == indent for column, _, _ in levels):
        return None
    deeper = [level for level in levels if level[0] > indent][-1:]
    shallower = [level for level in levels if level[0] < indent][:1]
    options = ", or ".join(f"{column} spaces to stand beside '{other}' (line {line})"
                           for column, other, line in deeper + shallower)
    what = f"'{key}:' is indented {indent} spaces, in line with no key above it; indent it {options}"
    return number + 1, indent + 1, what

"""Plan text made safe to show: for terminals and logs, for Markdown, and count phrases.

Light on purpose (no imports beyond `re`): `validate`'s text format uses it on every run.
"""

from __future__ import annotations

import re

# What a terminal, a CI log or a text viewer would act on instead of showing: every C0 control
# (tab and line break too: one finding or row is one line), DEL, every C1 control (ESC's 8-bit
# twin CSI is one of them), the Unicode line and paragraph separators, and the bidi embeddings,
# overrides and isolates that can make text read in another order than it is stored.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    """YAML's double-quoted escape of one character: what the user would write to get it."""
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control, line-separator and bidi-override characters written as escapes."""
    # Fast path: what str.isprintable() accepts holds none of them (reports have many cells).
    return text if text.isprintable() else _UNSAFE.sub(_escape, text)


# Characters that make Markdown or HTML syntax inside a line: emphasis, code, links and images
# (an image needs "[" after "!"), table cells, strikethrough; "<", ">" and "&" become entities.
_MARKDOWN = re.compile(r"[\\`*\[\]|~_(]")
# What starts a block at the start of a line: a heading, a list item ("-", "+", "1." or "1)").
_BLOCK_START = re.compile(r"^(\s*)(#|[-+](?=\s|$)|\d+(?=[.)](?:\s|$)))")


def _markdown_escape(match: re.Match[str]) -> str:
    char, at, text = match.group(), match.start(), match.string
    if char == "_" and 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum():
        return char  # between two letters or digits (`due_postponed`) it cannot start emphasis
    if char == "(" and (at == 0 or text[at - 1] != "]"):
        return char  # only "](" could be part of a link; "(2024)" stays as it is
    return "\\" + char


def markdown_text(text: str) -> str:
    """Plan text as literal Markdown: no HTML, links, images, emphasis or block syntax."""
    text = _MARKDOWN.sub(_markdown_escape, printable(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A backslash before "#", "-" or "+" makes it text; a list number keeps its digits and gets
    # the backslash before its "." or ")".
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    end = match.end()
    if match.group(2)[0].isdigit():
        return text[:end] + "\\" + text[end:]
    return text[: match.start(2)] + "\\" + text[match.start(2):]


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 activity`, `2 activities`, `0 plans`."""
    return f"{count} {one if count == 1 else many or one + 's'}"

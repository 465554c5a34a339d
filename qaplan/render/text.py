"""Plan text made safe to show: for terminals and logs, and for Markdown.

Light on purpose (nothing beyond `re` and qaplan's values): `validate`'s text format uses it
on every run.
"""

from __future__ import annotations

import re

from qaplan import values


def printable(text: str) -> str:
    """`text` with control, line-separator and bidi-override characters written as escapes;
    tab and line breaks as `\\t`, `\\n`, `\\r`, so that one finding or row stays one line."""
    return values.printable(text, short=True)


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

"""Edits of YAML text at the positions the parser reports (import --into).

Every change is a splice into the original text: a value replaced where it stands,
a line inserted after an entry. Everything outside those spans stays byte for byte
(line endings, indentation, quotes, escapes, comments and their spacing, `...`).
Each edit is also applied to the plain data, so the caller can check that the new
text reads back as exactly what was intended.

`spans.py` parses the text into nodes with their spans, `layout.py` reads its indentation
and quoting, `newtext.py` writes new entries in that style, and `splice.py` holds `TextDoc`,
which makes the edits.
"""

"""Codes about a file as a whole, emitted where files are told apart (`qaplan.kinds`, the engine).

The codes of the bytes and the YAML syntax are declared beside the reader (`qaplan.loader`).
"""

from __future__ import annotations

from qaplan.codes import Code

QP005 = Code(
    "QP005", "error", "empty file", "file is empty",
    what="A file named explicitly holds nothing, or only whitespace.",
    why="An empty plan is almost always a mistake: a truncated save or a forgotten file.",
    fix="Fill in the plan (see `qaplan init` for a starter) or delete the file.",
)
QP008 = Code(
    "QP008", "error", "not a plan schema", "{detail}",
    what="The file looks like a plan (a top-level `plan:` or `criteria:`) but has no valid "
    "`schema:` line.",
    why="Without `schema: qaplan/v1` qaplan cannot tell which rules apply, and a plan that is "
    "skipped silently would never be checked.",
    fix="Add `schema: qaplan/v1` at the top of the file.",
)
QP009 = Code(
    "QP009", "error", "newer schema version",
    "schema '{schema}' was written for a newer qaplan (this is qaplan {version}, which reads "
    "qaplan/v1)",
    what="The file names a schema version this qaplan does not know.",
    why="Reading a newer format with old rules would give wrong reports.",
    fix="Upgrade qaplan (`pip install -U qaplan`), or correct the `schema:` line.",
)

CODES = (QP005, QP008, QP009)

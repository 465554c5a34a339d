"""Codes about the repository as a whole: an id used by two files of a kind, a silenced error.

The engine emits them, where it compares the ids of plans and cases across files and applies
`# qaplan: ignore[...]` comments; the checks of qaplan.yaml emit QP401 for its `ignore:` rules.
"""

from __future__ import annotations

from qaplan.codes import Code

QP112 = Code(
    "QP112", "error", "id used twice", "{id_name} '{id}' is also used by {other}",
    what="Two files of one kind in the repository carry the same id: two plans the same "
    "`plan.id`, or two deviation cases the same `deviation.id`.",
    why="Reports and `diff --rev` match plans and cases by id, so two files with one id would be "
    "mixed up. Two people who each write the next free case id on their own branch meet here "
    "when the branches are merged.",
    fix="Give one of the two files another id (for a case: the next free one, and rename its "
    "file to match).",
)
QP401 = Code(
    "QP401", "warning", "an error cannot be silenced",
    "{where} names the error {silenced}, which cannot be silenced; the error is still reported",
    what="A `# qaplan: ignore[...]` comment, or an `ignore:` rule in `qaplan.yaml`, names a code of "
    "severity error. Only warnings can be silenced.",
    why="An error makes every report refuse the plan; an error that `validate` did not show would "
    "leave people with a refusal and no reason.",
    fix="Fix the error, then remove the code from the comment or the rule.",
)

CODES = (QP112, QP401)

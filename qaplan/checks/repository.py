"""Codes about the repository as a whole: a plan id used by two files, a silenced error.

The engine emits them, where it compares plan ids across files and applies
`# qaplan: ignore[...]` comments; the checks of qaplan.yaml emit QP401 for its `ignore:` rules.
"""

from __future__ import annotations

from qaplan.codes import Code

QP112 = Code(
    "QP112", "error", "plan id used twice", "plan id '{id}' is also used by {other}",
    what="Two plan files in the repository carry the same `plan.id`.",
    why="Reports and `diff --rev` match plans by id, so two plans with one id would be mixed up.",
    fix="Give one of the plans another id.",
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

"""Codes about the repository as a whole: its units tree, plan ids across files, silenced findings.

They are emitted where the repository is seen at once: the checks of qaplan.yaml
(`qaplan.checks.config`) and the engine, which compares plan ids across files and applies
`# qaplan: ignore[...]` comments.
"""

from __future__ import annotations

from qaplan.codes import Code

QP111 = Code(
    "QP111", "error", "broken units tree", "{detail}",
    what="A unit in `qaplan.yaml` names a parent that does not exist, or the parents form a cycle.",
    why="The yearly report rolls up through the parents; a broken chain has no top.",
    fix="Correct the `parent` keys so that every chain ends at a unit without a parent.",
)
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

CODES = (QP111, QP112, QP401)

"""The rule that spans files for links across plan periods: each `continues: PLAN/ACTIVITY` of a
file in the run must name an activity of a closed plan of its repository (QP701-QP703).

Like an id used twice, it is checked against the whole repository: the files of the run, the
rest of the repository as the ids index records it (`validate FILE...`), or, when a run over
directories meets a plan it did not see, the rest of the repository read then.
"""

from __future__ import annotations

from collections.abc import Callable

from qaplan.checks.continues import QP701, QP702, QP703
from qaplan.codes import Finding
from qaplan.engine.results import FileResult
from qaplan.engine.suppress import suppress_lines


def check_links(
    files: list[FileResult], rest: list[FileResult],
    more: Callable[[], list[FileResult]] | None = None,
) -> None:
    """Add QP701-QP703 to each file of the run whose links do not hold; `more` reads the rest
    of the repository when a link names a plan that neither `files` nor `rest` holds."""
    linked = [(r, r.links.continues) for r in files if r.links is not None and r.links.continues]
    if not linked:
        return
    plans = _plans([*files, *rest])
    wanted = {text.split("/", 1)[0] for _, links in linked for text, _, _ in links}
    if more is not None and not wanted <= set(plans):
        plans = _plans([*files, *rest, *more()])
    for result, links in linked:
        extra: list[Finding] = []
        for text, line, col in links:
            plan_id, activity = text.split("/", 1)
            if plan_id == result.file_id:
                continue  # QP704, a check of the file itself
            target = plans.get(plan_id)
            if target is None:
                extra.append(QP701.at(result.file, line, col, plan=plan_id))
            elif target.links is None or not target.links.closed:
                extra.append(QP703.at(result.file, line, col, plan=plan_id, other=target.file))
            elif activity not in target.links.activities:
                extra.append(QP702.at(result.file, line, col, plan=plan_id, other=target.file,
                                      activity=activity))
        if extra:
            result.findings = sorted(result.findings + suppress_lines(extra, result.line_ignores))


def _plans(results: list[FileResult]) -> dict[str, FileResult]:
    """Plan id -> the first plan file (in path order) that has it."""
    plans: dict[str, FileResult] = {}
    for result in sorted(results, key=lambda r: r.file):
        if result.kind == "plan" and result.file_id is not None:
            plans.setdefault(result.file_id, result)
    return plans

"""The one refusal policy: which checked files a report may use, and why the others not.

A file with errors, or whose qaplan.yaml cannot be read at all, stops a report (exit 2)
naming the file and its first error, unless the report skips invalid files; then each is
named. Files on disk and files at a git revision go through the same rule.
"""

from __future__ import annotations

from qaplan.engine.results import FileResult
from qaplan.errors import QaplanError
from qaplan.words import plural


def admit(
    results: list[FileResult], skip_invalid: bool, skip_option: str | None,
    label: str | None = None,
) -> tuple[list[FileResult], list[str]]:
    """The refusal policy: the results a report may use, and one line per file left out.

    A file with errors, or whose qaplan.yaml cannot be read at all, stops the report
    (QaplanError) unless `skip_invalid`. `label` names a git revision the files come from.
    """
    usable: list[FileResult] = []
    left_out: list[str] = []
    for result in results:
        refusal = refusal_of(result, skip_option, label)
        if refusal is not None:
            if not skip_invalid:
                raise QaplanError(refusal[1])
            left_out.append(refusal[0])
        elif result.usable:
            usable.append(result)
        else:  # never silently: a file without errors always has its data
            left_out.append(f"{result.file}: could not be read as a plan; run "
                            f"`qaplan validate {result.file}`")
    return usable, left_out


def refusal_of(
    result: FileResult, skip_option: str | None, label: str | None = None
) -> tuple[str, str] | None:
    """Why a report cannot use this file: (one line naming the file, the full message), or None."""
    unreadable = result.config is not None and result.config.data is None
    if not result.errors and not unreadable:
        return None
    if label is not None:
        why = why_invalid(result)
        message = (f"at {label}: {why}\n{result.file} is not a valid plan at {label}; "
                   "pass --skip-invalid to compare without it")
        return f"{result.file} at {label}: {why}", message
    hint = f", or pass {skip_option} to report on the other plans" if skip_option else ""
    if result.errors:
        first, count = result.errors[0], len(result.errors)
        more = f" (and {count - 1} more)" if count > 1 else ""
        message = (f"{first.as_text()}\n{result.file} has {plural(count, 'error')}; run "
                   f"`qaplan validate {result.file}` to see them all{hint}")
        return f"{first.as_text()}{more}", message
    config = result.config
    assert config is not None
    # Without its qaplan.yaml the plan's owners and units cannot be told apart from typos.
    problem = next((f for f in config.findings if f.severity == "error"), None)
    cause = problem.as_text() if problem is not None else f"{config.file}: cannot be read"
    message = (f"{cause}\n{result.file} uses {config.file}, which cannot be read; fix it "
               f"(`qaplan validate {config.file}`){hint}")
    return f"{result.file}: its {config.file} cannot be read: {cause}", message


def why_invalid(result: FileResult) -> str:
    """The first error of a file, or of the qaplan.yaml it could not do without."""
    if result.errors:
        return f"{result.errors[0].as_text()} ({plural(len(result.errors), 'error')})"
    config = result.config
    if config is not None and config.data is None:
        problem = next((f for f in config.findings if f.severity == "error"), None)
        cause = problem.as_text() if problem is not None else "it cannot be read"
        return f"its {config.file} cannot be read: {cause}"
    return "not a valid plan"

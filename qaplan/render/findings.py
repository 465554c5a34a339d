"""Findings as text, JSON, GitHub workflow commands, GitLab Code Quality or SARIF."""

from __future__ import annotations

import json
from collections.abc import Callable

from qaplan.codes import Finding
from qaplan.render.text import printable
from qaplan.words import plural


def _summary(findings: list[Finding], files: int) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def as_text(findings: list[Finding], files: int) -> str:
    errors, warnings = _summary(findings, files)
    # One finding is one line, and plan text in it never moves the cursor, colours the
    # terminal or starts a CI workflow command.
    lines = [printable(f.as_text()) for f in findings]
    if findings:
        lines.append(f"Found {plural(errors, 'error')} and {plural(warnings, 'warning')} in "
                     f"{plural(files, 'file')}.")
    else:
        lines.append(f"All good: {plural(files, 'file')} checked, no findings.")
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding], files: int) -> str:
    errors, warnings = _summary(findings, files)
    payload = {
        "files": files,
        "errors": errors,
        "warnings": warnings,
        "findings": [f.as_dict() for f in findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def escape_data(text: str) -> str:
    """A workflow command's message: control characters shown as escapes, so that the line
    stays one command (commands start only at the start of a line) and the log shows no
    terminal codes; "%" is GitHub's own escape character."""
    return printable(text.replace("%", "%25"))


def escape_property(text: str) -> str:
    """A workflow command property (file, title): also its ":" and "," separators."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: list[Finding], files: int) -> str:
    lines = []
    for f in findings:
        command = "error" if f.severity == "error" else "warning"
        lines.append(
            f"::{command} file={escape_property(f.file)},line={f.line},col={f.column},"
            f"title={escape_property(f.code)}::{escape_data(f.code + ' ' + f.message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def as_gitlab(findings: list[Finding], files: int) -> str:
    from qaplan.render import gitlab  # imported only for this format

    return gitlab.as_gitlab(findings, files)


def as_sarif(findings: list[Finding], files: int) -> str:
    from qaplan.render import sarif  # imported only for this format

    return sarif.as_sarif(findings, files)


# format -> renderer of `validate`'s findings (gitlab and sarif import their modules when used).
FINDING_RENDERERS: dict[str, Callable[[list[Finding], int], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "gitlab": as_gitlab,
    "sarif": as_sarif,
}

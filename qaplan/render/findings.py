"""Findings as text, JSON, GitHub workflow commands, GitLab Code Quality or SARIF."""

from __future__ import annotations

import json
from collections.abc import Callable

from qaplan.findings import Finding


def _summary(findings: list[Finding], files: int) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def as_text(findings: list[Finding], files: int) -> str:
    errors, warnings = _summary(findings, files)
    lines = [f.as_text() for f in findings]
    noun = "file" if files == 1 else "files"
    if findings:
        lines.append(
            f"Found {errors} error{'s' if errors != 1 else ''} and {warnings} "
            f"warning{'s' if warnings != 1 else ''} in {files} {noun}."
        )
    else:
        lines.append(f"All good: {files} {noun} checked, no findings.")
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


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: list[Finding], files: int) -> str:
    lines = []
    for f in findings:
        command = "error" if f.severity == "error" else "warning"
        lines.append(
            f"::{command} file={_escape_property(f.file)},line={f.line},col={f.column},"
            f"title={_escape_property(f.code)}::{_escape_data(f.code + ' ' + f.message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def as_gitlab(findings: list[Finding], files: int) -> str:
    from qaplan.render import gitlab  # imported only for this format

    return gitlab.as_gitlab(findings, files)


def as_sarif(findings: list[Finding], files: int) -> str:
    from qaplan.render import sarif  # imported only for this format

    return sarif.as_sarif(findings, files)


FORMATS: dict[str, Callable[[list[Finding], int], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "gitlab": as_gitlab,
    "sarif": as_sarif,
}

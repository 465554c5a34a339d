"""Silencing: `# qaplan: ignore[...]` comments and `ignore:` rules in qaplan.yaml.

Only warnings can be silenced: an error makes reports refuse the file, so hiding it would
only hide why. A comment or rule that names an error code is itself reported (QP401).
"""

from __future__ import annotations

import re

from qaplan.checks.repository import QP401
from qaplan.codes import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import FileResult

_IGNORE = re.compile(r"#\s*qaplan:\s*ignore(?:\[([^\]]*)\])?")
LineIgnores = dict[int, frozenset[str] | None]


def line_ignores(text: str) -> LineIgnores:
    """Line -> codes silenced there by `# qaplan: ignore[...]` (None: every code)."""
    if "qaplan:" not in text:
        return {}
    found: LineIgnores = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                None if codes is None else frozenset(c.strip() for c in codes.split(","))
            )
    return found


def suppress(result: FileResult) -> list[Finding]:
    """The findings not silenced by the repository file's rules or a comment on their line."""
    if not result.findings:
        return result.findings
    rules = result.config.ignored_codes(result.file) if result.config is not None else []
    kept = [item for item in result.findings
            if item.code not in rules or item.severity == "error"]
    return suppress_lines(kept, result.line_ignores)


def suppress_lines(findings: list[Finding], ignores: LineIgnores) -> list[Finding]:
    """The findings not silenced by a comment on their line (warnings only)."""
    if not ignores:
        return findings
    kept = []
    for item in findings:
        codes = ignores.get(item.line, frozenset())
        if item.severity == "warning" and (codes is None or item.code in codes):
            continue
        kept.append(item)
    return kept


def error_ignores(file: str, text: str) -> list[Finding]:
    """A `# qaplan: ignore[...]` comment that names an error code (QP401): it silences nothing."""
    if "qaplan:" not in text:
        return []
    from qaplan.findings import CODES

    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match is None or match.group(1) is None:
            continue
        for code in (c.strip() for c in match.group(1).split(",")):
            entry = CODES.get(code.upper())
            if entry is not None and entry.severity == "error":
                found.append(QP401.at(file, number, match.start() + 1,
                                     where="this ignore comment", silenced=entry.code))
    return found

"""The registry of finding codes, built from the modules that declare them: one source for
`validate --explain`, the README's table of codes, SARIF rules and the cache's known codes.

Each module below declares its codes beside the code that emits them, in a module-level
`CODES`; none of them imports this module. A new module of checks goes in `DECLARING`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from qaplan import loader
from qaplan.checks import (
    catalogues,
    config,
    continues,
    dates,
    deviation,
    feedback,
    files,
    ids,
    milestones,
    owners,
    personal_data,
    recurrence,
    repeated_owners,
    repository,
    schema,
    text,
)
from qaplan.codes import Code, Finding, Severity

__all__ = ["CODES", "DECLARING", "Code", "Finding", "Severity", "codes_markdown_table",
           "explain", "finding"]

DECLARING: tuple[ModuleType, ...] = (
    loader,  # QP0xx: the bytes and the YAML syntax
    files,  # QP0xx: the kind of file
    schema,  # QP1xx: the shape
    dates,
    ids,
    owners,
    config,  # qaplan.yaml's units tree
    repository,  # ids across files (plans, cases), silenced errors
    repeated_owners,
    text,
    personal_data,  # QP3xx
    deviation,  # QP5xx: deviation cases
    feedback,  # QP60x: stakeholders, channels, communication
    milestones,  # QP61x: qaplan.yaml's calendar
    continues,  # QP70x: links across plan periods
    recurrence,  # QP71x: recurring activities
    catalogues,  # QP72x: criteria catalogues and `covers`
)

CODES: dict[str, Code] = {
    code.code: code
    for code in sorted((code for module in DECLARING for code in module.CODES),
                       key=lambda code: code.code)
}


def finding(file: str, line: int, column: int, code: str, **fields: Any) -> Finding:
    """A finding of the code named `code`, for modules that do not hold the `Code` itself."""
    return CODES[code].at(file, line, column, **fields)


_SILENCE = (
    "Silence it on one line with `# qaplan: ignore[{code}]`, or per path in "
    "qaplan.yaml: `ignore: [{{code: {code}, path: \"plans/archive/*\"}}]`.\n"
)
# An error makes reports refuse the plan; hiding it would only hide why (QP401).
_NO_SILENCE = (
    "An error cannot be silenced: reports refuse a plan with errors, so fix it.\n"
)


def explain(code: str) -> str:
    """The explanation of one code as plain text, for `validate --explain`."""
    entry = CODES[code]
    return (
        f"{entry.code} ({entry.severity}): {entry.title}\n\n"
        f"What it means\n  {entry.what}\n\n"
        f"Why it matters\n  {entry.why}\n\n"
        f"How to fix it\n  {entry.fix}\n\n"
        + (_SILENCE if entry.severity == "warning" else _NO_SILENCE).format(code=entry.code)
    )


def codes_markdown_table() -> str:
    """The README's table of finding codes."""
    rows = ["| code | severity | title | what it means |", "|---|---|---|---|"]
    for entry in CODES.values():
        what = entry.what.replace("|", "\\|")
        rows.append(f"| `{entry.code}` | {entry.severity} | {entry.title} | {what} |")
    return "\n".join(rows) + "\n"

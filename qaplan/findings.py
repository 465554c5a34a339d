"""The registry of finding codes: one source for `validate --explain`, the README's table of
codes, SARIF rules and the cache's known codes.

Each module below declares its codes beside the code that emits them, in a module-level
`CODES`; none of them imports this module. `DECLARED` names those modules and their codes, so
that the registry answers which codes exist without importing any check: a module is imported
when one of its codes is read in full (`validate ONE.yaml` loads only the checks it runs).
A new module of checks, or a new code, goes in `DECLARED` (tests/test_codes.py holds the two
to each other).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from types import ModuleType
from typing import Any

from qaplan.codes import Code, Finding, Severity

__all__ = ["CODES", "DECLARED", "Code", "Finding", "Severity",
           "codes_markdown_table", "explain", "finding"]

DECLARED: dict[str, tuple[str, ...]] = {
    # QP0xx: the bytes and the YAML syntax, the kind of file
    "qaplan.loader": ("QP001", "QP002", "QP003", "QP004", "QP006", "QP007", "QP010", "QP011"),
    "qaplan.checks.files": ("QP005", "QP008", "QP009"),
    "qaplan.checks.schema": ("QP100", "QP101", "QP102", "QP108", "QP109"),  # QP1xx: the shape
    "qaplan.checks.dates": ("QP103", "QP107", "QP201", "QP202", "QP203", "QP204"),
    "qaplan.checks.ids": ("QP104", "QP105"),
    "qaplan.checks.owners": ("QP106", "QP110"),
    "qaplan.checks.config": ("QP111",),  # qaplan.yaml's units tree
    "qaplan.checks.repository": ("QP112", "QP401"),  # ids across files, silenced errors
    "qaplan.checks.repeated_owners": ("QP205",),
    "qaplan.checks.text": ("QP206",),
    "qaplan.checks.personal_data": ("QP301", "QP302", "QP303", "QP304"),  # QP3xx
    "qaplan.checks.deviation": ("QP501", "QP502", "QP503", "QP504", "QP505", "QP506", "QP507",
                                "QP508", "QP509", "QP510", "QP511", "QP512", "QP513", "QP514",
                                "QP515", "QP516", "QP517"),  # QP5xx: deviation cases
    "qaplan.checks.feedback": ("QP601", "QP602", "QP603", "QP604", "QP605", "QP606"),
    "qaplan.checks.milestones": ("QP611", "QP612"),  # qaplan.yaml's calendar
    "qaplan.checks.continues": ("QP701", "QP702", "QP703", "QP704"),  # links across periods
    "qaplan.checks.recurrence": ("QP711", "QP712", "QP713", "QP714", "QP715"),
    "qaplan.checks.catalogues": ("QP721", "QP722", "QP723", "QP724", "QP725", "QP726",
                                 "QP727", "QP728"),  # criteria catalogues and `covers`
}


class Registry(Mapping[str, Code]):
    """Every finding code by name, in code order; a code's module is imported when it is read."""

    def __init__(self, declared: Mapping[str, tuple[str, ...]]) -> None:
        self._module = {code: module for module, codes in declared.items() for code in codes}
        self._names = sorted(self._module)

    def __getitem__(self, code: str) -> Code:
        entry: Code = getattr(import_module(self._module[code]), code)
        return entry

    def __contains__(self, code: object) -> bool:
        return code in self._module

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


CODES = Registry(DECLARED)


def __getattr__(name: str) -> tuple[ModuleType, ...]:
    """`DECLARING`: the declaring modules themselves, imported only when asked for."""
    if name == "DECLARING":
        return tuple(import_module(module) for module in DECLARED)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

"""A finding and the code that makes it: the types every module declares its codes with.

Each module that emits findings declares its codes beside its checks
(`QP103 = Code("QP103", "error", ...)`, listed in its module-level `CODES`) and makes
findings with `QP103.at(file, line, column, end=..., start=...)`. The registry of every
code is built from those modules in `qaplan.findings`; this module knows none of them,
so the modules that declare codes never import the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Any, Literal

from qaplan.values import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem in one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def as_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code: its severity, a one-line title, a message template and its explanation."""

    code: str
    severity: Severity
    title: str
    template: str  # `str.format` text; its `{fields}` are the keywords `at` takes
    what: str
    why: str
    fix: str
    fields: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = frozenset(name for _, name, _, _ in Formatter().parse(self.template) if name)
        object.__setattr__(self, "fields", names)

    def at(self, file: str, line: int, column: int, **fields: Any) -> Finding:
        """A finding of this code at a 1-based line and column, its template filled with `fields`."""
        if fields.keys() != self.fields:
            raise TypeError(f"{self.code} takes the fields {sorted(self.fields)}, "
                            f"not {sorted(fields)}")
        # Values come from the files: a key holding "\n::error ..." or ESC must not reach a
        # terminal or a CI log as a command.
        safe = {name: printable(value) if isinstance(value, str) else value
                for name, value in fields.items()}
        return Finding(file, line, column, self.severity, self.code, self.template.format(**safe))

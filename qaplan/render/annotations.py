"""`diff` changes as CI annotations: GitHub workflow commands or SARIF 2.1.0, each at its line.

A kind named by `--fail-on` is an error (it fails the job), a change that needs attention
(`due_postponed`, `activity_removed`, `plan_removed`, `follow_up_missing`, and in the deviation
register `case_reopened`, `case_removed`, `measure_removed`) a warning, any other a notice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from qaplan import __version__
from qaplan.render.findings import escape_data, escape_property
from qaplan.render.sarif import SCHEMA_URI, uri
from qaplan.reports.diff import KINDS, Change, DiffReport
from qaplan.reports.locate import Location

_ATTENTION = ("due_postponed", "activity_removed", "plan_removed", "follow_up_missing",
              "case_reopened", "case_removed", "measure_removed")


def level(change: Change, fail_on: Sequence[str]) -> str:
    """error, warning or notice (GitHub's words; SARIF says note for notice)."""
    if change.kind in fail_on:
        return "error"
    return "warning" if change.kind in _ATTENTION else "notice"


def _value(value: str | list[str] | None) -> str:
    if value is None:
        return "none"
    return ", ".join(value) if isinstance(value, list) else value


def message(change: Change) -> str:
    """`C1.G1.A1 Analysera feedback: due_postponed from 2024 to 2025`."""
    where = change.source if change.id is None else f"{change.source} {change.id}"
    text = f"{where} {change.title}: {change.kind}"
    if change.old is not None or change.new is not None:
        text += f" from {_value(change.old)} to {_value(change.new)}"
    return text


def as_github(report: DiffReport, locations: Sequence[Location], fail_on: Sequence[str]) -> str:
    """One workflow command per change, at the file and line of what changed."""
    lines = []
    for change, location in zip(report.changes, locations):
        where = ""
        if location.file is not None:
            where = f"file={escape_property(location.file)},line={location.line},"
        lines.append(f"::{level(change, fail_on)} {where}"
                     f"title={escape_property('qaplan ' + change.kind)}::"
                     f"{escape_data(message(change))}")
    return "\n".join(lines) + ("\n" if lines else "")


def _fingerprint(change: Change) -> str:
    """The same change keeps its id when lines above it move."""
    text = "\0".join([change.source, change.id or "", change.kind,
                      json.dumps([change.old, change.new])])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def as_sarif(report: DiffReport, locations: Sequence[Location], fail_on: Sequence[str]) -> str:
    """One SARIF log: every kind of change as a rule, every change as a result."""
    kinds = [kind for kind in KINDS if any(c.kind == kind for c in report.changes)]
    results = []
    for change, location in zip(report.changes, locations):
        result: dict[str, Any] = {
            "ruleId": change.kind,
            "ruleIndex": kinds.index(change.kind),
            "level": {"notice": "note"}.get(level(change, fail_on), level(change, fail_on)),
            "message": {"text": message(change)},
        }
        if location.file is not None:
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": uri(location.file)},
                "region": {"startLine": location.line},
            }}]
        result["partialFingerprints"] = {"qaplanChange/v1": _fingerprint(change)}
        results.append(result)
    rules = [{"id": kind, "name": kind, "shortDescription": {"text": kind.replace("_", " ")}}
             for kind in kinds]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "qaplan", "version": __version__, "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"

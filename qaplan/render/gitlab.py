"""Findings as a GitLab Code Quality report, so that merge requests show them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from qaplan.codes import Finding

# GitLab knows info, minor, major, critical and blocker. An error fails `qaplan validate`
# but is a fault in one plan, not a broken build: major. A warning is minor.
SEVERITY = {"error": "major", "warning": "minor"}


def fingerprints(findings: list[Finding]) -> list[str]:
    """A stable id per finding: its file, code and message (not its line, so that editing
    lines above it does not make it look new), with a counter for repeats."""
    seen: Counter[tuple[str, str, str]] = Counter()
    result = []
    for f in findings:
        key = (f.file, f.code, f.message)
        text = "\0".join(key) + (f"\0{seen[key]}" if seen[key] else "")
        seen[key] += 1
        result.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return result


def as_gitlab(findings: list[Finding], files: int) -> str:
    """The Code Quality JSON array: description, check_name, fingerprint, severity, location."""
    issues = [
        {
            "type": "issue",
            "description": f"{f.code} {f.message}",
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": SEVERITY[f.severity],
            "location": {"path": f.file, "lines": {"begin": f.line}},
        }
        for f, fingerprint in zip(findings, fingerprints(findings))
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"

"""Findings as SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from qaplan import __version__
from qaplan.findings import CODES, Code, Finding
from qaplan.render.gitlab import fingerprints

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_name(title: str) -> str:
    """`end before start` -> `EndBeforeStart`: SARIF wants an identifier-like name."""
    words = "".join(c if c.isalnum() else " " for c in title.replace("'", "")).split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def _rule(entry: Code) -> dict[str, Any]:
    title = entry.title[:1].upper() + entry.title[1:]
    help_text = f"{entry.what}\n\nWhy it matters: {entry.why}\n\nHow to fix it: {entry.fix}"
    help_markdown = (
        f"**{title}** ({entry.code})\n\n{entry.what}\n\n**Why it matters.** {entry.why}\n\n"
        f"**How to fix it.** {entry.fix}\n\n"
        f"Silence it on one line with `# qaplan: ignore[{entry.code}]`."
    )
    return {
        "id": entry.code,
        "name": _rule_name(entry.title),
        "shortDescription": {"text": title},
        "fullDescription": {"text": entry.what},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": entry.severity},
    }


def uri(path: str) -> str:
    """A relative path as a relative URI reference; an absolute one as a file URI."""
    quoted = quote(path, safe="/")
    return "file://" + quoted if path.startswith("/") else quoted


def as_sarif(findings: list[Finding], files: int) -> str:
    """One SARIF log with one run: every finding code as a rule, every finding as a result."""
    rules = list(CODES.values())
    index = {entry.code: i for i, entry in enumerate(rules)}
    results = []
    for f, fingerprint in zip(findings, fingerprints(findings)):
        result: dict[str, Any] = {"ruleId": f.code}
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        result |= {
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(f.file)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "partialFingerprints": {"qaplanFingerprint/v1": fingerprint},
        }
        results.append(result)
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "qaplan",
                        "version": __version__,
                        "rules": [_rule(entry) for entry in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"

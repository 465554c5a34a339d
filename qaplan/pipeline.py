"""Files -> findings and plans: read each file, tell its kind, validate it, run the checks."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError
from qaplan.findings import Finding, finding
from qaplan.loader import Document, compose, decode, read
from qaplan.model import SCHEMA_V1
from qaplan.repo import Candidate, default_paths, discover, display_path, is_config, nearest_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.model import PlanFile, RepoConfig

# The top-level key beside `schema:` tells the kind of file; deviation cases will join plans.
FILE_KINDS = ("plan",)
_LOOKS_LIKE_PLAN = ("plan", "criteria")
_SCHEMA_VERSION = re.compile(r"qaplan/v(\d+)\Z")
_IGNORE = re.compile(r"#\s*qaplan:\s*ignore(?:\[([^\]]*)\])?")


@dataclass(slots=True)
class ConfigResult:
    """A qaplan.yaml: its validated content (None when invalid) and its findings."""

    path: Path
    file: str
    config: RepoConfig | None
    findings: list[Finding]
    line_ignores: dict[int, frozenset[str] | None]


@dataclass(slots=True)
class FileResult:
    """What qaplan made of one file."""

    file: str
    kind: str  # "plan", "config", "skipped"
    findings: list[Finding] = field(default_factory=list)
    plan: PlanFile | None = None
    config: ConfigResult | None = None
    note: str | None = None
    line_ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)
    id_position: tuple[int, int] = (1, 1)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def language(self) -> str:
        """The plan's language, else the repository's default, else English."""
        if self.plan is not None and self.plan.plan.language:
            return self.plan.plan.language
        if self.config is not None and self.config.config is not None:
            return self.config.config.language or "en"
        return "en"


@dataclass(slots=True)
class Run:
    """The outcome of reading a set of paths."""

    files: list[FileResult]
    notes: list[str]
    fatal: list[str]  # problems that make the command exit 2 once everything is printed

    @property
    def findings(self) -> list[Finding]:
        return sorted(f for result in self.files for f in result.findings)

    @property
    def plans(self) -> list[FileResult]:
        return [r for r in self.files if r.kind == "plan"]


class _Configs:
    """Each qaplan.yaml read and validated once per run."""

    def __init__(self) -> None:
        self.loaded: dict[Path, ConfigResult] = {}
        self.nearest: dict[Path, Path | None] = {}

    def get(self, path: Path) -> ConfigResult:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = _load_config(key, display_path(path))
        return self.loaded[key]

    def for_file(self, path: Path) -> ConfigResult | None:
        directory = path.parent
        if directory not in self.nearest:
            self.nearest[directory] = nearest_config(directory)
        found = self.nearest[directory]
        return self.get(found) if found is not None else None


def check_paths(paths: list[str] | None, as_of: date) -> Run:
    """Read, classify and validate every YAML file under `paths`."""
    given = paths or default_paths()
    candidates, fatal = _discover_each(given)
    configs = _Configs()
    files: list[FileResult] = []
    notes: list[str] = []
    for candidate in candidates:
        if is_config(candidate.path):
            configs.get(candidate.path)
            continue
        result = check_file(candidate, configs, as_of)
        if result.note:
            notes.append(result.note)
        files.append(result)
    for config in configs.loaded.values():
        files.append(FileResult(config.file, "config", config.findings, config=config,
                                line_ignores=config.line_ignores))
    _unique_plan_ids(files)
    for result in files:
        result.findings = _suppress(result)
    files.sort(key=lambda r: r.file)
    fatal.extend(_empty_origins(given, candidates, files))
    return Run(files, notes, fatal)


def _discover_each(given: list[str]) -> tuple[list[Candidate], list[str]]:
    candidates: dict[str, Candidate] = {}
    fatal: list[str] = []
    for path in given:
        try:
            for candidate in discover([path]):
                candidates.setdefault(candidate.display, candidate)
        except QaplanError as exc:
            fatal.append(str(exc))
    return [candidates[key] for key in sorted(candidates)], fatal


def _empty_origins(given: list[str], candidates: list[Candidate], files: list[FileResult]) -> list[str]:
    kinds = {r.file: r.kind for r in files}
    problems = []
    for origin in given:
        if not Path(origin).is_dir():
            continue
        inside = [c for c in candidates if c.origin == origin and not c.explicit]
        if not any(kinds.get(c.display) == "plan" for c in inside):
            problems.append(
                f"{display_path(Path(origin))}: no plan files found (a plan file is a YAML file "
                f"with 'schema: {SCHEMA_V1}'; `qaplan init` scaffolds one)"
            )
    return problems


def check_file(candidate: Candidate, configs: _Configs, as_of: date) -> FileResult:
    """Read one candidate file and validate it as the kind of file it is."""
    doc = read(candidate.path, candidate.display)
    result = FileResult(candidate.display, "plan", list(doc.findings),
                        line_ignores=_line_ignores(doc.text))
    if not doc.readable:
        return result
    if doc.blank:
        if candidate.explicit:
            result.findings.append(finding(doc.file, 1, 1, "QP005"))
            return result
        return _skipped(result, "is empty")
    kind, problem = _classify(doc)
    if kind is None:
        if problem is not None:
            result.findings.append(problem)
            return result
        return _skipped(result, f"has no 'schema: {SCHEMA_V1}'")
    result.config = configs.for_file(candidate.path)
    config = result.config.config if result.config else None
    result.plan = _validate_plan(doc, result, config, as_of)
    return result


def check_blob(raw: bytes, display: str, as_of: date, config: ConfigResult | None = None) -> FileResult:
    """Check file content that is not read from disk (a file at a git revision)."""
    text, problem = decode(raw, display)
    if text is None:
        assert problem is not None
        return FileResult(display, "plan", [problem])
    doc = compose(text, display)
    result = FileResult(display, "plan", list(doc.findings), line_ignores=_line_ignores(doc.text))
    if not doc.readable:
        return result
    if doc.blank:
        return _skipped(result, "is empty")
    kind, problem = _classify(doc)
    if kind is None:
        if problem is not None:
            result.findings.append(problem)
            return result
        return _skipped(result, f"has no 'schema: {SCHEMA_V1}'")
    result.config = config
    result.plan = _validate_plan(doc, result, config.config if config else None, as_of)
    result.findings = _suppress(result)
    return result


def config_from_blob(raw: bytes, path: Path, display: str) -> ConfigResult:
    """A qaplan.yaml from content not read from disk; `path` is where it would be in the tree."""
    from pydantic import ValidationError

    from qaplan.checks.config import config_checks
    from qaplan.checks.schema import schema_findings
    from qaplan.model import RepoConfig

    text, problem = decode(raw, display)
    if text is None:
        assert problem is not None
        return ConfigResult(path, display, None, [problem], {})
    doc = compose(text, display)
    findings = list(doc.findings)
    config = None
    if doc.readable and isinstance(doc.data, dict):
        try:
            config = RepoConfig.model_validate(doc.data)
        except ValidationError as exc:
            findings.extend(schema_findings(exc, doc, RepoConfig))
        else:
            findings.extend(config_checks(doc, config))
    return ConfigResult(path, display, config, findings, _line_ignores(doc.text))


def _skipped(result: FileResult, why: str) -> FileResult:
    result.kind = "skipped"
    result.findings = []
    result.note = f"note: {result.file} {why}: not a qaplan file, skipped"
    return result


def _classify(doc: Document) -> tuple[str | None, Finding | None]:
    """The kind of file ('plan'), or None with an error when it looks like a plan but is not one."""
    data = doc.data
    if not isinstance(data, dict):
        return None, None
    looks_like_plan = any(key in data for key in _LOOKS_LIKE_PLAN)
    schema = data.get("schema")
    if isinstance(schema, str) and schema.startswith("qaplan/"):
        version = _SCHEMA_VERSION.match(schema)
        if schema == SCHEMA_V1:
            return next((k for k in FILE_KINDS if k in data), FILE_KINDS[0]), None
        line, col = doc.value_position(("schema",))
        if version and int(version.group(1)) > 1:
            from qaplan import __version__

            return None, finding(doc.file, line, col, "QP009", schema=schema, version=__version__)
        return None, finding(doc.file, line, col, "QP008",
                             detail=f"unknown schema '{schema}' (expected '{SCHEMA_V1}')")
    if not looks_like_plan:
        return None, None
    if "schema" in data:
        line, col = doc.value_position(("schema",))
        detail = f"schema must be '{SCHEMA_V1}', not {schema!r}"
    else:
        line, col = doc.value_position(())
        detail = f"this looks like a plan but has no 'schema: {SCHEMA_V1}' line"
    return None, finding(doc.file, line, col, "QP008", detail=detail)


def _validate_plan(
    doc: Document, result: FileResult, config: RepoConfig | None, as_of: date
) -> PlanFile | None:
    """The validated plan, or None when it has schema errors (the other checks still run)."""
    from pydantic import ValidationError

    from qaplan.checks import PlanContext, run_plan_checks
    from qaplan.checks.schema import schema_findings
    from qaplan.model import PlanFile, assign_ids

    config_file = result.config.file if result.config else None
    try:
        plan = PlanFile.model_validate(doc.data)
    except ValidationError as exc:
        errors = schema_findings(exc, doc, PlanFile)
        result.findings.extend(errors)
        repaired = _repaired_plan(doc, exc)
        if repaired is not None:
            assign_ids(repaired[0])
            blocked = {(f.line, f.column) for f in errors} | repaired[1]
            context = PlanContext(doc, repaired[0], config, config_file, as_of)
            result.findings.extend(
                f for f in run_plan_checks(context) if (f.line, f.column) not in blocked
            )
        return None
    assign_ids(plan)
    result.id_position = doc.value_position(("plan", "id"))
    result.findings.extend(run_plan_checks(PlanContext(doc, plan, config, config_file, as_of)))
    return plan


def _repaired_plan(doc: Document, exc: Any) -> tuple[PlanFile, set[tuple[int, int]]] | None:
    """The plan with its invalid nodes repaired, and the positions the repair touched."""
    from pydantic import ValidationError

    from qaplan.checks.schema import repair
    from qaplan.model import PlanFile

    data = doc.data
    touched_positions: set[tuple[int, int]] = set()
    for _ in range(3):
        fixed = repair(data, exc)
        if fixed is None:
            return None
        data, touched = fixed
        for path in touched:
            for target in (path, path[:-1]):
                touched_positions.add(doc.value_position(target))
                touched_positions.add(doc.key_position(target))
        try:
            return PlanFile.model_validate(data), touched_positions
        except ValidationError as again:
            exc = again
    return None


def _line_ignores(text: str) -> dict[int, frozenset[str] | None]:
    """Line -> codes silenced there by `# qaplan: ignore[...]` (None: every code)."""
    if "qaplan:" not in text:
        return {}
    found: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                None if codes is None else frozenset(c.strip() for c in codes.split(","))
            )
    return found


def _load_config(path: Path, display: str) -> ConfigResult:
    from pydantic import ValidationError

    from qaplan.checks.config import config_checks
    from qaplan.checks.schema import schema_findings
    from qaplan.model import RepoConfig

    doc = read(path, display)
    findings = list(doc.findings)
    config = None
    if doc.readable:
        data: Any = doc.data
        if not isinstance(data, dict):
            findings.append(finding(display, 1, 1, "QP100",
                                    detail="qaplan.yaml must be a mapping with 'schema: qaplan/v1'"))
        else:
            try:
                config = RepoConfig.model_validate(data)
            except ValidationError as exc:
                findings.extend(schema_findings(exc, doc, RepoConfig))
            else:
                findings.extend(config_checks(doc, config))
    return ConfigResult(path, display, config, findings, _line_ignores(doc.text))


def _unique_plan_ids(files: list[FileResult]) -> None:
    seen: dict[str, str] = {}
    for result in sorted(files, key=lambda r: r.file):
        if result.plan is None:
            continue
        plan_id = result.plan.plan.id
        if plan_id in seen:
            line, col = result.id_position
            result.findings.append(finding(result.file, line, col, "QP112", id=plan_id,
                                           other=seen[plan_id]))
        else:
            seen[plan_id] = result.file


def _suppress(result: FileResult) -> list[Finding]:
    if not result.findings:
        return result.findings
    rules: list[str] = []
    config = result.config if result.kind != "config" else None
    if config is not None and config.config is not None:
        base = config.path.parent
        try:
            rel = Path(os.path.relpath(Path(result.file).resolve(), base)).as_posix()
        except ValueError:
            rel = result.file
        rules = [rule.code for rule in config.config.ignore if fnmatch.fnmatch(rel, rule.path)]
    kept = []
    for item in result.findings:
        if item.code in rules:
            continue
        if item.line in result.line_ignores:
            codes = result.line_ignores[item.line]
            if codes is None or item.code in codes:
                continue
        kept.append(item)
    return kept


def load_plans(paths: list[str] | None, as_of: date, skip_invalid: bool) -> tuple[list[FileResult], list[str]]:
    """Valid plans for a report; a plan with errors stops it (exit 2) unless skipped."""
    run = check_paths(paths, as_of)
    notes = list(run.notes)
    if run.fatal:
        raise QaplanError("\n".join(run.fatal))
    plans = []
    skipped = 0
    for result in run.files:
        if result.kind == "config":
            continue
        errors = result.errors
        if errors:
            if not skip_invalid:
                first = errors[0]
                raise QaplanError(
                    f"{first.as_text()}\n{result.file} has {len(errors)} error(s); run "
                    f"`qaplan validate {result.file}` to see them all, or pass --skip-invalid"
                )
            skipped += 1
            continue
        if result.plan is not None:
            plans.append(result)
    if skipped:
        notes.append(f"note: skipped {skipped} invalid file(s); `qaplan validate` lists their errors")
    if not plans:
        raise QaplanError("no valid plan files to report on")
    return plans, notes

"""One file checked as the kind of file it is (`qaplan.kinds`), and qaplan.yaml read once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qaplan.checks.files import QP005
from qaplan.engine.results import INVALID, SKIPPED, ConfigResult, FileResult
from qaplan.engine.suppress import error_ignores, line_ignores, suppress
from qaplan.kinds import CONFIG_KIND, Scope, check, classify
from qaplan.loader import QP011, Document, compose, decode, parse, read
from qaplan.repo import Candidate, display_path
from qaplan.values import SCHEMA_V1


def check_file(
    candidate: Candidate, config: ConfigResult | None, today: date, raw: bytes | None = None,
    keep_value: bool = False,
) -> FileResult:
    """Check one file as the kind of file it is; `raw`: its bytes when already read."""
    doc = read(candidate.path, candidate.display) if raw is None else parse(raw, candidate.display)
    return check_document(doc, candidate.explicit, config, today, keep_value)


def check_document(
    doc: Document, explicit: bool, config: ConfigResult | None, today: date,
    keep_value: bool = False,
) -> FileResult:
    """A parsed file's result: its kind, its findings (silenced where asked), its data; with
    `keep_value`, also the typed value the checks built of the data, if they built one."""
    result = FileResult(doc.file, SKIPPED, list(doc.findings) + error_ignores(doc.file, doc.text),
                        config=config, line_ignores=line_ignores(doc.text))
    if doc.readable:
        if doc.blank:
            if not explicit:
                return _skipped(result, "is empty")
            result.findings.append(QP005.at(doc.file, 1, 1))
        else:
            kind, problem = classify(doc)
            if kind is None and problem is None:
                return _skipped(result, f"has no 'schema: {SCHEMA_V1}'")
            if kind is not None:
                result.kind = kind.name
                scope = Scope(config.config if config else None, config.file if config else None,
                              config is not None and config.data is None, today)
                checked = check(kind, doc, scope)
                result.findings.extend(checked.findings)
                if checked.data is not None:
                    result.data = checked.data
                    if keep_value and checked.data is doc.data and scope.built:
                        result.lend(scope.built[0])
                    result.file_id = kind.file_id(checked.data)
                    if kind.id_path is not None:
                        result.id_position = doc.value_position(kind.id_path)
                    if kind.links is not None:
                        result.links = kind.links(doc, checked.data)
            if problem is not None:
                result.findings.append(problem)
    if result.kind == SKIPPED and result.findings:
        result.kind = INVALID
    result.findings = suppress(result)
    return result


def _skipped(result: FileResult, why: str) -> FileResult:
    result.kind = SKIPPED
    result.findings = []
    result.note = f"note: {result.file} {why}: not a qaplan file, skipped"
    return result


def load_config(path: Path, display: str) -> ConfigResult:
    """A qaplan.yaml on disk, checked."""
    return _config_result(read(path, display), path)


def config_from_blob(raw: bytes, path: Path, display: str) -> ConfigResult:
    """A qaplan.yaml from content not read from disk; `path` is where it would be in the tree."""
    text, problem = decode(raw, display)
    if text is None:
        assert problem is not None
        return ConfigResult(path, display, None, [problem], {})
    return _config_result(compose(text, display), path)


def _config_result(doc: Document, path: Path) -> ConfigResult:
    """A qaplan.yaml checked; its data is what could be read (None when nothing could)."""
    findings = list(doc.findings) + error_ignores(doc.file, doc.text)
    data = None
    if doc.readable:
        if not isinstance(doc.data, dict):
            from qaplan.checks.schema import QP100  # the shape checks load only for a problem

            findings.append(QP100.at(doc.file, 1, 1,
                                    detail="qaplan.yaml must be a mapping with 'schema: qaplan/v1'"))
        else:
            checked = check(CONFIG_KIND, doc, Scope(None, None, False, date.today()))
            findings.extend(checked.findings)
            data = checked.data
    return ConfigResult(path, doc.file, data, findings, line_ignores(doc.text))


def unreadable_directory(path: Path, why: str) -> FileResult:
    """A directory that cannot be listed: an error, so that no run passes as if it saw it all."""
    display = display_path(path)
    detail = f"{display} is a directory that cannot be listed ({why}); its plans were not checked"
    return FileResult(display, INVALID, [QP011.at(display, 1, 1, detail=detail)])


def crashed(candidate: Candidate) -> FileResult:
    """The result of a file whose parsing crashed a worker process."""
    detail = "the YAML parser crashed on this file"
    return FileResult(candidate.display, INVALID,
                      [QP011.at(candidate.display, 1, 1, detail=detail)])

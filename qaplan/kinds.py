"""The kinds of qaplan file, as data: how each is recognised, shaped, built, checked and named.

A file is a qaplan file when its top level has `schema: qaplan/v1`; the key beside it
(`plan:`, later `deviation:`) tells its kind, and `qaplan.yaml` is the repository file by
its name. Everything that differs between kinds is one `Kind` entry in `KINDS`; the loader,
the cache, the pool, the renderers and the command line never ask which kind a file is.
Adding a kind: a module for its format (`qaplan/formats/`), a module of its checks
(`qaplan/checks/`), and an entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.checks.files import QP008, QP009
from qaplan.codes import Finding
from qaplan.loader import Document
from qaplan.shape import CONFIG, PLAN, Problem, Record, problems
from qaplan.shapes_deviation import DEVIATION
from qaplan.values import SCHEMA_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config

Path_ = tuple[Any, ...]
_SCHEMA_VERSION = re.compile(r"qaplan/v(\d+)\Z")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a file's checks see around it: its repository file and the date that is today."""

    config: Config | None  # the nearest qaplan.yaml, as far as it could be read (built once)
    config_file: str | None
    config_unreadable: bool  # a qaplan.yaml applies but nothing in it could be read
    today: date  # today, or `validate --as-of`
    # Where the checks leave the typed value they built of the file's data, for a caller that
    # needs it too (a report's fold in the pool), so that it is not built twice.
    built: list[Any] = field(default_factory=list, compare=False)


Checks = Callable[[Document, Any, Scope], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of file and everything that is particular to it."""

    name: str
    shape: Record  # its shape, checked on plain data (`qaplan.shape`)
    build: Callable[[Any], Any]  # checked data -> its typed value (`qaplan.formats`)
    checks: Checks  # every check of the kind, over data that has its shape
    key: str | None = None  # the top-level key beside `schema:` that names the kind
    file_name: str | None = None  # or the one file name that names it (qaplan.yaml)
    looks_like: tuple[str, ...] = ()  # top-level keys of a file meant to be this kind
    id_path: Path_ | None = None  # where the id that is unique in a repository stands
    id_name: str = "id"  # what findings call that id ("plan id", "case id")
    schema_file: str | None = None  # its JSON Schema in `schemas/`
    json_schema: Callable[[], dict[str, Any]] | None = None
    # What of a file with shape problems is still usable (qaplan.yaml: the rest of it);
    # None: a file with problems has no value, and reports refuse it.
    salvage: Callable[[Any, list[Problem]], Any] | None = None
    # What the rules that span files need of a file beyond its id: a plan's `continues` links,
    # its closed flag and activity ids (`qaplan.checks.continues.plan_links`).
    links: Callable[[Document, Any], Any] | None = None

    def file_id(self, data: Any) -> str | None:
        """The file's id at `id_path` in checked data (None for kinds without one)."""
        if self.id_path is None:
            return None
        value = data
        for part in self.id_path:
            value = value[part]
        return str(value)


@dataclass(slots=True)
class Checked:
    """A file checked as its kind: its findings, and its data when it has the kind's shape."""

    findings: list[Finding]
    data: Any  # the checked (or salvaged) data; None when the file must be refused


def _plan_checks(doc: Document, data: Any, scope: Scope) -> Iterable[Finding]:
    from qaplan.checks import PlanContext, run_plan_checks

    # The typed plan is built once here; every plan check reads it.
    plan = _build_plan(data)
    if data is doc.data:
        scope.built.append(plan)
    return run_plan_checks(PlanContext(doc, plan, scope.config, scope.config_file,
                                       scope.today, scope.config_unreadable))


def _config_checks(doc: Document, data: Any, scope: Scope) -> Iterable[Finding]:
    from qaplan.checks.config import config_checks, ignore_rule_checks
    from qaplan.checks.milestones import milestone_checks
    from qaplan.findings import CODES

    found = [*config_checks(doc, data), *ignore_rule_checks(doc, data, CODES),
             *milestone_checks(doc, data)]
    if data.get("catalogues"):  # the catalogue checks load only for a file that declares some
        from qaplan.checks.catalogues import config_catalogues

        found.extend(config_catalogues(doc, data))
    return found


def _config_salvage(data: Any, found: list[Problem]) -> Any:
    from qaplan.checks.config import usable_part

    return usable_part(data, found)


def _build_plan(data: Any) -> Any:
    from qaplan.formats.plan import build

    return build(data)


def _build_config(data: Any) -> Any:
    from qaplan.formats.config import build

    return build(data)


def _deviation_checks(doc: Document, data: Any, scope: Scope) -> Iterable[Finding]:
    from qaplan.checks.deviation import CaseContext, run_case_checks

    return run_case_checks(CaseContext(doc, _build_deviation(data), scope.config,
                                       scope.config_file, scope.today, scope.config_unreadable))


def _build_deviation(data: Any) -> Any:
    from qaplan.formats.deviation import build

    return build(data)


def _deviation_schema() -> dict[str, Any]:
    from qaplan.model_deviation import deviation_json_schema

    return deviation_json_schema()


def _plan_links(doc: Document, data: Any) -> Any:
    from qaplan.checks.continues import plan_links

    return plan_links(doc, data)


def _plan_schema() -> dict[str, Any]:
    from qaplan.model import plan_json_schema

    return plan_json_schema()


def _config_schema() -> dict[str, Any]:
    from qaplan.model_config import config_json_schema

    return config_json_schema()


PLAN_KIND = Kind(
    name="plan", shape=PLAN, build=_build_plan, checks=_plan_checks, key="plan",
    looks_like=("plan", "criteria"), id_path=("plan", "id"), id_name="plan id",
    schema_file="plan.schema.json", json_schema=_plan_schema, links=_plan_links,
)
CONFIG_KIND = Kind(
    name="config", shape=CONFIG, build=_build_config, checks=_config_checks,
    file_name="qaplan.yaml", schema_file="qaplan.schema.json", json_schema=_config_schema,
    salvage=_config_salvage,
)
DEVIATION_KIND = Kind(
    name="deviation", shape=DEVIATION, build=_build_deviation, checks=_deviation_checks,
    key="deviation", looks_like=("deviation",), id_path=("deviation", "id"), id_name="case id",
    schema_file="deviation.schema.json", json_schema=_deviation_schema,
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in (PLAN_KIND, CONFIG_KIND, DEVIATION_KIND)}


def register(kind: Kind) -> None:
    """Add a kind of file (a test's fixture kind, or a kind of a later version)."""
    KINDS[kind.name] = kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


def by_file_name(name: str) -> Kind | None:
    """The kind a file is by its name alone (qaplan.yaml), if any."""
    return next((kind for kind in KINDS.values() if kind.file_name == name), None)


def classify(doc: Document) -> tuple[Kind | None, Finding | None]:
    """The kind of a parsed file; None and no finding for YAML that is not a qaplan file,
    None and an error for a file that is meant to be one but is not."""
    data = doc.data
    if not isinstance(data, dict):
        return None, None
    keyed = [kind for kind in KINDS.values() if kind.key is not None]
    schema = data.get("schema")
    if isinstance(schema, str) and schema.startswith("qaplan/"):
        if schema == SCHEMA_V1:
            return next((kind for kind in keyed if kind.key in data), keyed[0]), None
        line, col = doc.value_position(("schema",))
        version = _SCHEMA_VERSION.match(schema)
        if version and int(version.group(1)) > 1:
            from qaplan import __version__

            return None, QP009.at(doc.file, line, col, schema=schema, version=__version__)
        return None, QP008.at(doc.file, line, col,
                             detail=f"unknown schema '{schema}' (expected '{SCHEMA_V1}')")
    meant = next((kind for kind in keyed if any(key in data for key in kind.looks_like)), None)
    if meant is None:
        return None, None
    if "schema" in data:
        line, col = doc.value_position(("schema",))
        detail = f"schema must be '{SCHEMA_V1}', not {schema!r}"
    else:
        line, col = doc.value_position(())
        detail = f"this looks like a {meant.name} but has no 'schema: {SCHEMA_V1}' line"
    return None, QP008.at(doc.file, line, col, detail=detail)


def check(kind: Kind, doc: Document, scope: Scope) -> Checked:
    """Check a parsed file as `kind`: its shape, then every check of the kind.

    A file with shape problems is repaired in a copy so that the other checks still run,
    and their findings at the repaired places are dropped (they would repeat the problem).
    """
    from qaplan.checks.schema import schema_findings

    found = problems(kind.shape, doc.data)
    if not found:
        return Checked(list(kind.checks(doc, doc.data, scope)), doc.data)
    findings = schema_findings(found, doc, kind.shape)
    if kind.salvage is not None:
        usable = kind.salvage(doc.data, found)
        return Checked(findings + list(kind.checks(doc, usable, scope)), usable)
    repaired = _repaired(kind, doc, found)
    if repaired is not None:
        blocked = {(f.line, f.column) for f in findings} | repaired[1]
        findings.extend(f for f in kind.checks(doc, repaired[0], scope)
                        if (f.line, f.column) not in blocked)
    return Checked(findings, None)


def _repaired(
    kind: Kind, doc: Document, found: list[Problem]
) -> tuple[Any, set[tuple[int, int]]] | None:
    """The data with its invalid nodes repaired, and the positions the repair touched."""
    from qaplan.checks.schema import repair

    data = doc.data
    touched_positions: set[tuple[int, int]] = set()
    for _ in range(3):
        fixed = repair(data, found)
        if fixed is None:
            return None
        data, touched = fixed
        for path in touched:
            for target in (path, path[:-1]):
                touched_positions.add(doc.value_position(target))
                touched_positions.add(doc.key_position(target))
        found = problems(kind.shape, data)
        if not found:
            return data, touched_positions
    return None

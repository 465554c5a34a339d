"""What a plan check sees: the parsed document for positions, and the plan as its typed value."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import InitVar, dataclass, field
from datetime import date
from typing import Any

from qaplan.codes import Code, Finding
from qaplan.formats.config import Config
from qaplan.formats.config import build as build_config
from qaplan.formats.plan import Activity, Plan, build
from qaplan.loader import Document, Path_


@dataclass(frozen=True, slots=True)
class PlanContext:
    """One plan as the checks see it, built once from its checked (or repaired) data.

    `data` has the plan file's shape (`qaplan.shape.PLAN`) and `config` is what could be read
    of the nearest qaplan.yaml; both become typed values here, so the checks read the domain
    rules (`due`, `latest_state`, derived ids) from `qaplan.formats` and each row's `path`
    gives its position in the document.
    """

    doc: Document
    data: InitVar[Mapping[str, Any]]
    config: InitVar[Mapping[str, Any] | None]
    config_file: str | None
    as_of: date  # today, or `validate --as-of`
    config_unreadable: bool = False  # a qaplan.yaml applies but nothing in it could be read
    plan: Plan = field(init=False)
    repository: Config | None = field(init=False)  # the nearest qaplan.yaml, typed

    def __post_init__(self, data: Mapping[str, Any], config: Mapping[str, Any] | None) -> None:
        object.__setattr__(self, "plan", build(data))
        object.__setattr__(self, "repository", build_config(config) if config else None)

    def activities(self) -> Iterator[Activity]:
        """Every activity of the plan, in file order."""
        return (activity for _, _, activity in self.plan.activities())

    def at(self, path: Path_, code: Code, *, on_key: bool = False, **fields: Any) -> Finding:
        """A finding of `code` at the value (or the key) that `path` leads to."""
        if on_key:
            line, col = self.doc.key_position(path)
        else:
            line, col = self.doc.value_position(path)
        return code.at(self.doc.file, line, col, **fields)

    def declared_owners(self) -> set[str]:
        """The owner keys the plan and its qaplan.yaml declare."""
        shared = set(self.repository.owners) if self.repository else set()
        return shared | set(self.plan.owners)


Check = Callable[[PlanContext], Iterator[Finding]]

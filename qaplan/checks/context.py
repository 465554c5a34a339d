"""What a plan check sees: the parsed document for positions, and the plan as its typed value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qaplan.codes import Code, Finding
from qaplan.formats.plan import Activity, Plan
from qaplan.loader import Document, Path_

TYPE_CHECKING = False
if TYPE_CHECKING:  # the typed qaplan.yaml is built only where there is one
    from qaplan.formats.config import Config


@dataclass(frozen=True, slots=True)
class PlanContext:
    """One plan as the checks see it: its typed value, and its document for positions.

    The checks read the domain rules (`due`, `latest_state`, derived ids) from the typed
    values of `qaplan.formats`; each row's `path` finds its position in `doc`.
    """

    doc: Document
    plan: Plan  # built from the checked (or repaired) data
    config: Config | None  # what could be read of the nearest qaplan.yaml
    config_file: str | None
    as_of: date  # today, or `validate --as-of`
    config_unreadable: bool = False  # a qaplan.yaml applies but nothing in it could be read

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
        shared = set(self.config.owners) if self.config else set()
        return shared | set(self.plan.owners)


Check = Callable[[PlanContext], Iterator[Finding]]

"""Reports: pure functions of (plans, options, as_of) that return data carrying its own JSON.

A report reads entries one at a time (`qaplan.workspace.Entry`, or the engine's `FileResult`):
it needs only each entry's `file`, typed `plan` and `language`, and takes owner names from
the caller. It never sees an invalid option: the command line checks them first.
"""

from __future__ import annotations

from typing import Protocol

from qaplan.formats.plan import Plan


class PlanEntry(Protocol):
    """What a report reads of one plan file."""

    @property
    def file(self) -> str: ...

    @property
    def plan(self) -> Plan: ...

    @property
    def language(self) -> str: ...

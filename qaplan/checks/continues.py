"""Links across plan periods: `continues: OLD-PLAN-ID/ACTIVITY-ID` must name a real activity of
a closed plan.

A link names another file, so all but QP704 are checked where the engine sees the whole
repository (`qaplan.engine.links`); each plan file contributes its `Links`, recorded when it
is checked and kept in the cache and the ids index, so a hook given one file still checks
its links without reading the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.loader import Document
from qaplan.values import derived_id

_FIX_LINK = ("Correct the link (`continues: OLD-PLAN-ID/ACTIVITY-ID`, as `qaplan rollover` writes "
             "it), or remove it if the activity is new in this plan.")
QP701 = Code(
    "QP701", "error", "continues an unknown plan",
    "continues: no plan '{plan}' in the repository",
    what="An activity's `continues` link names a plan id that no plan file of the repository has.",
    why="The link is how an activity's history reads across plan periods; a link to nothing "
    "loses it, usually through a typo or a renamed plan id.",
    fix=_FIX_LINK,
)
QP702 = Code(
    "QP702", "error", "continues an unknown activity",
    "continues: plan '{plan}' ({other}) has no activity '{activity}'",
    what="An activity's `continues` link names a plan that exists but has no activity with that "
    "id (explicit, or derived from its position).",
    why="The earlier years of the activity would not be found, so diffs and reports would start "
    "its history anew.",
    fix=_FIX_LINK,
)
QP703 = Code(
    "QP703", "error", "continues an open plan",
    "continues: plan '{plan}' ({other}) is not closed; an activity carries on one of a closed plan",
    what="An activity's `continues` link names a plan that has no `plan.closed` date.",
    why="While the old plan is open, reports count the activity twice, once in each plan.",
    fix="Close the old plan (`closed: YYYY-MM-DD` in its `plan:` section; `qaplan rollover` "
    "does both at once), or remove the link.",
)
QP704 = Code(
    "QP704", "error", "continues its own plan",
    "continues: '{link}' names this plan; a link points to an activity of an earlier plan",
    what="An activity's `continues` link names the plan it stands in.",
    why="A plan cannot carry on its own activities; the link would make an activity its own "
    "history.",
    fix="Name the earlier plan's id (`continues: OLD-PLAN-ID/ACTIVITY-ID`), or remove the link.",
)

CODES = (QP701, QP702, QP703, QP704)

Link = tuple[str, int, int]  # "PLAN/ACTIVITY" as written, and the line and column of the value


@dataclass(frozen=True, slots=True)
class Links:
    """What the rules about links need of one plan file, beside its id."""

    closed: bool
    activities: frozenset[str]  # its activity ids, kept only when closed (a link needs no other)
    continues: tuple[Link, ...] = ()  # its own links

    def as_json(self) -> list[Any]:
        return [self.closed, sorted(self.activities), [list(link) for link in self.continues]]

    @classmethod
    def from_json(cls, data: Any) -> Links:
        """The links `as_json` wrote; TypeError or ValueError unless it has that shape."""
        closed, activities, continues = data
        if not (isinstance(closed, bool) and isinstance(activities, list)
                and all(isinstance(item, str) for item in activities)
                and isinstance(continues, list)):
            raise TypeError("not the links of a plan")
        links = []
        for text, line, col in continues:
            if not (isinstance(text, str) and type(line) is int and type(col) is int):
                raise TypeError("not a link")
            links.append((text, line, col))
        return cls(closed, frozenset(activities), tuple(links))


def plan_links(doc: Document, data: Any) -> Links:
    """The links of checked plan data: its closed flag, its activity ids (when closed) and the
    `continues` values with their positions. Read from the data, not the typed plan: the
    engine records them for every file, also when validate builds no typed value."""
    closed = data["plan"].get("closed") is not None
    activities: set[str] = set()
    links: list[Link] = []
    for ci, criterion in enumerate(data.get("criteria") or ()):
        for gi, goal in enumerate(criterion.get("goals") or ()):
            for ai, activity in enumerate(goal.get("activities") or ()):
                if closed:
                    activities.add(activity.get("id") or derived_id(ci, gi, ai))
                link = activity.get("continues")
                if link is not None:
                    path = ("criteria", ci, "goals", gi, "activities", ai, "continues")
                    links.append((link, *doc.value_position(path)))
    return Links(closed, frozenset(activities), tuple(links))


def own_plan_links(ctx: PlanContext) -> Iterator[Finding]:
    """QP704: a link to the plan it stands in (needs no other file, so it is cached per file)."""
    for _criterion, _goal, activity in ctx.plan.activities():
        link = activity.continues
        if link is not None and link.split("/", 1)[0] == ctx.plan.id:
            yield ctx.at(activity.path + ("continues",), QP704, link=link)


CHECKS: tuple[Check, ...] = (own_plan_links,)

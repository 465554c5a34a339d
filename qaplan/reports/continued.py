"""An activity's history across plan periods: a carried activity (`continues: PLAN/ACTIVITY`)
reads its earlier years from the activity it carries on, in a closed plan.

Only the activities that links name are kept, so following links costs one more pass over
the plans that hold them, not a copy of every plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from qaplan.formats.plan import Activity, Plan

Earlier = dict[str, Activity]  # "PLAN/ACTIVITY" -> that activity


def links_of(results: Iterable[Any]) -> set[str]:
    """Every `continues` link of the files (engine results), read without building plans."""
    return {text for result in results if getattr(result, "links", None) is not None
            for text, _line, _col in result.links.continues}


def earlier_activities(plans: Callable[[set[str]], Iterable[Plan]], wanted: set[str]) -> Earlier:
    """The activities that `wanted` links name, and those they carry on in turn.

    `plans(ids)` yields the plans with those ids, one at a time.
    """
    found: Earlier = {}
    looked: set[str] = set()  # a link to nothing is looked for once
    todo = set(wanted)
    while todo:
        looked |= todo
        by_plan: dict[str, set[str]] = {}
        for link in todo:
            plan_id, activity_id = link.split("/", 1)
            by_plan.setdefault(plan_id, set()).add(activity_id)
        for plan in plans(set(by_plan)):
            for _criterion, _goal, activity in plan.activities():
                if activity.key in by_plan.get(plan.id, ()):
                    found.setdefault(f"{plan.id}/{activity.key}", activity)
        todo = {a.continues for a in found.values() if a.continues is not None} - looked
    return found


def with_history(activity: Activity, earlier: Earlier) -> Activity:
    """The activity with the follow-up years of the activities it carries on (its own win)."""
    status, keys = dict(activity.status), dict(activity.status_keys)
    link, seen = activity.continues, set()
    while link is not None and link in earlier and link not in seen:
        seen.add(link)
        old = earlier[link]
        status = {**old.status, **status}
        keys = {**old.status_keys, **keys}
        link = old.continues
    if not seen:
        return activity
    return replace(activity, status=status, status_keys=keys)


def earlier_by_id(plans: Iterable[Plan]) -> Earlier:
    """Every activity of `plans` by its link text (for a revision diff, which holds both sides)."""
    return {f"{plan.id}/{activity.key}": activity for plan in plans
            for _criterion, _goal, activity in plan.activities()}

"""The overdue report drawn: a section per owner whose rows are made as they are drawn."""

from __future__ import annotations

from functools import partial
from typing import Any

from qaplan import i18n
from qaplan.render.view import Cell, Column, Rows, Section, Style, View
from qaplan.reports.item_cells import ItemCells, item_style, report_columns
from qaplan.reports.overdue import OverdueItem, OverdueReport, OwnerGroup
from qaplan.words import plural


def _row(cells: ItemCells, item: OverdueItem, owner: str | None,
         name: str | None) -> dict[str, Cell]:
    row = cells(item)
    row["owner"], row["name"] = owner, name
    return row


def _group_json(group: OwnerGroup) -> dict[str, Any]:
    """One owner's part of the JSON payload, its items made as they are written."""
    return {"owner": group.owner, "name": group.name,
            "activities": Rows(group.items, OverdueItem.as_dict)}


def _owners_text(report: OverdueReport) -> str:
    """Whose they are: " for 3 owners", " for 2 owners and 1 activity without an owner",
    ", 1 without an owner" (never "for 0 owners")."""
    owners = sum(1 for group in report.groups if group.owner is not None)
    unowned = sum(len(group.items) for group in report.groups if group.owner is None)
    # The comma keeps "and N due within D days" apart from whose they are.
    sep = "," if report.within is not None else ""
    if owners and unowned:
        things = plural(unowned, "item") if report.cases else plural(unowned, "activity",
                                                                      "activities")
        return f"{sep} for {plural(owners, 'owner')} and {things} without an owner"
    if owners:
        return f"{sep} for {plural(owners, 'owner')}"
    return f", {unowned} without an owner" if unowned else ""


def overdue_view(report: OverdueReport, language: str | None = None) -> View:
    """The report as sections per owner, ready to draw in any format (headings in `language`);
    rows and JSON items are made from the report's items as a renderer reaches them."""
    w = i18n.words(language)
    columns = [Column("owner", w["owner"], only=("csv",)),
               Column("name", w["owner_name"], only=("csv",)),
               *report_columns(w, cases=bool(report.cases))]
    cells = ItemCells(language)
    sections = []
    for group in report.groups:
        if group.owner is None:
            heading = w["no_owner"]
        elif group.name and group.name != group.owner:
            heading = f"{group.owner} – {group.name}"
        else:
            heading = group.owner
        made = Rows(group.items, partial(_row, cells, owner=group.owner, name=group.name),
                    item_style)
        sections.append(Section(heading, columns, [], made=made))
    if not sections:
        sections.append(Section(None, columns, []))
    listed = report.activities()
    overdue = sum(1 for item in listed if item.overdue)
    soon = len(listed) - overdue
    as_of = report.as_of.isoformat()
    title = w["overdue_cases_title" if report.cases else "overdue_title"].format(as_of=as_of)
    summary = plural(overdue, "activity", "activities") + " overdue"
    if report.cases:
        measures = sum(1 for item in listed if item.overdue and item.case)
        counted = [plural(overdue - measures, "activity", "activities")] if report.plans else []
        summary = " and ".join([*counted, plural(measures, "measure")]) + " overdue"
    if report.within is not None:
        title += w["overdue_within"].format(days=i18n.days(language, report.within))
        summary += f" and {soon} due within {plural(report.within, 'day')}"
    checked = " and ".join(
        [*([plural(report.plans, "plan")] if report.plans or not report.cases else []),
         *([plural(report.cases, "case")] if report.cases else [])])
    summary += f"{_owners_text(report)} ({checked} checked)."
    style: Style = "overdue" if overdue else ("soon" if soon else "done")
    return View(
        title=title,
        sections=sections,
        summary=summary,
        data={"as_of": as_of, "owners": Rows(report.groups, _group_json)},
        empty=w["overdue_empty"].format(as_of=as_of),
        summary_style=style,
    )

"""The yearly report as a view (table, Markdown): a header row, an overview of the units tree,
then per unit its key figures and the four questions, each unit in its own language."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

from qaplan import i18n
from qaplan.render.view import Cell, Column, Section, View
from qaplan.reports.yearly import Item, UnitReport, YearlyReport
from qaplan.reports.yearly_facts import QUESTIONS, Figures

RIGHT: Literal["right"] = "right"
QUESTION_WORDS = {"done": "yr_q_done", "concerns": "yr_q_concerns", "next": "yr_q_next",
                  "help": "yr_q_help"}
REASON_WORDS = {"overdue": "yr_r_overdue", "delayed": "yr_r_delayed", "stalled": "yr_r_stalled",
                "missing_follow_up": "yr_r_missing"}
MISSING_SOURCE = {"not in a git repository": "yr_no_repository", "no commit yet": "yr_no_commit",
                  "git is not installed": "yr_no_git"}


def unit_name(unit: UnitReport, w: Mapping[str, str]) -> str:
    """The unit's name as the report shows it: `Name (KEY)`, or the "Other" group's."""
    return w["yr_other"] if unit.key is None else f"{unit.name} ({unit.key})"


def source_text(report: YearlyReport, w: Mapping[str, str]) -> str:
    """`commit 0a1b2c3d4e5f, with uncommitted changes`, or why there is no commit."""
    source = report.source
    if source.commit is None:
        return w[MISSING_SOURCE.get(source.missing or "", "yr_no_repository")]
    text = w["yr_commit"].format(commit=source.commit[:12])
    return f"{text}, {w['yr_uncommitted']}" if source.uncommitted else text


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def figure_rows(w: Mapping[str, str], year: int | None) -> list[tuple[str, str]]:
    """(figure key, label) of the key figures, in the order every format shows them; without
    a year, the labels that name one leave it out."""
    def named(key: str) -> str:
        return w[key].format(year=year if year is not None else "").strip()

    return [("activities", w["activities"]),
            ("done", named("yr_done_in") if year is not None else w["done"]),
            ("done_pct", w["done_pct"]), ("overdue", w["overdue"]),
            ("missing_follow_up", named("no_follow_up")), ("help_needed", w["yr_help"])]


def figure(figures: Figures, key: str) -> str:
    """One key figure as text."""
    return pct(figures.done_pct) if key == "done_pct" else str(getattr(figures, key))


def change(before: Figures, now: Figures, key: str) -> str:
    """`before → now` of one figure."""
    return f"{figure(before, key)} → {figure(now, key)}"


def state_word(state: str | None, w: Mapping[str, str]) -> str:
    return w["not_started"] if state is None else w[state]


@lru_cache(maxsize=256)
def reasons_text(reasons: tuple[str, ...], language: str, year: int) -> str:
    """Why an activity is a concern, in words (a few combinations recur on every row)."""
    w = i18n.words(language)
    return ", ".join(w[REASON_WORDS[r]].format(year=year - 1 if r == "stalled" else year)
                     for r in reasons)


def item_columns(question: str, w: Mapping[str, str], year: int) -> list[Column]:
    columns = [Column("plan", w["plan"]), Column("id", w["id"]),
               Column("title", w["activity"], wrap=True)]
    if question in ("concerns", "next"):
        columns += [Column("end", w["due"]), Column("state", w["state"])]
    if question == "concerns":
        columns.append(Column("why", w["yr_why"], wrap=True))
    if question == "help":
        columns.append(Column("help", w["yr_help"], wrap=True))
    elif question != "next":
        columns.append(Column("note", w["yr_note"].format(year=year), wrap=True))
    return columns


def item_row(item: Item, language: str, year: int) -> dict[str, Cell]:
    """One listed activity's cells, in `language`."""
    return row_cells(item.plan, item.as_json(), i18n.words(language), language, year)


def row_cells(plan: str, data: Mapping[str, Any], w: Mapping[str, str], language: str,
              year: int) -> dict[str, Cell]:
    """The cells of a listed activity given as its JSON data (`Item.as_json`), in `language`
    (whose words are `w`)."""
    reasons = data.get("reasons")
    return {"plan": plan, "id": data["id"], "title": data["title"], "end": data["end"],
            "state": state_word(data["state"], w),
            "why": reasons_text(tuple(reasons), language, year) if reasons else "",
            "help": data.get("help_needed"), "note": data["note"]}


def question_sections(unit: UnitReport, report: YearlyReport, listed: bool = True) -> list[
        tuple[str, Section]]:
    """The unit's four questions (none for a unit without plans of its own): (question, its
    section); with `listed` False the sections leave out the listed activities."""
    w = i18n.words(unit.language)
    year = report.year
    sections = []
    for question in QUESTIONS if unit.plans else ():
        rows: list[dict[str, Cell]] = []
        if listed:
            rows = [item_row(item, unit.language, year) for item in unit.items(question)]
            rows = rows or [{"title": w["yr_nothing"]}]
        sections.append((question, Section(w[QUESTION_WORDS[question]],
                                           item_columns(question, w, year), rows)))
    return sections


def unit_section(unit: UnitReport, path: tuple[str, ...], report: YearlyReport,
                 listed: bool = True) -> Section:
    """The unit's key figures, and below them its questions (see `question_sections`)."""
    w = i18n.words(unit.language)
    year = report.year
    columns = [Column("figure", w["yr_figure"])]
    if unit.plans:
        columns.append(Column("own", f"{w['yr_own']} {year - 1} → {year}", RIGHT))
    if unit.children:
        columns.append(Column("rolled_up", f"{w['yr_rolled_up']} {year - 1} → {year}", RIGHT))
    rows: list[dict[str, Cell]] = [
        {"figure": label, "own": change(unit.own_previous, unit.own, key),
         "rolled_up": change(unit.rolled_up_previous, unit.rolled_up, key)}
        for key, label in figure_rows(w, None)]
    heading = " › ".join((*path, unit_name(unit, w)))
    return Section(heading, columns, rows,
                   sections=[section for _q, section in question_sections(unit, report, listed)])


def head_sections(report: YearlyReport) -> list[Section]:
    """The report's header row (as-of date, year, commit) and its overview of the units."""
    w = i18n.words(report.language)
    year = report.year
    header = Section(None, [Column("as_of", w["yr_as_of"]), Column("year", w["yr_year"]),
                            Column("source", w["yr_source"])],
                     [{"as_of": report.as_of.isoformat(), "year": str(year),
                       "source": source_text(report, w)}])
    labels = figure_rows(w, None)
    keys = [key for key, _label in labels]
    overview_columns = [Column("unit", w["unit"])] + [
        Column(key, label, RIGHT) for key, label in labels]
    overview = []
    for depth, _path, unit in report.all_units():
        row: dict[str, Cell] = {"unit": "· " * depth + unit_name(unit, w)}
        row.update({key: change(unit.rolled_up_previous, unit.rolled_up, key) for key in keys})
        overview.append(row)
    return [header, Section(f"{w['yr_overview']}, {year - 1} → {year}", overview_columns,
                            overview)]


def title(report: YearlyReport) -> str:
    return i18n.words(report.language)["yr_title"].format(year=report.year)


def summary(report: YearlyReport) -> str:
    """The line under the report: the key figures of every unit shown, summed."""
    w = i18n.words(report.language)
    totals = report_totals(report)
    return " · ".join(f"{label}: {figure(totals, key)}"
                      for key, label in figure_rows(w, report.year))


def report_totals(report: YearlyReport) -> Figures:
    totals = Figures()
    for unit in report.units:
        totals.add(unit.rolled_up)
    return totals


def yearly_view(report: YearlyReport) -> View:
    """The report as a view: header, overview of the tree, one section per unit."""
    sections = head_sections(report)
    sections += [unit_section(unit, path, report) for _depth, path, unit in report.all_units()]
    # --format json is written by `qaplan.render.yearly_json`, not from this view's data.
    return View(title=title(report), sections=sections, summary=summary(report), data={},
                summary_style="overdue" if report_totals(report).overdue else "done")

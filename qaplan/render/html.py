"""The yearly report as one self-contained, printable HTML file: a Jinja2 template with
autoescaping (plan text is untrusted), inline CSS, an inline SVG chart per unit, no scripts."""

from __future__ import annotations

from typing import Any

from qaplan import i18n
from qaplan.render.svg import COLOURS, Comparison, chart
from qaplan.reports.yearly import UnitReport, YearlyReport
from qaplan.reports.yearly_facts import QUESTIONS, STATE_KEYS
from qaplan.reports.yearly_view import (
    QUESTION_WORDS,
    figure,
    figure_rows,
    item_columns,
    item_row,
    source_text,
    unit_name,
)


def _chart(index: int, unit: UnitReport, name: str, year: int) -> tuple[str, str]:
    """The unit's chart (its figures with the units below) and the same facts as text."""
    w = i18n.words(unit.language)
    now, before = unit.rolled_up, unit.rolled_up_previous
    states = [(key, w[key], now.by_state[key]) for key in STATE_KEYS]
    comparisons = [Comparison(w["done"], before.done, now.done, COLOURS["done"]),
                   Comparison(w["overdue"], before.overdue, now.overdue, "#c0392b")]
    title = f"{name}: {w['yr_chart'].format(year=year)}"
    description = (
        ", ".join(f"{label} {count}" for _key, label, count in states)
        + ". " + "; ".join(f"{c.label} {year - 1}: {c.previous}, {year}: {c.now}"
                           for c in comparisons) + "."
    )
    return chart(f"chart{index}", title, description, states, comparisons,
                 (year - 1, year)), description


def _unit(index: int, path: tuple[str, ...], unit: UnitReport, year: int) -> dict[str, Any]:
    w = i18n.words(unit.language)
    name = unit_name(unit, w)
    figures = [
        {"label": label,
         "own": (figure(unit.own_previous, key), figure(unit.own, key)),
         "rolled_up": (figure(unit.rolled_up_previous, key), figure(unit.rolled_up, key))}
        for key, label in figure_rows(w, None)]
    questions = []
    for question in QUESTIONS if unit.plans else ():
        questions.append({
            "heading": w[QUESTION_WORDS[question]],
            "columns": [(c.key, c.header) for c in item_columns(question, w, year)],
            "rows": [item_row(item, unit.language, year) for item in unit.items(question)],
        })
    svg, text = _chart(index, unit, name, year) if unit.rolled_up.activities else (None, None)
    return {"id": f"unit{index}", "language": unit.language, "path": path, "name": name,
            "has_own": bool(unit.plans), "has_children": bool(unit.children),
            "figures": figures, "figure_heading": w["yr_figure"], "own": w["yr_own"],
            "rolled_up": w["yr_rolled_up"], "chart": svg, "chart_text": text,
            "questions": questions, "nothing": w["yr_nothing"]}


def context(report: YearlyReport) -> dict[str, Any]:
    """What the template shows, as plain values (texts, pairs of figures, SVG markup)."""
    w = i18n.words(report.language)
    year = report.year
    labels = figure_rows(w, None)
    overview = [
        {"depth": depth, "name": unit_name(unit, i18n.words(report.language)),
         "target": f"unit{index}",
         "figures": [(figure(unit.rolled_up_previous, key), figure(unit.rolled_up, key))
                     for key, _label in labels]}
        for index, (depth, _path, unit) in enumerate(report.all_units())]
    units = [_unit(index, path, unit, year)
             for index, (_depth, path, unit) in enumerate(report.all_units())]
    return {
        "language": report.language, "title": w["yr_title"].format(year=year),
        "header": [(w["yr_as_of"], report.as_of.isoformat()), (w["yr_year"], str(year)),
                   (w["yr_source"], source_text(report, w))],
        "overview_heading": f"{w['yr_overview']}, {year - 1} → {year}",
        "unit_heading": w["unit"], "labels": [label for _key, label in labels],
        "overview": overview, "units": units, "year": year, "previous": year - 1,
        "footer": w["yr_footer"],
    }


def render_report(report: YearlyReport) -> str:
    """The HTML page of the report."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("qaplan", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    page = context(report)
    # The charts are built from escaped text (`qaplan.render.svg`); nothing else is trusted.
    from markupsafe import Markup

    for unit in page["units"]:
        if unit["chart"] is not None:
            unit["chart"] = Markup(unit["chart"])
    return environment.get_template("report.html.j2").render(page)

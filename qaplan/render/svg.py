"""A small inline SVG chart for the HTML report: activities by state as one stacked bar, and two
figures compared with the year before, with a title and a description for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 560
BAR_HEIGHT = 22
LEGEND_COLUMNS = 3
# One colour per state, told apart in grey print too (light to dark).
COLOURS = {"planned": "#a9c4e8", "ongoing": "#2f6db5", "done": "#2e8b57",
           "delayed": "#e09a2d", "cancelled": "#8c8c8c", "not_started": "#dcdcdc"}
PREVIOUS_COLOUR = "#b8b8b8"


@dataclass(frozen=True, slots=True)
class Comparison:
    """One figure in the year before and in the year: drawn as two bars."""

    label: str
    previous: int
    now: int
    colour: str


def _text(x: float, y: float, text: str, *, anchor: str = "start", weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}">'
            f"{escape(text)}</text>")


def _rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{colour}"/>')


def chart(ident: str, title: str, description: str, states: list[tuple[str, str, int]],
          comparisons: list[Comparison], years: tuple[int, int]) -> str:
    """The SVG element: `states` is (state key, label, count) in drawing order; `comparisons`
    are drawn under it as bars for `years` (the year before, the year)."""
    parts: list[str] = []
    total = sum(count for _key, _label, count in states)
    x = 0.0
    for key, _label, count in states:
        if count and total:
            width = WIDTH * count / total
            parts.append(_rect(x, 0, width, BAR_HEIGHT, COLOURS[key]))
            x += width
    y = BAR_HEIGHT + 20
    column_width = WIDTH / LEGEND_COLUMNS
    for index, (key, label, count) in enumerate(states):
        row, column = divmod(index, LEGEND_COLUMNS)
        left, top = column * column_width, y + row * 18
        parts.append(_rect(left, top - 10, 11, 11, COLOURS[key]))
        parts.append(_text(left + 16, top, f"{label}: {count}"))
    y += ((len(states) + LEGEND_COLUMNS - 1) // LEGEND_COLUMNS) * 18 + 10
    label_width, value_width = 150, 40
    room = WIDTH - label_width - value_width
    largest = max([1, *(max(c.previous, c.now) for c in comparisons)])
    for comparison in comparisons:
        parts.append(_text(0, y + 17, comparison.label, weight="bold"))
        for offset, (year, value, colour) in enumerate(
                ((years[0], comparison.previous, PREVIOUS_COLOUR),
                 (years[1], comparison.now, comparison.colour))):
            top = y + offset * 14
            parts.append(_text(label_width - 6, top + 10, str(year), anchor="end"))
            parts.append(_rect(label_width, top + 1, room * value / largest, 11, colour))
            parts.append(_text(label_width + room * value / largest + 4, top + 10, str(value)))
        y += 36
    height = y
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="sans-serif" font-size="12">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
        + "".join(parts) + "</svg>"
    )

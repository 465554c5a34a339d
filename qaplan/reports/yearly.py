"""The yearly quality report (kvalitetsmelding): the four questions per unit of the units tree,
with key figures for the unit and summed over the units below it, for the year and the one before.

Each plan is reduced to its facts (`qaplan.reports.yearly_facts`), worked out where it is checked
and cached; the report merges them one plan at a time into its unit's figures and keeps the
plan's listed activities as the text they came in, decoded only when they are drawn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qaplan.reports import PlanEntry
from qaplan.reports.continued import Earlier
from qaplan.reports.yearly_facts import NEXT, QUESTIONS, Figures, yearly_fold

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.formats.config import Config
    from qaplan.git import Source

_NO_DUE = date.max.toordinal() + 1  # after every due date
# Bytes of listed activities a writer joins at a time, about: a batch's copies stay below the
# size that the C library maps afresh (and the kernel zeroes) for each.
BATCH = 32_768
OTHER = None  # the key of the group of plans whose unit is not in the tree (or missing)


@dataclass(slots=True)
class Item:
    """One activity listed under a question, with what traces it to its plan row."""

    plan: str
    file: str
    id: str
    title: str
    end: str | None  # as written in the plan
    due: date | None
    state: str | None  # the latest state by the end of the year
    note: str | None  # the year's follow-up note
    reasons: tuple[str, ...] = ()  # concerns: overdue, delayed, stalled, missing_follow_up
    help_needed: str | None = None

    @classmethod
    def from_line(cls, line: bytes) -> Item:
        """The item from its line in its plan's facts (`yearly_facts`): its JSON."""
        data = json.loads(line)
        due = data["due"]
        return cls(data["plan"], data["file"], data["id"], data["title"], data["end"],
                   None if due is None else date.fromisoformat(due), data["state"],
                   data["note"], tuple(data.get("reasons", ())), data.get("help_needed"))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "plan": self.plan, "file": self.file, "id": self.id, "title": self.title,
            "end": self.end, "due": self.due.isoformat() if self.due else None,
            "state": self.state, "note": self.note,
        }
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.help_needed is not None:
            data["help_needed"] = self.help_needed
        return data


@dataclass(frozen=True, slots=True)
class Listed:
    """One plan's listed activities as its facts keep them: a text a question (the JSON lines
    of `yearly_facts`, or the Markdown lines of `qaplan.render.long_markdown`, as UTF-8 joined
    by newlines; empty where it lists none) and the due dates of `next`'s lines."""

    texts: list[bytes]
    dues: list[int | None]  # ordinals, a line of `next`'s each


@dataclass(slots=True)
class UnitReport:
    """One unit: its figures (own and rolled up, this year and last), its questions, its
    children."""

    key: str | None  # None: the "Other" group
    name: str
    parent: str | None
    language: str
    own: Figures = field(default_factory=Figures)
    own_previous: Figures = field(default_factory=Figures)
    rolled_up: Figures = field(default_factory=Figures)
    rolled_up_previous: Figures = field(default_factory=Figures)
    listed: list[Listed] = field(default_factory=list)  # of its own plans that list any
    plans: list[str] = field(default_factory=list)  # the ids of the unit's own plans
    languages: set[str] = field(default_factory=set)  # of the plans in it and below
    children: list[UnitReport] = field(default_factory=list)

    def walk(self, depth: int = 0, path: tuple[str, ...] = ()) -> Iterable[
            tuple[int, tuple[str, ...], UnitReport]]:
        """This unit and every unit below it, depth first: (depth, names above, unit)."""
        yield depth, path, self
        for child in self.children:
            yield from child.walk(depth + 1, (*path, self.name))

    def answers(self, question: str) -> bool:
        """Whether the unit lists any activity under `question`."""
        at = QUESTIONS.index(question)
        return any(block.texts[at] for block in self.listed)

    def texts(self, question: str) -> list[bytes]:
        """The texts of the activities listed under `question` in the report's order: plan by
        plan a text of the plan's lines; for `next` a line a text, soonest due first."""
        at = QUESTIONS.index(question)
        if at != NEXT:
            return [text for block in self.listed if (text := block.texts[at])]
        # Soonest first, no due date last; a tie keeps the order of the plans and activities
        # (a stable sort by the due date's ordinal).
        lines: list[bytes] = []
        dues: list[int] = []
        for block in self.listed:
            if block.dues:
                lines += block.texts[at].split(b"\n")
                dues += [_NO_DUE if due is None else due for due in block.dues]
        return [lines[index] for index in sorted(range(len(dues)), key=dues.__getitem__)]

    def batches(self, question: str) -> list[list[bytes]]:
        """`texts(question)` in batches of about `BATCH` bytes, for a writer to join."""
        texts = self.texts(question)
        step = max(1, len(texts) * BATCH // max(sum(map(len, texts)), 1))
        return [texts[at:at + step] for at in range(0, len(texts), step)]

    def items(self, question: str) -> Iterator[Item]:
        """The activities listed under `question`, in the report's order (of `yearly_facts`)."""
        for text in self.texts(question):
            for line in text.split(b"\n"):
                yield Item.from_line(line)

    def head_json(self) -> dict[str, Any]:
        """The unit's JSON up to its questions: what it is, its plans and its figures."""
        return {
            "key": self.key, "name": self.name if self.key is not OTHER else None,
            "parent": self.parent, "language": self.language,
            "plans": sorted(self.plans),
            "figures": {"own": self.own.as_json(), "rolled_up": self.rolled_up.as_json()},
            "previous_figures": {"own": self.own_previous.as_json(),
                                 "rolled_up": self.rolled_up_previous.as_json()},
        }

    def as_json(self) -> dict[str, Any]:
        return {
            **self.head_json(),
            "questions": {q: [item.as_json() for item in self.items(q)] for q in QUESTIONS},
            "units": [child.as_json() for child in self.children],
        }


@dataclass(frozen=True, slots=True)
class YearlyReport:
    """The report of one year as of a date: the units asked for, each with the units below."""

    as_of: date
    year: int
    language: str
    source: Source
    units: list[UnitReport]

    def all_units(self) -> Iterable[tuple[int, tuple[str, ...], UnitReport]]:
        """Every unit of the report in reading order: (depth, names above, unit)."""
        for unit in self.units:
            yield from unit.walk()

    def head_json(self) -> dict[str, Any]:
        """The report's JSON but its units: the date, the years, the language, the commit."""
        return {
            "as_of": self.as_of.isoformat(), "year": self.year, "previous_year": self.year - 1,
            "language": self.language,
            "commit": self.source.commit, "uncommitted_changes": self.source.uncommitted,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.head_json(), "units": [unit.as_json() for unit in self.units]}


# --- the tree -------------------------------------------------------------------------------------


def _language(unit: UnitReport, default: str) -> str:
    """The language all plans in and below the unit agree on, else the repository's."""
    return next(iter(unit.languages)) if len(unit.languages) == 1 else default


def yearly_report(
    plans: Iterable[PlanEntry],
    units: Config | None,
    as_of: date,
    source: Source,
    *,
    year: int | None = None,
    unit: str | None = None,
    language: str | None = None,
    earlier: Earlier | None = None,
) -> YearlyReport:
    """The report for `year` (default: the as-of year minus one) of `unit` and the units below
    it (default: every root of the tree, and "Other" for plans outside it); `language` sets the
    language of every unit (default: each unit's own)."""
    if year is None:
        year = as_of.year - 1
    fold = yearly_fold(as_of, year)  # the facts as a report reads them back
    facts = (fold.decode(fold.facts(entry, earlier)) for entry in plans)
    return merge_yearly(facts, units, as_of, source, year, unit=unit, language=language)


def merge_yearly(
    facts: Iterable[Any],
    units: Config | None,
    as_of: date,
    source: Source,
    year: int,
    *,
    unit: str | None = None,
    language: str | None = None,
) -> YearlyReport:
    """The report from each plan's facts (`yearly_facts`), given in path order."""
    tree = dict(units.units) if units is not None else {}
    default = (units.language if units is not None else None) or "en"
    nodes: dict[str | None, UnitReport] = {
        key: UnitReport(key, node.name, node.parent if node.parent in tree else None, default)
        for key, node in tree.items()}
    for key, plan_id, plan_language, now, before, texts, dues in facts:
        if key not in tree:
            key = OTHER
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = UnitReport(OTHER, "", None, default)
        node.plans.append(plan_id)
        node.languages.add(plan_language)
        node.own.add_facts(now)
        node.own_previous.add_facts(before)
        if any(texts):
            node.listed.append(Listed(texts, dues))
    children: dict[str, list[str]] = {}
    for key in sorted(tree):
        parent = nodes[key].parent
        if parent is not None:
            children.setdefault(parent, []).append(key)
    if unit is not None:
        tops = [_build(nodes, children, unit, set())]
    else:
        tops = [_build(nodes, children, key, set())
                for key in sorted(k for k in tree if nodes[k].parent is None)]
        tops = [top for top in tops if top.rolled_up.activities or top.plans]
        if OTHER in nodes:
            tops.append(nodes[OTHER])
            _roll_up(nodes[OTHER])
    for top in tops:
        for _depth, _path, node in top.walk():
            node.language = language or _language(node, default)
    shown = {top.language for top in tops}
    report_language = language or (next(iter(shown)) if len(shown) == 1 else default)
    return YearlyReport(as_of, year, report_language, source, tops)


def _roll_up(node: UnitReport) -> None:
    node.rolled_up.add(node.own)
    node.rolled_up_previous.add(node.own_previous)


def _build(nodes: dict[str | None, UnitReport], children: dict[str, list[str]], key: str,
           seen: set[str]) -> UnitReport:
    """The unit with its children (those with plans in or below them), figures summed."""
    node = nodes[key]
    seen.add(key)  # a loop in the tree (reported by validate) ends here
    _roll_up(node)
    for child_key in children.get(key, []):
        if child_key in seen:
            continue
        child = _build(nodes, children, child_key, seen)
        if not (child.rolled_up.activities or child.plans):
            continue  # a branch without plans says nothing
        node.children.append(child)
        node.rolled_up.add(child.rolled_up)
        node.rolled_up_previous.add(child.rolled_up_previous)
        node.languages |= child.languages
    return node

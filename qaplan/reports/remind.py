"""Reminders per owner: what is overdue and what falls due soon, as one message in the owner's
language, built on the overdue report (activities and deviation measures alike)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from qaplan import i18n
from qaplan.reports.item_cells import due_text
from qaplan.reports.overdue import OverdueItem, overdue_report
from qaplan.values import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.engine.results import Entry
    from qaplan.formats.config import Smtp


@dataclass(frozen=True, slots=True)
class Reminder:
    """One owner's message: whom it goes to, in which language, and what it lists."""

    owner: str
    name: str
    email: str | None  # the owner's role address from an owners directory
    language: str
    languages: tuple[str, ...]  # every language of the plans and cases the items come from
    overdue: tuple[OverdueItem, ...]
    soon: tuple[OverdueItem, ...]
    subject: str
    body: str  # Markdown, which reads as plain text in a mail

    @property
    def recipient(self) -> str:
        """`PD – Programdirektör <pd@example.se>` (without the address when there is none)."""
        who = self.owner if self.name == self.owner else f"{self.owner} – {self.name}"
        return f"{printable(who)} <{self.email}>" if self.email else printable(who)


@dataclass(frozen=True, slots=True)
class RemindReport:
    """The reminders of every owner with something overdue or due soon, as of a date."""

    as_of: date
    within: int
    reminders: tuple[Reminder, ...]
    unowned: int  # items without an owner: nobody to remind
    known_owners: frozenset[str]
    smtp: Smtp | None  # the first qaplan.yaml (in path order) that configures one

    def only(self, owners: Collection[str]) -> RemindReport:
        """The reminders of these owner keys only."""
        return replace(self, reminders=tuple(r for r in self.reminders if r.owner in owners))


class _Directory:
    """What the reminders need beside the overdue report, gathered as the entries stream past:
    each file's language, the owners' addresses (the repository's qaplan.yaml first, else the
    first plan in path order, as for names), and the mail server."""

    def __init__(self) -> None:
        self.languages: dict[str, str] = {}
        self.repository: dict[str, str] = {}
        self.plans: dict[str, str] = {}
        self.smtp: Smtp | None = None

    def _config(self, entry: Entry) -> None:
        self.languages[entry.file] = entry.language
        config = entry.config
        if config is None:
            return
        if self.smtp is None:
            self.smtp = config.smtp
        for key, owner in config.owners.items():
            if owner.email:
                self.repository.setdefault(key, owner.email)

    def plans_of(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        for entry in entries:
            self._config(entry)
            for key, owner in entry.plan.owners.items():
                if owner.email:
                    self.plans.setdefault(key, owner.email)
            yield entry

    def cases_of(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        for entry in entries:
            self._config(entry)
            yield entry

    def email(self, owner: str) -> str | None:
        return self.repository.get(owner) or self.plans.get(owner)


def remind_report(
    plans: Iterable[Entry], as_of: date, *, within: int,
    cases: Iterable[Entry] = (),
) -> RemindReport:
    """One reminder per owner with items overdue or due within `within` days (one pass)."""
    directory = _Directory()
    report = overdue_report(directory.plans_of(plans), as_of, within=within,
                            cases=directory.cases_of(cases))
    reminders = []
    unowned = 0
    for group in report.groups:
        if group.owner is None:
            unowned = len(group.items)
            continue
        languages = [directory.languages.get(item.file, i18n.DEFAULT) for item in group.items]
        language = owner_language(languages)
        overdue = tuple(item for item in group.items if item.overdue)
        soon = tuple(item for item in group.items if not item.overdue)
        name = group.name or group.owner
        reminders.append(Reminder(
            owner=group.owner, name=name, email=directory.email(group.owner),
            language=language, languages=tuple(sorted(set(languages))),
            overdue=overdue, soon=soon,
            subject=subject(language, len(overdue), len(soon), within),
            body=body(language, name, as_of, within, overdue, soon),
        ))
    return RemindReport(as_of, within, tuple(reminders), unowned, report.known_owners,
                        directory.smtp)


def owner_language(languages: list[str]) -> str:
    """The language most of an owner's items are written in; on a tie, the language of the
    first (most overdue) of the tied ones. `languages`: one per item, most overdue first."""
    counts = Counter(languages)
    most = max(counts.values())
    return next(language for language in languages if counts[language] == most)


def subject(language: str, overdue: int, soon: int, within: int) -> str:
    """The mail's subject: how many items are overdue and how many fall due soon (a count of
    none is left out)."""
    w = i18n.words(language)
    parts = [w["remind_count_overdue"].format(count=overdue)] if overdue else []
    if soon:
        parts.append(w["remind_count_soon"].format(days=i18n.days(language, within), count=soon))
    return w["remind_subject"].format(summary=", ".join(parts))


def item_line(item: OverdueItem, language: str) -> str:
    """`- **alpha A1**: Title – due 2024-12-31, 60 days ago` in `language`."""
    w = i18n.words(language)
    if item.kind == "measure":
        where = f"{w['remind_case']} {item.case}, {w['remind_measure']} {item.id}"
    else:
        where = f"{item.plan} {item.id}"
    due = due_text(item)
    if item.days_overdue > 0:
        when = w["remind_late"].format(due=due, days=i18n.days(language, item.days_overdue))
    elif item.days_overdue == 0:
        when = w["remind_today"].format(due=due)
    else:
        when = w["remind_upcoming"].format(due=due, days=i18n.days(language, -item.days_overdue))
    return f"- **{printable(where)}**: {printable(item.title)} – {when}"


def body(
    language: str, name: str, as_of: date, within: int,
    overdue: tuple[OverdueItem, ...], soon: tuple[OverdueItem, ...],
) -> str:
    """The message in Markdown: a greeting, the overdue items, those due soon, what to do."""
    w = i18n.words(language)
    lines = [w["remind_greeting"].format(name=printable(name)), "",
             w["remind_intro"].format(as_of=as_of.isoformat()), ""]
    if overdue:
        lines += [f"## {w['remind_overdue'].format(count=len(overdue))}", ""]
        lines += [item_line(item, language) for item in overdue] + [""]
    if soon:
        heading = w["remind_soon"].format(days=i18n.days(language, within), count=len(soon))
        lines += [f"## {heading}", ""]
        lines += [item_line(item, language) for item in soon] + [""]
    lines += [w["remind_outro"], "", "-- ", "qaplan"]
    return "\n".join(lines) + "\n"


def markdown(report: RemindReport) -> str:
    """Every reminder as Markdown, one after the other: subject, recipient, message."""
    parts = []
    for reminder in report.reminders:
        to = reminder.recipient if reminder.email else f"{reminder.recipient} (no e-mail address)"
        parts.append(f"# {reminder.subject}\n\nTo: {to}\n\n{reminder.body}")
    return "\n---\n\n".join(parts)

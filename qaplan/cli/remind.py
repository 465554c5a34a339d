"""`qaplan remind` and `qaplan calendar`: chase the owners, and put every deadline in their
calendars."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import (
    AsOfOption,
    NoCacheOption,
    PathsArg,
    SkipInvalidOption,
    as_of_date,
    load_workspace,
    notes,
    out,
)
from qaplan.errors import QaplanError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from qaplan.reports.remind import RemindReport

KINDS = ("plan", "deviation")  # activities and deviation measures alike
OwnerOption = Annotated[
    list[str] | None,
    typer.Option("--owner", metavar="KEY", help="Only this owner (repeatable), e.g. --owner PD."),
]


def remind(
    paths: PathsArg = None,
    within: Annotated[
        int, typer.Option("--within", metavar="DAYS", min=0,
                          help="List what falls due within DAYS days too.")
    ] = 28,  # the first reminder before a deadline, as planning systems send it
    as_of: AsOfOption = None,
    owner: OwnerOption = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="DIR", file_okay=False,
                     help="Write one .eml draft per owner into DIR instead of printing."),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Send the reminders through smtp: in qaplan.yaml "
                           "(login from QAPLAN_SMTP_USER and QAPLAN_SMTP_PASSWORD).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --send: say to whom and what would be sent, "
                           "and send nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace .eml files that exist in DIR.")
    ] = False,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """One reminder per owner: what is overdue and what falls due soon, in the owner's language.

    Example: qaplan remind --within 28 -o reminders/
    """
    from qaplan.cli.reports import resolve_owners
    from qaplan.reports.remind import markdown, remind_report

    if send and output is not None:
        raise QaplanError("choose one of -o DIR (write drafts) and --send (send them)")
    if dry_run and not send:
        raise QaplanError("--dry-run goes with --send: it shows what --send would send")
    day = as_of_date(as_of)
    workspace = load_workspace(paths, skip_invalid, no_cache, kind=KINDS)
    _notes(workspace.notes)
    report = remind_report(workspace.plans(), day, within=within,
                           cases=workspace.entries("deviation"))
    if owner:
        report = report.only(resolve_owners(owner, set(report.known_owners)))
    _report_notes(report)
    if send:
        _send(report, dry_run)
    elif output is not None:
        _write_drafts(report, output, force)
    else:
        out(markdown(report))


def _notes(lines: list[str]) -> None:
    from qaplan.render.text import printable

    notes([printable(line) for line in lines])


def _report_notes(report: RemindReport) -> None:
    """What the user should know beside the messages: nothing to send, items nobody gets, the
    language chosen for an owner whose items come in several."""
    from qaplan.words import plural

    lines = []
    if not report.reminders:
        lines.append(f"note: nothing overdue or due within {plural(report.within, 'day')} as of "
                     f"{report.as_of.isoformat()}; no reminders")
    if report.unowned:
        verb = "is" if report.unowned == 1 else "are"
        lines.append(f"note: {plural(report.unowned, 'item')} without an owner {verb} in no "
                     "reminder (`qaplan overdue` lists them)")
    for reminder in report.reminders:
        if len(reminder.languages) > 1:
            lines.append(f"note: {reminder.recipient}: the items come from files in "
                         f"{', '.join(reminder.languages)}; the reminder is in "
                         f"{reminder.language}, the language of most of them (on a tie, of "
                         "the most overdue)")
    _notes(lines)


def _write_drafts(report: RemindReport, directory: Path, force: bool) -> None:
    """One .eml per owner in DIR, all or nothing, never replacing a file without --force."""
    from email.utils import localtime

    from qaplan.fsutil import write_atomic
    from qaplan.mail import DeliveryError, draft_names, message
    from qaplan.repo import display_path

    if directory.exists() and not directory.is_dir():
        raise QaplanError(f"{display_path(directory)}: is not a directory; -o names the "
                          "directory the drafts go into")
    names = draft_names([reminder.owner for reminder in report.reminders])
    targets = {reminder.owner: directory / names[reminder.owner] for reminder in report.reminders}
    existing = [display_path(path) for path in targets.values() if os.path.lexists(path)]
    if existing and not force:
        raise QaplanError(f"{', '.join(existing)}: exist{'s' if len(existing) == 1 else ''}; "
                          "replace with --force, or choose another directory (nothing was written)")
    sender = report.smtp.sender if report.smtp else None
    now = localtime()
    mails = {}
    for reminder in report.reminders:
        try:
            mails[reminder.owner] = message(reminder, sender=sender, now=now).as_bytes()
        except DeliveryError as exc:
            raise QaplanError(f"{reminder.recipient}: {exc}; nothing was written") from None
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for reminder in report.reminders:
        path = targets[reminder.owner]
        write_atomic(path, mails[reminder.owner])
        out(f"wrote {display_path(path)}: {reminder.recipient}\n")
        if not reminder.email:
            lines.append(f"note: {display_path(path)} is a draft without a recipient: "
                         f"{reminder.recipient} has no email in an owners directory")
    _notes(lines)


def _send(report: RemindReport, dry_run: bool) -> None:
    """Send each reminder; one that fails is named on stderr and the rest still go (exit 1)."""
    from email.utils import localtime

    from qaplan.mail import DeliveryError, Mailer, check_login, login_from, message

    smtp = report.smtp
    if smtp is None:
        raise QaplanError("--send: no smtp: in qaplan.yaml; add e.g. smtp: {host: "
                          "smtp.example.se, port: 587, from: kvalitet@example.se}")
    login = login_from(os.environ)
    check_login(smtp, login)
    if dry_run:
        tls = "STARTTLS" if smtp.starttls else "no encryption"
        who = "with the login from the environment" if login else "without a login"
        out(f"would connect to {smtp.host}:{smtp.port_number} ({tls}) {who}\n")
    failed = 0
    mailer = None if dry_run else Mailer(smtp, login)
    now = localtime()
    with mailer or contextlib.nullcontext():
        for reminder in report.reminders:  # in owner order, whatever happens to each
            problem = None
            if not reminder.email:
                problem = (f"no email in an owners directory (add email: to {reminder.owner}'s "
                           "entry under owners:)")
            elif mailer is not None:
                try:
                    mailer.send(message(reminder, sender=smtp.sender, now=now))
                except DeliveryError as exc:
                    problem = str(exc)
            if problem is None:
                out(f"{'would send' if dry_run else 'sent'} to {reminder.recipient}: "
                    f"{reminder.subject}\n")
            else:
                failed += 1
                notes([(f"qaplan: {'would not send' if dry_run else 'not sent'} to "
                       f"{reminder.recipient}: {problem}")])
    if failed:
        notes([(f"qaplan: {failed} of {len(report.reminders)} reminders "
                f"{'would not be' if dry_run else 'not'} sent")])
        raise typer.Exit(1)


_OURS = re.compile(rb"^PRODID:-//qaplan//", re.MULTILINE)


def calendar(
    paths: PathsArg = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE.ics", dir_okay=False,
                     help="The iCalendar file to write (required)."),
    ] = None,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE.ics even when qaplan did not write it.")
    ] = False,
    skip_invalid: SkipInvalidOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Every deadline and yearly milestone as an iCalendar feed, with stable UIDs.

    Example: qaplan calendar -o deadlines.ics --owner PD
    """
    from qaplan.cli.reports import resolve_owners
    from qaplan.fsutil import write_atomic
    from qaplan.repo import display_path
    from qaplan.reports.calendar import calendar_report, ics
    from qaplan.words import plural

    if output is None:
        raise QaplanError("calendar needs -o FILE.ics (e.g. -o deadlines.ics)")
    if output.is_dir():
        raise QaplanError(f"{display_path(output)}: is a directory; name the .ics file to write")
    if os.path.lexists(output) and not force and not _written_by_qaplan(output):
        raise QaplanError(f"{display_path(output)} exists and qaplan did not write it; replace "
                          "it with --force, or choose another file")
    day = as_of_date(as_of)
    workspace = load_workspace(paths, skip_invalid, no_cache, kind=KINDS)
    _notes(workspace.notes)
    report = calendar_report(workspace.plans(), day, cases=workspace.entries("deviation"))
    if owner:
        report = report.only(resolve_owners(owner, set(report.known_owners)))
    data = ics(report)
    try:
        write_atomic(output, data)
    except OSError as exc:
        raise QaplanError(f"{display_path(output)}: cannot write ({exc.strerror or exc})") from None
    out(f"wrote {display_path(output)}: {plural(len(report.deadlines), 'event')} ("
        f"{plural(report.count('activity'), 'activity', 'activities')}, "
        f"{plural(report.count('measure'), 'measure')}, "
        f"{plural(report.count('milestone'), 'milestone')})\n")


def _written_by_qaplan(path: Path) -> bool:
    """Whether the file is a feed qaplan wrote (its PRODID near the top): regenerating the feed
    is the normal use, so it is replaced without --force."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.startswith(b"BEGIN:VCALENDAR") and _OURS.search(head) is not None

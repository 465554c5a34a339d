"""Reminders as e-mail: RFC 5322 messages (the `.eml` drafts) and delivery over SMTP.

The login never comes from the repository: `QAPLAN_SMTP_USER` and `QAPLAN_SMTP_PASSWORD` in
the environment (a CI secret), and only over an encrypted connection unless the server is
this machine.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import datetime
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType
from typing import Self

from qaplan.errors import QaplanError
from qaplan.formats.config import Smtp
from qaplan.reports.remind import Reminder
from qaplan.values import printable

USER_VARIABLE = "QAPLAN_SMTP_USER"
PASSWORD_VARIABLE = "QAPLAN_SMTP_PASSWORD"
TIMEOUT = 30  # seconds for the connection and each reply
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DeliveryError(Exception):
    """One message could not be delivered (or not even written); the others still go."""


def message(reminder: Reminder, *, sender: str | None, now: datetime) -> EmailMessage:
    """The reminder as an RFC 5322 message: UTF-8 text, encoded headers, Date and Message-ID;
    no To without an address (a draft to fill in), no From without `smtp.from`.

    DeliveryError when an address cannot be written into a header (a non-ASCII local part).
    """
    mail = EmailMessage(policy=policy.SMTP)
    try:
        mail["Subject"] = reminder.subject
        if sender:
            mail["From"] = sender
        if reminder.email:
            # A name is one line in a header: a line break in the file's text is a space here.
            name = " ".join(_CONTROL.sub(" ", reminder.name).split())
            mail["To"] = Address(display_name=name, addr_spec=reminder.email)
        mail["Date"] = format_datetime(now)
        domain = parseaddr(sender or "")[1].rpartition("@")[2] or "qaplan.invalid"
        mail["Message-ID"] = make_msgid("qaplan", domain=domain)
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a reminder
        mail.set_content(reminder.body)
        mail.as_bytes()  # what cannot be written must fail here, not half-way through a send
    except (ValueError, MessageError) as exc:
        raise DeliveryError(f"cannot write the message ({printable(str(exc))})") from None
    return mail


def draft_names(owners: Sequence[str]) -> dict[str, str]:
    """A file name per owner key (`PD.eml`), safe on any file system and distinct even where
    names differ only in case; an unsafe or clashing key gets a short hash of itself."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for owner in owners:
        stem = _UNSAFE_NAME.sub("_", owner)
        if stem != owner or stem.startswith(".") or stem.casefold() in taken:
            stem = f"{stem.lstrip('.')}-{hashlib.sha256(owner.encode()).hexdigest()[:8]}"
        taken.add(stem.casefold())
        names[owner] = f"{stem}.eml"
    return names


def login_from(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The login in the environment, or None; one of the two without the other is an error."""
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if not user and not password:
        return None
    if not user or not password:
        missing = USER_VARIABLE if not user else PASSWORD_VARIABLE
        raise QaplanError(f"--send: {missing} is not set; set both {USER_VARIABLE} and "
                          f"{PASSWORD_VARIABLE} for a server that needs a login, or neither")
    return user, password


def check_login(smtp: Smtp, login: tuple[str, str] | None) -> None:
    """A password goes only over STARTTLS, unless the server is this machine."""
    if login is not None and not smtp.starttls and smtp.host.lower() not in _LOCAL_HOSTS:
        raise QaplanError(f"--send: smtp.starttls is false, so the login for {smtp.host} would "
                          "cross the network unencrypted; set starttls: true in qaplan.yaml")


class Mailer:
    """One SMTP connection for a run of messages; a failed message leaves the next one a
    working connection (reconnecting when the server hung up)."""

    def __init__(self, smtp: Smtp, login: tuple[str, str] | None) -> None:
        self.smtp = smtp
        self.login = login
        self.connection: smtplib.SMTP | None = None

    @property
    def server(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port_number}"

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.smtp.host, self.smtp.port_number, timeout=TIMEOUT)
        try:
            connection.ehlo()
            if self.smtp.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.login is not None:
                connection.login(*self.login)
        except BaseException:
            connection.close()
            raise
        return connection

    def __enter__(self) -> Self:
        try:
            self.connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise QaplanError(f"--send: cannot deliver through {self.server}: {_reason(exc)}; "
                              "nothing was sent") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def send(self, mail: EmailMessage) -> None:
        """Deliver one message; DeliveryError says why it was not."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            refused = self.connection.send_message(mail)
        except smtplib.SMTPServerDisconnected as exc:
            self.connection = None
            raise DeliveryError(f"the server hung up ({_reason(exc)})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(_reason(exc)) from None
        if refused:
            raise DeliveryError(_refusals(refused))


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"the server refused {address}: {code} "
                     f"{printable(text.decode('utf-8', 'replace'))}"
                     for address, (code, text) in refused.items())


def _reason(exc: BaseException) -> str:
    """What went wrong, in one line from the server's reply or the system's message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _refusals(exc.recipients)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {printable(text)}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return printable(str(exc)) or type(exc).__name__

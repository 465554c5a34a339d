"""Personal data in free text: e-mail addresses, personal identity numbers, phone numbers.

Numbers are reported only when their check digits are valid (python-stdnum), and
phone numbers only in the forms people write them, so that years, course codes and
term ranges (`2020 2024`, `T6-T9`, `HT23`) never raise an alarm.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from qaplan.checks.context import Check, PlanContext
from qaplan.codes import Code, Finding
from qaplan.loader import Document, LineIndex

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_SE_PNR = re.compile(r"(?<![\w+-])(?:\d{6}|\d{8})[-+]?\d{4}(?![\w-])")
_NO_FNR = re.compile(r"(?<![\w+-])\d{6} ?\d{5}(?![\w-])")
_PHONE = re.compile(
    r"""
    (?<![\w+])(?:\+|00)(?:45|46|47|354|358)[ -]?(?:\(0\)[ -]?)?\d(?:[ -]?\d){6,10}(?![\w-])
    | (?<![\w+./-])0[1-9]\d{0,2}-\d{2,3}(?:[ ]?\d{2,3}){1,3}(?![\w-])
    | (?<![\w+./-])07\d[ ]?\d{3}[ ]?\d{2}[ ]?\d{2}(?![\w-])
    | (?<![\w+./-])[49]\d{2}[ ]\d{2}[ ]\d{3}(?![\w-])
    | (?<![\w+./-])[2-7]\d(?:[ ]\d{2}){3}(?![\w-])
    | (?i:\b(?:tlf|tel|telefon|mobil|mob|phone)\b\.?:?[ ]*)\d(?:[ -]?\d){6,11}(?![\w-])
    """,
    re.VERBOSE,
)
# Digit runs long enough to be a phone or identity number; the detailed patterns only
# ever look at the text around such a run, which keeps a whole file's scan fast.
_RUN = re.compile(r"\d[\d +-]{5,}\d")
_WINDOW = 24
_PHONE_WORD = re.compile(r"^[^\d+(]+")

_WHY = (
    "Quality plans are shared widely and kept for years; personal data does not belong in them "
    "(GDPR data minimisation). Name roles, not people. The finding names the kind and masks "
    "the value (`a***@example.se`, `19121212-****`, `070-*** ** 67`): CI logs, SARIF uploads "
    "and code-quality reports are other systems."
)
QP301 = Code(
    "QP301", "warning", "e-mail address", "personal data: e-mail address '{value}'",
    what="Free text holds an e-mail address (an owner's `email:` in an owners directory is a "
    "role's address, where reminders go, and is not reported).", why=_WHY,
    fix="Replace the address with a role key from `owners` (`PD`, `KA`).",
)
QP302 = Code(
    "QP302", "warning", "Swedish personal identity number",
    "personal data: Swedish personal identity number '{value}'",
    what="Free text holds a Swedish personnummer or samordningsnummer with a valid check digit.",
    why=_WHY, fix="Remove the number.",
)
QP303 = Code(
    "QP303", "warning", "Norwegian national identity number",
    "personal data: Norwegian national identity number '{value}'",
    what="Free text holds a Norwegian fødselsnummer or D-number with valid check digits.",
    why=_WHY, fix="Remove the number.",
)
QP304 = Code(
    "QP304", "warning", "phone number", "personal data: phone number '{value}'",
    what="Free text holds a Nordic phone number (with +45/+46/+47/+358/+354, or in the Swedish or "
    "Norwegian national forms).",
    why=_WHY, fix="Remove the number; refer to a role or a shared office instead.",
)

CODES = (QP301, QP302, QP303, QP304)
_BY_CODE = {code.code: code for code in CODES}


def _strings(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            stack.extend((path + (key,), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((path + (index,), value) for index, value in enumerate(node))


def _numbers(text: str) -> Iterator[tuple[str, str]]:
    """Identity and phone numbers in a short window of text: (code, matched text)."""
    numbers: list[str] = []
    for match in _SE_PNR.finditer(text):
        from stdnum.se import personnummer

        if personnummer.is_valid(match.group()):
            numbers.append(match.group())
            yield "QP302", match.group()
    for match in _NO_FNR.finditer(text):
        from stdnum.no import fodselsnummer

        if fodselsnummer.is_valid(match.group()):
            numbers.append(match.group())
            yield "QP303", match.group()
    for match in _PHONE.finditer(text):
        if not any(match.group() in number or number in match.group() for number in numbers):
            yield "QP304", _PHONE_WORD.sub("", match.group())


def find_personal_data(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, code, matched text) for each piece of personal data in `text`."""
    if "@" in text:
        for match in _EMAIL.finditer(text):
            yield match.start(), "QP301", match.group()
    seen: set[tuple[int, str]] = set()
    for run in _RUN.finditer(text):
        begin = max(0, run.start() - _WINDOW)
        window = text[begin:run.end() + 2]
        for code, value in _numbers(window):
            offset = begin + window.find(value)
            if run.start() - _WINDOW <= offset < run.end() and (offset, code) not in seen:
                seen.add((offset, code))
                yield offset, code, value


def mask(code: str, value: str) -> str:
    """The value with enough hidden that a finding never repeats personal data in full."""
    if code == "QP301":  # a***@example.se: the domain says whose address it is, not who
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if code == "QP302":  # 19121212-****: the last four digits make the number personal
        return value[:-4] + "****"
    if code == "QP303":  # 150765*****: the individual number and check digits
        return value[:-5] + "*****"
    # 070-*** ** 67: the first group (area code or country) and the last two digits.
    first = next((i for i, ch in enumerate(value) if ch in " -"), 3)
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    last = digits[-2] if len(digits) >= 2 and digits[-2] >= first else len(value)
    middle = "".join("*" if ch.isdigit() else ch for ch in value[first:last])
    return value[:first] + middle + value[last:]


def masked(text: str) -> str:
    """`text` with each piece of personal data in it masked, for messages that quote it."""
    if "@" not in text and not _RUN.search(text):
        return text
    for offset, code, value in sorted(find_personal_data(text), reverse=True):
        text = text[:offset] + mask(code, value) + text[offset + len(value):]
    return text


def personal_data_places(doc: Document) -> Iterator[tuple[int, int, Code, str]]:
    """(line, column, code, masked value) for each piece of personal data in a file's text."""
    lines: LineIndex | None = None
    starts: list[tuple[int, int]] = []
    role_addresses: dict[tuple[int, int], str] = {}
    for offset, code, value in sorted(find_personal_data(doc.text)):
        if lines is None:  # only files with a hit pay for the indexes
            lines = LineIndex(doc.text)
            scalars = list(_strings(doc.data))
            starts = sorted(doc.value_position(path) for path, _ in scalars)
            role_addresses = {doc.value_position(path): text for path, text in scalars
                              if _is_role_address(path)}
        # The finding points at the scalar that holds the match: the last one starting before it.
        line, column = lines.position(offset)
        index = bisect.bisect_right(starts, (line, column)) - 1
        line, column = starts[index] if index >= 0 else (line, column)
        if code == "QP301" and value in role_addresses.get((line, column), ""):
            continue
        yield line, column, _BY_CODE[code], mask(code, value)


def _is_role_address(path: tuple[Any, ...]) -> bool:
    """An owner's `email:` in an owners directory: a role's address, which reminders go to."""
    return len(path) == 3 and path[0] == "owners" and path[2] == "email"


def no_personal_data(ctx: PlanContext) -> Iterator[Finding]:
    for line, column, code, value in personal_data_places(ctx.doc):
        yield code.at(ctx.doc.file, line, column, value=value)


CHECKS: tuple[Check, ...] = (no_personal_data,)

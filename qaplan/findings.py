"""Findings and the registry of finding codes: one place for every code's words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from qaplan.values import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code: its severity, a one-line title, a message template and its explanation."""

    code: str
    severity: Severity
    title: str
    template: str
    what: str
    why: str
    fix: str


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem in one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def as_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


CODES: dict[str, Code] = {}


def _register(
    code: str, severity: Severity, title: str, template: str, what: str, why: str, fix: str
) -> None:
    CODES[code] = Code(code, severity, title, template, what, why, fix)


def finding(file: str, line: int, column: int, code: str, **fields: Any) -> Finding:
    """Build a finding from its registered code, filling the code's message template."""
    entry = CODES[code]
    # Values come from the files: a key holding "\n::error ..." or ESC must not reach a
    # terminal or a CI log as a command.
    safe = {name: printable(value) if isinstance(value, str) else value
            for name, value in fields.items()}
    return Finding(file, line, column, entry.severity, code, entry.template.format(**safe))


# --- QP0xx: the file itself (bytes, YAML syntax, kind of file) -------------------------------

_register(
    "QP001", "error", "YAML syntax error", "YAML syntax error: {detail}",
    "The file is not well-formed YAML, so nothing in it can be checked.",
    "A plan that does not parse cannot be reported on; editors and CI would disagree on its content.",
    "Fix the syntax at the position given (often a missing space after ':', a tab used "
    "for indentation, or an unclosed quote). An editor with the YAML language server shows it live.",
)
_register(
    "QP002", "error", "duplicate key", "duplicate key '{key}' (first at line {first_line})",
    "A mapping has the same key twice.",
    "YAML loaders silently keep one of the two values, so half of what was written is lost.",
    "Remove or rename one of the two keys; the finding points at the second one.",
)
_register(
    "QP003", "error", "anchor or alias", "anchors and aliases are not allowed in plan files ({what})",
    "The file uses a YAML anchor (`&name`), alias (`*name`) or merge key.",
    "Plans need none, aliases make the text say less than the data, and nested aliases can "
    "blow up to gigabytes when expanded (an 'alias bomb'). qaplan never expands them.",
    "Write the value out in full where the alias stood.",
)
_register(
    "QP004", "error", "not UTF-8", "file is not valid UTF-8 (byte 0x{byte:02x} at offset {offset})",
    "The file holds bytes that are not UTF-8 text.",
    "Plan files must be UTF-8 so that every tool, editor and platform reads the same characters.",
    "Re-save the file as UTF-8 (a UTF-8 byte order mark is accepted).",
)
_register(
    "QP005", "error", "empty file", "file is empty",
    "A file named explicitly holds nothing, or only whitespace.",
    "An empty plan is almost always a mistake: a truncated save or a forgotten file.",
    "Fill in the plan (see `qaplan init` for a starter) or delete the file.",
)
_register(
    "QP006", "error", "nesting too deep", "YAML nesting deeper than {limit} levels",
    "Collections nest deeper than any plan needs.",
    "Deeply nested YAML is a known way to crash YAML libraries; a plan is at most a few levels deep.",
    "Flatten the structure; a plan needs criteria -> goals -> activities -> status only.",
)
_register(
    "QP007", "error", "several documents", "the file holds more than one YAML document",
    "The file has a `---` separator followed by a second document.",
    "One file holds one plan; a second document would be ignored by other tools.",
    "Move the second document to a file of its own.",
)
_register(
    "QP008", "error", "not a plan schema", "{detail}",
    "The file looks like a plan (a top-level `plan:` or `criteria:`) but has no valid `schema:` line.",
    "Without `schema: qaplan/v1` qaplan cannot tell which rules apply, and a plan that is "
    "skipped silently would never be checked.",
    "Add `schema: qaplan/v1` at the top of the file.",
)
_register(
    "QP009", "error", "newer schema version",
    "schema '{schema}' was written for a newer qaplan (this is qaplan {version}, which reads qaplan/v1)",
    "The file names a schema version this qaplan does not know.",
    "Reading a newer format with old rules would give wrong reports.",
    "Upgrade qaplan (`pip install -U qaplan`), or correct the `schema:` line.",
)
_register(
    "QP010", "error", "unsupported tag", "unsupported YAML tag '{tag}'",
    "A node carries an explicit YAML tag such as `!!python/object` or `!custom`.",
    "Tags can make loaders build arbitrary objects; plans are plain data.",
    "Remove the tag; quote the value if it must be text.",
)
_register(
    "QP011", "error", "unreadable file", "cannot read the file: {detail}",
    "The file could not be read (permissions, or it vanished while qaplan ran), or a directory "
    "searched for plans could not be listed.",
    "A plan that cannot be read cannot be checked; a run that skipped it silently would pass "
    "as if it had seen everything.",
    "Check the permissions of the file or directory, and that it exists.",
)

# --- QP1xx: schema and consistency errors ------------------------------------------------------

_register(
    "QP100", "error", "wrong type or value", "{detail}",
    "A value has the wrong type or form (a list where a mapping belongs, text where a number belongs, "
    "an id that is not a slug).",
    "qaplan and every report read these fields; a wrong type would give a wrong report.",
    "Correct the value at the position given; the JSON Schema in `schemas/plan.schema.json` shows "
    "every field's form, and an editor wired to it completes them.",
)
_register(
    "QP101", "error", "unknown key", "unknown key '{key}'{hint}",
    "A mapping holds a key that the schema does not define.",
    "A misspelled key (`owner:` for `owners:`, `staus:`) would otherwise be ignored silently.",
    "Correct the spelling, or remove the key. Free text belongs in `note`.",
)
_register(
    "QP102", "error", "missing required field", "missing required field '{key}'",
    "A required field is missing: `schema`, `plan.id`, `plan.title`, or the `title` of a "
    "criterion, goal or activity.",
    "Reports name every row by its title, and every plan by its id.",
    "Add the field to the mapping the finding points at.",
)
_register(
    "QP103", "error", "end before start", "end ({end}) is before start ({start})",
    "An activity's `end` resolves to a date before its `start` (a year or `VT` starts on 1 January, "
    "`HT` on 1 July; a year ends on 31 December, `VT` on 30 June).",
    "The due date is what `overdue` reports on; a swapped pair is nearly always a typing error.",
    "Swap or correct the two values.",
)
_register(
    "QP104", "error", "duplicate id", "duplicate id '{id}' (first at line {first_line})",
    "Two criteria, goals or activities of one plan carry the same id.",
    "Ids name rows in reports, in diffs across years and in the Excel round trip; two rows "
    "with one id would be confused.",
    "Give one of them another id; the finding points at the second.",
)
_register(
    "QP105", "error", "derived id collides",
    "the id '{id}' derived from the position of this {level} collides with an explicit id "
    "(line {first_line})",
    "A row without an id gets one from its position (`C1`, `C1.G1`, `C1.G1.A1`), and that id is "
    "already used explicitly by another row.",
    "Two rows would be reported under the same id.",
    "Give this row an explicit id (`qaplan import` always writes them), or renumber the other.",
)
_register(
    "QP106", "error", "undeclared owner", "owner '{owner}' is not declared in any owners directory",
    "An activity names an owner key that is neither in the plan's `owners` nor in the "
    "repository's `qaplan.yaml`.",
    "`overdue` groups work per owner and names each owner; an unknown key is usually a typing "
    "error, and its work would be reported to nobody.",
    "Declare the owner under `owners:` in the plan or in `qaplan.yaml` "
    "(`KA: {name: Kursansvarig}`), or correct the key.",
)
_register(
    "QP107", "error", "status year in the future",
    "status year {year} is in the future (the current year is {as_of_year})",
    "A yearly follow-up is written for a year that has not begun. The current year is today's "
    "(`validate --as-of` stands for today in this check); a report given an earlier `--as-of` "
    "does not count this, it ignores follow-ups written after its date.",
    "A follow-up reports on what happened; one for a future year is a typing error "
    "(2052 for 2025) and would make the activity look finished too early.",
    "Correct the year.",
)
_register(
    "QP108", "error", "invalid date form", "invalid date '{value}': {detail}",
    "A `start` or `end` is not one of the date forms: a year (`2024`), a date (`2024-06-30`) or a "
    "term (`VT2024`, `HT2024`, `V2024`, `H2024`, `VT24`, `HT23`).",
    "Due dates decide what is overdue.",
    "Write the date in one of the forms above.",
)
_register(
    "QP109", "error", "unknown state",
    "unknown state '{value}'{hint} (the states are: {allowed})",
    "A follow-up's `state` is not one of `planned`, `ongoing`, `done`, `delayed`, `cancelled`.",
    "The state decides whether an activity is finished, and feeds every report.",
    "Use one of the five states, in English and lower case (`klart` is `done`, `pågår` is "
    "`ongoing`); free text belongs in `note`.",
)
_register(
    "QP110", "error", "unknown unit", "unit '{unit}' is not in the units tree of {config}",
    "The plan's `unit` names no key of the `units` tree in `qaplan.yaml`.",
    "The yearly report rolls plans up the units tree; a plan with an unknown unit would drop out.",
    "Use a key of `units`, or add the unit to `qaplan.yaml`.",
)
_register(
    "QP111", "error", "broken units tree", "{detail}",
    "A unit in `qaplan.yaml` names a parent that does not exist, or the parents form a cycle.",
    "The yearly report rolls up through the parents; a broken chain has no top.",
    "Correct the `parent` keys so that every chain ends at a unit without a parent.",
)
_register(
    "QP112", "error", "plan id used twice", "plan id '{id}' is also used by {other}",
    "Two plan files in the repository carry the same `plan.id`.",
    "Reports and `diff --rev` match plans by id, so two plans with one id would be mixed up.",
    "Give one of the plans another id.",
)

# --- QP2xx: warnings on the follow-up and dates ------------------------------------------------

_register(
    "QP201", "warning", "state missing", "state missing in the follow-up for {year}",
    "A yearly follow-up has only a `note`. The tables used today have free text and no state column.",
    "Without a state qaplan cannot tell whether the activity is done, so it counts as unfinished.",
    "Add `state: planned|ongoing|done|delayed|cancelled` (`qaplan import --guess-state` suggests one).",
)
_register(
    "QP202", "warning", "no due date", "activity has no due date (end)",
    "An activity has no `end`.",
    "An activity without a due date is never reported as overdue, so it can slip unnoticed.",
    "Add `end:` (a year, a term such as `VT2025`, or a date).",
)
_register(
    "QP203", "warning", "status year before the start",
    "status year {year} is before the activity's start ({start})",
    "A follow-up is written for a year before the activity's start. A follow-up after `end` is "
    "expected while the activity is unfinished (it is overdue, and the note says why), and "
    "after it is finished people often write \"done\" again, so neither is reported.",
    "Often a sign that `start` was not updated when the activity was moved.",
    "Correct the follow-up year, or move `start` to when the work began.",
)
_register(
    "QP204", "warning", "activity outside the plan period",
    "activity {edge} ({value}) is outside the plan period {period_start}–{period_end}",
    "An activity starts before or ends after the plan's `period`.",
    "Work beyond the plan period belongs in the next plan, or the period is wrong.",
    "Move the activity's dates into the period, or widen `plan.period`.",
)

_register(
    "QP205", "warning", "the same owner twice",
    "owner '{owner}' is listed twice (first at {first})",
    "An activity's `owners` list names the same key more than once.",
    "Usually a slip when copying rows; reports would list the owner once and the list reads "
    "as if two people share the work.",
    "Remove the second occurrence, or write the owner that was meant (`owners: [PD, GA]`).",
)
_register(
    "QP206", "warning", "control character in text",
    "{where} holds the control character {char}: '{text}'",
    "A title, note, name or key holds a control character (such as ESC, written `\\e` or "
    "`\\x1b` in a double-quoted string), a Unicode line separator or a bidirectional override.",
    "They are invisible in an editor, but in a terminal, a CI log or a job summary they can "
    "recolour text, move the cursor, start a workflow command or reorder what readers see, "
    "and Excel refuses them.",
    "Remove the character; write the text in plain characters.",
)


# --- QP3xx: personal data ----------------------------------------------------------------------

_PD_WHY = (
    "Quality plans are shared widely and kept for years; personal data does not belong in them "
    "(GDPR data minimisation). Name roles, not people. The finding names the kind and masks "
    "the value (`a***@example.se`, `19121212-****`, `070-*** ** 67`): CI logs, SARIF uploads "
    "and code-quality reports are other systems."
)
_register(
    "QP301", "warning", "e-mail address", "personal data: e-mail address '{value}'",
    "Free text holds an e-mail address.", _PD_WHY,
    "Replace the address with a role key from `owners` (`PD`, `KA`).",
)
_register(
    "QP302", "warning", "Swedish personal identity number",
    "personal data: Swedish personal identity number '{value}'",
    "Free text holds a Swedish personnummer or samordningsnummer with a valid check digit.", _PD_WHY,
    "Remove the number.",
)
_register(
    "QP303", "warning", "Norwegian national identity number",
    "personal data: Norwegian national identity number '{value}'",
    "Free text holds a Norwegian fødselsnummer or D-number with valid check digits.", _PD_WHY,
    "Remove the number.",
)
_register(
    "QP304", "warning", "phone number", "personal data: phone number '{value}'",
    "Free text holds a Nordic phone number (with +45/+46/+47/+358/+354, or in the Swedish or "
    "Norwegian national forms).",
    _PD_WHY,
    "Remove the number; refer to a role or a shared office instead.",
)


# --- QP4xx: the findings themselves ---------------------------------------------------------------

_register(
    "QP401", "warning", "an error cannot be silenced",
    "{where} names the error {silenced}, which cannot be silenced; the error is still reported",
    "A `# qaplan: ignore[...]` comment, or an `ignore:` rule in `qaplan.yaml`, names a code of "
    "severity error. Only warnings can be silenced.",
    "An error makes every report refuse the plan; an error that `validate` did not show would "
    "leave people with a refusal and no reason.",
    "Fix the error, then remove the code from the comment or the rule.",
)


_SILENCE = (
    "Silence it on one line with `# qaplan: ignore[{code}]`, or per path in "
    "qaplan.yaml: `ignore: [{{code: {code}, path: \"plans/archive/*\"}}]`.\n"
)
# An error makes reports refuse the plan; hiding it would only hide why (QP401).
_NO_SILENCE = (
    "An error cannot be silenced: reports refuse a plan with errors, so fix it.\n"
)


def explain(code: str) -> str:
    """The explanation of one code as plain text, for `validate --explain`."""
    entry = CODES[code]
    return (
        f"{entry.code} ({entry.severity}): {entry.title}\n\n"
        f"What it means\n  {entry.what}\n\n"
        f"Why it matters\n  {entry.why}\n\n"
        f"How to fix it\n  {entry.fix}\n\n"
        + (_SILENCE if entry.severity == "warning" else _NO_SILENCE).format(code=entry.code)
    )


def codes_markdown_table() -> str:
    """The README's table of finding codes."""
    rows = ["| code | severity | title | what it means |", "|---|---|---|---|"]
    for entry in CODES.values():
        what = entry.what.replace("|", "\\|")
        rows.append(f"| `{entry.code}` | {entry.severity} | {entry.title} | {what} |")
    return "\n".join(rows) + "\n"

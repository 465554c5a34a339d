"""Messages say what is wrong, where, and how to fix it (issue 12, points 11-15).

Each test writes the mistake a user made, runs `qaplan validate` and asserts the hint the
user sees: the right form, the likely cause, the place. No test quotes a library's wording.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_PLAN, ROOT, run_cli, write

HEAD = """\
schema: qaplan/v1
plan:
  id: p
  title: P
owners:
  PD: {name: Programdirektör}
  GA: {name: Grundutbildningsansvarig}
criteria:
  - id: C1
    title: Kriterium
    goals:
      - id: C1.G1
        title: Mål
        activities:
"""
# What a regular expression looks like in a message: anchors, classes, escapes.
REGEX = re.compile(r"\^\[|\$'|\\s|\\x[0-9a-f]{2}-|\[\^|\\Z|\\d")


def validate(repo: Path, text: str, *args: str) -> tuple[int, list[tuple[int, int, str, str]]]:
    """Write plans/p.yaml and validate it: (exit code, [(line, column, code, message)])."""
    write(repo / "plans/p.yaml", text)
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01", *args)
    payload = json.loads(result.stdout)
    return result.exit_code, [(f["line"], f["column"], f["code"], f["message"])
                              for f in payload["findings"]]


def messages(rows: list[tuple[int, int, str, str]], code: str) -> list[str]:
    return [message for _, _, found, message in rows if found == code]


# --- 12.11: an unquoted note with a comma inside {...} --------------------------------------

def test_comma_in_unquoted_note_explains_the_split_and_shows_the_quoted_form(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            end: 2024
            status:
              2023: {state: ongoing, note: Inget nytt, se protokollet.}
""")
    assert code == 1
    [(line, column, _, message)] = [row for row in rows if row[2] == "QP101"]
    assert (line, column) == (19, 56)
    assert "split" in message and "comma" in message
    assert 'note: "Inget nytt, …"' in message


def test_split_hint_only_for_a_key_cut_from_text_on_the_same_line(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            end: 2024
            status:
              2023:
                note: Inget nytt
                se protokollet:
""")
    assert code == 1
    [message] = messages(rows, "QP101")
    assert "split" not in message


def test_readme_plan_example_quotes_its_notes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## The plan file", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    notes = re.findall(r"note: ?(.)", example)
    assert notes and all(first == '"' for first in notes), notes


# --- 12.12: state words in other languages and cases ---------------------------------------

@pytest.mark.parametrize(("word", "meant"), [
    ("klart", "done"), ("pågår", "ongoing"), ("ferdig", "done"), ("Done", "done"),
    ("forsinket", "delayed"), ("ongoign", "ongoing"),
])
def test_state_word_gets_did_you_mean(repo: Path, word: str, meant: str) -> None:
    code, rows = validate(repo, HEAD + f"""\
          - id: A1
            title: Aktivitet
            end: 2024
            status:
              2024: {{state: {word}}}
""")
    assert code == 1
    [message] = messages(rows, "QP109")
    assert f"did you mean '{meant}'?" in message
    assert "planned, ongoing, done, delayed, cancelled" in message


def test_state_word_with_no_likely_meaning_gets_no_guess(repo: Path) -> None:
    _, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            status:
              2024: {state: xyzzy}
""")
    [message] = messages(rows, "QP109")
    assert "did you mean" not in message


# --- 12.13: rules in words, and the right form ------------------------------------------------

def test_owner_key_with_a_space_is_explained_in_words_with_the_list_form(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            owners: [P D]
""")
    assert code == 1
    [message] = [m for m in messages(rows, "QP100") if "P D" in m]
    assert "owners: [P, D]" in message
    assert "without spaces" in message
    assert not REGEX.search(message), message


def test_owner_directory_key_with_a_space_is_explained_in_words(repo: Path) -> None:
    code, rows = validate(repo, HEAD.replace("  GA: {name", "  G A: {name"))
    assert code == 1
    [message] = messages(rows, "QP100")
    assert "'G A'" in message and "without spaces" in message
    assert not REGEX.search(message), message


def test_id_with_a_swedish_letter_says_what_is_allowed_and_suggests_one(repo: Path) -> None:
    code, rows = validate(repo, HEAD.replace("id: p\n", "id: läkarprogrammet\n", 1))
    assert code == 1
    [(line, column, _, message)] = rows
    assert (line, column) == (3, 7)
    assert "ASCII" not in message
    assert "no å, ä, ö" in message
    assert "lakarprogrammet" in message
    assert not REGEX.search(message), message


def test_period_year_names_the_period_and_shows_its_form(repo: Path) -> None:
    code, rows = validate(repo, HEAD.replace("  title: P\n", "  title: P\n  period: {start: 2022, end: x}\n", 1))
    assert code == 1
    [message] = messages(rows, "QP100")
    assert message.startswith("period end:")
    assert "status" not in message
    assert "period: {start: 2022, end: 2025}" in message


@pytest.mark.parametrize(("old", "new", "form"), [
    ("  title: P\n", "  title: P\n  period: 2022-2025\n", "period: {start: 2022, end: 2025}"),
    ("  GA: {name: Grundutbildningsansvarig}\n", "  GA: Grundutbildningsansvarig\n",
     "GA: {name: Programdirektör}"),
    ("owners:\n  PD: {name: Programdirektör}\n  GA: {name: Grundutbildningsansvarig}\n",
     "owners: [PD, GA]\n", "owners: {PD: {name: Programdirektör}}"),
])
def test_wrong_shape_shows_the_right_form(repo: Path, old: str, new: str, form: str) -> None:
    code, rows = validate(repo, HEAD.replace(old, new, 1) + """\
          - {id: A1, title: Aktivitet}
""")
    assert code == 1
    assert any(form in message for message in messages(rows, "QP100")), rows


def test_language_in_another_case_gets_did_you_mean(repo: Path) -> None:
    code, rows = validate(repo, HEAD.replace("  title: P\n", "  title: P\n  language: SV\n", 1))
    assert code == 1
    [message] = messages(rows, "QP100")
    assert "did you mean 'sv'?" in message


def test_activity_owners_as_text_shows_the_list_form(repo: Path) -> None:
    _, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            owners: PD
""")
    [message] = messages(rows, "QP100")
    assert "owners: [PD, GA]" in message


@pytest.mark.parametrize(("activity", "form"), [
    ("- {id: A1, title: 2024}", 'quote it: title: "2024"'),
    ("- {id: A1, title: A, status: {x: {state: done}}}", "keyed by its four-digit year (2024:"),
    ("- {id: A1, title: A, status: {2024: done}}", "write it as 2024: {state: done, note:"),
    ("- Analysera", "write it as - {id: C1.G1.A1, title: Analysera feedbacken"),
])
def test_wrong_value_in_an_activity_shows_the_right_form(
    repo: Path, activity: str, form: str
) -> None:
    code, rows = validate(repo, HEAD + f"          {activity}\n")
    assert code == 1
    [message] = messages(rows, "QP100")
    assert form in message


def test_key_that_belongs_elsewhere_says_where(repo: Path) -> None:
    _, rows = validate(repo, HEAD + """\
          - {id: A1, title: Aktivitet, note: Inget}
""")
    [message] = messages(rows, "QP101")
    assert "status:" in message and "did you mean" not in message


# --- 12.14: YAML's own errors, with the likely cause --------------------------------------

def test_tab_is_named_with_its_column(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
\t    end: 2024
""")
    assert code == 1
    [(line, column, found, message)] = rows
    assert (line, column, found) == (17, 1, "QP001")
    assert "tab at column 1" in message and "spaces" in message


def test_missing_space_after_colon_is_reported_on_its_line_with_the_fix(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title:Analysera
            end: 2024
""")
    assert code == 1
    [(line, column, found, message)] = rows
    assert (line, found) == (16, "QP001")
    assert column == 19
    assert "space is missing after ':'" in message
    assert "title: Analysera" in message


def test_missing_space_inside_braces_is_explained(repo: Path) -> None:
    _, rows = validate(repo, HEAD + """\
          - {id: A1, title: Aktivitet, end:2024}
""")
    [message] = messages(rows, "QP101")
    assert "end: 2024" in message and "space" in message


@pytest.mark.parametrize("spaces", [5, 7, 9])
def test_misindented_activities_says_what_the_indentation_should_be(
    repo: Path, spaces: int
) -> None:
    text = HEAD.replace("        activities:", " " * spaces + "activities:") + """\
          - id: A1
            title: Aktivitet
"""
    code, rows = validate(repo, text)
    assert code == 1
    [(line, column, found, message)] = rows
    assert (line, column, found) == (14, spaces + 1, "QP001")
    assert f"indented {spaces} spaces" in message
    assert "indent it 8 spaces to stand beside 'title' (line 13)" in message


# --- 12.15: empty titles, the same owner twice ---------------------------------------------

@pytest.mark.parametrize("title", ['""', '"   "', "", "''"])
def test_empty_title_is_an_error(repo: Path, title: str) -> None:
    code, rows = validate(repo, HEAD + f"""\
          - id: A1
            title: {title}
""")
    assert code == 1
    [(line, _, found, message)] = rows
    assert (line, found) == (16, "QP100")
    assert "needs text" in message


def test_plan_with_an_empty_title_is_refused_by_reports(repo: Path) -> None:
    write(repo / "plans/p.yaml", HEAD.replace("  title: P\n", '  title: ""\n', 1))
    result = run_cli("status", "--as-of", "2025-06-01")
    assert result.exit_code == 2
    assert "plans/p.yaml" in result.stderr


def test_json_schema_rejects_an_empty_title_and_accepts_the_bundled_plans() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from qaplan.loader import read

    schema = json.loads((ROOT / "schemas/plan.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    plans = [p for p in sorted((ROOT / "plans").glob("*.yaml")) if p.name != "qaplan.yaml"]
    for path in plans:
        assert list(validator.iter_errors(read(path, str(path)).data)) == [], path
    for title in ["", " ", "\t"]:
        data = {"schema": "qaplan/v1", "plan": {"id": "p", "title": title}}
        assert list(validator.iter_errors(data)), repr(title)
    assert not list(validator.iter_errors({"schema": "qaplan/v1", "plan": {"id": "p", "title": "P"}}))


def test_same_owner_twice_is_a_warning_at_the_second(repo: Path) -> None:
    code, rows = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            end: 2024
            owners: [PD, GA, PD]
""")
    assert code == 0
    assert rows == [(18, 30, "QP205", "owner 'PD' is listed twice (first at column 22)")]
    code, _ = validate(repo, HEAD + """\
          - id: A1
            title: Aktivitet
            end: 2024
            owners: [PD, GA, PD]
""", "--strict")
    assert code == 1


# --- No regular expression in any message --------------------------------------------------

def test_no_message_shows_a_regular_expression(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
schema: qaplan/v1
owners: {"A B": {name: X}}
ignore: [{code: QP1, path: "*"}]
""")
    _, rows = validate(repo, HEAD.replace("id: p\n", "id: -p ä\n", 1) + """\
          - id: "A 1"
            title: Aktivitet
            owners: ["P,D", "P\\tD"]
            status:
              "20x4": {state: Klar}
""")
    result = run_cli("validate", "--format", "json", "--as-of", "2025-06-01", "qaplan.yaml")
    config_rows = [f["message"] for f in json.loads(result.stdout)["findings"]]
    shown = [message for *_, message in rows] + config_rows
    assert len(shown) >= 6
    for message in shown:
        assert not REGEX.search(message), message


def test_hints_import_nothing_heavy(repo: Path) -> None:
    """The state vocabulary and the hints stay on validate's fast path (no openpyxl, pydantic)."""
    write(repo / "plans/p.yaml", HEAD + """\
          - id: A1
            title: ""
            owners: [P D]
            status:
              2024: {state: pågår, note: Inget nytt, se protokollet.}
""")
    probe = ("import sys\nfrom qaplan.cli import main\nsys.argv = ['qaplan', 'validate', "
             "'--no-cache', 'plans/p.yaml']\ntry:\n    main()\nexcept SystemExit as exit:\n"
             "    print(exit.code)\nprint(sorted({m.split('.')[0] for m in sys.modules}))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, check=False)
    *_, code, modules = done.stdout.splitlines()
    assert code == "1"
    assert "did you mean 'ongoing'?" in done.stdout
    for heavy in ("pydantic", "openpyxl", "rich", "ruamel", "stdnum"):
        assert f"'{heavy}'" not in modules, heavy


@pytest.mark.parametrize(("written", "meant"), [("se", "sv"), ("no", "nb"), ("dk", "da")])
def test_country_code_for_a_language_gets_did_you_mean(repo: Path, written: str, meant: str) -> None:
    write(repo / "plans/qaplan.yaml", f"schema: qaplan/v1\nlanguage: {written}\n")
    write(repo / "plans/p.yaml", MINIMAL_PLAN.format(plan_id="p"))
    result = run_cli("validate", "plans")
    assert result.exit_code == 1
    assert f"language: '{written}' is not allowed" in result.stdout
    assert f"(did you mean '{meant}'?)" in result.stdout

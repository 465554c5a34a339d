"""`qaplan.shape` and the pydantic models in `qaplan.model` must see the same problems.

`qaplan validate` checks files with the plain-data shape check; reports build typed plans
with the pydantic models. If the two disagree, validate passes a file that a report then
rejects (or the reverse). This file protects that agreement on generated documents, the
shape check's exact answers on readable inputs, the same findings for a file whether
validate checks it alone or among many files in the process pool, and that the JSON Schemas
editors use accept every file qaplan accepts.

One difference is deliberate: a key that is not text inside a record (`2024:` in an
activity) is an unknown key for the shape check (`extra_forbidden`, with a position) where
pydantic says `invalid_key`; and pydantic writes bool keys as 1/0 in its locations.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_PLAN, run_cli, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from qaplan import shape
from qaplan.engine import pool
from qaplan.loader import parse, read
from qaplan.model import OwnerKey, PlanFile, Slug
from qaplan.model_config import RepoConfig
from qaplan.model_deviation import DeviationFile
from qaplan.shapes_deviation import DEVIATION
from qaplan.values import (
    OWNER_KEY_PATTERN,
    SLUG_PATTERN,
    TERM_PATTERN,
    TITLE_PATTERN,
    YEAR_TEXT_PATTERN,
    Due,
    has_text,
    parse_year,
)

ROOT = Path(__file__).resolve().parent.parent
PLANS = [read(p, str(p)).data for p in sorted((ROOT / "plans").glob("*.yaml"))
         if p.name != "qaplan.yaml"]
CONFIG = read(ROOT / "plans/qaplan.yaml", "plans/qaplan.yaml").data
DEVIATIONS = [read(p, str(p)).data
              for p in sorted((ROOT / "tests/fixtures/register/deviations").rglob("*.yaml"))]
KINDS: dict[str, tuple[type[BaseModel], shape.Record, list[Any]]] = {
    "plan": (PlanFile, shape.PLAN, PLANS),
    "config": (RepoConfig, shape.CONFIG, [CONFIG]),
    "deviation": (DeviationFile, DEVIATION, DEVIATIONS),
}
SCHEMAS = {"plan": "plan.schema.json", "config": "qaplan.schema.json",
           "deviation": "deviation.schema.json"}
Seen = list[tuple[tuple[str, ...], str, str]]


def _loc(loc: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(int(part)) if isinstance(part, bool) else str(part) for part in loc)


def by_pydantic(model: type[BaseModel], data: Any) -> Seen:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        seen = []
        for error in exc.errors(include_url=False):
            if error["type"] == "invalid_key":  # the deliberate difference (module docstring)
                seen.append((_loc(error["loc"]), "extra_forbidden", "Extra inputs are not permitted"))
            else:
                seen.append((_loc(error["loc"]), error["type"], error["msg"]))
        return sorted(seen)
    return []


def by_shape(kind: shape.Record, data: Any) -> Seen:
    return sorted((_loc(p["loc"]), p["type"], p["msg"]) for p in shape.problems(kind, data))


# Whitespace as any of the regex engines reads it (Python's `str.isspace`, ECMA-262's `\s`
# with U+FEFF), and characters that look like it.
SPACES = "".join(sorted({chr(c) for c in range(0x3001) if chr(c).isspace()}
                        | {"\ufeff", "\u200b", "\u180e", "\u2060"}))
AROUND = st.text(st.sampled_from(SPACES), max_size=2)
# Values that fit somewhere, padded with whitespace; digits that are not ASCII.
NEAR_VALID = st.builds(
    lambda before, value, after: before + value + after,
    AROUND,
    st.sampled_from(["2024", "1900", "VT24", "vt24", "Ht2024", "V 2024", "h24", "2024-06-30",
                     "PD", "C1", "done", "\u0662\u0660\u0662\u0664", "VT\u0662\u0664",
                     "\uff12\uff10\uff12\uff14"]),
    AROUND,
)
# An owner key or id with one odd character inside.
INSIDE = st.builds(lambda c: f"P{c}D", st.sampled_from(SPACES)
                   | st.characters(exclude_categories=["Cs"]))
# Values a user might write anywhere, wrong or right for the place they land in.
WRITTEN = st.sampled_from([
    None, True, False, 0, -5, 1800, 1899, 1900, 2024, 2200, 2201, 2300, 2.5, 2024.0,
    float("nan"), "", "x", " ", "x" * 201, "a" * 200, "a b", "a,b", "PD", "C1.G1.A1",
    "VT24", "HT2024", "V 2024", "h24", "VT1800", "2024-02-30", "2024-06-30", "2024", " 2024 ",
    "planned", "Done", "finished", "qaplan/v1", "qaplan/v2", "sv", "de", "QP101", "QP1",
    "C1\n", "P\x1cD",  # a block scalar's trailing newline; a control character
])
# Near misses of what is already written there, for values and for keys.
TWISTS: list[Callable[[Any], Any]] = [
    lambda v: f"{v}\n", lambda v: f" {v}", lambda v: f"{v} x", lambda v: f"{v},x",
    lambda v: f"{v}\x1c", str,
]
ANY_TWIST = st.sampled_from(TWISTS)
KEYS = st.one_of(
    st.sampled_from(["title", "titel", "Title", "id", "schema_", "owners", "status", "note",
                     "name", "code", "x y", "2024", " 2024", "24", "abc"]),
    st.sampled_from([None, True, False, 3.5, 0, 2024, 1800, 2300]),
    st.text(max_size=6),
    NEAR_VALID,
    INSIDE,
)
VALUES = st.recursive(
    WRITTEN | NEAR_VALID | INSIDE | st.integers()
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3)
    | st.fixed_dictionaries({"title": inner}) | st.fixed_dictionaries({"state": inner}),
    max_leaves=6,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found += _paths(child, (*path, key))
    return found


@st.composite
def mutated(
    draw: st.DrawFn,
    bases: list[Any],
    values: st.SearchStrategy[Any] = VALUES,
    twists: st.SearchStrategy[Callable[[Any], Any]] = ANY_TWIST,
) -> Any:
    """A base document with one to four nodes replaced, twisted, deleted, added to or renamed."""
    box: dict[str, Any] = {"doc": copy.deepcopy(draw(st.sampled_from(bases)))}
    for _ in range(draw(st.integers(1, 4))):
        path = ("doc", *draw(st.sampled_from(_paths(box["doc"]))))
        parent: Any = box
        for part in path[:-1]:
            parent = parent[part]
        key, op = path[-1], draw(st.sampled_from(["set", "twist", "delete", "add", "rename"]))
        if op == "set" or path == ("doc",) or type(parent) is list and op in ("add", "rename"):
            parent[key] = draw(values)
        elif op == "twist":
            parent[key] = draw(twists)(parent[key])
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent[key], dict):
            parent[key][draw(KEYS)] = draw(values)
        elif op == "rename":  # a status year as text, out of range, a near-miss of a key...
            new = draw(KEYS | st.just(draw(twists)(key)))
            parent[new] = parent.pop(key)
    return box["doc"]


@pytest.mark.parametrize("kind", KINDS)
def test_bundled_files_are_accepted_by_both(kind: str) -> None:
    model, record, bases = KINDS[kind]
    assert bases
    for data in bases:
        assert by_shape(record, data) == by_pydantic(model, data) == []


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_shape_and_pydantic_agree_on_mutated_files(kind: str, data: st.DataObject) -> None:
    model, record, bases = KINDS[kind]
    doc = data.draw(mutated(bases))
    fast, slow = by_shape(record, doc), by_pydantic(model, doc)
    assert bool(fast) == bool(slow), (fast, slow)
    assert fast == slow


ACT = ("criteria", 0, "goals", 0, "activities", 0)


def problems(activity: str, head: str = "schema: qaplan/v1") -> list[tuple[Any, ...]]:
    """The shape check's problems for a plan around one activity written in YAML."""
    text = f"""{head}
plan: {{id: p, title: P}}
criteria:
  - title: C
    goals:
      - title: G
        activities:
          - {activity}
"""
    doc = parse(text.encode(), "p.yaml")
    assert not doc.findings
    return sorted((p["loc"], p["type"], p["msg"]) for p in shape.problems(shape.PLAN, doc.data))


def test_unknown_key_is_extra_at_its_place() -> None:
    assert problems("{title: A, titel: A}") == [
        ((*ACT, "titel"), "extra_forbidden", "Extra inputs are not permitted")]


def test_missing_title() -> None:
    assert problems("{id: A1}") == [((*ACT, "title"), "missing", "Field required")]


def test_empty_lists_and_status_are_none() -> None:
    text = b"""schema: qaplan/v1
plan: {id: p, title: P}
criteria:
  - title: C without goals
    goals:
  - title: C
    goals:
      - title: G without activities
        activities:
      - title: G
        activities:
          - title: A
            owners:
            status:
"""
    data = parse(text, "p.yaml").data
    assert data["criteria"][0]["goals"] is None
    assert shape.problems(shape.PLAN, data) == []
    assert by_pydantic(PlanFile, data) == []


def test_status_key_that_is_not_a_year() -> None:
    assert problems("{title: A, status: {abc: {state: done}}}") == [
        ((*ACT, "status", "abc", "[key]"), "year",
         "expected a four-digit year such as 2024")]


def test_unknown_state() -> None:
    assert problems("{title: A, status: {2024: {state: finished}}}") == [
        ((*ACT, "status", 2024, "state"), "enum",
         "Input should be 'planned', 'ongoing', 'done', 'delayed' or 'cancelled'")]


def test_term_out_of_range() -> None:
    assert problems("{title: A, end: VT1800}") == [
        ((*ACT, "end"), "due_form", "year 1800 is outside 1900–2200")]


def test_ids() -> None:
    pattern = "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]*$'"
    assert problems("{title: A, id: A 1}") == [((*ACT, "id"), "string_pattern_mismatch", pattern)]
    assert problems(f"{{title: A, id: {'a' * 200}}}") == []
    assert problems(f"{{title: A, id: {'a' * 201}}}") == [
        ((*ACT, "id"), "string_too_long", "String should have at most 200 characters")]
    # `id: |` writes "A1\n": not an id, as the pydantic models (and so reports) see it.
    assert problems('{title: A, id: "A1\\n"}') == [((*ACT, "id"), "string_pattern_mismatch", pattern)]


def test_other_schema() -> None:
    assert problems("{title: A}", head="schema: qaplan/v2") == [
        (("schema",), "literal_error", "Input should be 'qaplan/v1'")]


def test_known_keys_reach_into_nested_records() -> None:
    assert {"title", "activities", "status", "note"} <= shape.PLAN.keys()


def _findings(*paths: str) -> list[tuple[str, int, int, str, str]]:
    result = run_cli("validate", "--no-cache", "--format", "json", "--as-of", "2025-06-01", *paths)
    assert result.exit_code == 1, result.stdout
    return [(f["file"], f["line"], f["column"], f["code"], f["message"])
            for f in json.loads(result.stdout)["findings"]]


def test_finding_is_the_same_alone_and_in_the_pool(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAPLAN_JOBS", "2")
    pooled: list[int] = []
    real_pool = pool.check_in_pool

    def spy(todo: Any, *args: Any) -> None:
        pooled.append(len(todo))
        real_pool(todo, *args)

    monkeypatch.setattr(pool, "check_in_pool", spy)
    write(repo / "plans/p00.yaml", MINIMAL_PLAN.format(plan_id="p00")
          .replace("title: An activity", "titel: An activity").replace("end: 2024", "end: VT1800"))
    expected = [
        ("plans/p00.yaml", 14, 13, "QP102", "missing required field 'title'"),
        ("plans/p00.yaml", 15, 13, "QP101", "unknown key 'titel' (did you mean 'title'?)"),
        ("plans/p00.yaml", 17, 18, "QP108", "invalid date 'VT1800': year 1800 is outside 1900–2200"),
    ]
    assert _findings("plans/p00.yaml") == expected
    assert pooled == []
    for index in range(1, 60):
        write(repo / f"plans/p{index:02d}.yaml", MINIMAL_PLAN.format(plan_id=f"p{index:02d}"))
    assert _findings("plans") == expected
    assert pooled == [60]


def test_json_schema_accepts_empty_lists_and_status() -> None:
    """Editors use schemas/plan.schema.json: it must not flag what qaplan accepts."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas/plan.schema.json").read_text(encoding="utf-8"))
    data = parse(MINIMAL_PLAN.format(plan_id="p").encode(), "plan.yaml").data
    goal = data["criteria"][0]["goals"][0]
    goal["activities"][0]["owners"] = goal["activities"][0]["status"] = None
    data["criteria"][0]["goals"].append({"title": "No activities yet", "activities": None})
    data["criteria"].append({"title": "No goals yet", "goals": None})
    assert shape.problems(shape.PLAN, data) == []
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(data)))


# --- The JSON Schemas must accept every file qaplan accepts -----------------------------
#
# Editors (through the `yaml-language-server` modeline) and check-jsonschema read the
# schemas in schemas/; they may be looser than qaplan, never stricter. Their `pattern`s are
# read by ECMA-262 regex engines, jsonschema's by Python's `re`, so the schemas are checked
# under both (ECMA-262 through regress, check-jsonschema's engine, when it is installed).


def _ecma_validator(jsonschema: Any, regress: Any, unicode: bool) -> Any:
    """Draft 2020-12 with `pattern` read as ECMA-262 regexes, as check-jsonschema reads it."""

    @functools.cache
    def compiled(pattern: str) -> Any:
        return regress.Regex(pattern, flags="u") if unicode else regress.Regex(pattern)

    def pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and not compiled(pattern).find(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any,
                           schema: Any) -> Any:
        if validator.is_type(instance, "object"):
            for regex, subschema in patterns.items():
                for key, value in instance.items():
                    if compiled(regex).find(key):
                        yield from validator.descend(value, subschema, path=key, schema_path=regex)

    return jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {"pattern": pattern, "patternProperties": pattern_properties},
    )


@functools.cache
def schema_validators(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind` ("plan" or "config") under each regex engine at hand."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / SCHEMAS[kind]).read_text(encoding="utf-8"))
    validators = {"python re": jsonschema.Draft202012Validator(schema)}
    try:
        import regress
    except ImportError:  # check-jsonschema not installed: Python's reading only
        return validators
    validators["ECMA-262 (u)"] = _ecma_validator(jsonschema, regress, True)(schema)
    validators["ECMA-262"] = _ecma_validator(jsonschema, regress, False)(schema)
    return validators


def schema_errors(kind: str, data: Any) -> list[str]:
    """What the JSON Schema flags in `data` as an editor sees it (YAML keys are text)."""
    seen = json.loads(json.dumps(data))
    return [f"{engine}: /{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for engine, validator in schema_validators(kind).items()
            for error in validator.iter_errors(seen)]


# Mutations that often keep a file valid: whitespace around a value (a year becomes " 2024"),
# its case changed, a number written as text.
def _padded(before: str, after: str) -> Callable[[Any], Any]:
    return lambda v: f"{before}{v}{after}"


CASES: list[Callable[[Any], Any]] = [lambda v: str(v).lower(), lambda v: str(v).upper(), str]
GENTLE_TWISTS = st.one_of(st.builds(_padded, AROUND, AROUND), st.sampled_from(CASES))


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_schema_accepts_what_qaplan_accepts(kind: str, data: st.DataObject) -> None:
    _, record, bases = KINDS[kind]
    doc = data.draw(mutated(bases, values=NEAR_VALID | WRITTEN | VALUES,
                            twists=GENTLE_TWISTS | ANY_TWIST))
    if shape.problems(record, doc):
        return  # qaplan flags it; the schema may or may not
    assert schema_errors(kind, doc) == []


def _plan(**activity: Any) -> dict[str, Any]:
    data: dict[str, Any] = parse(MINIMAL_PLAN.format(plan_id="p").encode(), "plan.yaml").data
    data["criteria"][0]["goals"][0]["activities"][0].update(activity)
    return data


@pytest.mark.parametrize("change", [
    {"start": " 2024 "}, {"end": "vt24"}, {"end": "Ht2024"}, {"end": "V 2024"},
    {"end": " VT2024\n"}, {"end": "2024-06-30\u3000"}, {"start": "\x1c2024"},
    {"status": {" 2024": {"state": "done"}, "2025\n": {"state": "ongoing"}}},
    {"owners": ["P\u00e4D", "\U0001f600"]},
])
def test_json_schema_accepts_written_forms_qaplan_accepts(change: dict[str, Any]) -> None:
    data = _plan(**change)
    assert by_shape(shape.PLAN, data) == by_pydantic(PlanFile, data) == []
    assert schema_errors("plan", data) == []


@pytest.mark.parametrize("year", ["2024", " 2024 ", "2024\n", "\u30002024"])
def test_json_schema_accepts_period_years_as_text(year: str) -> None:
    data = _plan()
    data["plan"]["period"] = {"start": year, "end": 2025}
    assert shape.problems(shape.PLAN, data) == []
    assert schema_errors("plan", data) == []


def test_owner_key_with_a_byte_order_mark_is_rejected_by_qaplan_and_the_schema() -> None:
    """U+FEFF is a space to ECMA-262's `\\s`, not to Python's or Rust's: the pattern excludes
    it by name, so qaplan, pydantic and editors all reject it."""
    data = _plan(owners=["P\ufeffD"])
    data["owners"] = {"P\ufeffD": {"name": "Programdirektör"}}
    pattern = f"String should match pattern '{OWNER_KEY_PATTERN}'"
    assert by_shape(shape.PLAN, data) == by_pydantic(PlanFile, data) == [
        (("criteria", "0", "goals", "0", "activities", "0", "owners", "0"),
         "string_pattern_mismatch", pattern),
        (("owners", "P\ufeffD", "[key]"), "string_pattern_mismatch", pattern),
    ]
    # Every engine flags the list item (the map's patternProperties leaves a key that does
    # not fit unchecked: looser than qaplan, as allowed).
    flagged_by = {error.split(":")[0] for error in schema_errors("plan", data)}
    assert flagged_by == set(schema_validators("plan"))


def test_digits_other_than_ascii_are_not_years() -> None:
    """`\\d` in Python reads "٢٠٢٤" as 2024; no JSON Schema engine can follow, so neither
    does qaplan."""
    for text in ["\u0662\u0660\u0662\u0664", "VT\u0662\u0664", "\uff12\uff10\uff12\uff14-06-30"]:
        with pytest.raises(ValueError):
            Due.parse(text)
        with pytest.raises(ValueError):
            parse_year(text)


# Every character of the Basic Multilingual Plane but the surrogates (every pattern and
# every whitespace or digit qaplan reads lies there), and a few beyond it.
CHARACTERS = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF] + [
    "\U0001d7ce", "\U0001f600", "\U000e0020", "\U00010fff", "\U0010ffff"]


def _ecma_matches(pattern: str, texts: list[str]) -> dict[str, list[bool]]:
    regress = pytest.importorskip("regress")
    return {flags or "no flags": [bool(regex.find(text)) for text in texts]
            for flags in ("u", "")
            for regex in [regress.Regex(pattern, flags=flags) if flags else regress.Regex(pattern)]}


@pytest.mark.parametrize("pattern, field, make", [
    (OWNER_KEY_PATTERN, OwnerKey, lambda c: f"P{c}D"),
    (SLUG_PATTERN, Slug, lambda c: f"a{c}"),
])
def test_patterns_read_alike_by_python_rust_and_ecma(
    pattern: str, field: Any, make: Callable[[str], str]
) -> None:
    """For every character: shape.py (Python re) and pydantic (Rust regex) agree exactly,
    and the JSON Schema (ECMA-262) accepts at least as much."""
    texts = [make(c) for c in CHARACTERS]
    python = [bool(re.search(pattern.removesuffix("$") + r"\Z", text)) for text in texts]
    rust = [True] * len(texts)
    try:
        TypeAdapter(list[field]).validate_python(texts)
    except ValidationError as exc:
        for error in exc.errors():
            rust[int(error["loc"][0])] = False
    assert [t for t, a, b in zip(texts, python, rust) if a != b] == []
    for engine, ecma in _ecma_matches(pattern, texts).items():
        assert [t for t, a, b in zip(texts, python, ecma) if a and not b] == [], engine


def _title(text: str) -> str:
    """A title as qaplan reads it: one with no text is refused."""
    if not has_text(text):
        raise ValueError("blank")
    return text


def _accepts(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("pattern, parse, make", [
    (TERM_PATTERN, Due.parse, lambda c: f"{c}VT24{c}"),
    (TERM_PATTERN, Due.parse, lambda c: f"{c}2024-06-30{c}"),
    (TERM_PATTERN, Due.parse, lambda c: f"H2{c}"),
    (YEAR_TEXT_PATTERN, parse_year, lambda c: f"{c}2024{c}"),
    (YEAR_TEXT_PATTERN, parse_year, lambda c: f"202{c}"),
    (TITLE_PATTERN, _title, lambda c: c),
    (TITLE_PATTERN, _title, lambda c: f" {c} "),
])
def test_schema_patterns_accept_every_character_qaplan_accepts(
    pattern: str, parse: Callable[[str], Any], make: Callable[[str], str]
) -> None:
    """Whitespace around a year or term, and its digits, as every engine reads them."""
    texts = [make(c) for c in CHARACTERS]
    accepted = [_accepts(parse, text) for text in texts]
    assert sum(accepted) >= 10
    engines = {"python re": [bool(re.search(pattern, text)) for text in texts],
               **_ecma_matches(pattern, texts)}
    for engine, matches in engines.items():
        assert [t for t, a, b in zip(texts, accepted, matches) if a and not b] == [], engine

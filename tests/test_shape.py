"""`qaplan.shape` and the pydantic models in `qaplan.model` must see the same problems.

`qaplan validate` checks files with the plain-data shape check; reports build typed plans
with the pydantic models. If the two disagree, validate passes a file that a report then
rejects (or the reverse). This file protects that agreement on generated documents, the
shape check's exact answers on readable inputs, and the same findings for a file whether
validate checks it alone or among many files in the process pool.

One difference is deliberate: a key that is not text inside a record (`2024:` in an
activity) is an unknown key for the shape check (`extra_forbidden`, with a position) where
pydantic says `invalid_key`; and pydantic writes bool keys as 1/0 in its locations.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_PLAN, run_cli, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from qaplan import pipeline, shape
from qaplan.loader import parse, read
from qaplan.model import PlanFile, RepoConfig

ROOT = Path(__file__).resolve().parent.parent
PLANS = [read(p, str(p)).data for p in sorted((ROOT / "plans").glob("*.yaml"))
         if p.name != "qaplan.yaml"]
CONFIG = read(ROOT / "plans/qaplan.yaml", "plans/qaplan.yaml").data
KINDS: dict[str, tuple[type[BaseModel], shape.Record, list[Any]]] = {
    "plan": (PlanFile, shape.PLAN, PLANS),
    "config": (RepoConfig, shape.CONFIG, [CONFIG]),
}
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
KEYS = st.one_of(
    st.sampled_from(["title", "titel", "Title", "id", "schema_", "owners", "status", "note",
                     "name", "code", "x y", "2024", " 2024", "24", "abc"]),
    st.sampled_from([None, True, False, 3.5, 0, 2024, 1800, 2300]),
    st.text(max_size=6),
)
VALUES = st.recursive(
    WRITTEN | st.integers() | st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
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
def mutated(draw: st.DrawFn, bases: list[Any]) -> Any:
    """A base document with one to four nodes replaced, twisted, deleted, added to or renamed."""
    box: dict[str, Any] = {"doc": copy.deepcopy(draw(st.sampled_from(bases)))}
    for _ in range(draw(st.integers(1, 4))):
        path = ("doc", *draw(st.sampled_from(_paths(box["doc"]))))
        parent: Any = box
        for part in path[:-1]:
            parent = parent[part]
        key, op = path[-1], draw(st.sampled_from(["set", "twist", "delete", "add", "rename"]))
        if op == "set" or path == ("doc",) or type(parent) is list and op in ("add", "rename"):
            parent[key] = draw(VALUES)
        elif op == "twist":
            parent[key] = draw(st.sampled_from(TWISTS))(parent[key])
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent[key], dict):
            parent[key][draw(KEYS)] = draw(VALUES)
        elif op == "rename":  # a status year as text, out of range, a near-miss of a key...
            new = draw(KEYS | st.sampled_from([twist(key) for twist in TWISTS]))
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
         "a status key must be a four-digit year such as 2024")]


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
    real_pool = pipeline._check_in_pool

    def spy(todo: Any, *args: Any) -> None:
        pooled.append(len(todo))
        real_pool(todo, *args)

    monkeypatch.setattr(pipeline, "_check_in_pool", spy)
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

"""A kind of file added by a test alone: one `Kind` entry (shape, typed value, checks, id path),
and `qaplan validate` recognises, checks and counts its files without the engine knowing it.

This is the pattern a new kind (the deviation register) follows: a format module, a checks
module, and `qaplan.kinds.register` (for a built-in kind: an entry in `KINDS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write

from qaplan.codes import Code, Finding
from qaplan.engine.run import check_paths
from qaplan.kinds import KINDS, Kind, Scope, register, unregister
from qaplan.loader import Document
from qaplan.shape import OneOf, Record, Text, Title
from qaplan.values import SCHEMA_V1, SLUG_PATTERN


@dataclass(frozen=True, slots=True)
class Memo:
    """The memo kind's typed value."""

    id: str
    title: str


def build_memo(data: Mapping[str, Any]) -> Memo:
    return Memo(data["memo"]["id"], data["memo"]["title"])


MEMO_SHAPE = Record("MemoFile", {
    "schema": (OneOf((SCHEMA_V1,)), True),
    "memo": (Record("Memo", {"id": (Text(SLUG_PATTERN, 200), True), "title": (Title(), True)}),
             True),
})

QP990 = Code(
    "QP990", "warning", "memo title in capitals", "the memo title '{title}' is in capitals",
    what="A memo's title is written in capital letters.",
    why="A demonstration of a check that belongs to one kind of file.",
    fix="Write the title in sentence case.",
)


def memo_checks(doc: Document, data: Any, scope: Scope) -> Iterable[Finding]:
    memo = build_memo(data)
    if memo.title.isupper():
        line, column = doc.value_position(("memo", "title"))
        yield QP990.at(doc.file, line, column, title=memo.title)


@pytest.fixture
def memo_kind() -> Iterator[Kind]:
    kind = Kind(name="memo", key="memo", shape=MEMO_SHAPE, build=build_memo,
                checks=memo_checks, id_path=("memo", "id"))
    register(kind)
    yield kind
    unregister("memo")
    assert "memo" not in KINDS


def _validate(*paths: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("validate", "--no-cache", "--format", "json", *paths)
    return result.exit_code, json.loads(result.stdout)


def test_a_memo_is_recognised_checked_and_counted(repo: Path, memo_kind: Kind) -> None:
    write(repo / "memos" / "m1.yaml", "schema: qaplan/v1\nmemo: {id: m1, title: Kickoff notes}\n")
    code, report = _validate("memos")
    assert code == 0
    assert report["files"] == 1
    assert report["findings"] == []


def test_a_memo_that_departs_from_its_shape_is_reported_where_it_does(
    repo: Path, memo_kind: Kind
) -> None:
    write(repo / "memos" / "m1.yaml", "schema: qaplan/v1\nmemo:\n  id: m1\n  titel: Notes\n")
    code, report = _validate("memos")
    assert code == 1
    found = {(f["code"], f["line"], f["column"]) for f in report["findings"]}
    assert ("QP101", 4, 3) in found  # the unknown key, at the key
    assert ("QP102", 3, 3) in found  # the missing title, at the mapping that lacks it


def test_a_check_of_the_kind_emits_its_own_finding(repo: Path, memo_kind: Kind) -> None:
    write(repo / "memos" / "m1.yaml", "schema: qaplan/v1\nmemo: {id: m1, title: KICKOFF}\n")
    code, report = _validate("memos")
    assert code == 0  # a warning
    assert report["findings"] == [{
        "file": "memos/m1.yaml", "line": 2, "column": 23, "severity": "warning",
        "code": "QP990", "message": "the memo title 'KICKOFF' is in capitals",
    }]


def test_a_memo_id_used_twice_is_reported_by_the_id_path(repo: Path, memo_kind: Kind) -> None:
    write(repo / "memos" / "a.yaml", "schema: qaplan/v1\nmemo: {id: m1, title: One}\n")
    write(repo / "memos" / "b.yaml", "schema: qaplan/v1\nmemo: {id: m1, title: Two}\n")
    code, report = _validate("memos")
    assert code == 1
    assert [(f["file"], f["code"]) for f in report["findings"]] == [("memos/b.yaml", "QP112")]
    assert "memos/a.yaml" in report["findings"][0]["message"]


def test_a_memo_id_is_not_compared_with_plan_ids(repo: Path, memo_kind: Kind) -> None:
    write(repo / "memos" / "m1.yaml", "schema: qaplan/v1\nmemo: {id: p1, title: One}\n")
    write(repo / "plans" / "p1.yaml",
          "schema: qaplan/v1\nplan: {id: p1, title: A plan}\ncriteria: []\n")
    code, report = _validate(".")
    assert code == 0
    assert report["files"] == 2


def test_the_engine_builds_the_typed_value_of_the_kind(repo: Path, memo_kind: Kind) -> None:
    write(repo / "memos" / "m1.yaml", "schema: qaplan/v1\nmemo: {id: m1, title: Notes}\n")
    run = check_paths(["memos"], date(2026, 12, 1), use_cache=False)
    [result] = run.of_kind("memo")
    assert result.file_id == "m1"
    assert result.value == Memo("m1", "Notes")


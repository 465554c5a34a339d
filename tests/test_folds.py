"""A report's per-plan facts (`qaplan.engine.folds`): worked out where each plan is checked, kept
in signed cache entries, and never trusted or reused where they could be wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, write
from test_continues import CLOSED, NEW, OLD

from qaplan.cache import DIRECTORY

AS_OF = ("--as-of", "2026-03-01")
ALONE = NEW.replace("            continues: old/A1\n", "").replace("id: new", "id: a")  # no links


def _status(*args: str) -> dict[str, object]:
    result = run_cli("status", "--format", "json", *AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _facts_entries(root: Path) -> list[Path]:
    """The cache entries that hold a report's facts (their fields line is the key alone)."""
    found = []
    for path in (root / DIRECTORY).rglob("*.json"):
        lines = path.read_bytes().split(b"\n", 2)  # the texts of some facts hold newlines
        if len(lines) == 3 and set(json.loads(lines[1])) == {"key"}:
            found.append(path)
    return found


@pytest.fixture
def periods(repo: Path) -> Path:
    """A closed plan and a later plan whose A1 carries on the closed plan's A1."""
    write(repo / "plans/old.yaml", OLD.format(closed=CLOSED))
    write(repo / "plans/new/new.yaml", NEW)
    return repo


def test_facts_are_kept_per_plan_and_per_as_of(repo: Path) -> None:
    write(repo / "plans/a.yaml", ALONE)
    fresh = _status("--no-cache")
    assert _status() == fresh and _status() == fresh
    assert len(_facts_entries(repo)) == 1
    other = ["--as-of", "2027-06-01"]
    later = run_cli("status", "--format", "json", *other)
    assert later.stdout == run_cli("status", "--format", "json", *other, "--no-cache").stdout
    assert json.loads(later.stdout) != fresh
    assert len(_facts_entries(repo)) == 2  # the facts depend on the as-of date: a second entry


def test_tampered_facts_are_not_used(repo: Path) -> None:
    write(repo / "plans/a.yaml", ALONE)
    fresh = _status()
    (entry,) = _facts_entries(repo)
    seal, head, data = entry.read_bytes().split(b"\n")
    facts = json.loads(data)
    facts[2] = 999  # the plan's activity count, changed without the key that signs entries
    entry.write_bytes(b"\n".join((seal, head, json.dumps(facts).encode())))
    assert _status() == fresh  # worked out again from the plan
    assert _status() == fresh


def test_a_carried_activity_reads_the_earlier_plan_as_it_is_now(periods: Path) -> None:
    before = _status()
    row = next(plan for plan in before["plans"] if plan["plan"] == "new")  # type: ignore[union-attr]
    assert row["missing_follow_up"] == 0  # 2025's follow-up comes from old/A1
    old = periods / "plans/old.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace(
        "              2025: {state: delayed, note: Waiting for the budget.}\n", ""),
        encoding="utf-8")
    after = _status()  # new.yaml did not change; what it carries on did
    row = next(plan for plan in after["plans"] if plan["plan"] == "new")  # type: ignore[union-attr]
    assert row["missing_follow_up"] == 1
    assert after == _status("--no-cache")


REPORTS = {
    "status": ("status",),
    "overdue": ("overdue", "--within", "400"),
    "report-markdown": ("report",),
    "report-json": ("report", "--format", "json"),
    "diff": ("diff", "--from-year", "2024", "--to-year", "2025"),
}
DAMAGE = {
    "null": b"null",
    "list": b"[1, 2]",
    "not-json": b'["a", [tr',
    "nested": b"[" * 100_000 + b"]" * 100_000,
    "bad-index": None,  # the right shape, with numbers out of their range: filled in below
}


# Out-of-range numbers are a shape error only where they index (the report's rows); elsewhere
# numbers that are merely wrong cannot be told from right ones: the signature rules them out.
CASES = [(report, damage) for report in REPORTS for damage in DAMAGE
         if damage != "bad-index" or report.startswith("report")]


@pytest.mark.parametrize(("report", "damage"), CASES)
def test_signed_facts_of_the_wrong_shape_are_misses(repo: Path, report: str, damage: str) -> None:
    from qaplan.cache import open_cache

    write(repo / "plans/a.yaml", ALONE)
    args = (*REPORTS[report], *AS_OF)
    fresh = run_cli(*args, "--no-cache")
    assert run_cli(*args).stdout == fresh.stdout
    cache = open_cache(repo)
    assert cache is not None
    damaged = {}
    for entry in _facts_entries(repo):
        key = entry.parent.name + entry.stem
        found = cache.get(key, True)
        assert found is not None and found[1] is not None
        data = DAMAGE[damage] or found[1].replace(b"0", b"9999").replace(b"1", b"-1")
        cache.put_raw(key, json.dumps(found[0]).encode(), data)  # signed with the right key
        damaged[entry] = entry.read_bytes()
    assert damaged
    again = run_cli(*args)
    assert (again.exit_code, again.stdout) == (fresh.exit_code, fresh.stdout), again.stderr
    assert all(entry.read_bytes() != before for entry, before in damaged.items())  # rewritten


def _reference_fits(value: object, template: object) -> bool:
    """The shape rule spelt out one item at a time, for `shape` to agree with."""
    from qaplan.engine.folds import Row

    if isinstance(template, Row):
        return (type(value) is list and len(value) == len(template)
                and all(_reference_fits(item, part) for item, part in zip(value, template)))
    if isinstance(template, list):
        return type(value) is list and all(_reference_fits(item, template[0]) for item in value)
    if isinstance(template, tuple):
        return any(_reference_fits(value, part) for part in template)
    return type(value) is template


def test_a_shape_agrees_with_the_rule_item_by_item() -> None:
    import itertools

    from qaplan.engine.folds import Row, shape

    text = (str, type(None))
    templates = [int, text, [str], [Row((str, int))], Row((text, int, [str], Row((int, int)))),
                 (int, [int]), [[int]], Row(()), [(int, Row((str,)))],
                 Row((str, (str, type(None), [str]), int)), Row(((int, [str]),))]
    atoms: list[object] = [0, True, 1.5, "a", None, [], (), {}, ["a"], [1], [True], [1, "a"],
                           ["a", 1], [["a", 1]], [[1]], [[]], [None, 1, ["x"], [1, 2]],
                           ["a", 1, ["x"], [1, 2]], ["a", 1, ["x"], [1, True]],
                           ["a", 1, ("x",), [1, 2]], ["a", 1, ["x"], [1, 2], 3], [1, ["b"]],
                           [["b"]], [[2, 3], [4]], [[2, "3"]], ["a", None, 1], ["a", ["b"], 1],
                           ["a", [2], 1], ["a", "b", True], [["b"]], [[2]]]
    values = atoms + [list(pair) for pair in itertools.product(atoms[:8], repeat=2)]
    for template in templates:
        check = shape(template)
        for value in values:
            assert check(value) is _reference_fits(value, template), (template, value)


def _texts(entry: object, earlier: object, count: int) -> list[object]:
    """Facts with texts to keep apart: newlines, quotes, non-ASCII, empty ones."""
    texts = ["", 'a "quoted"\nline', "å\u2028ø\x00", *(f"{n}\n" for n in range(count))]
    return [count, texts, {"after": True}]


def test_texts_kept_apart_come_back_as_they_were_written() -> None:
    from qaplan.engine.folds import Fold

    fold = Fold("texts", "plan", _texts, (3,), apart=1)
    data = fold.facts(None)  # type: ignore[arg-type]
    head, _, rest = data.partition(b"\n")
    assert json.loads(head) == [3, [0, 15, 8, 2, 2, 2], {"after": True}]  # lengths in bytes
    value = fold.decode(data)
    assert [bytes(text).decode() for text in value[1]] == _texts(None, None, 3)[1]
    assert value[::2] == [3, {"after": True}]
    assert rest == b"".join(bytes(text) for text in value[1])  # views of what was read


@pytest.mark.parametrize("damaged", [
    b"[3,[0,16,8,2,2,2],{}]\nshort",  # fewer bytes than the lengths say
    b"[3,[0,16,8,2,2,2],{}]",  # no texts at all
    b"[3,[-1,1],{}]\nab",  # a negative length
    b"[3,[true,1],{}]\nab",  # a length that is not a number
    b"[3,5,{}]\nabcde",  # lengths that are not a list
    b"[3]\n",  # no place for the lengths
    b"{}\n",
])
def test_texts_that_do_not_match_their_lengths_are_refused(damaged: bytes) -> None:
    from qaplan.engine.folds import Fold

    with pytest.raises(ValueError):
        Fold("texts", "plan", _texts, (3,), apart=1).decode(damaged)

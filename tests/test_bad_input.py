"""A corpus of bad input, run against every command: the contract's exit code, a message that
names the file, no traceback, a time bound, and every input file unchanged."""

from __future__ import annotations

import hashlib
import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import plan_text  # noqa: E402

from conftest import MINIMAL_PLAN, run_cli  # noqa: E402

TIME_BOUND = 60.0  # seconds for any one command on any one input (a 20 MB plan included)


def _alias_bomb() -> bytes:
    lines = ["schema: qaplan/v1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines.append("plan: {id: p, title: P}")
    return ("\n".join(lines) + "\n").encode()


def _big_plan() -> bytes:
    text = plan_text(3, criteria=5600)
    assert len(text) > 20_000_000
    return text.encode()


# name -> (file content, is it a valid plan?)
CORPUS: dict[str, tuple[Callable[[], bytes], bool]] = {
    "alias-bomb": (_alias_bomb, False),
    "deep-flow": (lambda: b"schema: qaplan/v1\nplan: " + b"[" * 100_000 + b"]" * 100_000, False),
    "deep-block": (lambda: b"schema: qaplan/v1\nplan:\n  " + b"- " * 100_000 + b"x\n", False),
    "not-utf8": (lambda: b"schema: qaplan/v1\nplan: {id: p, title: 'L\xe4kar'}\n", False),
    "utf16": (lambda: MINIMAL_PLAN.format(plan_id="p").encode("utf-16"), False),
    "nul-byte": (lambda: b"schema: qaplan/v1\nplan: {id: p, title: 'a\x00b'}\n", False),
    "tabs": (lambda: b"schema: qaplan/v1\nplan:\n\tid: p\n", False),
    "unclosed": (lambda: b"schema: qaplan/v1\nplan: {id: p, title: [\n", False),
    "python-tag": (lambda: b"schema: qaplan/v1\nplan: !!python/object/apply:os.system [ls]\n", False),
    "huge-int": (lambda: b"schema: qaplan/v1\nplan: {id: p, title: P}\nx: " + b"9" * 10_000 + b"\n",
                 False),
    "list-root": (lambda: b"- schema: qaplan/v1\n", None),  # type: ignore[dict-item]
    "bom": (lambda: b"\xef\xbb\xbf" + MINIMAL_PLAN.format(plan_id="p").encode(), True),
    "big-20mb": (_big_plan, True),
}
REPORTS = [
    ("overdue", []),
    ("status", []),
    ("diff", ["--from-year", "2023", "--to-year", "2024"]),
    ("export", ["-o", "out.xlsx"]),
]


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".qaplan_cache" not in p.parts
            and p.name != "out.xlsx"}


def _run(*args: str) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    result = run_cli(*args)
    return result.exit_code, result.stdout, result.stderr, time.perf_counter() - start


@pytest.fixture(scope="module")
def big() -> bytes:
    return _big_plan()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_command_on_bad_input(name: str, repo: Path, big: bytes) -> None:
    make, valid = CORPUS[name]
    content = big if name == "big-20mb" else make()
    (repo / "plans" / f"{name}.yaml").write_bytes(content)
    before = _digest(repo)

    code, out, err, seconds = _run("validate", "plans", "--as-of", "2026-11-23")
    assert seconds < TIME_BOUND
    assert "Traceback" not in out + err
    if valid is None:  # not a plan at all: a note, and no plan in the directory
        assert code == 2 and f"plans/{name}.yaml" in err
    elif valid:
        assert code == 0, out
    else:
        assert code == 1
        assert f"plans/{name}.yaml:" in out

    for command, extra in REPORTS:
        code, out, err, seconds = _run(command, "plans", "--as-of", "2026-11-23", *extra)
        assert seconds < TIME_BOUND, command
        assert "Traceback" not in out + err
        if valid:
            assert code == 0, (command, err)
        else:
            assert code == 2, (command, out, err)
            assert f"plans/{name}.yaml" in err, (command, err)
    assert _digest(repo) == before


def test_empty_and_whitespace_files(repo: Path) -> None:
    (repo / "plans/empty.yaml").write_bytes(b"")
    (repo / "plans/blank.yaml").write_bytes(b"  \n\t\n")
    code, _, err, _ = _run("validate", "plans")
    assert code == 2 and "plans: no plan files found" in err
    code, out, _, _ = _run("validate", "plans/empty.yaml", "plans/blank.yaml")
    assert code == 1
    assert "plans/blank.yaml:1:1: error QP005 file is empty" in out
    code, _, err, _ = _run("overdue", "plans/empty.yaml")
    assert code == 2 and "plans/empty.yaml" in err


def test_nonexistent_path_and_directory_without_plans(repo: Path) -> None:
    (repo / "plans/ci.yml").write_text("on: push\n", encoding="utf-8")
    for command, extra in [("validate", []), *REPORTS]:
        code, _, err, _ = _run(command, "missing/", *extra)
        assert code == 2 and "missing/: no such file or directory" in err, command
        code, _, err, _ = _run(command, "plans", *extra)
        assert code == 2 and "plans: no plan files found" in err, command
        assert "plans/ci.yml" in err


def _xlsx_corpus(root: Path) -> dict[str, Path]:
    files = {}
    zip_bytes = io.BytesIO()
    with zipfile.ZipFile(zip_bytes, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    files["zip-not-xlsx"] = zip_bytes.getvalue()
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nothing", "to", "see"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    files["no-header"] = buffer.getvalue()
    files["truncated"] = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    files["text"] = b"ID;Kriterium\n1;a\n"
    files["ole-encrypted"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    paths = {}
    for name, content in files.items():
        path = root / f"{name}.xlsx"
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_import_refuses_what_is_not_a_plan_table(repo: Path) -> None:
    paths = _xlsx_corpus(repo)
    before = _digest(repo)
    for name, path in paths.items():
        code, out, err, seconds = _run("import", path.name, "--year", "2024", "-o", "plans/new.yaml")
        assert code == 2, (name, out, err)
        assert path.name in err, (name, err)
        assert "Traceback" not in out + err
        assert seconds < TIME_BOUND
        assert not (repo / "plans/new.yaml").exists(), name
    code, _, err, _ = _run("import", "missing.xlsx", "--year", "2024")
    assert code == 2 and "missing.xlsx" in err
    assert _digest(repo) == before


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_plan_does_not_hang(repo: Path) -> None:
    import os

    (repo / "plans/p.yaml").write_text(MINIMAL_PLAN.format(plan_id="p"), encoding="utf-8")
    os.mkfifo(repo / "plans/pipe.yaml")
    code, out, err, seconds = _run("validate", "plans")
    assert code == 1
    assert "plans/pipe.yaml:1:1: error QP011 cannot read the file: not a regular file" in out
    assert seconds < TIME_BOUND

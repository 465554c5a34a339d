"""Finding codes: each declared once beside the code that emits it, every call site filling
exactly its message's fields, and a registry that no declaring module imports."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

import qaplan
from qaplan.findings import CODES, DECLARING, finding

PACKAGE = Path(qaplan.__file__).resolve().parent
_CODE_NAME = re.compile(r"QP[0-9]{3}\Z")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, tuple[Path, ast.Module]]:
    return {_module_name(path): (path, ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(PACKAGE.rglob("*.py"))}


SOURCES = _sources()


def _declarations() -> list[tuple[str, str, str]]:
    """(module, variable, code) of every `QPnnn = Code("QPnnn", ...)` in the package."""
    found = []
    for module, (_, tree) in SOURCES.items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Name) and node.value.func.id == "Code"):
                first = node.value.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), module
                for target in node.targets:
                    assert isinstance(target, ast.Name)
                    found.append((module, target.id, first.value))
    return found


def _code_of(call: ast.Call, declares: bool) -> tuple[str | None, bool]:
    """The code a finding-making call names (None: decided at run time), and whether it is one.

    `QP103.at(file, line, col, ...)`, `ctx.at(path, QP103, ...)` and the registry's
    `finding(file, line, col, "QP103", ...)`; a call that passes `**fields` on is a forwarder.
    An `.at` naming no code makes a finding only in a module that declares codes
    (`qaplan.edit` has an `at` of its own).
    """
    func = call.func
    if any(keyword.arg is None for keyword in call.keywords):
        return None, False
    if isinstance(func, ast.Attribute) and func.attr == "at":
        receiver = func.value
        if isinstance(receiver, ast.Name) and _CODE_NAME.match(receiver.id):
            return receiver.id, True
        named = [arg.id for arg in call.args
                 if isinstance(arg, ast.Name) and _CODE_NAME.match(arg.id)]
        return (named[0], True) if named else (None, declares)
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "finding" and len(call.args) >= 4:
        code = call.args[3]
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            return code.value, True
        return None, True
    return None, False


def _call_sites() -> list[tuple[str, int, str | None, set[str]]]:
    """(module, line, code or None, keyword names) of every call that makes a finding."""
    declaring = {module.__name__ for module in DECLARING}
    sites = []
    for module, (_, tree) in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                code, is_site = _code_of(node, module in declaring)
                if is_site:
                    fields = {k.arg for k in node.keywords if k.arg is not None} - {"on_key"}
                    sites.append((module, node.lineno, code, fields))
    return sites


def test_every_code_is_declared_once_under_its_own_name() -> None:
    declared = _declarations()
    counts = Counter(code for _, _, code in declared)
    assert [code for code, count in counts.items() if count > 1] == []
    assert all(variable == code for _, variable, code in declared)
    assert set(counts) == set(CODES)


def test_the_registry_lists_every_declaring_module_and_each_lists_its_codes() -> None:
    declared = _declarations()
    assert {module for module, _, _ in declared} == {module.__name__ for module in DECLARING}
    for module in DECLARING:
        own = {code for name, _, code in declared if name == module.__name__}
        assert [code.code for code in module.CODES] == sorted(own), module.__name__


def test_the_registry_is_in_code_order() -> None:
    assert list(CODES) == sorted(CODES)
    assert all(key == code.code for key, code in CODES.items())


def test_every_call_site_fills_exactly_the_fields_of_its_code() -> None:
    wrong = []
    for module, line, code, fields in _call_sites():
        if code is not None:
            candidates = [CODES[code]]
        else:
            # A code chosen at run time is one of its module's own, which must all fit.
            declared = getattr(__import__(module, fromlist=["CODES"]), "CODES", ())
            candidates = list(declared)
            if not candidates:
                wrong.append(f"{module}:{line}: the code is not named, nor declared here")
        wrong += [f"{module}:{line}: {entry.code} takes {sorted(entry.fields)}, "
                  f"the call gives {sorted(fields)}"
                  for entry in candidates if entry.fields != fields]
    assert wrong == []


def test_every_code_is_emitted_somewhere() -> None:
    emitted = set()
    for module, _, code, _ in _call_sites():
        if code is not None:
            emitted.add(code)
        else:
            emitted |= {entry.code for entry in __import__(module, fromlist=["CODES"]).CODES}
    assert set(CODES) - emitted == set()


def _imports(module: str, tree: ast.Module) -> set[str]:
    """The package's modules that `module` imports anywhere, in functions too (not for typing)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from qaplan import loader` imports the module qaplan.loader, not the package's names.
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in SOURCES else node.module)
    return {name for name in names if name in SOURCES and name != module}


def test_no_module_the_registry_imports_leads_back_to_it() -> None:
    graph = {module: _imports(module, tree) for module, (_, tree) in SOURCES.items()}
    seen: set[str] = set()
    stack = sorted(graph["qaplan.findings"])
    while stack:
        module = stack.pop()
        if module not in seen:
            seen.add(module)
            stack.extend(graph[module])
    assert "qaplan.findings" not in seen


def test_a_code_refuses_fields_its_message_does_not_have() -> None:
    code = CODES["QP103"]
    assert code.fields == {"end", "start"}
    assert code.at("p.yaml", 3, 5, end=2023, start=2024).message == "end (2023) is before start (2024)"
    with pytest.raises(TypeError, match="QP103"):
        code.at("p.yaml", 3, 5, end=2023)
    with pytest.raises(TypeError, match="QP103"):
        code.at("p.yaml", 3, 5, end=2023, start=2024, extra=1)


def test_a_finding_by_the_name_of_its_code_is_the_same_finding() -> None:
    assert finding("p.yaml", 1, 1, "QP202") == CODES["QP202"].at("p.yaml", 1, 1)


def test_message_values_are_made_printable() -> None:
    found = CODES["QP106"].at("p.yaml", 1, 1, owner="P\x1b[31mD")
    assert "\x1b" not in found.message and "\\x1b" in found.message

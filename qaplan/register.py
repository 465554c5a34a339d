"""The deviation register on disk: the case ids it holds, and a new case with the next free id."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from qaplan.formats.deviation import CASE_ID, case_id
from qaplan.values import SCHEMA_V1

SCHEMA_FILE = "schemas/deviation.schema.json"  # from the repository root, as `init` writes schemas
_WRITTEN_ID = re.compile(r"\bid:[ \t]*[\"']?(AV-[0-9]{4}-[0-9]+)")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_ATTEMPTS = 1000  # ids to try when others take the next one while this one is written


class UnknownUnit(Exception):
    """The unit is not a key of the units tree of the repository's qaplan.yaml."""

    def __init__(self, config_file: str, units: list[str]) -> None:
        super().__init__(config_file)
        self.config_file = config_file
        self.units = units


def case_ids(directory: Path) -> Iterator[str]:
    """Every case id the register holds: the names of its files, and the ids written in them.

    The text is searched rather than parsed: a file with a YAML error still holds its id, and
    an id-like text elsewhere in a file can only skip a number, never give one twice.
    """
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        yield path.stem
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # unreadable: `qaplan validate` says so; its name was counted above
        yield from _WRITTEN_ID.findall(text)


def next_number(ids: Iterator[str], year: int) -> int:
    """One more than the highest number of `year` among `ids` (AV-YYYY-NNN), else 1."""
    highest = 0
    for text in ids:
        match = CASE_ID.match(text)
        if match and int(match.group(1)) == year:
            highest = max(highest, int(match.group(2)))
    return highest + 1


def case_text(case: str, *, unit: str, category: str, title: str, reported: date,
              schema_path: str) -> str:
    """The file of a newly received case, with the modeline that gives editors its schema."""
    # A JSON string is a YAML double-quoted string: any title is written safely.
    return (f"# yaml-language-server: $schema={schema_path}\n"
            f"schema: {SCHEMA_V1}\n"
            "deviation:\n"
            f"  id: {case}\n"
            f"  title: {json.dumps(title, ensure_ascii=False)}\n"
            f"  reported: {reported.isoformat()}\n"
            f"  category: {category}\n"
            f"  unit: {_scalar(unit)}\n"
            "  state: received\n")


def _scalar(text: str) -> str:
    """A key as YAML: plain when it reads back as the same text (IBI), else quoted."""
    from qaplan.loader import resolve_plain

    # YAML 1.1 readers (some editors) take yes/no/on/off for booleans: quote those too.
    if (_PLAIN.fullmatch(text) and resolve_plain(text) == text
            and text.lower() not in ("yes", "no", "on", "off", "y", "n")):
        return text
    return json.dumps(text, ensure_ascii=False)


def _existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (the register may not exist yet)."""
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_unit(directory: Path, unit: str) -> None:
    """Raise UnknownUnit when the repository's qaplan.yaml has a units tree without `unit`."""
    from qaplan.engine.files import load_config
    from qaplan.repo import display_path, nearest_config

    found = nearest_config(_existing(directory))
    if found is None:
        return
    config = load_config(found, display_path(found)).config
    if config is not None and config.units and unit not in config.units:
        raise UnknownUnit(display_path(found), sorted(config.units))


def schema_file(directory: Path) -> Path:
    """Where the register's JSON Schema belongs: in schemas/ at the repository's root."""
    from qaplan.repo import nearest_config, repository_root

    start = _existing(directory)
    config = nearest_config(start)
    return (repository_root(start) or (config.parent if config else Path.cwd().resolve())) \
        / SCHEMA_FILE


def new_case(directory: Path, *, unit: str, category: str, title: str, reported: date,
             year: int | None = None) -> Path:
    """Write the next free case of the year in `directory`/YYYY/ and return its path.

    The file is created, never replaced: if another process takes the number meanwhile,
    the next one is used.
    """
    check_unit(directory, unit)
    year = reported.year if year is None else year
    target_dir = directory / str(year)
    number = next_number(case_ids(directory), year)
    target_dir.mkdir(parents=True, exist_ok=True)
    modeline = Path(os.path.relpath(schema_file(directory), target_dir.resolve())).as_posix()
    for offset in range(_ATTEMPTS):
        case = case_id(year, number + offset)
        path = target_dir / f"{case}.yaml"
        text = case_text(case, unit=unit, category=category, title=title, reported=reported,
                         schema_path=modeline)
        if _create(path, text):
            return path
    raise FileExistsError(f"{target_dir}: no free case id after {_ATTEMPTS} attempts")


def _create(path: Path, text: str) -> bool:
    """Write a new file whole, or nothing when `path` exists (False)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        # A hard link never replaces a file: it is the whole file or an error.
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

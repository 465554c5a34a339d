"""Regenerate the generated parts of the repository: README's table of codes, the schemas, examples/."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qaplan.findings import codes_markdown_table  # noqa: E402
from qaplan.init import EXAMPLE_FILES, STATIC_FILES, static_text  # noqa: E402
from qaplan.kinds import KINDS  # noqa: E402
from qaplan.model import plan_json_schema  # noqa: E402
from qaplan.model_config import config_json_schema  # noqa: E402

START, END = "<!-- codes:start -->", "<!-- codes:end -->"


def readme_with_codes(text: str) -> str:
    """README text with the table of codes between its markers replaced by the registry's."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{codes_markdown_table()}{END}", text)


def schema_text(config: bool = False, kind: str | None = None) -> str:
    """The JSON Schema of plan files, of qaplan.yaml (`config`) or of another `kind` of file."""
    if kind is not None:
        schema_of = KINDS[kind].json_schema
        assert schema_of is not None, kind
        schema = schema_of()
    else:
        schema = config_json_schema() if config else plan_json_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_examples() -> None:
    """examples/: the CI and editor files that `qaplan init` writes, to read without running it."""
    for name, path in STATIC_FILES.items():
        if path in EXAMPLE_FILES:
            target = ROOT / "examples" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(static_text(name), encoding="utf-8")


def main() -> None:
    readme = ROOT / "README.md"
    readme.write_text(readme_with_codes(readme.read_text(encoding="utf-8")), encoding="utf-8")
    (ROOT / "schemas" / "plan.schema.json").write_text(schema_text(), encoding="utf-8")
    (ROOT / "schemas" / "qaplan.schema.json").write_text(schema_text(True), encoding="utf-8")
    (ROOT / "schemas" / "deviation.schema.json").write_text(schema_text(kind="deviation"),
                                                            encoding="utf-8")
    write_examples()


if __name__ == "__main__":
    main()

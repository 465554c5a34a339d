"""qaplan: quality plans as YAML in git.

The library's entry is `qaplan.load(paths, as_of=..., skip_invalid=...)`, which returns a
`Workspace` of typed plans (`qaplan.workspace`); the command line wraps it.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Workspace", "__version__", "load"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `qaplan --version` and `validate` start fast.
    if name in ("load", "Workspace"):
        from qaplan import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'qaplan' has no attribute {name!r}")

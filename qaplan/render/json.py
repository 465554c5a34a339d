"""JSON: the report's payload, nothing else."""

from __future__ import annotations

import json

from qaplan.render.view import View


def render(view: View, color: bool) -> str:
    return json.dumps(view.data, ensure_ascii=False, indent=2) + "\n"

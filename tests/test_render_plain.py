"""The plain table layout matches tabulate's "simple" layout cell for cell."""

from __future__ import annotations

import random

from tabulate import tabulate  # type: ignore[import-untyped]

from qaplan.render.table import _simple


def test_simple_layout_matches_tabulate() -> None:
    rnd = random.Random(7)
    for _ in range(500):
        width = rnd.randint(1, 5)
        headers = ["".join(rnd.choice("abcåäö ") for _ in range(rnd.randint(0, 8)))
                   for _ in range(width)]
        rows = [["".join(rnd.choice("xyz 19-") for _ in range(rnd.randint(0, 12)))
                 for _ in range(width)] for _ in range(rnd.randint(1, 6))]
        aligns = [rnd.choice(["left", "right"]) for _ in range(width)]
        expected = tabulate(rows, headers=headers, tablefmt="simple", colalign=aligns,
                            disable_numparse=True)
        assert _simple(headers, rows, aligns) == expected

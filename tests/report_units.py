"""A units tree for the yearly report tests: a faculty with two institutes, programmes below
them, a unit without plans, a plan on an institute, and plans outside the tree.

As of 2026-03-01 (report year 2025):

    FAC Fakulteten (sv: no plans of its own)
      INA Institut A (no plans; its programme has)
        PA1 Program A1 (pa1.yaml, sv)
        PA2 Program A2 (no plans at all: left out)
      INB Institutt B (inb.yaml, nb; a plan on an institute)
        PB1 Program B1 (pb1.yaml, nb)
    Other: nounit.yaml (no unit), elsewhere/other.yaml (free text: its qaplan.yaml has no tree)
"""

from __future__ import annotations

from pathlib import Path

from conftest import write

AS_OF = "2026-03-01"
HOSTILE_NOTE = "<script>alert('x')</script> & <b>bold</b>"
HOSTILE_TITLE = "**Loud** [link](http://evil.example) <img src=x onerror=alert(1)>"

CONFIG = """\
schema: qaplan/v1
language: sv
owners:
  PD: {name: Programansvarig}
units:
  FAC: {name: Fakulteten}
  INA: {name: Institut A, parent: FAC}
  INB: {name: Institutt B, parent: FAC}
  PA1: {name: Program A1, parent: INA}
  PA2: {name: Program A2, parent: INA}
  PB1: {name: Program B1, parent: INB}
"""

PA1 = """\
schema: qaplan/v1
plan: {id: pa1, title: Program A1, unit: PA1, language: sv}
criteria:
  - id: K1
    title: Kriterium
    goals:
      - id: K1.M1
        title: Mål
        activities:
          - id: A1
            title: Klar under året
            start: 2024
            end: 2025
            status:
              2024: {state: ongoing, note: Påbörjad.}
              2025: {state: done, note: Klart och infört.}
          - id: A2
            title: Klar året innan
            start: 2023
            end: 2024
            status:
              2024: {state: done, note: Klart 2024.}
          - id: A3
            title: Står still
            start: 2024
            end: 2025
            status:
              2024: {state: ongoing, note: Samma sak.}
              2025: {state: ongoing, note: Samma sak.}
          - id: A4
            title: Planerad med hjälpbehov
            start: 2026
            end: 2027
            status:
              2025: {state: planned, note: Förberedd.}
            help_needed: Fler handledare från institutionen.
          - id: A5
            title: Försenad
            start: 2024
            end: 2026
            status:
              2025: {state: delayed, note: Väntar på beslut.}
          - id: A6
            title: Ingen uppföljning
            start: 2024
            end: VT2026
            status:
              2024: {state: ongoing, note: Igång.}
          - id: A7
            title: Inställd med hjälpbehov
            start: 2024
            end: 2025
            status:
              2025: {state: cancelled}
            help_needed: Behövs inte längre.
"""

INB = f"""\
schema: qaplan/v1
plan: {{id: inb, title: Institutt B, unit: INB, language: nb}}
criteria:
  - id: K1
    title: Kriterium
    goals:
      - id: K1.M1
        title: Mål
        activities:
          - id: T1
            title: "{HOSTILE_TITLE}"
            start: 2025
            end: 2025
            status:
              2025: {{state: done, note: "{HOSTILE_NOTE}"}}
"""

PB1 = """\
schema: qaplan/v1
plan: {id: pb1, title: Program B1, unit: PB1, language: nb}
criteria:
  - id: K1
    title: Kriterium
    goals:
      - id: K1.M1
        title: Mål
        activities:
          - id: T1
            title: Tiltak i gang
            start: 2025
            end: 2026
            status:
              2024: {state: done, note: Ferdig i fjor.}
              2025: {state: ongoing, note: Startet på nytt.}
          - id: T2
            title: Tiltak med tidlig frist
            start: 2025
            end: VT2026
            status:
              2025: {state: ongoing, note: I rute.}
"""

OTHER = """\
schema: qaplan/v1
plan: {id: other, title: Other plan, unit: Somewhere else, language: en}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
          - id: A1
            title: Done elsewhere
            end: 2025
            status:
              2025: {state: done, note: Finished.}
"""

NO_UNIT = """\
schema: qaplan/v1
plan: {id: nounit, title: No unit, language: en}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
          - id: A1
            title: Planned without unit
            end: 2027
            status:
              2025: {state: planned}
"""


def build(root: Path) -> Path:
    """Write the repository under `root` (qaplan.yaml at the root, plans in plans/)."""
    write(root / "qaplan.yaml", CONFIG)
    for name, text in (("pa1", PA1), ("inb", INB), ("pb1", PB1), ("elsewhere/other", OTHER),
                       ("nounit", NO_UNIT)):
        write(root / "plans" / f"{name}.yaml", text)
    write(root / "plans" / "elsewhere" / "qaplan.yaml", "schema: qaplan/v1\nlanguage: en\n")
    return root

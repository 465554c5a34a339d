"""A small plan repository for the report tests: two plans and a qaplan.yaml with shared owners.

As of 2025-03-01 (follow-up year 2024) it holds every date form (year, VT/HT, V/H, two-digit
terms, ISO dates), multi-owner and owner-less activities, done and cancelled ones, a note-only
follow-up, activities without follow-up and one without a due date.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write

AS_OF = "2025-03-01"

CONFIG = """\
schema: qaplan/v1
language: sv
owners:
  PD: {name: Programdirektör}
  KA: {name: Kursansvarig}
"""

# Owner names: PD and KA come from qaplan.yaml although the plans name them too; QX is named by
# the first plan in path order (plans/alpha.yaml).
ALPHA = """\
schema: qaplan/v1
plan: {id: alpha, title: Alpha plan}
owners:
  PD: {name: Local programme director}
  OEK: {name: Examination board}
  QX: {name: Alpha QX}
criteria:
  - id: K1
    title: Criterion
    goals:
      - id: K1.M1
        title: Goal
        activities:
          - id: A1
            title: Year due
            start: 2023
            end: 2024
            owners: [PD, OEK]
            status:
              2024: {state: ongoing, note: Under way.}
          - id: A2
            title: Spring term due
            start: 2024
            end: VT2025
            owners: [KA]
            status:
              2024: {state: ongoing}
          - id: A3
            title: Two-digit autumn term, no follow-up
            start: HT23
            end: HT24
            owners: [OEK]
          - id: A4
            title: ISO date, done
            start: 2024
            end: 2024-06-30
            owners: [PD]
            status:
              2024: {state: done}
          - id: A5
            title: Cancelled
            start: V2024
            end: V2024
            owners: [QX]
            status:
              2024: {state: cancelled}
          - id: A6
            title: Note only in the latest year
            start: 2023
            end: H2024
            owners: [QX]
            status:
              2023: {state: planned}
              2024: {note: Nothing new.}
          - id: A7
            title: Due on the as-of date
            start: 2025
            end: 2025-03-01
            owners: [PD]
          - id: A8
            title: No due date
            start: 2024
            owners: [KA]
          - id: A9
            title: Two-digit spring term, no owner
            start: VT23
            end: VT24
            status:
              2023: {state: ongoing}
"""

# No ids: reports name the activities by derived ids (C1.G1.A1, ...).
BETA = """\
schema: qaplan/v1
plan: {id: beta, title: Beta plan}
owners:
  KA: {name: Course lead (beta)}
  QX: {name: Beta QX}
  SC: {name: Student council}
criteria:
  - title: Criterion
    goals:
      - title: Goal
        activities:
          - title: Rubric
            start: 2024
            end: 2024-12-31
            owners: [KA, SC]
            status:
              2024: {state: delayed}
          - title: Web pages
            start: 2022
            end: 2023
            owners: [PD]
            status:
              2022: {state: planned}
              2023: {state: delayed}
          - title: Survey
            start: 2025
            end: HT2025
            owners: [SC]
          - title: Done late
            start: 2023
            end: 2023
            owners: [QX]
            status:
              2023: {state: ongoing}
              2024: {state: done}
"""

# end (2023) before start (2024): an error on line 12, column 18.
BROKEN = """\
schema: qaplan/v1
plan: {id: gamma, title: Gamma plan}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
          - id: C1.G1.A1
            title: Broken
            end: 2023
            start: 2024
"""


def build(root: Path) -> None:
    """Write the fixture repository under `root` (a git root)."""
    write(root / "qaplan.yaml", CONFIG)
    write(root / "plans" / "alpha.yaml", ALPHA)
    write(root / "plans" / "sub" / "beta.yaml", BETA)


def item(plan: str, file: str, id_: str, title: str, due: str, days: int,
         state: str | None) -> dict[str, object]:
    """One activity of `qaplan overdue --format json`."""
    return {"plan": plan, "file": file, "id": id_, "title": title, "due": due,
            "days_overdue": days, "state": state, "kind": "activity"}


ALPHA_FILE = "plans/alpha.yaml"
BETA_FILE = "plans/sub/beta.yaml"

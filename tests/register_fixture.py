"""A small deviation register for the report tests: a units tree, one plan and eight cases.

As of 2025-11-01 (AS_OF) it holds a case in every state, one closed after the as-of date (so
still in progress then), one reported after it (not there yet), one without a unit, and
measures overdue, due soon, done after the as-of date and done before it.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write

AS_OF = "2025-11-01"
MODELINE = "# yaml-language-server: $schema=../../schemas/deviation.schema.json\n"

CONFIG = """\
schema: qaplan/v1
owners:
  PD: {name: Programdirektör}
  KA: {name: Kursansvarig}
  GA: {name: Grundnivåansvarig}
  QC: {name: Studiekvalitetskontakt}
units:
  med: {name: Medicinska fakulteten}
  med-ikm: {name: Institutionen för klinisk medicin, parent: med}
  med-lak: {name: Läkarprogrammet, parent: med-ikm}
  hf: {name: Humanistiska fakulteten}
"""

PLAN = """\
schema: qaplan/v1
plan: {id: lak, title: Läkarprogrammet}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
          - id: C1.G1.A1
            title: Revise the rubric
            start: 2024
            end: 2025-09-30
            owners: [PD]
            status:
              2025: {state: ongoing}
"""

CASES = {
    "2025/AV-2025-001.yaml": """\
deviation:
  id: AV-2025-001
  title: Exam results published late
  reported: 2025-10-20
  category: education-quality
  unit: med-lak
  handler: QC
  state: received
""",
    "2025/AV-2025-002.yaml": """\
deviation:
  id: AV-2025-002
  title: Harsh tone in supervision meetings
  reported: 2025-03-10
  category: learning-environment-psychosocial
  unit: med-ikm
  handler: QC
  state: in-progress
  consequence: medium
  measures:
    - id: M1
      title: Talk with the supervisors
      owner: PD
      deadline: 2025-06-30
      state: accepted
    - id: M2
      title: Course on supervision
      owner: KA
      deadline: 2025-12-31
      state: proposed
    - id: M3
      title: Inform the programme board
      owner: PD
      deadline: 2025-04-30
      state: done
      done: {date: 2025-05-01, note: Informed at the May meeting.}
""",
    "2025/AV-2025-003.yaml": """\
deviation:
  id: AV-2025-003
  title: Course literature missing in the library
  reported: 2025-02-01
  category: education-quality
  unit: med
  handler: QC
  state: closed
  consequence: low
  measures:
    - id: M1
      title: Order more copies
      owner: KA
      deadline: 2025-03-31
      state: done
      done: {date: 2025-03-20, note: Ten copies ordered.}
  closing: {date: 2025-04-12, note: The library has enough copies now.}
""",
    "2025/AV-2025-004.yaml": """\
deviation:
  id: AV-2025-004
  title: Broken ventilation in the seminar room
  reported: 2025-05-01
  category: learning-environment-physical
  unit: hf
  handler: QC
  state: closed
  consequence: low
  measures:
    - id: M1
      title: Report to the building services
      owner: GA
      deadline: 2025-05-15
      state: done
      done: {date: 2025-05-10, note: Repaired.}
  closing: {date: 2025-05-31, note: Repaired and checked.}
""",
    "2025/AV-2025-005.yaml": """\
deviation:
  id: AV-2025-005
  title: Parking fees
  reported: 2025-09-01
  category: other
  unit: hf
  handler: QC
  state: rejected
  rejection: Not about education quality or the learning environment.
""",
    "2025/AV-2025-006.yaml": """\
deviation:
  id: AV-2025-006
  title: Clinical placement cancelled at short notice
  reported: 2025-08-01
  category: education-quality
  unit: med-lak
  handler: QC
  state: closed
  consequence: high
  measures:
    - id: M1
      title: Find a new placement
      owner: GA
      deadline: 2025-10-01
      state: done
      done: {date: 2025-11-20, note: New placement found.}
  closing: {date: 2025-12-01, note: The student has a placement.}
""",
    "2024/AV-2024-007.yaml": """\
deviation:
  id: AV-2024-007
  title: Feedback on assignments never came
  reported: 2024-11-15
  category: education-quality
  handler: QC
  state: in-progress
  consequence: low
  measures:
    - title: Remind the teachers of the feedback rule
      owner: GA
      deadline: VT2025
      state: accepted
""",
    "2025/AV-2025-008.yaml": """\
deviation:
  id: AV-2025-008
  title: Lecture recordings missing
  reported: 2025-12-15
  category: education-quality
  unit: med-lak
  handler: QC
  state: received
""",
}


def build(root: Path, *, plan: bool = True) -> Path:
    """Write the register (and, with `plan`, one plan) under `root`."""
    write(root / "qaplan.yaml", CONFIG)
    if plan:
        write(root / "plans" / "lak.yaml", PLAN)
    for name, text in CASES.items():
        write(root / "deviations" / name, MODELINE + "schema: qaplan/v1\n" + text)
    return root

"""A synthetic deviation register for benchmarks: cases spread over years, units and states.

`make_register(root, n)` writes n valid case files under root/deviations/YEAR/ and gives
root/qaplan.yaml the owners and the units tree (10 faculties, 30 institutes, 60 programmes)
that the cases name; next to `generate.make_repository(root, 1000)` it makes the register of
the issue's benchmark (1,000 plans and 5,000 cases).
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

OWNERS = {"PD": "Programdirektör", "OEK": "Ordförande examinationskommittén",
          "PNO": "Programnämndens ordförande", "GA": "Grundnivåansvarig", "KA": "Kursansvarig",
          "SKK": "Studiekvalitetskontakt", "IL": "Instituttleder", "DEK": "Dekan"}
YEARS = (2020, 2021, 2022, 2023, 2024, 2025)
LAST_DAY = date(2025, 12, 31)  # no date after it, so the files stay valid from 2026 on
# (state, weight): most cases are closed or being handled
STATES = (("closed", 45), ("in-progress", 35), ("received", 10), ("rejected", 10))
CATEGORIES = (("education-quality", 45), ("learning-environment-psychosocial", 20),
              ("learning-environment-physical", 15), ("other", 10), ("hms", 5),
              ("whistleblowing", 5))
TITLES = ("Eksamensresultat publisert for sent", "Manglende tilbakemelding på innleveringer",
          "Undervisningsrom uten fungerende ventilasjon",
          "Emnebeskrivelsen samsvarer ikke med eksamen",
          "Utydelige krav til obligatoriske arbeidskrav", "Praksisplass avlyst på kort varsel")
MEASURES = ("Gjennomgå rutinen for publisering med emneansvarlige",
            "Oppdatere emnebeskrivelsen før neste semester",
            "Melde saken til eiendomsavdelingen", "Drøfte saken i programrådet")


def config_text() -> str:
    """qaplan.yaml with the owners and the units tree the cases name."""
    lines = ["schema: qaplan/v1", "language: nb", "owners:"]
    lines += [f"  {key}: {{name: {name}}}" for key, name in OWNERS.items()]
    lines.append("units:")
    for f in range(10):
        lines.append(f"  fak{f}: {{name: Fakultet {f}}}")
        for i in range(3):
            lines.append(f"  fak{f}-inst{i}: {{name: Institutt {f}.{i}, parent: fak{f}}}")
            for p in range(2):
                lines.append(f"  fak{f}-inst{i}-prog{p}: {{name: Studieprogram {f}.{i}.{p}, "
                             f"parent: fak{f}-inst{i}}}")
    return "\n".join(lines) + "\n"


def _pick(rnd: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rnd.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _day(rnd: random.Random, after: date, within: int) -> date:
    """A day from `after` to `within` days later, never after LAST_DAY."""
    return min(after + timedelta(days=rnd.randint(0, within)), LAST_DAY)


def case_text(index: int) -> tuple[str, str]:
    """(relative path, text) of one case file; the same index gives the same case."""
    rnd = random.Random(index)
    year = YEARS[index % len(YEARS)]
    case_id = f"AV-{year}-{index // len(YEARS) + 1:03d}"
    reported = date(year, 1, 1) + timedelta(days=rnd.randint(0, 330))
    state = _pick(rnd, STATES)
    category = "other" if state == "rejected" else _pick(rnd, CATEGORIES)
    unit = f"fak{rnd.randrange(10)}-inst{rnd.randrange(3)}" + rnd.choice(["", "-prog0", "-prog1"])
    lines = ["# yaml-language-server: $schema=../../schemas/deviation.schema.json",
             "schema: qaplan/v1", "deviation:", f"  id: {case_id}",
             f"  title: {rnd.choice(TITLES)} ({index})", f"  reported: {reported.isoformat()}",
             f"  category: {category}", f"  unit: {unit}", "  handler: SKK", f"  state: {state}"]
    if state == "rejected":
        lines.append("  rejection: Gjelder ikke utdanningskvalitet eller læringsmiljø.")
    if state in ("in-progress", "closed"):
        lines += [f"  consequence: {rnd.choice(['low', 'medium', 'high'])}", "  measures:"]
        last = reported
        for number in range(1, rnd.randint(1, 3) + 1):
            deadline = _day(rnd, reported, 200)
            owner = rnd.choice(["PD", "GA", "KA", "IL", "DEK"])
            measure_state = ("done" if state == "closed" or rnd.random() < 0.3
                             else rnd.choice(["proposed", "accepted"]))
            lines += [f"    - id: M{number}", f"      title: {rnd.choice(MEASURES)}",
                      f"      owner: {owner}", f"      deadline: {deadline.isoformat()}",
                      f"      state: {measure_state}"]
            if measure_state == "done":
                done = _day(rnd, reported, 240)
                last = max(last, done)
                lines.append(f"      done: {{date: {done.isoformat()}, note: Gjennomført som "
                             "planlagt og fulgt opp i programrådet.}")
        if state == "closed":
            closed = _day(rnd, last, 30)
            lines.append(f"  closing: {{date: {closed.isoformat()}, note: Tiltakene er "
                         "gjennomført og melder er informert.}")
    return f"{year}/{case_id}.yaml", "\n".join(lines) + "\n"


def make_register(root: Path, n: int) -> Path:
    """`n` case files under root/deviations/, and root/qaplan.yaml with their owners and units."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / "qaplan.yaml").write_text(config_text(), encoding="utf-8")
    for index in range(n):
        name, text = case_text(index)
        path = root / "deviations" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    make_register(args.root, args.cases)


if __name__ == "__main__":
    main()

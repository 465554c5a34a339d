"""Synthetic plan repositories for benchmarks: realistic plans of ~35 KB with 36 activities."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

OWNERS = {"PD": "Programdirektör", "OEK": "Ordförande examinationskommittén",
          "PNO": "Programnämndens ordförande", "GA": "Grundnivåansvarig", "KA": "Kursansvarig"}
STATES = ["planned", "ongoing", "done", "delayed", "ongoing", "done"]
NOTES = [
    "Feedback samlas in systematiskt. Ska arbeta vidare med mervärde för studenter och kliniker.",
    "Många observationstillfällen finns. Värde behöver analyseras. Kvaliteten behöver säkerställas.",
    "Inget nytt. Kvarstår. Arbetsgruppen har inte kunnat sammanträda under terminen.",
    "Förslag framtaget och testat HT23. Vidareutvecklas under VT24 tillsammans med kursledningarna.",
]


def plan_text(index: int, criteria: int = 6, goals: int = 2, activities: int = 3) -> str:
    """One plan file's text; the same index gives the same plan."""
    rnd = random.Random(index)
    lines = [
        "# yaml-language-server: $schema=../schemas/plan.schema.json",
        "schema: qaplan/v1",
        "plan:",
        f"  id: plan-{index:05d}",
        f"  title: Kvalitetsplan för utbildningsprogram nummer {index}, 2020–2026",
        "  language: sv",
        "  period: {start: 2020, end: 2026}",
        "owners:",
    ]
    lines += [f"  {key}: {{name: {name}}}" for key, name in OWNERS.items()]
    lines.append("criteria:")
    for c in range(1, criteria + 1):
        lines += [f"  - id: C{c}",
                  f"    title: Studieresultaten motsvarar lärandemål och examensmål (kriterium {c}).",
                  "    goals:"]
        for g in range(1, goals + 1):
            lines += [f"      - id: C{c}.G{g}",
                      f"        title: Användbar och tydlig feedback till studenterna, mål {g}",
                      "        activities:"]
            for a in range(1, activities + 1):
                start = rnd.choice([2020, 2021, 2022, 2023])
                end = start + rnd.randint(1, 3)
                end_text = rnd.choice([str(end), f"VT{end}", f"HT{str(end)[2:]}", f"{end}-06-30"])
                owners = ", ".join(rnd.sample(sorted(OWNERS), rnd.randint(1, 2)))
                lines += [
                    f"          - id: C{c}.G{g}.A{a}",
                    ("            title: Analysera vad som kommer in i feedbacksystemet och återkoppla "
                     f"resultatet till kursansvariga och programnämnden ({a})"),
                    f"            start: {start}",
                    f"            end: {end_text}",
                    f"            owners: [{owners}]",
                    "            status:",
                ]
                for year in range(max(start, 2022), min(end, 2025) + 1):
                    lines.append(f"              {year}: {{state: {rnd.choice(STATES)}, "
                                 f"note: \"{rnd.choice(NOTES)} ({year})\"}}")
    return "\n".join(lines) + "\n"


def make_repository(root: Path, plans: int) -> Path:
    """A plan repository with `plans` plan files under root/plans and a qaplan.yaml."""
    (root / "plans").mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    (root / "qaplan.yaml").write_text("schema: qaplan/v1\nlanguage: sv\n", encoding="utf-8")
    for index in range(plans):
        sub = root / "plans" / f"fak{index % 10}"
        sub.mkdir(exist_ok=True)
        (sub / f"plan-{index:05d}.yaml").write_text(plan_text(index), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--plans", type=int, default=1000)
    args = parser.parse_args()
    make_repository(args.root, args.plans)


if __name__ == "__main__":
    main()

"""qaplan export: the familiar layout, safe cells, and export -> import giving the same plan back."""

from __future__ import annotations

import json
import shutil
import string
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from conftest import ROOT, run_cli, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from workbooks import libreoffice_convert

from qaplan.loader import compose


def bundled(repo: Path) -> None:
    shutil.copytree(ROOT / "plans", repo / "plans", dirs_exist_ok=True)
    shutil.copytree(ROOT / "schemas", repo / "schemas")


def plan_content(path: Path, year: int) -> dict[str, Any]:
    """What a round trip must keep: ids, titles, dates, owners and the exported year's status."""
    data = compose(path.read_text(encoding="utf-8"), path.name).data  # YAML 1.2, as qaplan reads
    return {
        "plan": data["plan"],
        "criteria": [
            {
                "id": c["id"], "title": c["title"],
                "goals": [
                    {
                        "id": g["id"], "title": g["title"],
                        "activities": [
                            {
                                "id": a["id"], "title": a["title"], "start": a.get("start"),
                                "end": a.get("end"), "owners": a.get("owners", []),
                                "status": a.get("status", {}).get(year),
                            }
                            for a in g.get("activities", [])
                        ],
                    }
                    for g in c.get("goals", [])
                ],
            }
            for c in data.get("criteria", [])
        ],
    }


def test_export_writes_the_familiar_layout(repo: Path) -> None:
    bundled(repo)
    result = run_cli("export", "-o", "plan.xlsx", "--year", "2024", "--as-of", "2025-03-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "wrote plan.xlsx: 3 plans, 27 activities\n"
    workbook = load_workbook(repo / "plan.xlsx")
    assert workbook.sheetnames == ["idi-utdanningskvalitet", "lakarprogrammet",
                                   "msc-sustainable-energy", "qaplan"]
    assert workbook["qaplan"].sheet_state == "hidden"
    sheet = workbook["lakarprogrammet"]
    assert sheet["A1"].value == "Läkarprogrammet – kvalitetsplan 2020–2026"
    header = [cell.value for cell in sheet[3]]
    assert header == ["Övergripande kvalitetskriterier", "Kvalitetsmål", "Aktiviteter",
                      "Planerad start", "Planerat avslut", "Ansvarig", "Status/uppföljning 2024",
                      "Läge", "Status/uppföljning 2023 (föregående år, skrivskyddad)",
                      "Kriterium-ID", "Mål-ID", "ID", "Behöver hjälp med"]
    assert [c.value for c in workbook["idi-utdanningskvalitet"][3]][:3] == [
        "Kvalitetskriterier", "Kvalitetsmål", "Tiltak"]
    assert workbook["msc-sustainable-energy"]["G3"].value == "Status 2024"
    row4 = [cell.value for cell in sheet[4]]
    assert row4 == ["Studieresultaten motsvarar lärandemål och examensmål.", "Användbar feedback",
                    "Analysera vad som kommer in i feedbacksystemet", 2022, 2024, "PNO, OEK",
                    "Rutin på plats.", "klar", "pågår: Feedback samlas in systematiskt. Ska "
                    "arbeta vidare med mervärde för studenter och kliniker.", "C1", "C1.G1",
                    "C1.G1.A1", None]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A4:A9" in merged and "J4:J9" in merged  # criterion C1 over its six rows
    assert "C1.G3" in [sheet.cell(r, 11).value for r in range(4, 12)]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:M{sheet.max_row}"
    assert sheet["C4"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 46
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 2  # the State drop-down, and last year's column read-only
    assert validations[0].formula1 == '"planerad,pågår,klar,försenad,inställd"'
    assert str(validations[0].sqref).startswith("H4:H")
    # the highlighted rows are exactly what `qaplan overdue` reports as of the same day
    highlighted = {sheet.cell(r, 12).value for r in range(4, sheet.max_row + 1)
                   if sheet.cell(r, 3).fill.fgColor.rgb.endswith("F8D7DA")}
    report = json.loads(run_cli("overdue", "plans/lakarprogrammet.yaml", "--as-of", "2025-03-01",
                                "--format", "json").stdout)
    overdue = {a["id"] for owner in report["owners"] for a in owner["activities"]}
    assert "C4.G1.A1" in overdue
    assert highlighted == overdue


def test_year_defaults_to_the_as_of_year_minus_one_and_lang_overrides(repo: Path) -> None:
    bundled(repo)
    result = run_cli("export", "plans/msc-energy.yaml", "-o", "x.xlsx", "--as-of", "2026-05-01",
                     "--lang", "sv")
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(repo / "x.xlsx").worksheets[0]
    assert sheet["G3"].value == "Status/uppföljning 2025"
    assert sheet["A3"].value == "Övergripande kvalitetskriterier"
    bad = run_cli("export", "-o", "x.xlsx", "--lang", "de")
    assert bad.exit_code == 2 and "--lang: 'de' is not one of" in bad.stderr
    no_output = run_cli("export")
    assert no_output.exit_code == 2 and "export needs -o FILE.xlsx" in no_output.stderr


def test_export_refuses_an_invalid_plan(repo: Path) -> None:
    write(repo / "plans/bad.yaml", "schema: qaplan/v1\nplan: {id: x}\n")
    result = run_cli("export", "-o", "x.xlsx")
    assert result.exit_code == 2
    assert "plans/bad.yaml" in result.stderr and "qaplan validate" in result.stderr
    assert not (repo / "x.xlsx").exists()


def test_text_that_looks_like_a_formula_is_written_as_text(repo: Path) -> None:
    write(repo / "plans/p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: "=HYPERLINK(\\"http://evil\\")"}
        owners: {PD: {name: Programme director}}
        criteria:
          - id: C1
            title: "+46 criterion"
            goals:
              - id: C1.G1
                title: "-goal"
                activities:
                  - id: C1.G1.A1
                    title: "@SUM(A1:A2)"
                    end: 2024
                    owners: [PD]
                    status:
                      2024: {state: done, note: "=1+1"}
        """)
    result = run_cli("export", "-o", "x.xlsx", "--year", "2024", "--as-of", "2025-01-01")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(repo / "x.xlsx") as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = load_workbook(repo / "x.xlsx")["p"]
    row = [sheet.cell(4, c) for c in range(1, 8)]
    assert [c.value for c in row[:3]] == ["+46 criterion", "-goal", "@SUM(A1:A2)"]
    assert sheet["G4"].value == "=1+1" and sheet["G4"].data_type == "s"
    assert sheet["G4"].quotePrefix and sheet["A1"].value == '=HYPERLINK("http://evil")'
    back = run_cli("import", "x.xlsx")
    assert back.exit_code == 0, back.stderr
    data = yaml.safe_load(back.stdout)
    assert data["plan"]["title"] == '=HYPERLINK("http://evil")'
    activity = data["criteria"][0]["goals"][0]["activities"][0]
    assert activity["title"] == "@SUM(A1:A2)"
    assert activity["status"] == {2024: {"state": "done", "note": "=1+1"}}


def test_round_trip_of_the_bundled_plans(repo: Path) -> None:
    bundled(repo)
    year = 2024
    assert run_cli("export", "-o", "all.xlsx", "--year", str(year)).exit_code == 0
    for name, sheet in [("lakarprogrammet.yaml", "lakarprogrammet"),
                        ("idi-utdanning.yaml", "idi-utdanningskvalitet"),
                        ("msc-energy.yaml", "msc-sustainable-energy")]:
        out = repo / "back" / name
        result = run_cli("import", "all.xlsx", "--sheet", sheet, "-o", str(out.relative_to(repo)))
        assert result.exit_code == 0, result.stderr
        assert plan_content(out, year) == plan_content(repo / "plans" / name, year)
        original = yaml.safe_load((repo / "plans" / name).read_text(encoding="utf-8"))
        # back/ has no qaplan.yaml: the owners the plan took from the repository's come along,
        # with the names export recorded, so that the plan validates where it lands.
        shared = yaml.safe_load((repo / "plans/qaplan.yaml").read_text(encoding="utf-8"))["owners"]
        owners = yaml.safe_load(out.read_text(encoding="utf-8"))["owners"]
        assert {k: v for k, v in owners.items() if k in original["owners"]} == original["owners"]
        assert {k: v for k, v in owners.items() if k not in original["owners"]} == {
            k: v for k, v in shared.items() if k in owners and k not in original["owners"]}
    shutil.copy(repo / "plans/qaplan.yaml", repo / "back/qaplan.yaml")
    check = run_cli("validate", "back", "--as-of", "2025-01-01")
    assert check.exit_code == 0, check.stdout


def test_round_trip_through_libreoffice(repo: Path) -> None:
    bundled(repo)
    assert run_cli("export", "plans/lakarprogrammet.yaml", "-o", "lp.xlsx", "--year",
                   "2023").exit_code == 0
    resaved = libreoffice_convert(repo / "lp.xlsx", repo / "lo")
    result = run_cli("import", str(resaved.relative_to(repo)), "-o", "back/lp.yaml")
    assert result.exit_code == 0, result.stderr
    assert plan_content(repo / "back/lp.yaml", 2023) == plan_content(
        repo / "plans/lakarprogrammet.yaml", 2023)


# --- property: export -> import gives the plan back --------------------------------------------

_WORDS = st.text(alphabet=string.ascii_letters + "åäöÅÄÖøæ .,:-=+@#'\"!?()%&/\n", min_size=1,
                 max_size=40).map(lambda s: "\n".join(" ".join(line.split()) for line in
                                                     s.split("\n")).strip()).filter(bool)


def _due(first: int, last: int) -> Any:
    return st.one_of(
        st.integers(first, last),
        st.builds(lambda y, t: f"{t}{y}", st.integers(first, last),
                  st.sampled_from(["VT", "HT", "V", "H"])),
        st.dates(min_value=date(first, 1, 1), max_value=date(last, 12, 31)).map(
            lambda d: d.isoformat()),
    )


_START, _END = _due(2000, 2020), _due(2021, 2040)
_KEYS = st.sampled_from(["PD", "KA", "OEK", "PNO", "GA", "ARBETSGRUPP", "QPS-GRUPP", "IL2"])
_STATE = st.sampled_from(["planned", "ongoing", "done", "delayed", "cancelled", None])


@st.composite
def plans(draw: Any) -> dict[str, Any]:
    criteria = []
    for ci in range(draw(st.integers(1, 3))):
        goals = []
        for gi in range(draw(st.integers(0, 3))):
            activities = []
            for ai in range(draw(st.integers(0, 3))):
                activity: dict[str, Any] = {"id": f"C{ci + 1}.G{gi + 1}.A{ai + 1}",
                                            "title": draw(_WORDS)}
                if draw(st.booleans()):
                    activity["start"] = draw(_START)
                if draw(st.booleans()):
                    activity["end"] = draw(_END)
                owners = draw(st.lists(_KEYS, max_size=3, unique=True))
                if owners:
                    activity["owners"] = owners
                if draw(st.booleans()):
                    state = draw(_STATE)
                    note = draw(st.one_of(st.none(), _WORDS))
                    entry = {k: v for k, v in (("state", state), ("note", note)) if v}
                    if entry:
                        activity["status"] = {2024: entry}
                activities.append(activity)
            goals.append({"id": f"C{ci + 1}.G{gi + 1}", "title": draw(_WORDS),
                          "activities": activities})
        criteria.append({"id": f"C{ci + 1}", "title": draw(_WORDS), "goals": goals})
    return {
        "schema": "qaplan/v1",
        "plan": {"id": "generated", "title": draw(_WORDS), "language": draw(
            st.sampled_from(["sv", "nb", "en"]))},
        "owners": {key: {"name": f"Owner {key}"} for key in
                   ["PD", "KA", "OEK", "PNO", "GA", "ARBETSGRUPP", "QPS-GRUPP", "IL2"]},
        "criteria": criteria,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans())
def test_round_trip_property(tmp_path_factory: Any, plan: dict[str, Any]) -> None:
    import os

    from qaplan.formats.plan import build
    from qaplan.writer import plan_yaml

    root = tmp_path_factory.mktemp("rt")
    (root / ".git").mkdir()
    (root / "plans").mkdir()
    source = root / "plans/generated.yaml"
    source.write_text(plan_yaml(build(plan), source.parent), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        exported = run_cli("export", "-o", "g.xlsx", "--year", "2024", "--as-of", "2025-01-01")
        assert exported.exit_code == 0, exported.stderr
        back = run_cli("import", "g.xlsx", "-o", "back/generated.yaml")
        assert back.exit_code == 0, back.stderr
        assert plan_content(root / "back/generated.yaml", 2024) == plan_content(source, 2024)
    finally:
        os.chdir(cwd)


def test_ten_thousand_rows_stay_within_twice_bare_openpyxl(repo: Path) -> None:
    from openpyxl import Workbook

    lines = ["schema: qaplan/v1", "plan: {id: big, title: Big plan, language: sv}",
             "owners: {PD: {name: P}, KA: {name: K}}", "criteria:"]
    for c in range(10):
        lines += [f"  - id: C{c}", f"    title: Criterion {c}", "    goals:"]
        for g in range(10):
            lines += [f"      - id: C{c}.G{g}", f"        title: Goal {g}", "        activities:"]
            for a in range(100):
                lines += [f"          - id: C{c}.G{g}.A{a}", f"            title: Activity {a} with a longer title",
                          "            start: 2022", "            end: 2024",
                          "            owners: [PD, KA]", "            status:",
                          f"              2024: {{state: ongoing, note: Note {a} on the work.}}"]
    write(repo / "plans/big.yaml", "\n".join(lines) + "\n")
    rows = [[f"Criterion {i // 1000}", f"Goal {i // 100}", f"Activity {i} with a longer title",
             2022, 2024, "PD, KA", f"Note {i} on the work.", "pågår", f"C{i // 1000}",
             f"C{i // 1000}.G{i // 100 % 10}", f"C{i}"] for i in range(10_000)]
    start = time.perf_counter()
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(repo / "bare.xlsx")
    bare_write = time.perf_counter() - start
    start = time.perf_counter()
    loaded = load_workbook(repo / "bare.xlsx")
    sum(1 for _ in loaded.active.iter_rows(values_only=True))
    bare_read = time.perf_counter() - start

    start = time.perf_counter()
    assert run_cli("export", "-o", "big.xlsx", "--year", "2024", "--as-of", "2025-01-01",
                   "plans/big.yaml").exit_code == 0
    export_time = time.perf_counter() - start
    start = time.perf_counter()
    result = run_cli("import", "big.xlsx", "-o", "back/big.yaml")
    import_time = time.perf_counter() - start
    assert result.exit_code == 0, result.stderr
    print(f"\n10,000 rows: export {export_time:.2f}s (bare openpyxl write {bare_write:.2f}s), "
          f"import {import_time:.2f}s (bare openpyxl read {bare_read:.2f}s)")
    assert export_time < 2 * bare_write + 1.0  # + validating the plan, which bare writing skips
    assert import_time < 2 * bare_read + 0.5

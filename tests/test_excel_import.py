"""qaplan import: real-world tables in, valid plan YAML out; bad files are a message, not a crash."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_cli, write
from openpyxl import Workbook
from workbooks import SEED_ROWS, SV_HEADER, libreoffice_convert, seed_workbook

from qaplan.excel.owners import split_owner_cell


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def activities(data: dict) -> list[dict]:
    return [a for c in data["criteria"] for g in c["goals"] for a in g["activities"]]


def test_seed_like_table_imports_with_title_rows_merged_cells_and_year_forms(repo: Path) -> None:
    seed_workbook(repo / "plan.xlsx")
    result = run_cli("import", "plan.xlsx", "--year", "2024", "--plan-id", "lakare",
                     "-o", "plans/lakare.yaml")
    assert result.exit_code == 0, result.stderr
    assert "wrote plans/lakare.yaml" in result.stderr
    text = (repo / "plans/lakare.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/plan.schema.json"
    data = load(repo / "plans/lakare.yaml")
    assert data["plan"]["id"] == "lakare"
    assert data["plan"]["title"] == "Läkarprogrammet – kvalitetsplan 2020–2025"  # the title row
    assert data["plan"]["language"] == "sv"
    criteria = data["criteria"]
    assert [c["title"] for c in criteria] == [
        "Studieresultaten motsvarar lärandemål.", "Utbildningen sätter lärandet i fokus."]
    # merged criterion cells and blank goal cells continue the value above
    assert [g["title"] for g in criteria[0]["goals"]] == [
        "Användbar återkoppling", "Hög validitet för proven", "Examensmål om förbättringsarbete"]
    assert len(criteria[0]["goals"][1]["activities"]) == 2
    rows = activities(data)
    assert len(rows) == 6  # the empty row is skipped
    assert all(row["id"] for row in rows)  # explicit ids, always
    assert [c["id"] for c in criteria] == ["C1", "C2"]
    assert rows[0]["id"] == "C1.G1.A1" and rows[2]["id"] == "C1.G2.A2"
    # years as numbers, as text, as dates typed into a year (1905) and a real date
    assert (rows[0]["start"], rows[0]["end"]) == (2022, 2024)
    assert (rows[1]["start"], rows[1]["end"]) == (2020, 2024)
    assert (rows[2]["start"], rows[2]["end"]) == (2023, 2024)
    assert rows[3]["end"] == "VT25"
    assert rows[4]["end"] == "2024-06-30"
    # owner cells split by the contract's rule
    assert rows[0]["owners"] == ["PNO", "OEK"]
    assert rows[1]["owners"] == ["OEK-PROJEKTLEDARE"]
    assert rows[3]["owners"] == ["PD", "KA"]
    assert rows[4]["owners"] == ["PNO", "OEK"]
    assert rows[5]["owners"] == ["ARBETSGRUPP"]
    assert data["owners"]["OEK-PROJEKTLEDARE"] == {"name": "OEK projektledare"}
    assert data["owners"]["ARBETSGRUPP"] == {"name": "Arbetsgrupp"}
    # multi-line cells kept; a formula-looking note stays text; no State column: notes only
    assert rows[0]["status"] == {2024: {"note": "Återkoppling samlas in.\nSka arbeta vidare med "
                                                "mervärde."}}
    assert rows[2]["status"] == {2024: {"note": "=ej klart, se protokoll"}}
    assert "status" not in rows[5]
    check = run_cli("validate", "plans/lakare.yaml", "--as-of", "2025-03-01")
    assert check.exit_code == 0, check.stdout
    assert "QP201" in check.stdout  # state missing: a warning, so people add one


def test_status_column_without_year_needs_year(repo: Path) -> None:
    seed_workbook(repo / "plan.xlsx")
    result = run_cli("import", "plan.xlsx")
    assert result.exit_code == 2
    assert "plan.xlsx, sheet 'Kvalitetsplan', cell G3" in result.stderr
    assert "--year" in result.stderr
    assert "Traceback" not in result.stderr


def test_norwegian_headers_and_several_status_years(repo: Path) -> None:
    header = ["Kvalitetskriterier", "Kvalitetsmål", "Tiltak", "Oppstart", "Frist", "Ansvarlig",
              "Status 2023", "Status 2024"]
    rows = [
        ["Studentene oppnår læringsutbyttet.", "Bedre gjennomføring", "Innføre faddergrupper",
         "H2023", "V2024", "SPL og NLU", "Er i gang", "Ferdig og videreført"],
        [None, None, "Analysere frafall", 2024, "H2025", "NLU/SPR", None, "Forsinket."],
    ]
    seed_workbook(repo / "idi.xlsx", header=header, rows=rows, title_rows=0,
                  merge_first_criterion=False)
    result = run_cli("import", "idi.xlsx", "--guess-state", "-o", "plans/idi.yaml")
    assert result.exit_code == 0, result.stderr
    data = load(repo / "plans/idi.yaml")
    assert data["plan"]["language"] == "nb"
    assert data["plan"]["id"] == "idi"
    first, second = activities(data)
    assert first["owners"] == ["SPL", "NLU"] and second["owners"] == ["NLU", "SPR"]
    assert first["status"] == {2023: {"state": "ongoing", "note": "Er i gang"},
                               2024: {"state": "done", "note": "Ferdig og videreført"}}
    assert second["status"] == {2024: {"state": "delayed", "note": "Forsinket."}}
    assert "guessed states (3; check them):" in result.stderr
    assert "G2: ongoing <- Er i gang" in result.stderr
    assert "H3: delayed <- Forsinket." in result.stderr


def test_guess_state_uses_the_swedish_keywords(repo: Path) -> None:
    rows = [["K", "M", f"Aktivitet {i}", 2023, 2024, "PD", note] for i, note in enumerate(
        ["Rutin på plats.", "Arbetet pågår.", "Inget nytt. Kvarstår.",
         "Rapport klar. Implementering påbörjad.", "Förslag framtaget."])]
    seed_workbook(repo / "t.xlsx", rows=rows, merge_first_criterion=False)
    result = run_cli("import", "t.xlsx", "--year", "2024", "--guess-state")
    assert result.exit_code == 0, result.stderr
    states = [a["status"][2024].get("state") for a in activities(yaml.safe_load(result.stdout))]
    assert states == ["done", "ongoing", "delayed", "ongoing", None]
    assert "guessed states (4; check them):" in result.stderr
    without = run_cli("import", "t.xlsx", "--year", "2024")
    assert all("state" not in a["status"][2024] for a in activities(yaml.safe_load(without.stdout)))


def test_state_column_and_ids_are_read(repo: Path) -> None:
    header = [*SV_HEADER[:6], "Status 2024", "Läge", "ID"]
    rows = [["K", "M", "A", 2023, 2024, "PD", "Klart.", "klar", "X.1"],
            [None, None, "B", 2023, 2024, "PD", "Hm.", "kanske", None]]
    seed_workbook(repo / "t.xlsx", header=header, rows=rows, merge_first_criterion=False)
    result = run_cli("import", "t.xlsx")
    assert result.exit_code == 0, result.stderr
    first, second = activities(yaml.safe_load(result.stdout))
    assert first["id"] == "X.1" and first["status"] == {2024: {"state": "done", "note": "Klart."}}
    assert second["status"] == {2024: {"note": "Hm."}}
    assert "cell H5: 'kanske' is not a state" in result.stderr


def test_formula_without_cached_value_is_a_warning_naming_the_cell(repo: Path) -> None:
    rows = [list(row) for row in SEED_ROWS[:2]]
    rows[1][4] = "=2020+4"  # openpyxl saves formulas without a cached value
    path = seed_workbook(repo / "f.xlsx", rows=rows, merge_first_criterion=False)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["E5"] = "=2020+4"
    workbook.save(path)
    result = run_cli("import", "f.xlsx", "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert "f.xlsx, sheet 'Kvalitetsplan', cell E5: the formula =2020+4 has no saved value" \
        in result.stderr
    assert "end" not in activities(yaml.safe_load(result.stdout))[1]


def test_unicode_is_normalised_and_unknown_owners_are_added(repo: Path) -> None:
    write(repo / "qaplan.yaml", "schema: qaplan/v1\nowners:\n  PD: {name: Programdirektör}\n")
    decomposed = unicodedata.normalize("NFD", "Kvalitetsmål")
    header = [SV_HEADER[0], decomposed, *SV_HEADER[2:]]
    rows = [["K", "M", "A", 2023, 2024, "PD + " + unicodedata.normalize("NFD", "Förvaltningsgrupp"),
             "Ok."]]
    seed_workbook(repo / "t.xlsx", header=header, rows=rows, merge_first_criterion=False)
    result = run_cli("import", "t.xlsx", "--year", "2024", "-o", "plans/t.yaml")
    assert result.exit_code == 0, result.stderr
    data = load(repo / "plans/t.yaml")
    assert activities(data)[0]["owners"] == ["PD", "FORVALTNINGSGRUPP"]
    assert data["owners"] == {"FORVALTNINGSGRUPP": {"name": "Förvaltningsgrupp"}}  # PD is known
    assert run_cli("validate", "plans/t.yaml", "--as-of", "2025-01-01").exit_code == 0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("PD OEK", ["PD", "OEK"]),
        ("PD, KA", ["PD", "KA"]),
        ("PNO + OEK", ["PNO", "OEK"]),
        ("PD/KA & GA", ["PD", "KA", "GA"]),
        ("PD och KA", ["PD", "KA"]),
        ("SPL og NLU", ["SPL", "NLU"]),
        ("Arbetsgrupp", ["Arbetsgrupp"]),
        ("OEK projektledare", ["OEK projektledare"]),
        ("QPS förvaltningsgrupp + admin", ["QPS förvaltningsgrupp", "admin"]),
        ("KA-KM4 PD", ["KA-KM4", "PD"]),
        ("MedCUL PD", ["MedCUL PD"]),
    ],
)
def test_owner_cells_split_by_the_contract(cell: str, expected: list[str]) -> None:
    assert split_owner_cell(cell) == expected


def test_known_owner_keys_split_even_when_not_initialisms() -> None:
    assert split_owner_cell("MedCUL PD", known={"MedCUL"}) == ["MedCUL", "PD"]


def test_first_sheet_with_a_table_and_sheet_option(repo: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Info"
    workbook.active.append(["Instruktioner"])
    table = workbook.create_sheet("Plan 2024")
    table.append(SV_HEADER)
    table.append(["K", "M", "A", 2023, 2024, "PD", "Ok."])
    workbook.save(repo / "two.xlsx")
    result = run_cli("import", "two.xlsx", "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert "sheet 'Plan 2024'" in result.stderr
    missing = run_cli("import", "two.xlsx", "--sheet", "Blad1", "--year", "2024")
    assert missing.exit_code == 2
    assert "no sheet named 'Blad1'; the sheets are 'Info', 'Plan 2024'" in missing.stderr
    no_table = run_cli("import", "two.xlsx", "--sheet", "Info", "--year", "2024")
    assert no_table.exit_code == 2
    assert "two.xlsx, sheet 'Info': no header row in the first 20 rows" in no_table.stderr


def test_sheet_without_a_recognisable_header(repo: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["Namn", "Ansvarig", "Datum"])
    workbook.active.append(["x", "PD", 2024])
    workbook.save(repo / "other.xlsx")
    result = run_cli("import", "other.xlsx", "--year", "2024")
    assert result.exit_code == 2
    assert "other.xlsx: no plan table found" in result.stderr
    assert "row 1 looks like a header ('Ansvarig') but has no column for criterion" in result.stderr


def _encrypted_ole() -> bytes:
    # The shape of a password-protected .xlsx: an OLE compound file with an EncryptedPackage stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + \
        "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("secret.xlsx", _encrypted_ole(), "password-protected"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "Excel 97–2003"),
        ("table.xlsx", "Kriterium;Mål;Aktivitet\nK;M;A\n".encode(), "it is a text file"),
        ("empty.xlsx", b"", "the file is empty"),
        ("random.xlsx", bytes(range(256)) * 4, "not a zip package"),
    ],
)
def test_files_that_are_not_workbooks(repo: Path, name: str, content: bytes, message: str) -> None:
    (repo / name).write_bytes(content)
    result = run_cli("import", name, "--year", "2024")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"qaplan: error: {name}: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_and_corrupt_workbooks(repo: Path) -> None:
    whole = seed_workbook(repo / "whole.xlsx").read_bytes()
    (repo / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    result = run_cli("import", "cut.xlsx", "--year", "2024")
    assert result.exit_code == 2
    assert "cut.xlsx: the workbook is damaged or truncated" in result.stderr
    with zipfile.ZipFile(repo / "broken.xlsx", "w") as package:
        package.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
        package.writestr("[Content_Types].xml", "<Types/>")
    broken = run_cli("import", "broken.xlsx", "--year", "2024")
    assert broken.exit_code == 2
    assert broken.stderr.startswith("qaplan: error: broken.xlsx: ")
    with zipfile.ZipFile(repo / "doc.ods", "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    ods = run_cli("import", "doc.ods", "--year", "2024")
    assert ods.exit_code == 2 and "OpenDocument spreadsheet (.ods)" in ods.stderr
    gone = run_cli("import", "nothing.xlsx", "--year", "2024")
    assert gone.exit_code == 2 and "nothing.xlsx: no such file" in gone.stderr


def test_xml_bomb_is_refused_without_expanding(repo: Path) -> None:
    path = seed_workbook(repo / "bomb.xlsx")
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    parts["xl/workbook.xml"] = bomb + parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = run_cli("import", "bomb.xlsx", "--year", "2024")
    assert result.exit_code == 2
    assert result.stderr.startswith("qaplan: error: bomb.xlsx: part xl/workbook.xml ")
    assert "DTD" in result.stderr


def test_output_file_that_exists_is_not_overwritten(repo: Path) -> None:
    seed_workbook(repo / "plan.xlsx")
    write(repo / "plans/lakare.yaml", "# mine\n")
    result = run_cli("import", "plan.xlsx", "--year", "2024", "-o", "plans/lakare.yaml")
    assert result.exit_code == 2
    assert "--into plans/lakare.yaml" in result.stderr
    assert (repo / "plans/lakare.yaml").read_text() == "# mine\n"


def test_modeline_points_at_the_repository_schema(repo: Path) -> None:
    (repo / "schemas").mkdir()
    (repo / "schemas/plan.schema.json").write_text("{}")
    seed_workbook(repo / "plan.xlsx")
    result = run_cli("import", "plan.xlsx", "--year", "2024", "-o", "plans/sub/x.yaml")
    assert result.exit_code == 0, result.stderr
    first = (repo / "plans/sub/x.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/plan.schema.json"


def test_table_typed_into_libreoffice(repo: Path) -> None:
    source = repo / "typed.csv"
    source.write_text(
        "Kvalitetsplan 2024\n\n"
        "Övergripande kvalitetskriterier;Kvalitetsmål;Aktiviteter;Planerad start;Planerat avslut;"
        "Ansvarig;Status 2024\n"
        "Studieresultaten motsvarar lärandemål.;Användbar återkoppling;Analysera återkopplingen;"
        "2022;2024;PNO OEK;Rutin på plats.\n"
        ";;Följ upp användningen;2023;VT25;PD;Pågår.\n",
        encoding="utf-8",
    )
    converted = libreoffice_convert(source, repo / "lo", infilter="CSV:59,34,76,1")
    result = run_cli("import", str(converted.relative_to(repo)), "--guess-state")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    rows = activities(data)
    assert [(a["start"], a["end"], a["owners"]) for a in rows] == [
        (2022, 2024, ["PNO", "OEK"]), (2023, "VT25", ["PD"])]
    assert rows[0]["status"] == {2024: {"state": "done", "note": "Rutin på plats."}}

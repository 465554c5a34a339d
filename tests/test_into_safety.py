"""import --into writes what it showed, where it showed it: the right sheet, the checked bytes,
untouched lines byte for byte, through links, and nothing at all when it cannot."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli, write
from openpyxl import load_workbook
from workbooks import edit_cells, find_row

AS_OF = "2025-02-01"
ID_COLUMN = 12  # L: after State comes last year's status (read-only), then the ids

CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile" / "into"
# CRLF line endings, a 3-space indent, escapes, single quotes, aligned comments, `...`.
ODD_PLAN = (CORPUS / "crlf-odd-indent.yaml").read_bytes().decode("utf-8")
# A list of activities written inline: adding one would mean rewriting the whole list.
INLINE_PLAN = (CORPUS / "inline-activities.yaml").read_text(encoding="utf-8")

SIMPLE_PLAN = """\
# yaml-language-server: $schema=../schemas/plan.schema.json
schema: qaplan/v1
plan:
  id: prog
  title: Programmet
  language: sv
owners:
  PD: {name: Programdirektör}
criteria:
  - id: C1
    title: Studieresultaten
    goals:
      - id: C1.G1
        title: Återkoppling
        activities:
          - id: C1.G1.A2
            title: "Följ upp användningen"      # two spaces? no: six
            end: VT25
            owners: [PD]
          - id: C1.G1.A1
            title: Analysera återkopplingen
            start: 2022
            end: 2024
            owners: [PD]
            status:
              2023: {state: ongoing, note: Samlas in.}
"""


def _plan(repo: Path, text: str, name: str = "prog.yaml") -> Path:
    path = repo / "plans" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _export(paths: str = "plans/prog.yaml", out: str = "prog.xlsx") -> Path:
    result = run_cli("export", paths, "-o", out, "--year", "2024", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    return Path(out).resolve()


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `directory` with its bytes and modification time."""
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.is_symlink()}


def _import(*args: str) -> tuple[int, str, str]:
    """Run `import ARGS --dry-run` (which must write nothing), then `import ARGS`."""
    plans = Path("plans").resolve()
    before = _snapshot(plans)
    dry = run_cli("import", *args, "--dry-run")
    assert _snapshot(plans) == before, "--dry-run wrote something"
    real = run_cli("import", *args)
    assert dry.exit_code == real.exit_code, (dry.stderr, real.stderr)
    if real.exit_code == 0:
        assert "dry run: " in dry.stdout + dry.stderr
    return real.exit_code, real.stdout, real.stderr


def _changed_lines(before: str, after: str, newline: str) -> tuple[list[str], list[str]]:
    """Lines only in `before`, lines only in `after` (as multisets, in order)."""
    import difflib

    old, new = before.split(newline), after.split(newline)
    removed, added = [], []
    for line in difflib.ndiff(old, new):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


# --- 13.4 / 12.20: untouched lines stay byte for byte ------------------------------------------

def test_crlf_odd_indent_escapes_and_end_marker_survive_an_edit(repo: Path) -> None:
    assert ODD_PLAN.count("\r\n") == ODD_PLAN.count("\n") == 26  # the fixture kept its CRLF
    plan = _plan(repo, ODD_PLAN)
    table = _export()
    row_a1 = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    row_a2 = find_row(table, "prog", ID_COLUMN, "C1.G1.A2")
    edit_cells(table, {f"G{row_a1}": "Klart, och utvärderat.", f"H{row_a1}": "klar",
                       f"E{row_a2}": "HT25"})
    code, out, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    assert "C1.G1.A1: status 2024 (none) -> done, 'Klart, och utvärderat.'" in out
    assert "C1.G1.A2: end VT25 -> HT25" in out
    after = plan.read_bytes().decode("utf-8")
    assert after.count("\r\n") == after.count("\n")  # every line still ends in CRLF
    removed, added = _changed_lines(ODD_PLAN, after, "\r\n")
    assert removed == ["                  end: VT25"]
    assert added == [
        "                     2024: {state: done, note: 'Klart, och utvärderat.'}",
        "                  end: HT25",
    ]
    assert after.endswith("                  end: HT25\r\n...\r\n")
    assert run_cli("validate", "plans/prog.yaml").exit_code == 0


def test_a_bom_is_kept(repo: Path) -> None:
    plan = _plan(repo, "\ufeff" + SIMPLE_PLAN)
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Klart."})
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    after = plan.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf# yaml-language-server")
    assert after.count(b"\xef\xbb\xbf") == 1


def test_quote_style_and_space_before_comments_are_kept(repo: Path) -> None:
    plan = _plan(repo, SIMPLE_PLAN)
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A2")
    edit_cells(table, {f"C{row}": "Följ upp användningen i alla kurser"})
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    removed, added = _changed_lines(SIMPLE_PLAN, plan.read_text(encoding="utf-8"), "\n")
    assert removed == ['            title: "Följ upp användningen"      # two spaces? no: six']
    assert added == [
        '            title: "Följ upp användningen i alla kurser"      # two spaces? no: six']


def test_new_entries_follow_the_files_quotes_and_indentation(repo: Path) -> None:
    plan = _plan(repo, ODD_PLAN)
    table = _export()
    edit_cells(table, {}, append=[[None, "Gål", "Ny aktivitet", 2025, 2026, "PD",
                                   "Planeras, enligt beslut.", "planerad"]])
    code, out, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    assert "C1.G1.A3: added 'Ny aktivitet'" in out
    removed, added = _changed_lines(ODD_PLAN, plan.read_bytes().decode("utf-8"), "\r\n")
    assert removed == []
    assert added == [
        "               -  id: C1.G1.A3",
        "                  title: 'Ny aktivitet'",
        "                  start: 2025",
        "                  end: 2026",
        "                  owners: [PD]",
        "                  status:",
        "                     2024: {state: planned, note: 'Planeras, enligt beslut.'}",
    ]


def test_notes_that_need_quotes_read_back_as_written(repo: Path) -> None:
    """12.11: a note with `, ` or `: ` inside a flow mapping is quoted, in --into and in -o."""
    plan = _plan(repo, SIMPLE_PLAN)
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    notes = {"C1.G1.A1": "Inget nytt, ring 070: i morgon #2", "C1.G1.A2": "Rad ett\nRad två"}
    edit_cells(table, {f"G{row}": notes["C1.G1.A1"],
                       f"G{find_row(table, 'prog', ID_COLUMN, 'C1.G1.A2')}": notes["C1.G1.A2"]})
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    created = run_cli("import", "prog.xlsx", "-o", "plans/new.yaml", "--plan-id", "new")
    assert created.exit_code == 0, created.stderr
    for path in (plan, repo / "plans/new.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        written = {a["id"]: a["status"][2024]["note"]
                   for a in data["criteria"][0]["goals"][0]["activities"]}
        assert written == notes, path
    assert run_cli("validate", "plans/").exit_code == 0


def test_a_change_that_needs_a_rewrite_is_refused(repo: Path) -> None:
    plan = _plan(repo, INLINE_PLAN)
    table = _export()
    edit_cells(table, {}, append=[[None, "Återkoppling", "Ny aktivitet", 2025, 2026, "PD"]])
    code, out, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 2
    assert "plans/prog.yaml" in err and "nothing was written" in err
    assert "Traceback" not in err + out
    assert plan.read_bytes() == INLINE_PLAN.encode("utf-8")


# --- 13.3: edits by id, to the bytes that were checked ----------------------------------------

def test_edits_land_on_the_row_with_that_id(repo: Path) -> None:
    plan = _plan(repo, SIMPLE_PLAN)  # A2 is listed before A1
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Rutin på plats.", f"H{row}": "klar"})
    code, out, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    assert "C1.G1.A1: status 2024 (none) -> done, 'Rutin på plats.'" in out
    after = plan.read_text(encoding="utf-8")
    assert after.endswith("              2023: {state: ongoing, note: Samlas in.}\n"
                          "              2024: {state: done, note: Rutin på plats.}\n")


@pytest.mark.parametrize("meanwhile", [
    # an activity inserted before A1: by position, A1's change would land on it
    SIMPLE_PLAN.replace("          - id: C1.G1.A1\n",
                        "          - id: C1.G1.A0\n            title: Inskjuten\n"
                        "          - id: C1.G1.A1\n"),
    # the criterion deleted: by position, there is nothing left to edit
    SIMPLE_PLAN.split("criteria:")[0] + "criteria: []\n",
], ids=["activity-inserted", "criterion-deleted"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["write", "dry-run"])
def test_a_plan_changed_while_the_table_is_read_is_not_overwritten(
        repo: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: str, dry_run: bool) -> None:
    plan = _plan(repo, SIMPLE_PLAN)
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Rutin på plats.", f"H{row}": "klar"})
    import qaplan.excel.read as reader

    real_read = reader.read_workbook

    def slow_read(*args: object, **kwargs: object) -> object:
        """Someone saves the plan while the (slow) workbook is being read."""
        plan.write_text(meanwhile, encoding="utf-8")
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "read_workbook", slow_read)
    result = run_cli("import", "prog.xlsx", "--into", "plans/prog.yaml",
                     *(["--dry-run"] if dry_run else []))
    assert "Traceback" not in result.stdout + result.stderr
    if dry_run:  # shows the changes to what it read, and writes nothing
        assert result.exit_code == 0, result.stderr
        assert "C1.G1.A1: status 2024 (none) -> done, 'Rutin på plats.'" in result.stdout
    else:
        assert result.exit_code == 2
        assert "plans/prog.yaml changed while the table was being merged" in result.stderr
        assert "nothing was written" in result.stderr
    assert plan.read_text(encoding="utf-8") == meanwhile
    assert sorted(p.name for p in plan.parent.iterdir()) == ["prog.yaml"]  # no temporary file


# --- 13.5: links -------------------------------------------------------------------------------

def test_a_symlinked_plan_is_written_where_the_link_points(repo: Path) -> None:
    real = _plan(repo, SIMPLE_PLAN, "real/prog.yaml")
    os.chmod(real, 0o640)
    link = repo / "plans/prog.yaml"
    link.symlink_to("real/prog.yaml")
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Klart."})
    code, out, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 0, err
    assert "wrote plans/prog.yaml" in out
    assert link.is_symlink() and os.readlink(link) == "real/prog.yaml"
    assert "              2024: {note: Klart.}\n" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["prog.yaml"]


def test_a_plan_with_hard_links_needs_force(repo: Path) -> None:
    plan = _plan(repo, SIMPLE_PLAN)
    other = repo / "elsewhere.yaml"
    os.link(plan, other)
    table = _export()
    row = find_row(table, "prog", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Klart."})
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 2
    assert "plans/prog.yaml has 2 hard links" in err and "--force" in err
    assert plan.read_bytes() == other.read_bytes() == SIMPLE_PLAN.encode("utf-8")
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml", "--force")
    assert code == 0, err
    assert "note: Klart." in plan.read_text(encoding="utf-8")
    assert other.read_bytes() == SIMPLE_PLAN.encode("utf-8")  # as README says


# --- 12.2: the sheet of the target plan --------------------------------------------------------

@pytest.fixture
def bundled(repo: Path) -> Path:
    """The bundled example plans, exported to kp.xlsx."""
    shutil.rmtree(repo / "plans")
    shutil.copytree(ROOT / "plans", repo / "plans")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    _export("plans/", "kp.xlsx")
    return repo


def test_into_takes_the_sheet_recorded_for_the_plan(bundled: Path) -> None:
    plan = bundled / "plans/lakarprogrammet.yaml"
    before = plan.read_text(encoding="utf-8")
    table = bundled / "kp.xlsx"
    assert load_workbook(table).sheetnames[0] != "lakarprogrammet"  # not the first sheet
    row = find_row(table, "lakarprogrammet", ID_COLUMN, "C1.G1.A1")
    edit_cells(table, {f"G{row}": "Rutinen utvärderad."}, sheet="lakarprogrammet")
    code, out, err = _import("kp.xlsx", "--into", "plans/lakarprogrammet.yaml")
    assert code == 0, err
    assert out.startswith("plans/lakarprogrammet.yaml: sheet 'lakarprogrammet':")
    assert "added" not in out
    removed, added = _changed_lines(before, plan.read_text(encoding="utf-8"), "\n")
    assert removed == ["              2024: {state: done, note: Rutin på plats.}"]
    assert added == ["              2024: {state: done, note: Rutinen utvärderad.}"]


def test_a_sheet_exported_from_another_plan_needs_force(bundled: Path) -> None:
    plan = bundled / "plans/lakarprogrammet.yaml"
    before = plan.read_bytes()
    code, _, err = _import("kp.xlsx", "--into", "plans/lakarprogrammet.yaml",
                           "--sheet", "idi-utdanningskvalitet")
    assert code == 2
    assert "sheet 'idi-utdanningskvalitet'" in err and "'lakarprogrammet'" in err
    assert "--force" in err
    assert plan.read_bytes() == before
    code, out, err = _import("kp.xlsx", "--into", "plans/lakarprogrammet.yaml",
                             "--sheet", "idi-utdanningskvalitet", "--force")
    assert code == 0, err
    assert "K1: added criterion" in out
    removed, added = _changed_lines(before.decode("utf-8"), plan.read_text(encoding="utf-8"), "\n")
    assert removed == [] and "  IL: {name: Instituttleder}" in added  # only additions


def test_no_sheet_for_the_plan_lists_the_sheets(repo: Path) -> None:
    plan = _plan(repo, SIMPLE_PLAN)
    table = _export()
    workbook = load_workbook(table)
    workbook["prog"].title = "Blad1"
    workbook["qaplan"].delete_rows(2, workbook["qaplan"].max_row)  # as if typed by hand
    workbook.save(table)
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 2
    assert "no sheet holds plan 'prog'" in err and "--sheet" in err and "'Blad1'" in err
    assert plan.read_bytes() == SIMPLE_PLAN.encode("utf-8")
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml", "--sheet", "Blad1")
    assert code == 0, err


def test_several_sheets_for_the_plan_are_listed(repo: Path) -> None:
    plan = _plan(repo, SIMPLE_PLAN)
    table = _export()
    workbook = load_workbook(table)
    copy = workbook.copy_worksheet(workbook["prog"])
    copy.title = "prog (2)"
    workbook["qaplan"].append(["prog (2)", "id", "prog"])
    workbook.save(table)
    code, _, err = _import("prog.xlsx", "--into", "plans/prog.yaml")
    assert code == 2
    assert "2 sheets hold plan 'prog'" in err
    assert "'prog' (plan prog)" in err and "'prog (2)' (plan prog)" in err
    assert plan.read_bytes() == SIMPLE_PLAN.encode("utf-8")


# --- 13.6: owners recorded by export -----------------------------------------------------------

def test_an_export_imported_where_no_owners_are_declared_validates(bundled: Path,
                                                                  tmp_path_factory: pytest.TempPathFactory,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    table = bundled / "kp.xlsx"
    empty = tmp_path_factory.mktemp("empty")
    (empty / ".git").mkdir()
    monkeypatch.chdir(empty)
    for sheet in ("idi-utdanningskvalitet", "lakarprogrammet", "msc-sustainable-energy"):
        result = run_cli("import", str(table), "--sheet", sheet, "-o", f"{sheet}.yaml")
        assert result.exit_code == 0, result.stderr
    check = run_cli("validate", ".")
    assert check.exit_code == 0, check.stdout
    assert "PD: {name: Programdirektör}" in (empty / "lakarprogrammet.yaml").read_text("utf-8")


def test_into_adds_recorded_owners_the_repository_does_not_declare(bundled: Path) -> None:
    (bundled / "plans/qaplan.yaml").unlink()  # PD and KA were declared there
    plan = bundled / "plans/lakarprogrammet.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("PD, ", "")
                    .replace("[KA]", "[GA]").replace("[PD]", "[GA]"),
                    encoding="utf-8")
    assert run_cli("validate", "plans/lakarprogrammet.yaml").exit_code == 0
    code, out, err = _import("kp.xlsx", "--into", "plans/lakarprogrammet.yaml")
    assert code == 0, err
    assert "owners: added PD (Programdirektör)" in out
    assert "owners: added KA (Kursansvarig)" in out
    check = run_cli("validate", "plans/lakarprogrammet.yaml")
    assert check.exit_code == 0, check.stdout
    text = plan.read_text(encoding="utf-8")
    assert "  ARBETSGRUPP: {name: Arbetsgrupp}\n  PD: {name: Programdirektör}\n" in text


# --- 12.16: messages name the file and only options import has ---------------------------------

@pytest.mark.parametrize(("name", "text", "expected"), [
    ("plans/broken.yaml", SIMPLE_PLAN.replace("state: ongoing", "state: klart"),
     "run `qaplan validate plans/broken.yaml`"),
    ("plans/qaplan.yaml", "schema: qaplan/v1\nlanguage: sv\n",
     "plans/qaplan.yaml is the repository file (qaplan.yaml), not a plan"),
    ("ci.yml", "on: push\njobs: {}\n", "ci.yml is not a plan file"),
])
def test_into_something_that_is_not_a_valid_plan(repo: Path, name: str, text: str,
                                                 expected: str) -> None:
    _plan(repo, SIMPLE_PLAN)
    _export()
    target = write(repo / name, text)
    code, out, err = _import("prog.xlsx", "--into", name)
    assert code == 2
    assert expected in err
    assert "--skip-invalid" not in err and "Traceback" not in err + out
    assert target.read_bytes() == text.encode("utf-8")


def test_into_a_fifo_or_a_directory_is_refused_at_once(repo: Path) -> None:
    _plan(repo, SIMPLE_PLAN)
    _export()
    os.mkfifo(repo / "plans/pipe.yaml")  # opening it to read would block forever
    (repo / "plans/folder.yaml").mkdir()
    for name in ("plans/pipe.yaml", "plans/folder.yaml"):
        code, _, err = _import("prog.xlsx", "--into", name)
        assert code == 2
        assert f"{name}: cannot read the plan (is not a regular file)" in err
    assert (repo / "plans/prog.yaml").read_bytes() == SIMPLE_PLAN.encode("utf-8")


def test_import_o_replaces_an_existing_file_only_with_force(repo: Path) -> None:
    _plan(repo, SIMPLE_PLAN)
    _export()
    target = write(repo / "plans/new.yaml", "# my notes, not a plan yet\n")
    code, _, err = _import("prog.xlsx", "-o", "plans/new.yaml")
    assert code == 2
    assert "plans/new.yaml exists" in err and "--force" in err
    assert target.read_bytes() == b"# my notes, not a plan yet\n"
    code, _, err = _import("prog.xlsx", "-o", "plans/new.yaml", "--force", "--plan-id", "new")
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert run_cli("validate", "plans/new.yaml").exit_code == 0

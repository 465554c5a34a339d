"""Criteria catalogues: the shipped ones, a repository's own, and `covers` references checked
by `validate` at the right line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_PLAN, run_cli, write

from qaplan.catalogues import SHIPPED, parse_ref, shipped

PLAN = """\
schema: qaplan/v1
plan: {id: p, title: P}
criteria:
  - id: C1
    title: Criterion
    covers: [%(criterion)s]
    goals:
      - id: C1.G1
        title: Goal
        covers: [%(goal)s]
        activities:
          - {id: A1, title: Activity, end: 2030}
"""


def plan(repo: Path, criterion: str = "esg:1.3", goal: str = "") -> Path:
    return write(repo / "plans/p.yaml", PLAN % {"criterion": criterion, "goal": goal})


def validate(*paths: str) -> tuple[int, list[str]]:
    result = run_cli("validate", "--no-cache", *paths)
    return result.exit_code, result.stdout.splitlines()[:-1]


def test_the_shipped_catalogues_are_valid_and_versioned() -> None:
    for name in SHIPPED:
        catalogue = shipped(name)
        assert catalogue.name == name
        assert catalogue.source and catalogue.source.startswith("https://")
        assert catalogue.version and len(catalogue.version) == 10  # an ISO date
        assert len({item.id for item in catalogue.items}) == len(catalogue.items) > 0
    esg = shipped("esg")
    assert [item.id for item in esg.items] == [f"1.{n}" for n in range(1, 11)]
    assert esg.item("1.1").title == "Policy for quality assurance"
    assert esg.item("1.10").title == "Cyclical external quality assurance"
    assert [item.id for item in shipped("uka").items][:4] == ["1", "2", "3", "4"]


def test_parse_ref() -> None:
    assert parse_ref("esg:1.3") == ("esg", "1.3")
    assert parse_ref("nokut:2-2") == ("nokut", "2-2")
    for bad in ("1.3", "esg: 1.3", "esg:", ":1.3", "esg:1.3:x"):
        assert parse_ref(bad) is None


def test_known_references_pass(repo: Path) -> None:
    plan(repo, "esg:1.3, uka:3", "nokut:2-2, esg:1.10")
    assert validate("plans/p.yaml") == (0, [])


def test_unknown_item_and_catalogue_at_their_line(repo: Path) -> None:
    plan(repo, "esg:1.11, esq:1.1", 'uka:9, esg:1.3, esg:1.3, "1.4"')
    code, lines = validate("plans/p.yaml")
    assert code == 1
    assert lines == [
        "plans/p.yaml:6:14: error QP722 catalogue 'esg' has no item '1.11' (did you mean '1.1'?)",
        ("plans/p.yaml:6:24: error QP721 no catalogue 'esq' in 'esq:1.1' (did you mean 'esg'?); "
         "the catalogues are: esg, nokut, uka"),
        "plans/p.yaml:10:18: error QP722 catalogue 'uka' has no item '9'",
        "plans/p.yaml:10:34: warning QP724 'esg:1.3' is named twice in covers",
        ("plans/p.yaml:10:43: error QP723 '1.4' is not a catalogue reference; write "
         "catalogue:item, e.g. esg:1.3"),
    ]


def test_reports_refuse_a_plan_with_an_unknown_item(repo: Path) -> None:
    plan(repo, "esg:1.11")
    result = run_cli("coverage", "--no-cache")
    assert result.exit_code == 2
    assert "QP722" in result.stderr


def test_a_repository_catalogue_in_qaplan_yaml(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        catalogues:
          lokal:
            title: Lokala kriterier
            items:
              - {id: K1, title: Studentinflytande}
              - {id: K2, title: Arbetslivsanknytning}
        """)
    plan(repo, "lokal:K1, esg:1.1", "lokal:K3")
    code, lines = validate("plans/p.yaml")
    assert code == 1
    assert lines == ["plans/p.yaml:10:18: error QP722 catalogue 'lokal' has no item 'K3'"]
    code, lines = validate("qaplan.yaml")
    assert (code, lines) == (0, [])


def test_a_repository_catalogue_in_a_file(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        catalogues:
          policy: {file: catalogues/policy.yaml}
        """)
    write(repo / "catalogues/policy.yaml", """\
        catalogue: {name: policy, title: Kvalitetspolicy, version: "2024-01-01"}
        items:
          - {id: P1, title: Tydliga mål}
          - {id: P2, title: Uppföljning}
        """)
    plan(repo, "policy:P2")
    assert validate("plans/p.yaml") == (0, [])
    # The plan's findings follow the catalogue file, also through the cache.
    assert run_cli("validate", "plans/p.yaml").exit_code == 0
    write(repo / "catalogues/policy.yaml", """\
        catalogue: {name: policy, title: Kvalitetspolicy}
        items:
          - {id: P1, title: Tydliga mål}
        """)
    result = run_cli("validate", "plans/p.yaml")
    assert result.exit_code == 1
    assert "QP722 catalogue 'policy' has no item 'P2'" in result.stdout


def test_bad_repository_catalogues_are_reported_in_qaplan_yaml(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        catalogues:
          esg: {title: Our ESG, items: [{id: "1", title: One}]}
          empty: {title: Nothing}
          both: {file: x.yaml, items: [{id: "1", title: One}]}
          missing: {file: catalogues/missing.yaml}
          twice:
            items:
              - {id: A, title: One}
              - {id: A, title: Two}
        """)
    plan(repo, "missing:X")
    code, lines = validate("qaplan.yaml", "plans/p.yaml")
    assert code == 1
    text = "\n".join(lines)
    assert "qaplan.yaml:3:3: error QP728 catalogue 'esg' is shipped with qaplan" in text
    assert "qaplan.yaml:4:10: error QP725 catalogue 'empty' needs either items: or file:, and " \
           "has neither" in text
    assert "qaplan.yaml:5:9: error QP725 catalogue 'both' needs either items: or file:, not " \
           "both" in text
    assert "qaplan.yaml:6:19: error QP726 catalogue 'missing': catalogues/missing.yaml: cannot " \
           "be read" in text
    assert "qaplan.yaml:10:14: error QP727 catalogue 'twice' has item 'A' twice" in text
    assert "plans/p.yaml" not in text  # a broken catalogue is reported once, where it is


def test_explain_a_catalogue_code() -> None:
    result = run_cli("validate", "--explain", "QP722")
    assert result.exit_code == 0
    assert "catalogue item" in result.stdout


_PROBE = """
import sys
from qaplan.cli import main
sys.argv = ["qaplan", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\n" + ",".join(sorted(sys.modules)) + "\\n")
"""


@pytest.mark.parametrize(("covers", "loaded"), [(False, False), (True, True)])
def test_catalogues_are_read_only_for_a_plan_that_covers(
    tmp_path: Path, covers: bool, loaded: bool
) -> None:
    text = MINIMAL_PLAN.format(plan_id="p1")
    if covers:
        text = text.replace("    title: A criterion\n", "    title: A criterion\n    covers: "
                            "[esg:1.3]\n")
    write(tmp_path / "plan.yaml", text)
    done = subprocess.run([sys.executable, "-c", _PROBE, "validate", "--no-cache", "plan.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "All good" in done.stdout
    modules = done.stderr.strip().splitlines()[-1].split(",")
    assert ("qaplan.catalogues" in modules) is loaded

"""`qaplan report --format html`: one strict HTML5 page, self-contained, hostile text shown as
text, an SVG chart with a text alternative for each unit with activities."""

from __future__ import annotations

import json
import re
from pathlib import Path

import html5lib
import pytest
from conftest import run_cli, write
from report_units import AS_OF, HOSTILE_NOTE, HOSTILE_TITLE, build

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    build(tmp_path)
    # A plan without activities: its unit appears, without a chart.
    write(tmp_path / "plans" / "pa2.yaml", """\
        schema: qaplan/v1
        plan: {id: pa2, title: Program A2, unit: PA2}
        criteria: []
        """)
    monkeypatch.chdir(tmp_path)
    result = run_cli("report", "--as-of", AS_OF, "--format", "html", "-o", "report.html")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "wrote report.html" in result.stderr
    return (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_page_is_strict_html5(page: str) -> None:
    parser = html5lib.HTMLParser(strict=True)
    document = parser.parse(page)  # raises on any parse error
    assert parser.errors == []
    assert document.tag == f"{XHTML}html" and document.get("lang") == "sv"
    languages = {section.get("lang") for section in document.iter(f"{XHTML}section")
                 if section.get("lang")}
    assert languages == {"sv", "nb", "en"}


def test_one_chart_per_unit_with_activities(page: str) -> None:
    document = html5lib.parse(page)
    sections = [s for s in document.iter(f"{XHTML}section") if s.get("id")]
    data = json.loads(run_cli("report", "--as-of", AS_OF, "--format", "json").stdout)
    with_activities = []

    def visit(unit: dict[str, object]) -> None:
        figures = unit["figures"]
        assert isinstance(figures, dict)
        with_activities.append(figures["rolled_up"]["activities"] > 0)
        for child in unit["units"]:  # type: ignore[attr-defined]
            visit(child)

    for unit in data["units"]:
        visit(unit)
    assert len(sections) == len(with_activities) == 7  # FAC INA PA1 PA2 INB PB1, Other
    assert with_activities.count(False) == 1  # PA2's plan has no activities
    for section, has_activities in zip(sections, with_activities):
        charts = list(section.iter(f"{SVG}svg"))
        assert len(charts) == (1 if has_activities else 0)
        for chart in charts:
            title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
            assert chart.get("role") == "img" and title is not None and desc is not None
            assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            caption = section.find(f".//{XHTML}figcaption")
            assert caption is not None and caption.text == desc.text
    pa1 = sections[2]
    assert "Program A1 (PA1)" in "".join(pa1.find(f"{XHTML}h2").itertext())
    caption = pa1.find(f".//{XHTML}figcaption")
    assert caption is not None and caption.text is not None
    assert caption.text.startswith("Planerad 1, Pågår 2, Klar 2, Försenad 1, Inställd 1")
    assert "Klar 2024: 1, 2025: 1; Förfallen 2024: 0, 2025: 1." in caption.text


def test_hostile_plan_text_is_shown_as_text(page: str) -> None:
    assert "<script" not in page.lower() and "<img" not in page
    document = html5lib.parse(page)
    texts = ["".join(cell.itertext()) for cell in document.iter(f"{XHTML}td")]
    assert HOSTILE_NOTE in texts and HOSTILE_TITLE in texts


def test_the_page_needs_nothing_else(page: str) -> None:
    # No scripts, no external styles, fonts, images or links: it prints and mails as one file.
    document = html5lib.parse(page)
    tags = {element.tag.rsplit("}", 1)[-1] for element in document.iter()}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "image", "use"}
    for element in document.iter():
        assert "src" not in element.attrib
        assert element.get("href", "#").startswith("#")
    assert not re.search(r"@import|url\(", page)
    assert "@media print" in page and "size: A4" in page
    for question in ("Vad har vi gjort, och hur gick det?", "Hva trenger vi hjelp med?",
                     "What will we do next?"):
        assert question in page

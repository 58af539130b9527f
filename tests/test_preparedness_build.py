"""Preparedness end to end: the fixture plan with Tanzania preparing (tests/fixtures/prep) built by snakemake; its
contingency plan and dashboards read back as a reader would; a bad preparedness file blocks only them; the
review covers them; promote turns the contingency plan into the chapter's first draft."""
import json
import re
import shutil

import docx
import pymupdf
import pytest
from conftest import snakemake
from test_pipeline import table_with_caption
from test_preparedness import prep_workspace


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ws = prep_workspace(tmp_path_factory.mktemp("prep-built") / "ws")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    return ws


def test_contingency_plan_tables_carry_the_hand_computed_figures(built):
    doc = built / "build/preparedness/contingency/TZA.docx"
    sectors = table_with_caption(doc, "Contingency requirements by sector")
    assert sectors[1] == ["Protection", "2", "11,500", "400,000", "63.5%"]
    assert sectors[3] == ["Water, Sanitation and Hygiene", "3", "9,500", "230,000", "36.5%"]
    assert sectors[-1] == ["All sectors", "3", "12,500", "630,000", "100.0%"]
    capacity = table_with_caption(doc, "Partner capacity against people targeted by sector")
    assert capacity[1] == ["Protection", "11,500", "3,000", "26%", "8,500", "3.5 days, 5 days"]
    assert capacity[2] == ["Water, Sanitation and Hygiene", "9,500", "4,000", "42%", "5,500", "7 days, 10 days"]
    assert capacity[-1] == ["All sectors (added up)", "21,000", "7,000", "33%", "14,000", "5 days, 10 days"]
    areas = table_with_caption(doc, "Partner capacity against people targeted by sector and area")
    assert areas[1:] == [["Protection", "Kigoma", "9,000", "3,000", "6,000"], ["", "Kagera", "2,500", "0", "2,500"],
                         ["Water, Sanitation and Hygiene", "Kigoma", "8,000", "2,000", "6,000"],
                         ["", "Kagera", "1,500", "0", "1,500"], ["", "National", "0", "2,000", "0"]]
    overdue = table_with_caption(doc, "Overdue preparedness actions")
    assert [r[0] for r in overdue[1:]] == ["Identify reception sites in Kigoma. Two sites visited",
                                           "Sign stand-by agreements with water truckers."]
    assert [r[3] for r in overdue[1:]] == ["16 days", "11 days"]
    glance = dict(table_with_caption(doc, "At a glance"))
    assert glance["Financial requirements"] == "USD 630,000" and glance["Minimum preparedness actions done"] == "2 of 5 (40%)"
    assert glance["Risk (likelihood x impact)"] == "4 x 3 = 12, high"


def test_risk_matrix_is_vector_in_the_pdf_and_a_picture_in_word(built):
    pdf = pymupdf.open(built / "build/preparedness/contingency/TZA.pdf")
    text = " ".join("".join(p.get_text() for p in pdf).split())
    assert "Risk analysis: scenarios by likelihood and impact" in text and "Very likely" in text and "Critical" in text
    assert all(not p.get_images() for p in pdf)  # drawn as text and shapes, no embedded image
    alt = (built / "build/charts/contingency-TZA/chart-risk_matrix.alt.txt").read_text(encoding="utf-8")
    assert "S1 Arrivals from Burundi into Kigoma: likelihood 4, impact 3, risk 12 (high)" in alt
    assert len(docx.Document(str(built / "build/preparedness/contingency/TZA.docx")).inline_shapes) == 2


def test_dashboards_are_one_page_with_readiness_overdue_and_coverage(built):
    for doc in ("TZA", "regional"):
        assert pymupdf.open(built / f"build/preparedness/dashboard/{doc}.pdf").page_count == 1, doc
    country = built / "build/preparedness/dashboard/TZA.docx"
    readiness = table_with_caption(country, "Readiness")
    assert readiness[1] == ["Minimum actions done", "2 of 5 (40%)", "People targeted", "12,500"]
    assert readiness[3][:2] == ["Overdue actions", "2"]
    coverage = table_with_caption(country, "Partner capacity against people targeted, by sector")
    assert coverage[1] == ["Coordination", "1 of 1", "", "", "", "", ""]
    assert coverage[-1] == ["All sectors (added up)", "2 of 5", "21,000", "7,000", "33%", "14,000", "5 days, 10 days"]
    regional = table_with_caption(built / "build/preparedness/dashboard/regional.docx",
                                  "Preparedness by country: minimum actions done, actions overdue, people targeted covered by capacity")
    assert regional[1][0] == "Tanzania" and regional[1][3:] == ["40%", "2", "33%", "630,000"]


def test_review_page_lists_the_preparedness_documents_and_reports(built):
    page = (built / "build/index.html").read_text(encoding="utf-8")
    assert "<h3>Preparedness: contingency plans and dashboards</h3>" in page
    assert '<a href="preparedness/contingency/TZA.docx">' in page and '<a href="preparedness/dashboard/regional.pdf">' in page
    assert "<td>TZA (preparedness)</td>" in page and 'href="reports/preparedness/TZA/actions.csv.html"' in page
    assert "Tanzania: the risk analysis was due for review on 2026-03-15." in page
    manifest = json.loads((built / "build/manifest.json").read_text(encoding="utf-8"))
    assert "build/preparedness/contingency/TZA.pdf" in manifest["outputs"]
    assert "inputs/preparedness/TZA/capacity.csv" in manifest["inputs"]


def test_diff_redlines_the_preparedness_documents_whose_bytes_changed(built, tmp_path):
    from rcm_docs.review.drafts import diff_builds, documents

    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    assert {"preparedness/contingency/TZA.docx", "preparedness/dashboard/TZA.docx",
            "preparedness/dashboard/regional.docx"} <= set(documents(ws / "build"))
    shutil.copytree(ws / "build", tmp_path / "old")
    actions = ws / "inputs/preparedness/TZA/actions.csv"
    actions.write_text(actions.read_text(encoding="utf-8").replace("2026-03-15,in progress", "2026-03-15,done"), encoding="utf-8")
    dry = snakemake(ws, "-n").stdout
    assert set(re.findall(r"^(?:local)?rule (\w+):", dry, flags=re.M)) == {
        "validate_preparedness", "figures_preparedness", "figures_preparedness_regional", "render_contingency",
        "render_preparedness_dashboard", "validate_summary", "review_index", "all"}
    assert snakemake(ws).returncode == 0
    out = diff_builds(tmp_path / "old", ws / "build", tmp_path / "review")
    assert "preparedness/contingency/TZA.docx:" in out and "preparedness/dashboard/regional.docx:" in out
    assert "rrp/KEN.docx" not in out  # the chapters do not read preparedness files
    assert (tmp_path / "review/preparedness/contingency/TZA.redline.docx").is_file()
    assert "<h3>Preparedness: contingency plans and dashboards</h3>" in (tmp_path / "review/index.html").read_text(encoding="utf-8")
    glance = dict(table_with_caption(ws / "build/preparedness/contingency/TZA.docx", "At a glance"))
    assert glance["Minimum preparedness actions done"] == "3 of 5 (60%)" and glance["Overdue actions"] == "1"


def test_a_bad_actions_file_blocks_the_contingency_plan_but_not_the_plan(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    actions = ws / "inputs/preparedness/TZA/actions.csv"
    actions.write_text(actions.read_text(encoding="utf-8").replace("2026-03-15,in progress", "15/03/2026,in progress"), encoding="utf-8")
    result = snakemake(ws, "--keep-going")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "inputs/preparedness/TZA/actions.csv: 1 error(s); see build/reports/preparedness/TZA/actions.csv.md" in out
    report = (ws / "build/reports/preparedness/TZA/actions.csv.md").read_text(encoding="utf-8")
    assert "| 3 | line 3, column 5 | `deadline` | `15/03/2026` | '15/03/2026' is not a date |" in report
    for doc in ("contingency/TZA", "dashboard/TZA", "dashboard/regional"):
        assert not (ws / f"build/preparedness/{doc}.docx").exists(), doc
    for doc in ("rrp/KEN", "rrp/UGA", "rrp/regional", "keypoints/regional"):
        assert (ws / f"build/{doc}.docx").exists() and (ws / f"build/{doc}.pdf").exists(), doc


def test_promoted_contingency_plan_builds_as_a_chapter_with_the_same_requirements(tmp_path):
    from rcm_docs.promote import promote

    ws = prep_workspace(tmp_path / "ws")
    promote(str(ws), "TZA")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    contingency = dict(table_with_caption(ws / "build/preparedness/contingency/TZA.docx", "At a glance"))
    assert contingency["Financial requirements"] == "USD 630,000"
    sectors = table_with_caption(ws / "build/rrp/TZA.docx", "People targeted and requirements by sector")
    assert sectors[-1] == ["All sectors", "3", "12,500", "630,000", "100.0%"]
    fig = json.loads((ws / "build/figures/TZA.json").read_text(encoding="utf-8"))
    assert (fig["population_planned"], fig["needs"]["pin"]) == (20_000, 22_000)
    regional = json.loads((ws / "build/figures/regional.json").read_text(encoding="utf-8"))
    assert regional["requirements"] == 2_405_000  # 1,295,000 + 480,000 + 630,000

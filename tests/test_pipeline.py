"""End to end: snakemake on the fixture workspace, documents read back as a reader would."""
import json
import re
import shutil

import docx
import pandas as pd
import pymupdf
import pytest
from conftest import ROOT, copy_fixture, snakemake, table_with_caption
from test_glance import tiles

from rcm_docs.common import fmt

# Hand-computed from tests/fixtures/ws (see the figures tests for the consolidation rules).
KEN_REQ, UGA_REQ = 1_295_000, 480_000


def requirements_tile(path) -> str:
    return tiles(path)[3][0]  # value of the 'Financial requirements' tile


def test_chapter_totals_equal_the_sum_of_the_submissions(built):
    merged = pd.read_csv(built / "build/plan/plan_rows.csv")
    assert merged.groupby("country")["budget_usd"].sum().to_dict() == {"KEN": KEN_REQ, "UGA": UGA_REQ}
    sectors = table_with_caption(built / "build/rrp/KEN.docx", "People targeted and requirements by sector")
    assert sectors[1] == ["Protection", "3", "14,500", "875,000", "67.6%"]
    assert sectors[2] == ["Education", "2", "15,000", "420,000", "32.4%"]
    assert sectors[-1] == ["All sectors", "3", "17,500", "1,295,000", "100.0%"]


def test_regional_plan_reconciles_with_country_chapters(built):
    rows = table_with_caption(built / "build/rrp/regional.docx", "Needs and requirements by country")
    assert rows[0] == ["Country", "People in need", "People targeted", "Coverage", "Partners", "Requirements (USD)", "Share"]
    by_country = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    columns = ("Partners", "People targeted", "Requirements (USD)", "Share")
    assert [by_country["Kenya"][c] for c in columns] == ["3", "17,500", "1,295,000", "73.0%"]
    assert [by_country["Uganda"][c] for c in columns] == ["2", "32,000", "480,000", "27.0%"]
    # Partners working in both countries count once; people and money add up.
    assert [by_country["Total"][c] for c in columns] == ["4", "49,500", "1,775,000", "100.0%"]
    assert by_country["Kenya"]["People in need"] == "not provided"  # the fixture has no needs.csv
    assert requirements_tile(built / "build/rrp/regional.docx") == "1.8 million"  # USD 1,775,000
    assert requirements_tile(built / "build/rrp/KEN.docx") == "1.3 million"  # USD 1,295,000


def test_regional_plan_gives_needs_by_country_and_each_countrys_summary(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/needs.csv").write_text(
        "country,sector,population_group,admin1,people_in_need,source,as_of\n"
        "KEN,intersectoral,refugees,,40000,Needs assessment,2026-02-01\n"
        "KEN,intersectoral,host_community,,10000,Needs assessment,2026-02-01\n"
        "UGA,intersectoral,refugees,,64000,Needs assessment,2026-02-01\n", encoding="utf-8")
    assert snakemake(ws).returncode == 0
    rows = table_with_caption(ws / "build/rrp/regional.docx", "Needs and requirements by country")
    by_country = {r[0]: r[1:5] for r in rows[1:]}
    # PiN as given; coverage = targeted / PiN: 17,500 / 50,000, 32,000 / 64,000, 49,500 / 114,000.
    assert by_country == {"Kenya": ["50,000", "17,500", "35%", "3"], "Uganda": ["64,000", "32,000", "50%", "2"],
                          "Total": ["114,000", "49,500", "43%", "4"]}
    md = (ws / "build/rrp/regional.md").read_text(encoding="utf-8")
    summaries = md[md.index("# Country summaries"):md.index("# Sources and method")]
    kenya = summaries[summaries.index("## Kenya"):summaries.index("## Uganda")]
    assert ("**People in need:** 50,000 · **People targeted:** 17,500 · **Requirements:** USD 1.3 million · "
            "**Appealing partners:** 3") in kenya
    overview = (ws / "inputs/narratives/KEN/overview.md").read_text(encoding="utf-8").strip().split("\n\n")[0]
    assert overview.strip() in kenya  # the first paragraph of Kenya's overview, as written
    uganda = summaries[summaries.index("## Uganda"):]
    assert "**Text to come:** the situation overview of Uganda, from the coordination team in Uganda." in uganda


def test_pdf_carries_the_same_totals_with_header_and_page_numbers(built):
    doc = pymupdf.open(built / "build/rrp/regional.pdf")
    text = "\n".join(page.get_text() for page in doc)
    assert "1,775,000" in text and "1,295,000" in text and "480,000" in text and "1.8 million" in text
    assert f"Page 1 of {doc.page_count}" in text
    assert "Test RRP 2026" in doc[1].get_text()  # running header from page 2
    assert {f[3].split("+")[-1] for f in doc[0].get_fonts()} >= {"Lato-Regular", "Lato-Bold"}


def test_missing_narratives_show_a_visible_pending_note_and_are_listed(built):
    md = (built / "build/rrp/UGA.md").read_text(encoding="utf-8")
    # A placeholder for reviewers names the section and who writes it, never a file path.
    assert "**Text to come:** the situation overview, from the coordination team." in md
    assert "inputs/" not in md
    regional = (built / "build/rrp/regional.md").read_text(encoding="utf-8")
    assert "**Text to come:** the regional Education strategy, from the regional sector lead." in regional
    assert "inputs/" not in regional
    summary = (built / "build/reports/summary.md").read_text(encoding="utf-8")
    assert "`inputs/narratives/UGA/overview.md`" in summary and "`inputs/narratives/regional/EDU.md`" in summary
    assert "Uganda: Education" in summary  # no submission for that sector


def test_merged_rows_carry_provenance(built):
    merged = pd.read_csv(built / "build/plan/plan_rows.csv")
    edu = merged[(merged.country == "KEN") & (merged.sector == "EDU")]
    assert edu[["source_file", "source_sheet", "source_row"]].values.tolist() == [
        ["inputs/submissions/KEN/EDU.xlsx", "Submission", 5], ["inputs/submissions/KEN/EDU.xlsx", "Submission", 6]]
    xlsx = pd.read_excel(built / "build/plan/plan_rows.xlsx", engine="calamine")
    assert len(xlsx) == len(merged) == 8


def test_rebuild_from_scratch_is_byte_identical(built, tmp_path):
    again = copy_fixture(tmp_path / "again")
    assert snakemake(again).returncode == 0
    files = sorted(p.relative_to(built / "build") for p in (built / "build").rglob("*")
                   if p.is_file() and "logs" not in p.parts)
    assert {"manifest.json", "index.html", "rrp/regional.pdf", "keypoints/KEN.docx", "plan/plan_rows.xlsx",
            "reports/UGA/PRO.csv.html"} <= {f.as_posix() for f in files}
    for f in files:
        assert (built / "build" / f).read_bytes() == (again / "build" / f).read_bytes(), f


def test_bad_cell_blocks_its_country_names_the_report_and_keeps_other_countries(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    p = ws / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("80000", '"80 thousand USD"'), encoding="utf-8")
    result = snakemake(ws, "--keep-going")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "inputs/submissions/UGA/PRO.csv: 1 error(s); see build/reports/UGA/PRO.csv.md" in out
    report = (ws / "build/reports/UGA/PRO.csv.md").read_text(encoding="utf-8")
    assert "| 3 | line 3, column 6 | `budget_usd` | `80 thousand USD` | '80 thousand USD' is not a number |" in report
    html = (ws / "build/reports/UGA/PRO.csv.html").read_text(encoding="utf-8")
    assert "<td><code>80 thousand USD</code></td>" in html
    assert not (ws / "build/rrp/UGA.docx").exists() and not (ws / "build/rrp/regional.docx").exists()
    assert not (ws / "build/plan/plan_rows.csv").exists()
    assert (ws / "build/rrp/KEN.docx").exists() and (ws / "build/rrp/KEN.pdf").exists()
    assert not list((ws / "build").rglob(".*.tmp"))


def pdf_headers(path) -> list[str]:
    """The text in each page's header band (above the 2.4 cm top margin), landscape pages included."""
    return [page.get_text(clip=pymupdf.Rect(0, 0, page.rect.width, 68)).replace("\n", " ")
            for page in pymupdf.open(path)]


def docx_draft_marks(path) -> tuple[list[str], str]:
    """Every header a page can show (first-page ones where the section has them), and the cover's first line."""
    d = docx.Document(str(path))
    headers = []
    for s in d.sections:
        headers.append(s.header.paragraphs[0].text)
        if s.different_first_page_header_footer:
            headers.append(s.first_page_header.paragraphs[0].text)
    return headers, d.paragraphs[0].text


def test_allow_incomplete_builds_drafts_marked_incomplete(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/submissions/UGA/PRO.csv").write_text("organisation,budget_usd\nUNHCR,x\n", encoding="utf-8")
    assert snakemake(ws, "--config", "allow_incomplete=true").returncode == 0
    text = "".join(p.get_text() for p in pymupdf.open(ws / "build/rrp/regional.pdf")).replace("\n", "")
    assert "INCOMPLETE DRAFT" in text and "inputs/submissions/UGA/PRO.csv" in text
    sectors = table_with_caption(ws / "build/rrp/regional.docx", "People targeted and requirements by sector")
    assert sectors[-1][3] == "1,295,000" and requirements_tile(ws / "build/rrp/regional.docx") == "1.3 million"
    # Every document made from Uganda's figures, of every kind, says so on its cover and on every page.
    drafts = [p for kind in ("rrp", "keypoints", "sitreps", "packs") for p in (ws / "build" / kind).rglob("*.pdf")
              if p.stem in ("UGA", "regional")]
    assert {p.relative_to(ws / "build").parts[0] for p in drafts} == {"rrp", "keypoints", "sitreps", "packs"}
    for pdf in drafts:
        headers = pdf_headers(pdf)
        assert all("DRAFT / INCOMPLETE" in h for h in headers), (pdf, headers)
        assert "DRAFT / INCOMPLETE" in pymupdf.open(pdf)[0].get_text(clip=pymupdf.Rect(0, 68, 600, 260))  # the cover
        headers, cover = docx_draft_marks(pdf.with_suffix(".docx"))
        assert cover == "DRAFT / INCOMPLETE" and all(h.startswith("DRAFT / INCOMPLETE") for h in headers), (pdf, headers)
    # Kenya's own documents do not depend on the rejected file: no mark.
    assert not any("DRAFT" in h for h in pdf_headers(ws / "build/rrp/KEN.pdf"))
    assert not any("DRAFT" in h for h in docx_draft_marks(ws / "build/rrp/KEN.docx")[0])
    # The sector whose file was rejected says so, not that nothing was received.
    uga = (ws / "build/rrp/UGA.md").read_text(encoding="utf-8")
    protection = uga[uga.index("## Protection"):uga.index("## Education")]
    assert ("**Submission rejected:** the Protection submission was rejected at validation and is not counted in "
            "this draft.") in protection and "No submission has been received" not in protection
    regional = (ws / "build/rrp/regional.md").read_text(encoding="utf-8")
    assert "the Protection submission from Uganda was rejected at validation" in regional


def test_new_submission_dropped_in_is_picked_up_and_only_its_country_reruns(built, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    shutil.copy(ws / "inputs/submissions/UGA/PRO.csv", ws / "inputs/submissions/UGA/EDU.csv")
    dry = snakemake(ws, "-n")
    assert "validate_submissions" in dry.stdout
    assert "KEN" not in "".join(l for l in dry.stdout.splitlines() if "wildcards:" in l)
    assert snakemake(ws).returncode == 0
    fig = json.loads((ws / "build/figures/regional.json").read_text(encoding="utf-8"))
    assert fig["requirements"] == KEN_REQ + 2 * UGA_REQ


def test_bad_plan_fails_before_any_job_naming_the_key(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    plan = ws / "inputs/plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("currency: USD", "currency: USD\nsponsor: x"), encoding="utf-8")
    result = snakemake(ws)
    assert result.returncode != 0
    assert "unknown key 'sponsor'" in result.stdout + result.stderr
    assert not (ws / "build").exists()


def test_submission_in_an_unknown_country_folder_fails_before_any_job(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/submissions/TZA").mkdir()
    shutil.copy(ws / "inputs/submissions/UGA/PRO.csv", ws / "inputs/submissions/TZA/PRO.csv")
    result = snakemake(ws)
    assert result.returncode != 0
    assert "folder 'TZA' is not a country of the plan" in result.stdout + result.stderr


def test_the_shipped_example_plan_builds_and_reconciles(example_built):
    ws = example_built
    merged = pd.read_csv(ws / "build/plan/plan_rows.csv")
    regional = json.loads((ws / "build/figures/regional.json").read_text(encoding="utf-8"))
    assert regional["requirements"] == round(merged["budget_usd"].sum(), 2)
    summary = (ws / "build/reports/summary.md").read_text(encoding="utf-8")
    # 40 sector files, the funding file, and Panama's 10 preparedness files (scenario, actions, capacity, 7 sectors)
    assert "51 submission(s): 51 accepted, 0 rejected." in summary
    for code in regional["countries"]:
        sectors = table_with_caption(ws / f"build/rrp/{code['code']}.docx", "People targeted and requirements by sector")
        assert sectors[-1][3] == f"{round(code['requirements']):,}"
        assert requirements_tile(ws / f"build/rrp/{code['code']}.docx") == fmt.short(code["requirements"])


def test_messy_but_valid_text_renders_literally_and_totals_still_add_up(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    with open(ws / "inputs/partners.csv", "a", encoding="utf-8") as f:
        f.write('"Médecins & Amis* <b>#1</b> | $50 @home \\ ""quoted""",MAS,INGO\n')
    with open(ws / "inputs/submissions/KEN/PRO.csv", "a", encoding="utf-8") as f:
        f.write('MAS,"=HYPERLINK(""http://x"")","_Outreach_ #hash [link](x) `code` {=typst}","# of people, ""reached""",'
                'Dadaab  ,12345.67,1,0,,,,,\n')
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-2000:]
    text = "".join(p.get_text() for p in pymupdf.open(ws / "build/rrp/KEN.pdf")).replace("\n", " ")
    assert 'Médecins & Amis* <b>#1</b> | $50 @home \\ "quoted"' in text
    annex = table_with_caption(ws / "build/rrp/KEN.docx", "Requirements by partner and sector (USD)")
    row = next(r for r in annex if r[0].startswith("Médecins"))
    assert row[:3] == ['Médecins & Amis* <b>#1</b> | $50 @home \\ "quoted"', "INGO", "12,346"] and row[-1] == "12,346"
    assert annex[-1][-1] == f"{KEN_REQ + 12345.67:,.0f}"
    merged = (ws / "build/plan/plan_rows.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in merged  # defused for spreadsheets
    # A drafter opens whatever is in build/: no CSV or XLSX anywhere in it holds a live formula.
    import csv

    import openpyxl

    risky = ("=", "+", "-", "@", "\t", "\r")
    for path in (ws / "build").rglob("*.csv"):
        cells = [c for row in csv.reader(path.open(encoding="utf-8", newline="")) for c in row]
        assert not [c for c in cells if c.startswith(risky) and not _number(c)], path
    for path in (ws / "build").rglob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        assert not [c.coordinate for ws_ in wb for row in ws_.iter_rows() for c in row if c.data_type == "f"], path


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_docx_tables_have_readable_repeating_header_rows_and_numbered_captions(built):
    from docx.oxml.ns import qn

    d = docx.Document(str(built / "build/rrp/KEN.docx"))
    caption = next(p for p in d.paragraphs if p.style.name == "Table Caption")  # the first in the body
    table = caption._p.getnext()
    head = docx.table.Table(table, d.part).rows[0]
    runs = [r for c in head.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.color.rgb == docx.shared.RGBColor(0xFF, 0xFF, 0xFF) and r.font.bold for r in runs)
    assert head._tr.trPr.find(qn("w:tblHeader")) is not None
    field = caption._p.find(qn("w:fldSimple"))
    assert field.get(qn("w:instr")).split() == ["SEQ", "Table", "\\*", "ARABIC"]
    # Table 1 is the at-a-glance page's partners by type, in a cell of its layout: this one is the second.
    assert field.find(qn("w:r")).find(qn("w:t")).text == "2"
    assert d.sections[0].header.paragraphs[0].text == "Test RRP 2026 | Kenya"


def test_workspace_templates_override_the_projects(tmp_path):
    from conftest import ROOT

    ws = copy_fixture(tmp_path / "ws")
    (ws / "templates").mkdir()
    text = (ROOT / "templates/rrp.md.j2").read_text(encoding="utf-8").replace("# At a glance", "# Key figures at a glance")
    (ws / "templates/rrp.md.j2").write_text(text, encoding="utf-8")
    assert snakemake(ws).returncode == 0
    assert "# Key figures at a glance" in (ws / "build/rrp/KEN.md").read_text(encoding="utf-8")
    d = docx.Document(str(ws / "build/rrp/KEN.docx"))
    assert any(p.text.endswith("Key figures at a glance") for p in d.paragraphs if p.style.name == "Heading 1")


def test_report_shows_hostile_values_as_text(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    p = ws / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Uganda Red Cross Society", "<img src=x onerror=alert(1)>"), encoding="utf-8")
    snakemake(ws, "--keep-going")
    html = (ws / "build/reports/UGA/PRO.csv.html").read_text(encoding="utf-8")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_review_page_links_every_document_and_report_relative_to_build(built):
    import re

    page = (built / "build/index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    for doc in ("KEN", "UGA", "regional"):
        for ext in ("docx", "pdf", "md"):
            assert f"rrp/{doc}.{ext}" in links
    assert "reports/KEN/EDU.xlsx.html" in links
    assert all((built / "build" / link).exists() for link in links)
    assert page.count("<td class='ok'>accepted</td>") == 3


@pytest.mark.parametrize("doc", ["KEN", "UGA", "regional"])
def test_key_points_agree_with_the_chapter_and_the_funding_files(built, doc):
    sectors = table_with_caption(built / f"build/rrp/{doc}.docx", "People targeted and requirements by sector")
    groups = {r[0]: r[4] for r in table_with_caption(
        built / f"build/rrp/{doc}.docx", "Population, people in need and people targeted by population group")}
    key = dict(table_with_caption(built / f"build/keypoints/{doc}.docx", "Key figures"))
    assert key["Financial requirements"] == f"USD {sectors[-1][3]}"
    assert key["Appealing partners"] == sectors[-1][1] == tiles(built / f"build/rrp/{doc}.docx")[4][0]
    assert key["People targeted: refugees"] == groups["Refugees"]
    assert key["People targeted: host community"] == groups["Host community"]
    funded = {"KEN": 400_000, "UGA": 40_000, "regional": 640_000}[doc]  # committed + paid; pledges excluded
    requirements = {"KEN": KEN_REQ, "UGA": UGA_REQ, "regional": KEN_REQ + UGA_REQ}[doc]
    assert key["Funded (committed and paid)"] == f"USD {funded:,}"
    assert key["Funding gap"] == f"USD {requirements - funded:,}"
    pdf = pymupdf.open(built / f"build/keypoints/{doc}.pdf")
    assert pdf.page_count == 1 and "Key figures" in pdf[0].get_text()


def test_rejected_funding_file_blocks_key_points_but_not_chapters(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    with open(ws / "inputs/funding/contributions.csv", "a", encoding="utf-8") as f:
        f.write("Mystery donor,Nobody Org,KEN,PRO,-10,2026-01-01,paid\n")
    result = snakemake(ws, "--keep-going")
    assert result.returncode != 0
    assert "inputs/funding/contributions.csv: 2 error(s)" in result.stdout + result.stderr
    assert (ws / "build/rrp/KEN.docx").exists() and not (ws / "build/keypoints/KEN.docx").exists()
    report = (ws / "build/reports/funding/contributions.csv.md").read_text(encoding="utf-8")
    assert "'Nobody Org' (the recipient) is not in the partner registry" in report


def test_charts_are_in_both_formats_with_alt_text_from_the_same_figures(built):
    from docx.oxml.ns import qn

    d = docx.Document(str(built / "build/rrp/regional.docx"))
    alts = [el.get("descr") for el in d.element.body.iter(qn("wp:docPr"))]
    # The first page's map and requirements by sector, then requirements by country and by sector.
    assert [a.split(":")[0] for a in alts] == ["Map", "Bar chart", "Bar chart", "Bar chart"]
    assert "Kenya USD 1.3 million" in alts[2] and "Uganda USD 480,000" in alts[2]
    captions = [p.text for p in d.paragraphs if p.style.name == "Image Caption"]
    assert captions == ["Figure : Financial requirements by country", "Figure : Financial requirements by sector"]
    text = "".join(p.get_text() for p in pymupdf.open(built / "build/rrp/regional.pdf"))
    assert "Figure 1: Financial requirements by country" in text.replace("\n", " ")
    # The PDF draws the chart itself: its labels and source line are text in the page.
    assert "Source: sector submissions, as of" in text.replace("\n", " ")
    assert (built / "build/charts/regional/chart-requirements_by_sector.typ").exists()


def test_sitrep_consolidates_reach_and_agrees_with_chapter_and_key_points(built):
    # KEN: PRO Turkana max(6,000, 2,500); EDU Turkana 4,000 + Garissa 1,000; all sectors: Turkana 6,000 + Garissa 1,000.
    # One reporting month (March) since the plan's start: reached in the month = reached since January.
    ken = table_with_caption(built / "build/sitreps/2026-03/KEN.docx", "People in need, targeted and reached by sector")
    assert ken[1] == ["Protection", "-", "14,500", "6,000", "6,000", "41%"]
    assert ken[2] == ["Education", "-", "15,000", "5,000", "5,000", "33%"]
    assert ken[-1] == ["All sectors (consolidated)", "-", "17,500", "7,000", "7,000", "40%"]
    regional = table_with_caption(built / "build/sitreps/2026-03/regional.docx", "People in need, targeted and reached by sector")
    assert regional[-1] == ["All sectors (consolidated)", "-", "49,500", "12,000", "12,000", "24%"]  # countries add up
    funding = table_with_caption(built / "build/sitreps/2026-03/KEN.docx", "Funding by sector")
    key = dict(table_with_caption(built / "build/keypoints/KEN.docx", "Key figures"))
    assert f"USD {funding[-1][2]}" == key["Funded (committed and paid)"] == "USD 400,000"
    assert f"USD {funding[-1][1]}" == key["Financial requirements"]
    figures = table_with_caption(built / "build/sitreps/2026-03/KEN.docx", "Key figures")
    assert figures[1] == ["New arrivals in the month", "1,200", "31 March 2026", "Government of Kenya (test)"]
    md = (built / "build/sitreps/2026-03/KEN.md").read_text(encoding="utf-8")
    assert "Registration resumed in **Turkana**" in md


@pytest.mark.parametrize("audience,doc", [("donors", "regional"), ("rc_unct", "KEN")])
def test_packs_carry_the_same_figures_and_a_data_annex(built, audience, doc):
    sectors = table_with_caption(built / f"build/rrp/{doc}.docx", "People targeted and requirements by sector")
    pack = dict(table_with_caption(built / f"build/packs/{audience}/{doc}.docx", "Key figures"))
    assert pack["Financial requirements"] == f"USD {sectors[-1][3]}"
    assert pack["Funded (committed and paid)"] == {"regional": "USD 640,000", "KEN": "USD 400,000"}[doc]
    assert pack["People reached since January 2026 (March 2026 report)"] == {"regional": "12,000", "KEN": "7,000"}[doc]
    annex = pd.read_excel(built / f"build/packs/{audience}/{doc}.xlsx", sheet_name=None, engine="calamine")
    assert annex["sectors"]["requirements_usd"].sum() == {"regional": KEN_REQ + UGA_REQ, "KEN": KEN_REQ}[doc]
    # Every funding sheet adds up to the funding received: unearmarked and regional-only funding are rows.
    assert annex["funding_by_sector"]["funded_usd"].sum() == annex["donors"]["funded_usd"].sum()
    assert annex["funding_by_org_type"]["funded_usd"].sum() == annex["donors"]["funded_usd"].sum()
    if doc == "regional":
        assert annex["funding_by_sector"]["funded_usd"].sum() == 640_000
        assert annex["countries"]["requirements_usd"].tolist() == [KEN_REQ, UGA_REQ]
        assert annex["funding_by_country"]["funded_usd"].sum() == 640_000
    # No HC/HCT operates in the fixture's countries, and no regional RC/UNCT or HCT exists: no such packs.
    assert not (built / "build/packs/hc_hct").exists() and not (built / "build/packs/rc_unct/regional.docx").exists()


def test_plan_chooses_what_each_pack_holds(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    plan = ws / "inputs/plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "audiences:\n  donors: {name: Donors, sections: [funding_by_sector, gaps]}\n", encoding="utf-8")
    assert snakemake(ws).returncode == 0
    md = (ws / "build/packs/donors/KEN.md").read_text(encoding="utf-8")
    assert "# Requirements and funding by sector" in md and "# Key figures" not in md
    assert not (ws / "build/packs/rc_unct").exists()


def test_chapters_have_contents_and_a_landscape_annex_with_running_headers(built):
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    d = docx.Document(str(built / "build/rrp/regional.docx"))
    instr = [t.text for t in d.element.body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instr)
    links = [h.get(qn("w:anchor")) for h in d.element.body.iter(qn("w:hyperlink"))]
    assert "at-a-glance" in links
    assert "updateFields" not in d.settings.element.xml  # no 'update fields?' prompt on open
    assert d.sections[0].orientation == WD_ORIENT.PORTRAIT and d.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert d.sections[-1].header.paragraphs[0].text == d.sections[0].header.paragraphs[0].text == "Test RRP 2026 | Regional"
    pdf = pymupdf.open(built / "build/rrp/regional.pdf")
    last = pdf[pdf.page_count - 1]
    assert last.rect.width > last.rect.height and "Test RRP 2026" in last.get_text()
    assert f"Page {pdf.page_count} of {pdf.page_count}" in last.get_text()
    assert "Contents" in pdf[0].get_text()


def test_the_slurm_profile_plans_every_document_without_a_cluster(tmp_path):
    from conftest import ROOT

    pytest.importorskip("snakemake_executor_plugin_slurm", reason="the cluster extra: pip install -e '.[slurm]'")
    ws = copy_fixture(tmp_path / "ws")
    result = snakemake(ws, "--profile", str(ROOT / "profiles/slurm"), "-n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "render_rrp" in result.stdout and "render_pack" in result.stdout and "render_sitrep" in result.stdout


def _planned(ws) -> set[str]:
    dry = snakemake(ws, "-n")
    assert dry.returncode == 0, dry.stderr[-2000:]
    return {m for m in re.findall(r"^(?:local)?rule (\w+):", dry.stdout, flags=re.M)}


def test_a_template_edit_reruns_exactly_the_documents_made_from_it(tmp_path):
    """A drafter restyles the key points, then the charts: only those documents are planned again."""
    ws = copy_fixture(tmp_path / "ws")
    (ws / "templates").mkdir()
    for name in ("keypoints.md.j2", "chart.typ"):
        shutil.copy(ROOT / "templates" / name, ws / "templates" / name)
    assert snakemake(ws).returncode == 0
    keypoints = ws / "templates/keypoints.md.j2"
    keypoints.write_text(keypoints.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _planned(ws) == {"render_keypoints", "review_index", "all"}
    assert snakemake(ws).returncode == 0
    chart = ws / "templates/chart.typ"
    chart.write_text(chart.read_text(encoding="utf-8").replace('rgb("#0072BC")', 'rgb("#0072BD")'), encoding="utf-8")
    assert _planned(ws) == {"render_rrp", "render_sitrep", "render_funding", "review_index", "all"}
    assert snakemake(ws).returncode == 0
    assert 'rgb("#0072BD")' in chart.read_text(encoding="utf-8")
    assert (ws / "build/charts/KEN/chart-requirements_by_sector.png").stat().st_mtime > keypoints.stat().st_mtime

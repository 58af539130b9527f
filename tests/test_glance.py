"""The at-a-glance page of the chapters and the regional plan: key-figure tiles from the figures, the map,
requirements by sector, partners by type, key messages; one page in PDF and in Word."""
import re

import docx
import pandas as pd
import pymupdf
import pytest
from conftest import ROOT
from docx.oxml.ns import qn

LABELS = ["Population", "People in need", "People targeted", "Financial requirements (USD)", "Appealing partners"]
# tests/fixtures/ws by hand. Population: refugees' planning figure (host communities apart). People targeted:
# KEN 15,000 refugees + 2,500 host community (see test_figures); UGA 26,000 + 6,000. Requirements: KEN
# 875,000 + 420,000; UGA 400,000 + 80,000. National and local actors: KEN RVN 25,000 of 1,295,000 (1.9%), UGA
# Uganda Red Cross Society 80,000 of 480,000 (16.7%), region 105,000 of 1,775,000 (5.9%).
TILES = {
    "KEN": [("750,000", "planning figure for December 2026"), ("not provided", "no needs analysis yet"),
            ("17,500", "of whom 2,500 in host communities"),
            ("1.3 million", "2% through national and local actors"), ("3", "1 national and local")],
    "UGA": [("1.6 million", "planning figure for December 2026"), ("not provided", "no needs analysis yet"),
            ("32,000", "of whom 6,000 in host communities"),
            ("480,000", "17% through national and local actors"), ("2", "1 national and local")],
    "regional": [("2.4 million", "planning figure for December 2026"),
                 ("not provided", "no needs analysis yet"), ("49,500", "of whom 8,500 in host communities"),
                 ("1.8 million", "6% through national and local actors"), ("4", "in 2 countries")],
}


def tiles(path) -> list[tuple[str, str, str]]:
    """(value, label, detail) of each tile of a chapter's Word document."""
    d = docx.Document(str(path))
    table = next(t for t in d.tables if len(t.rows) == 1 and len(t.columns) == 5)
    return [tuple(p.text for p in cell.paragraphs) for cell in table.rows[0].cells]


@pytest.mark.parametrize("doc", ["KEN", "UGA", "regional"])
def test_tiles_show_the_figures_computed_by_hand(built, doc):
    got = tiles(built / f"build/rrp/{doc}.docx")
    assert got == [(value, label, detail) for (value, detail), label in zip(TILES[doc], LABELS)]
    page = " ".join(pymupdf.open(built / f"build/rrp/{doc}.pdf")[1].get_text().split())
    for (value, detail), label in zip(TILES[doc], LABELS):
        assert f"{value} {label} {detail}" in page


def _pages(pdf, text: str) -> list[int]:
    return [i for i, page in enumerate(pdf) if text in " ".join(page.get_text().split())]


def glance_in_pdf(path) -> tuple[int, int, int]:
    """(page of the 'At a glance' heading, last page of its content, page of the next section's heading)."""
    pdf = pymupdf.open(path)
    start = min(i for i in _pages(pdf, "1 At a glance") if i > 0)  # page 0 lists it in the contents
    end = max(max(_pages(pdf, "Partners by organisation type")), max(_pages(pdf, "acceptance by the United Nations")))
    return start, end, min(i for i in _pages(pdf, "2 Current situation") if i > 0)


def test_the_page_holds_on_one_page_in_the_pdf_and_the_next_section_starts_a_new_one(built):
    for doc in ("KEN", "UGA", "regional"):
        assert glance_in_pdf(built / f"build/rrp/{doc}.pdf") == (1, 1, 2)


class WordPage:
    """The height a block of a Word document takes, estimated from what Word itself would use: each paragraph's
    style (size, space before and after, inherited from its base styles) or its own settings, lines broken
    at the column's width with Lato's real character widths, pictures at their size, table rows at their
    tallest cell. A content budget, not a layout engine: it errs on the tall side (1.2 line height)."""

    def __init__(self, doc):
        import font_lato

        self.doc = doc
        self.fonts = {b: pymupdf.Font(fontfile=f"{font_lato.font_directory}/Lato-{'Bold' if b else 'Regular'}.ttf")
                      for b in (False, True)}

    def _style(self, style_id):
        style = next((s for s in self.doc.styles if getattr(s, "style_id", None) == style_id), None) \
            or self.doc.styles["Normal"]  # pandoc's pictures and python-docx's own paragraphs name none
        size = before = after = None
        while style is not None and None in (size, before, after):
            pf = style.paragraph_format
            size = size or (style.font.size.pt if style.font.size else None)
            before = before if before is not None else (pf.space_before.pt if pf.space_before is not None else None)
            after = after if after is not None else (pf.space_after.pt if pf.space_after is not None else None)
            style = style.base_style
        return size or 10.0, before or 0.0, after or 0.0

    def paragraph(self, p, width_cm: float) -> float:
        from docx.text.paragraph import Paragraph

        extent = next(p.iter(qn("wp:extent")), None)
        if extent is not None:
            return int(extent.get("cy")) / 360000
        para = Paragraph(p, self.doc.part)
        size, before, after = self._style(para.style.style_id if para.style is not None else None)
        pf = para.paragraph_format
        before = pf.space_before.pt if pf.space_before is not None else before
        after = pf.space_after.pt if pf.space_after is not None else after
        runs = [(r.text, r.font.size.pt if r.font.size else size, bool(r.bold)) for r in para.runs if r.text]
        indent = 0.63 if p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:numPr")) is not None else 0
        width_pt = (width_cm - indent) / 2.54 * 72
        lines, used, tallest = 1, 0.0, max([size] + [r[1] for r in runs])
        for text, sz, bold in runs:
            for word in re.findall(r"\S+\s*", text):
                w = self.fonts[bold].text_length(word, fontsize=sz)
                if used + w > width_pt and used > 0:
                    lines, used = lines + 1, 0.0
                used += w
        return (lines * tallest * 1.2 + before + after) / 72 * 2.54

    def block(self, el, width_cm: float) -> float:
        if el.tag == qn("w:p"):
            return self.paragraph(el, width_cm)
        if el.tag != qn("w:tbl"):
            return 0.0
        total = 0.0
        for tr in el.findall(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            heights = []
            for tc in cells:
                w = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                cw = int(w.get(qn("w:w"))) / 567 if w is not None and w.get(qn("w:type")) == "dxa" else width_cm / len(cells)
                margins = tc.find(f"{qn('w:tcPr')}/{qn('w:tcMar')}")
                pad = sum(int(m.get(qn("w:w"))) for m in (margins if margins is not None else [])
                          if m.tag in (qn("w:top"), qn("w:bottom"))) / 567
                heights.append(sum(self.block(c, cw - 0.2) for c in tc) + max(pad, 0.1))
            total += max(heights)
        return total


def glance_in_word(path) -> tuple[float, bool]:
    """(estimated height of the at-a-glance page's content in cm, whether the next section starts a new page)."""
    d = docx.Document(str(path))
    body = list(d.element.body)
    heads = [i for i, el in enumerate(body) if el.tag == qn("w:p") and el.find(qn("w:pPr")) is not None
             and (el.find(qn("w:pPr")).find(qn("w:pStyle")) is not None)
             and el.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")) == "Heading1"]
    first, nxt = heads[0], heads[1]
    page = WordPage(d)
    height = sum(page.block(el, 17.0) for el in body[first:nxt])
    breaks = body[nxt].find(qn("w:pPr")).find(qn("w:pageBreakBefore")) is not None
    toc_break = any(br.get(qn("w:type")) == "page" for br in body[first - 1].iter(qn("w:br")))
    return height, breaks and toc_break


PAGE_BODY_CM = 29.7 - 2.4 - 2.0  # A4 less the reference document's top and bottom margins


def test_the_page_holds_on_one_page_in_word(built):
    for doc in ("KEN", "UGA", "regional"):
        height, own_page = glance_in_word(built / f"build/rrp/{doc}.docx")
        assert own_page and height < PAGE_BODY_CM
        d = docx.Document(str(built / f"build/rrp/{doc}.docx"))
        layout = next(t for t in d.tables if len(t.rows) == 1 and len(t.columns) == 2)
        left, right = layout.rows[0].cells
        assert [el.get("descr")[:4] for el in left._tc.iter(qn("wp:docPr"))] == ["Map:"]
        assert [el.get("descr")[:10] for el in right._tc.iter(qn("wp:docPr"))] == ["Bar chart:"]
        assert "Partners by organisation type" in right.text and right.tables[0].rows[-1].cells[0].text == "All partners"


LONG = ("Partners in {place} need USD 45 million before June to keep registration, legal aid and shelter open at the "
        "border, where arrivals doubled in the last quarter and host municipalities have asked for support with "
        "water, schooling and health services for {n} families who arrived since January.")


def _busy_figures(plan):
    """A chapter whose first page is as full as plans make it: twelve sectors, eight types of partner, many
    areas. Computed by the model from rows, like any chapter's."""
    from rcm_docs.model.figures import country_figures

    types = ["UN", "INGO", "NNGO", "Refugee-led organisation", "Faith-based organisation", "Red Cross/Red Crescent",
             "Civil society", "Government"]
    orgs = {f"Partner {i:02d}": types[i % len(types)] for i in range(24)}
    areas = ["Bogotá D.C.", "Norte de Santander", "Antioquia", "Atlántico", "La Guajira", "Valle del Cauca",
             "Arauca", "Nariño", "Santander", "Cundinamarca"]
    rows = pd.DataFrame([{"sector": s.code, "organisation": org, "organisation_type": orgs[org], "admin1": area,
                          "budget_usd": 100_000.0 * (1 + (i * 7 + j) % 13), "cva_usd": 0.0,
                          "target_refugees": 1_000.0 * (1 + (i + j) % 9), "target_host_community": 200.0,
                          "source_file": f"inputs/submissions/COL/{s.code}.csv"}
                         for i, s in enumerate(plan.sectors) for j, (org, area) in enumerate(zip(orgs, areas * 3))])
    population = pd.DataFrame({"country": ["COL", "COL"], "population_group": ["refugees", "host_community"],
                               "current": [2_800_000, 900_000], "planned": [2_900_000, 950_000]})
    fig = country_figures(plan, "COL", rows, population, orgs)
    return {**fig, "coordination": None, "incomplete": []}


def test_a_full_page_with_three_long_key_messages_still_holds_on_one_page(tmp_path):
    from rcm_docs.common.plan import parse_plan
    from rcm_docs.documents.compose import compose

    plan = parse_plan({
        "title": "Regional Refugee and Migrant Response Plan 2026", "short_title": "RMRP 2026", "situation": "x",
        "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-12-31"}, "as_of": "2026-11-15",
        "countries": ["COL"], "sectors": [{"code": f"S{i:02d}", "name": n} for i, n in enumerate([
            "Protection", "Child Protection", "Gender-Based Violence", "Human Trafficking and Smuggling", "Education",
            "Food Security", "Health", "Humanitarian Transportation", "Integration", "Nutrition", "Shelter",
            "Water, Sanitation and Hygiene"])],
        "population_groups": [{"code": "refugees", "name": "Refugees and migrants in destination"},
                              {"code": "host_community", "name": "Host community", "host_community": True}]})
    fig = _busy_figures(plan)
    messages = [LONG.format(place=p, n=n) for p, n in (("Cúcuta", "12,000"), ("Arauca", "8,500"),
                                                       ("Ipiales", "4,000"), ("Riohacha", "2,000"))]
    out = tmp_path / "build" / "rrp"
    out.mkdir(parents=True)
    narratives = {"overview": "Arrivals continue.", "sectors": {s: None for s in plan.sector_codes},
                  "key_messages": list(enumerate(messages, start=1))}  # (line, text), as intake.messages reads them
    compose(plan, "rrp", "COL", fig, None, None, None, narratives, {}, [ROOT / "templates"],
            out / "COL.md", out / "COL.docx", out / "COL.pdf")
    md = (out / "COL.md").read_text(encoding="utf-8")
    assert "1. Partners in Cúcuta" in md and "3. Partners in Ipiales" in md and "Riohacha" not in md  # the first 3
    assert glance_in_pdf(out / "COL.pdf") == (1, 1, 2)
    height, own_page = glance_in_word(out / "COL.docx")
    assert own_page and height < PAGE_BODY_CM
    assert "Partners in Cúcuta" in docx.Document(str(out / "COL.docx")).tables[2].rows[0].cells[0].text

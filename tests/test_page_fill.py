"""No page of the example's PDFs but the last holds only a line or two: headings stay with what follows,
tables with their captions, and a table too tall for what is left of a page does not leave it empty."""
import re

import pymupdf

TOP, BOTTOM = 68, 57  # rrp.typ's margins (2.4 cm and 2 cm): the running header and footer live there
KINDS = ("rrp", "keypoints", "sitreps", "packs")


def page_fill(page) -> float:
    """How far down the text area the page's content (text, rules, table fills, charts) reaches, 0 to 1."""
    top, bottom = TOP, page.rect.height - BOTTOM
    ends = [b[3] for b in page.get_text("blocks") if b[1] >= top - 1 and b[3] <= bottom + 1]
    ends += [d["rect"].y1 for d in page.get_drawings() if d["rect"].y0 >= top - 1 and d["rect"].y1 <= bottom + 1]
    return max((min(e, bottom) - top for e in ends), default=0) / (bottom - top)


def test_page_fill_measures_what_a_reader_sees(tmp_path):
    doc = pymupdf.open()
    for lines in (40, 2):
        page = doc.new_page(width=595, height=842)
        for i in range(lines):
            page.insert_text((57, TOP + 14 + 16 * i), f"Line {i + 1}", fontsize=10)
    assert page_fill(doc[0]) > 0.85 and page_fill(doc[1]) < 0.1


def test_no_page_but_the_last_is_under_a_quarter_full(example_built):
    pdfs = [p for kind in KINDS for p in sorted((example_built / "build" / kind).rglob("*.pdf"))]
    assert {p.relative_to(example_built / "build").parts[0] for p in pdfs} == set(KINDS)
    short = []
    for path in pdfs:
        doc = pymupdf.open(path)
        for page in list(doc)[:-1]:
            fill = page_fill(page)
            if fill < 0.25:
                short.append(f"{path.relative_to(example_built / 'build')} page {page.number + 1}: {fill:.0%}")
    assert not short, "\n".join(short)


def test_every_heading_of_the_markdown_is_a_heading_in_the_pdf(example_built):
    """A heading glued to the line above it (a template's trimmed newline) prints as text, out of the contents."""
    for name in ("rrp/COL", "rrp/regional", "sitreps/2026-06/COL", "packs/donors/regional"):
        md = (example_built / "build" / f"{name}.md").read_text(encoding="utf-8")
        headings = [line.lstrip("#").strip() for line in md.splitlines() if re.match(r"#{1,3} ", line)]
        outline = [title.split(" ", 1)[1] if title[0].isdigit() else title
                   for _, title, _ in pymupdf.open(example_built / "build" / f"{name}.pdf").get_toc()]
        assert outline == headings, name

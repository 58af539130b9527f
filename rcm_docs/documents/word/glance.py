"""The at-a-glance page in Word. pandoc writes the page's parts one under the other, each inside the bookmark
its div's id gives (templates/rrp.md.j2); this lays them out as the PDF does (templates/chart.typ): the key
figures as a row of tiles, the map beside requirements by sector and partners by type, the key messages in a
box, and the next section on a new page, so that the page holds alone."""
from __future__ import annotations

import re

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

BLUE, NAVY, GREY, TILE = "0072BC", "18375F", "666666", "EEF4FB"
COLUMN_TWIPS = 4677  # 8.25 cm: a column of the page (charts.GLANCE_CM)
GUTTER_TWIPS = 283  # 0.5 cm
_NUMBER = re.compile(r"^[\d.,]+$")


def _ranges(body) -> dict[str, list]:
    """Bookmark name -> the body's elements between its start and its end."""
    starts = {el.get(qn("w:id")): el for el in body.iter(qn("w:bookmarkStart"))}
    out = {}
    for end in body.iter(qn("w:bookmarkEnd")):
        start = starts.get(end.get(qn("w:id")))
        if start is None or start.getparent() is not body or end.getparent() is not body:
            continue
        items, el = [], start.getnext()
        while el is not None and el is not end:
            items.append(el)
            el = el.getnext()
        out[start.get(qn("w:name"))] = [start, items, end]
    return out


def _run(text: str, size: float, colour: str, bold: bool = False) -> str:
    from xml.sax.saxutils import escape

    return (f'<w:r><w:rPr>{"<w:b/>" if bold else ""}<w:color w:val="{colour}"/><w:sz w:val="{round(size * 2)}"/>'
            f'</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def _para(runs: str, after: int = 0) -> str:
    return f'<w:p><w:pPr><w:spacing w:before="0" w:after="{after}"/><w:jc w:val="left"/></w:pPr>{runs}</w:p>'


def _cell_text(tc) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))).strip()


def value_runs(value: str) -> str:
    """'103.6 million' -> the number large, its unit small beside it; words ('not provided') medium."""
    head, _, unit = value.partition(" ")
    if not _NUMBER.match(head):
        return _run(value, 11, BLUE, True)
    return _run(head, 18, BLUE, True) + (_run(" " + unit, 9, BLUE, True) if unit else "")


def tiles_xml(rows: list[list[str]]) -> str:
    """A one-row table of tiles from the tiles table's rows: labels, values, details (optional)."""
    labels, values = rows[0], rows[1]
    details = rows[2] if len(rows) > 2 else [""] * len(labels)
    width = (2 * COLUMN_TWIPS + GUTTER_TWIPS) // len(labels)
    cells = []
    for label, value, detail in zip(labels, values, details):
        body = _para(value_runs(value), 20) + _para(_run(label, 8.5, NAVY, True), 20)
        if detail:
            body += _para(_run(detail, 7.5, GREY))
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:shd w:val="clear" w:color="auto" '
                     f'w:fill="{TILE}"/><w:tcBorders><w:top w:val="single" w:sz="24" w:color="{BLUE}"/></w:tcBorders>'
                     f'<w:tcMar><w:top w:w="85" w:type="dxa"/><w:left w:w="100" w:type="dxa"/><w:bottom w:w="85" '
                     f'w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tcMar></w:tcPr>{body}</w:tc>')
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in labels)
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{width * len(labels)}" w:type="dxa"/>'
            f'<w:tblCellSpacing w:w="40" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            f'<w:tblLook w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
            f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{"".join(cells)}</w:tr></w:tbl>')


def _layout_table(widths: list[int], fill: str | None = None) -> object:
    """A borderless table of one row, the given column widths (twips), to hold moved content."""
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    margin = '<w:tcMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tcMar>' if not fill else \
        '<w:tcMar><w:top w:w="100" w:type="dxa"/><w:left w:w="140" w:type="dxa"/><w:bottom w:w="60" w:type="dxa"/>' \
        '<w:right w:w="140" w:type="dxa"/></w:tcMar>'
    cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{shade}{margin}</w:tcPr><w:p/></w:tc>' for w in widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return parse_xml(f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                     f'<w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                     f'<w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/>'
                     f'</w:tblBorders><w:tblLook w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
                     f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
                     f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl>')


def _fill(tc, items: list, width_twips: int | None = None) -> None:
    """Move items into the cell, before its closing empty paragraph (a cell must end with one); pictures wider
    than width_twips are scaled down to it (a picture as wide as its cell is clipped by some word processors)."""
    last = tc.findall(qn("w:p"))[-1]
    for el in items:
        last.addprevious(el)
    if items and items[-1].tag == qn("w:p"):
        tc.remove(last)
    if width_twips:
        fit_pictures(tc, width_twips * 635)  # 635 EMU a twip


def fit_pictures(el, max_emu: int) -> None:
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for inline in el.iter(qn("wp:inline")):
        extent = inline.find(qn("wp:extent"))
        cx, cy = int(extent.get("cx")), int(extent.get("cy"))
        if cx <= max_emu:
            continue
        new = (max_emu, round(cy * max_emu / cx))
        for ext in [extent, *inline.iter(f"{a}ext")]:
            ext.set("cx", str(new[0]))
            ext.set("cy", str(new[1]))


def compact_spacing(p, after_twips: int = 0) -> None:
    """A paragraph (w:p) with no space before it and `after_twips` after it."""
    from docx.shared import Twips
    from docx.text.paragraph import Paragraph

    fmt = Paragraph(p, None).paragraph_format
    fmt.space_before, fmt.space_after = Twips(0), Twips(after_twips)


def compact(el, size_pt: float, after_twips: int = 0) -> None:
    """Text in el in a smaller size, paragraphs without space before: what the page's columns and box hold."""
    from docx.shared import Pt
    from docx.text.run import Run

    for p in el.iter(qn("w:p")):
        compact_spacing(p, after_twips)
        for r in p.iter(qn("w:r")):
            if r.find(qn("w:drawing")) is None:
                Run(r, None).font.size = Pt(size_pt)


def finish(doc) -> bool:
    """Lay out the at-a-glance page, if the document has one. -> whether it had."""
    body = doc.element.body
    r = _ranges(body)
    if "glance-tiles" not in r:
        return False
    start, items, _ = r["glance-tiles"]
    table = next((el for el in items if el.tag == qn("w:tbl")), None)
    if table is not None:
        rows = [[_cell_text(tc) for tc in tr.findall(qn("w:tc"))] for tr in table.findall(qn("w:tr"))]
        table.addprevious(parse_xml(tiles_xml(rows)))
        body.remove(table)
    if {"glance-columns", "glance-left", "glance-right"} <= set(r):
        layout = _layout_table([COLUMN_TWIPS + GUTTER_TWIPS, COLUMN_TWIPS])
        left, right = layout.findall(f".//{qn('w:tc')}")
        left.find(qn("w:tcPr")).find(qn("w:tcMar")).find(qn("w:right")).set(qn("w:w"), str(GUTTER_TWIPS))
        r["glance-columns"][0].addnext(layout)
        _fill(left, r["glance-left"][1], COLUMN_TWIPS - 113)
        _fill(right, r["glance-right"][1], COLUMN_TWIPS - 113)
        for table in right.iter(qn("w:tbl")):
            compact(table, 8)
        for cell in (left, right):
            for p in cell.findall(qn("w:p")):
                compact_spacing(p)
        previous = layout.getprevious()
        while previous is not None and previous.tag != qn("w:p"):
            previous = previous.getprevious()
        if previous is not None:
            compact_spacing(previous, 120)  # the paragraph right above: 6 pt to the map's title
    if "glance-messages" in r:
        box = _layout_table([2 * COLUMN_TWIPS + GUTTER_TWIPS], TILE)
        r["glance-messages"][0].addnext(box)
        # A paragraph between two tables, or word processors join them into one (and keep it whole).
        box.addprevious(parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0"/>'
                                  '<w:rPr><w:sz w:val="8"/></w:rPr></w:pPr></w:p>'))
        _fill(box.find(f".//{qn('w:tc')}"), r["glance-messages"][1])
        compact(box, 9, 40)
    # The next section starts on a new page: the page holds alone, whatever the lengths around it.
    el = r.get("glance-end", r.get("glance-columns", r["glance-tiles"]))[2].getnext()
    while el is not None and not (el.tag == qn("w:p") and _style(el) == "Heading1"):
        el = el.getnext()
    if el is not None:
        p_pr = el.find(qn("w:pPr"))
        before = [c for c in p_pr if c.tag in {qn("w:pStyle"), qn("w:keepNext"), qn("w:keepLines")}]
        (before[-1].addnext if before else lambda x: p_pr.insert(0, x))(OxmlElement("w:pageBreakBefore"))
    return True


def _style(p) -> str | None:
    p_pr = p.find(qn("w:pPr"))
    s = p_pr.find(qn("w:pStyle")) if p_pr is not None else None
    return s.get(qn("w:val")) if s is not None else None

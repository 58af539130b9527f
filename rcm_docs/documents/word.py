"""Markdown -> DOCX: pandoc with the branded reference.docx, then what pandoc cannot do (running header,
page numbers, 'Table N:' captions, charts, kept-whole tables, a contents page, landscape annexes)."""
from __future__ import annotations

import os
from pathlib import Path

from ..common.files import normalise_zip
from .pandoc import _pandoc
from .render import _chart_alt, _take_charts, timed


def markdown_to_docx(md: str, out: str | Path, reference_docx: str | Path, header: str, epoch: int,
                     charts_dir: Path | None = None, toc: bool = False) -> None:
    """Pandoc with the branded reference.docx, then the touches pandoc cannot do: running header,
    page numbers, 'Table N:' captions, charts. Written to a temporary name first and moved into place."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    md, charts = _take_charts(md, charts_dir)
    try:
        _pandoc(md, "docx", out=str(tmp.resolve()), reference_doc=str(Path(reference_docx).resolve()),
                number_sections=True)
        with timed("docx finishing"):
            _finish_docx(tmp, header, charts, toc)
        with timed("docx zip stamps"):
            normalise_zip(tmp, epoch)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)  # a failed document leaves no half-made file behind


def _field(paragraph, instr: str, shown: str = "1") -> None:
    """A Word field with its current value cached, so nothing asks to 'update fields' on open."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="{instr}"><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>'))


def _footer(doc, footer) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    fp = footer.paragraphs[0]
    fp.text = ""
    fp.style = doc.styles["Footer"]
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp.add_run("Page ")
    _field(fp, "PAGE")
    fp.add_run(" of ")
    _field(fp, "NUMPAGES")


def _styles_found_once(doc) -> None:
    """python-docx finds a paragraph's style by searching styles.xml at every `paragraph.style`, and for a
    paragraph without one by scanning every style for the default: a third of a chapter's finishing. A
    style found stays the same element while the document is finished, so each is looked up once (one
    not found yet is looked up again: _table_text_style may add it)."""
    part = doc.part
    find, found = part.get_style, {}

    def get_style(style_id, style_type):
        key = (style_id, style_type)
        if key not in found:
            style = find(style_id, style_type)
            if style_id is not None and style.style_id != style_id:
                return style  # the default stands in for a style the document lacks (so far)
            found[key] = style
        return found[key]

    part.get_style = get_style


KEEP_WHOLE_ROWS = 15  # body rows; longer tables may break across pages (the same rule as rrp.typ)
WIDE_TABLE_COLUMNS = 8
_TR_PR_AFTER_CANT_SPLIT = ("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")  # schema order


def _table_text_style(doc, wide: bool) -> str:
    """A paragraph style for table cells, 9 pt or 7 pt for wide matrices (added if the reference
    document lacks it): one attribute per cell instead of a size on every run."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    name = "Table Text Small" if wide else "Table Text"
    found = doc.styles.element.get_by_name(name)
    if found is not None:
        return found.styleId
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if doc.styles.element.get_by_name("Compact") is not None:
        style.base_style = doc.styles["Compact"]
    style.font.size = Pt(7 if wide else 9)
    return style.style_id


def _finish_table(doc, table) -> None:
    """Header row white on the style's navy, small tables kept whole, rows never split, wide matrices in
    smaller type. Straight on the XML: python-docx's per-run font setters took 0.1 s a document."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor
    from docx.text.run import Run

    tbl = table._tbl
    rows = tbl.findall(qn("w:tr"))
    grid = tbl.find(qn("w:tblGrid"))
    wide = grid is not None and len(grid.findall(qn("w:gridCol"))) >= WIDE_TABLE_COLUMNS
    style_id = _table_text_style(doc, wide)
    keep = len(rows) - 1 <= KEEP_WHOLE_ROWS
    later = {qn(f"w:{t}") for t in _TR_PR_AFTER_CANT_SPLIT}
    for i, tr in enumerate(rows):
        tr_pr = tr.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = OxmlElement("w:trPr")
            tr.insert(1 if len(tr) and tr[0].tag == qn("w:tblPrEx") else 0, tr_pr)
        follower = next((c for c in tr_pr if c.tag in later), None)
        (follower.addprevious if follower is not None else tr_pr.append)(OxmlElement("w:cantSplit"))
        for p in tr.iter(qn("w:p")):
            p_pr = p.find(qn("w:pPr"))
            if p_pr is None:
                p_pr = OxmlElement("w:pPr")
                p.insert(0, p_pr)
            p_style = p_pr.find(qn("w:pStyle"))
            if p_style is None:
                p_style = OxmlElement("w:pStyle")
                p_pr.insert(0, p_style)
            p_style.set(qn("w:val"), style_id)
            if keep and i < len(rows) - 1:
                p_style.addnext(OxmlElement("w:keepNext"))
            if i == 0:
                for r in p.iter(qn("w:r")):
                    run = Run(r, None)
                    run.font.bold = True
                    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _caption_label(paragraph, n: int, kind: str = "Table") -> None:
    """'Table N: ' (or 'Figure N: ') in front of a caption, N a SEQ field so Word renumbers when items move."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    ns = nsdecls("w")
    parts = [f'<w:r {ns}><w:t xml:space="preserve">{kind} </w:t></w:r>',
             f'<w:fldSimple {ns} w:instr=" SEQ {kind} \\* ARABIC "><w:r><w:t>{n}</w:t></w:r></w:fldSimple>',
             f'<w:r {ns}><w:t xml:space="preserve">: </w:t></w:r>']
    first = paragraph._p.find(qn("w:r"))
    for xml in parts:
        el = parse_xml(xml)
        if first is not None:
            first.addprevious(el)
        else:
            paragraph._p.append(el)


def _insert_chart(doc, paragraph, n: int, title: str, png: Path) -> None:
    """The placeholder paragraph becomes the picture (with alt text), captioned 'Figure N: title' above it."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    caption = paragraph.insert_paragraph_before(title, style=doc.styles["Image Caption"])
    caption.paragraph_format.keep_with_next = True
    _caption_label(caption, n, "Figure")
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    picture = paragraph.add_run().add_picture(str(png), width=Cm(17))
    picture._inline.find(qn("wp:docPr")).set("descr", _chart_alt(png) or title)


def _toc(doc) -> None:
    """A table of contents after the title block: a real TOC field (Word adds page numbers when it is
    updated: right-click, Update Field) whose shown result already lists the headings as links, so the
    document opens complete and nothing asks to 'update fields'."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Cm, Pt

    ns = nsdecls("w")
    headings = []
    for p in doc.paragraphs:
        level = {"Heading 1": 1, "Heading 2": 2}.get(p.style.name if p.style is not None else "")
        prev = p._p.getprevious()
        while prev is not None and prev.tag == qn("w:bookmarkStart") and level:
            headings.append((level, p.text, prev.get(qn("w:name"))))
            break
    if not headings:
        return
    first = next(p for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1")
    title = first.insert_paragraph_before("Contents")
    title.runs[0].font.bold, title.runs[0].font.size = True, Pt(14)
    for i, (level, text, anchor) in enumerate(headings):
        entry = first.insert_paragraph_before()
        entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        entry.paragraph_format.space_after = Pt(1)
        if i == 0:
            for xml in (f'<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
                        f'<w:r {ns}><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>',
                        f'<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>'):
                entry._p.append(parse_xml(xml))
        link = parse_xml(f'<w:hyperlink {ns} w:anchor="{anchor}" w:history="1"><w:r><w:t xml:space="preserve"></w:t></w:r></w:hyperlink>')
        link.find(qn("w:r")).find(qn("w:t")).text = text
        entry._p.append(link)
        if i == len(headings) - 1:
            entry._p.append(parse_xml(f'<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>'))
    first.insert_paragraph_before().add_run().add_break(__import__("docx.enum.text", fromlist=["WD_BREAK"]).WD_BREAK.PAGE)


LANDSCAPE = "RCMLANDSCAPE"  # a paragraph of its own in the Markdown: the rest of the document is landscape


def _landscape_from(doc, marker) -> None:
    """End the portrait section at the marker; what follows (wide annexes) is landscape, with the same
    running header, footer and page numbers."""
    import copy

    from docx.enum.section import WD_ORIENT

    body_sect = doc.sections[-1]._sectPr
    marker._p.get_or_add_pPr().append(copy.deepcopy(body_sect))
    for run in list(marker.runs):
        run._r.getparent().remove(run._r)
    last = doc.sections[-1]
    last.orientation = WD_ORIENT.LANDSCAPE
    last.page_width, last.page_height = last.page_height, last.page_width
    last.different_first_page_header_footer = False


def _finish_docx(path: Path, header: str, charts: list | None = None, toc: bool = False) -> None:
    """Running header, page numbers on every page, 'Table N:' captions as SEQ fields, table touches."""
    import docx

    doc = docx.Document(str(path))
    _styles_found_once(doc)
    for section in doc.sections:
        section.different_first_page_header_footer = True  # the title block stands in for the header
        hp = section.header.paragraphs[0]
        hp.text = header
        hp.style = doc.styles["Header"]
        _footer(doc, section.footer)
        _footer(doc, section.first_page_footer)
    n = 0
    for p in doc.paragraphs:
        if p.style is not None and p.style.name == "Table Caption":
            n += 1
            _caption_label(p, n)
    for table in doc.tables:
        _finish_table(doc, table)
    tokens = {token: (i, title, png) for i, (token, title, png) in enumerate(charts or [], start=1)}
    for p in list(doc.paragraphs):
        if p.text.strip() in tokens:
            _insert_chart(doc, p, *tokens[p.text.strip()])
    for p in list(doc.paragraphs):
        if p.text.strip() == LANDSCAPE:
            _landscape_from(doc, p)
    if toc:
        _toc(doc)
    doc.save(str(path))

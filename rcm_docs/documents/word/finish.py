"""Markdown -> DOCX: pandoc with the branded reference.docx, then what pandoc cannot do (running header,
page numbers, 'Table N:' captions, charts, kept-whole tables, a contents page, landscape annexes)."""
from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

from ...common.files import docx_parts, normalise_zip
from ..pictures.charts import DPI
from ..render import chart_alt, take_charts, timed
from ..typeset.pandoc import run_pandoc
from . import glance
from .fonts import embed, faces_used


def markdown_to_docx(md: str, out: str | Path, reference_docx: str | Path, header: str, epoch: int,
                     charts_dir: Path | None = None, toc: bool = False, draft: str = "") -> None:
    """Pandoc with the branded reference.docx, then the touches pandoc cannot do: running header,
    page numbers, 'Table N:' captions, charts, headings numbered by Word, the fonts embedded. `draft`
    (e.g. 'DRAFT / INCOMPLETE'), if given, is printed on the cover and in every page's header.
    Written to a temporary name first and moved into place."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    md, charts = take_charts(md, charts_dir)
    try:
        run_pandoc(md, "docx", out=str(tmp.resolve()), reference_doc=str(Path(reference_docx).resolve()),
                number_sections=True)
        with timed("docx finishing"):
            used, parts = _finish_docx(tmp, header, charts, toc, draft)
        with timed("docx zip stamps"):
            normalise_zip(tmp, epoch, edit=embed(used), entries=parts)
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
    # Rows as tight as the PDF's: the body text's spacing after each paragraph doubled every row's height.
    style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(1)
    return style.style_id


@functools.cache
def _white_bold():
    """A header cell's run properties, as python-docx writes bold and white (copied into each run)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(f'<w:rPr {nsdecls("w")}><w:b/><w:color w:val="FFFFFF"/></w:rPr>')


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
    # The paragraph under a table (its source line) stays with the table's last row.
    after = tbl.getnext()
    style = after.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if after is not None and after.tag == qn("w:p") else None
    with_next = after is not None and after.tag == qn("w:p") and not (
        style is not None and style.get(qn("w:val")).startswith("Heading"))
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
            if (keep and i < len(rows) - 1) or (with_next and i == len(rows) - 1):
                p_style.addnext(OxmlElement("w:keepNext"))
            if i == 0:
                for r in p.iter(qn("w:r")):
                    if r.find(qn("w:rPr")) is None:  # pandoc's usual run: the properties Run.font would write
                        r.insert(0, copy.deepcopy(_white_bold()))
                        continue
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


def _insert_chart(doc, paragraph, n: int | None, title: str, png: Path) -> None:
    """The placeholder paragraph becomes the picture (with alt text), as wide as it was drawn, captioned
    'Figure N: title' above it (n None: an at-a-glance chart, which carries its own title)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    if n is not None:
        caption = paragraph.insert_paragraph_before(title, style=doc.styles["Image Caption"])
        caption.paragraph_format.keep_with_next = True
        _caption_label(caption, n, "Figure")
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    picture = paragraph.add_run().add_picture(str(png), width=Cm(_png_width_cm(png)))
    picture._inline.find(qn("wp:docPr")).set("descr", chart_alt(png) or title)


def _png_width_cm(png: Path) -> float:
    """The width a chart was drawn at (its PNG is 200 dpi), from the PNG header: 17 cm, or a column's."""
    import struct

    with open(png, "rb") as f:
        head = f.read(24)
    px = struct.unpack(">I", head[16:20])[0] if head[12:16] == b"IHDR" else 0
    return min(17.0, px / DPI * 2.54) if px else 17.0


def _toc(doc, headings: list) -> None:
    """A table of contents after the title block: a real TOC field (Word adds page numbers when it is
    updated: right-click, Update Field) whose shown result already lists the headings as links, so the
    document opens complete and nothing asks to 'update fields'."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Cm, Pt

    ns = nsdecls("w")
    entries = []
    for p, level, number in headings:
        prev = p._p.getprevious()
        if level <= 2 and prev is not None and prev.tag == qn("w:bookmarkStart"):
            entries.append((level, f"{number} {p.text}" if number else p.text, prev.get(qn("w:name"))))
    if not entries:
        return
    first = next(p for p, level, _ in headings if level == 1)
    title = first.insert_paragraph_before("Contents")
    title.runs[0].font.bold, title.runs[0].font.size = True, Pt(14)
    for i, (level, text, anchor) in enumerate(entries):
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
        if i == len(entries) - 1:
            entry._p.append(parse_xml(f'<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>'))
    first.insert_paragraph_before().add_run().add_break(WD_BREAK.PAGE)


NUMBERED_LEVELS = 3  # Heading 1-3 are numbered (1, 1.1, 1.1.1), as rrp.typ numbers them


def _number_headings(doc) -> list:
    """Headings numbered by Word's own multilevel list (an abstractNum in numbering.xml whose levels are
    linked to the Heading 1-3 styles, the styles pointing back to it), so the numbers follow when a
    drafter inserts or moves a section. pandoc typed the numbers into the text (--number-sections, which
    tells numbered from unnumbered headings): they are taken out, and a heading pandoc left unnumbered
    ({-}) opts out of the list. Returns [(paragraph, level, number shown or None)]."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = doc.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))), default=0)
    num_id = 1 + max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0)
    styles = []
    for level in range(1, NUMBERED_LEVELS + 1):  # a workspace's reference.docx may define fewer
        if f"Heading {level}" not in doc.styles:
            break
        styles.append(doc.styles[f"Heading {level}"])
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="{sid}"/>'
        f'<w:suff w:val="space"/><w:lvlText w:val="{".".join(f"%{k}" for k in range(1, i + 2))}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        for i, sid in enumerate(s.style_id for s in styles))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    after = numbering.findall(qn("w:abstractNum"))  # every abstractNum comes before the first num
    (after[-1].addnext if after else (lambda el: numbering.insert(0, el)))(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    for i, style in enumerate(styles):
        num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = i
        num_pr.get_or_add_numId().val = num_id

    headings, counters = [], [0] * len(styles)
    for p in doc.paragraphs:
        name = p.style.name if p.style is not None else ""
        if not name.startswith("Heading ") or not name[8:].isdigit():
            continue
        level = int(name[8:])
        runs = p._p.findall(qn("w:r"))
        style = runs[0].find(f"{qn('w:rPr')}/{qn('w:rStyle')}") if runs else None
        numbered = style is not None and style.get(qn("w:val")) == "SectionNumber"
        if numbered:
            p._p.remove(runs[0])
            if len(runs) > 1 and runs[1].find(qn("w:tab")) is not None and runs[1].find(qn("w:t")) is None:
                p._p.remove(runs[1])
        number = None
        if level <= len(styles) and numbered:
            counters[level - 1] += 1
            counters[level:] = [0] * (len(styles) - level)
            number = ".".join(str(c) for c in counters[:level])
        elif level <= len(styles):
            p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0  # out of the list
        headings.append((p, level, number))
    return headings


DRAFT_COLOUR = "C00000"


def _draft_run(paragraph, text: str) -> None:
    from docx.shared import RGBColor

    run = paragraph.add_run(text)
    run.font.bold = True
    run.font.color.rgb = RGBColor.from_string(DRAFT_COLOUR)


def _header(doc, section, header: str, draft: str) -> None:
    """The running header; a draft's label opens it on every page, the first (the cover's) included."""
    hp = section.header.paragraphs[0]
    hp.text = ""
    hp.style = doc.styles["Header"]
    if draft:
        _draft_run(hp, draft)
        hp.add_run(" | ")
        first = section.first_page_header.paragraphs[0]
        first.text = ""
        first.style = doc.styles["Header"]
        _draft_run(first, draft)
    hp.add_run(header)


def _draft_cover(doc, draft: str) -> None:
    """A draft's label above the title, where a reader looks first."""
    from docx.shared import Pt

    title = next((p for p in doc.paragraphs if p.style is not None and p.style.name == "Title"), None)
    if title is None:
        return
    label = title.insert_paragraph_before()
    label.alignment = title.alignment if title.alignment is not None else title.style.paragraph_format.alignment
    _draft_run(label, draft)
    label.runs[0].font.size = Pt(14)
    label.paragraph_format.keep_with_next = True


LANDSCAPE = "RCMLANDSCAPE"  # a paragraph of its own in the Markdown: the rest of the document is landscape
# A paragraph of its own: what follows, up to the landscape part (or the end), is kept on one page if it
# fits (rrp.typ's keep-together, Word's keep-with-next), so the page before the landscape annexes never
# holds only the last few lines of a section.
KEEP = "RCMKEEP"


def _keep_together(marker) -> None:
    """Keep-with-next on every paragraph (table rows included) from the marker to the landscape marker
    or the end of the document, but the last; the marker paragraph goes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraphs, el = [], marker._p.getnext()
    while el is not None and el.tag in (qn("w:p"), qn("w:tbl")):
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))).strip() == LANDSCAPE:
            break
        paragraphs += [el] if el.tag == qn("w:p") else list(el.iter(qn("w:p")))
        el = el.getnext()
    for p in paragraphs[:-1]:
        p_pr = p.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            p.insert(0, p_pr)
        if p_pr.find(qn("w:keepNext")) is None:
            style = p_pr.find(qn("w:pStyle"))
            keep = OxmlElement("w:keepNext")
            (style.addnext(keep) if style is not None else p_pr.insert(0, keep))
    marker._p.getparent().remove(marker._p)


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


def _finish_docx(path: Path, header: str, charts: list | None = None, toc: bool = False, draft: str = "") -> tuple:
    """Running header, page numbers on every page, 'Table N:' captions as SEQ fields, table touches,
    numbered headings. Returns the font faces the document uses (docx_fonts.faces_used) and its parts
    to be zipped (files.docx_parts)."""
    import docx

    doc = docx.Document(str(path))
    _styles_found_once(doc)
    for section in doc.sections:
        section.different_first_page_header_footer = True  # the title block stands in for the header
        _header(doc, section, header, draft)
        _footer(doc, section.footer)
        _footer(doc, section.first_page_footer)
    if draft:
        _draft_cover(doc, draft)
    n = 0
    for p in doc.paragraphs:
        if p.style is not None and p.style.name == "Table Caption":
            n += 1
            _caption_label(p, n)
    for table in doc.tables:
        _finish_table(doc, table)
    numbered = [c for c in charts or [] if c.captioned]
    tokens = {c.token: ((numbered.index(c) + 1) if c.captioned else None, c.title, c.png) for c in charts or []}
    # The marker paragraphs, found in one pass: a paragraph's text is python-docx's costliest property.
    markers: dict[str, list] = {}
    for p in doc.paragraphs:
        text = p.text.strip()
        if text in tokens or text in (KEEP, LANDSCAPE):
            markers.setdefault(text, []).append(p)
    body = doc.element.body
    for token in [t for t in markers if t in tokens]:
        for p in markers[token]:
            _insert_chart(doc, p, *tokens[token])
    glance.finish(doc)
    headings = _number_headings(doc)
    for p in markers.get(KEEP, []):
        if p._p.getparent() is body:  # as the body's paragraphs list them
            _keep_together(p)
    for p in markers.get(LANDSCAPE, []):
        if p._p.getparent() is body:
            _landscape_from(doc, p)
    if toc:
        _toc(doc, headings)
    return faces_used(doc), docx_parts(doc)

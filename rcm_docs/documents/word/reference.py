"""Build templates/reference.docx: pandoc's default reference document restyled in the house style.

Run `python -m rcm_docs.reference_docx templates/reference.docx` to regenerate it on purpose;
the build only reads it.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

NAVY, BLUE, GREY, DARK = "18375F", "0072BC", "666666", "1A1A1A"
FONT = "Lato"


def _set_font(style, size=None, color=None, bold=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    f = style.font
    f.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    if size:
        f.size = Pt(size)
    if color:
        f.color.rgb = RGBColor.from_string(color)
    if bold is not None:
        f.bold = bold


def _table_style(doc):
    """'Table' style: navy header row with white bold text, thin grey rules, no banding."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    style = doc.styles["Table"]
    el = style.element
    for old in el.findall(qn("w:tblStylePr")) + el.findall(qn("w:tblPr")):
        el.remove(old)
    el.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>'
        '<w:top w:val="single" w:sz="4" w:color="BFBFBF"/><w:bottom w:val="single" w:sz="4" w:color="BFBFBF"/>'
        '<w:insideH w:val="single" w:sz="4" w:color="BFBFBF"/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>'))
    el.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr>'))


def _defaults(doc) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for old in rpr.findall(qn("w:color")):
        rpr.remove(old)
    rpr.append(parse_xml(f'<w:color {nsdecls("w")} w:val="{DARK}"/>'))
    fonts = rpr.find(qn("w:rFonts"))  # text in no style of ours (a drafter's new style) is Lato too
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def build(path: str | Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    with tempfile.TemporaryDirectory() as tmp:
        default = Path(tmp) / "default.docx"
        default.write_bytes(_default_reference())
        doc = docx.Document(str(default))
    # Body colour lives in the document defaults: a paragraph style's colour would override the
    # table style's white header text.
    _defaults(doc)
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Block Text", "Footnote Text"):
        if name in [s.name for s in doc.styles]:
            _set_font(doc.styles[name], size=10)
    for name, size, color in (("Title", 24, NAVY), ("Subtitle", 12, BLUE), ("Heading 1", 16, BLUE),
                              ("Heading 2", 13, NAVY), ("Heading 3", 11, NAVY), ("Heading 4", 10, NAVY)):
        _set_font(doc.styles[name], size=size, color=color, bold=name not in ("Subtitle",))
    _set_font(doc.styles["Date"], size=10, color=GREY)
    for name in ("Table Caption", "Image Caption"):  # bold and upright, as in the PDF
        _set_font(doc.styles[name], size=9, color=NAVY, bold=True)
        doc.styles[name].font.italic = False
    doc.styles["Table Caption"].paragraph_format.keep_with_next = True
    from docx.enum.style import WD_STYLE_TYPE

    names = {s.name for s in doc.styles}
    for name in ("Header", "Footer"):
        if name not in names:
            doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = doc.styles["Normal"]
    _set_font(doc.styles["Header"], size=8, color=GREY)
    _set_font(doc.styles["Footer"], size=8, color=GREY)
    doc.styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if "Verbatim Char" in [s.name for s in doc.styles]:
        code = doc.styles["Verbatim Char"]
        code.font.name, code.font.size = "Courier New", Pt(8.5)
    doc.styles["Table Caption"].paragraph_format.space_before = Pt(8)
    doc.styles["Block Text"].font.italic = False
    for s in doc.sections:
        s.page_height, s.page_width = Cm(29.7), Cm(21.0)
        s.left_margin = s.right_margin = Cm(2)
        s.top_margin, s.bottom_margin = Cm(2.4), Cm(2)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    _table_style(doc)
    doc.save(str(path))


def _default_reference() -> bytes:
    import subprocess

    import pypandoc

    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True).stdout


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "templates/reference.docx")

"""DOCX as a drafter opens it in Word: headings numbered by Word's own list, the house font inside the file."""
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from rcm_docs.documents.word import fonts as docx_fonts
from rcm_docs.documents.word.finish import markdown_to_docx

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DOCX = ROOT / "templates" / "reference.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

CHAPTER = """---
title: Kenya
---

# At a glance

Plain text.

# Sector responses

## Protection

Needs are *high*.

## Education {-}

Unnumbered on purpose.

### Early learning

Text.

# Annex
"""


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    out = tmp_path_factory.mktemp("word") / "c.docx"
    markdown_to_docx(CHAPTER, out, REFERENCE_DOCX, "Plan | Kenya", 0, toc=True)
    return out


def heading_numbers(path) -> list[tuple[str, str]]:
    """(number Word shows, text) per heading, counting as Word counts a multilevel list linked to styles."""
    d = docx.Document(str(path))
    numbering = d.part.numbering_part.element
    style_num = {}
    for s in d.styles.element.iter(qn("w:style")):
        num = s.find(f"{W}pPr/{W}numPr")
        if num is not None and num.find(f"{W}numId") is not None:
            style_num[s.get(qn("w:styleId"))] = (int(num.find(f"{W}numId").get(qn("w:val"))),
                                                 int(num.find(f"{W}ilvl").get(qn("w:val"))))
    abstract_of = {n.get(qn("w:numId")): n.find(f"{W}abstractNumId").get(qn("w:val"))
                   for n in numbering.findall(f"{W}num")}
    counters, out = [0] * 9, []
    for p in d.paragraphs:
        sid = p.style.style_id
        own = p._p.find(f"{W}pPr/{W}numPr/{W}numId")
        if sid not in style_num or (own is not None and own.get(qn("w:val")) == "0"):
            if sid.startswith("Heading"):
                out.append(("", p.text))
            continue
        num_id, level = style_num[sid]
        abstract = next(a for a in numbering.findall(f"{W}abstractNum")
                        if a.get(qn("w:abstractNumId")) == abstract_of[str(num_id)])
        lvl = next(l for l in abstract.findall(f"{W}lvl") if l.get(qn("w:ilvl")) == str(level))
        assert lvl.find(f"{W}pStyle").get(qn("w:val")) == sid  # the list level points back to the style
        counters[level] += 1
        counters[level + 1:] = [0] * (8 - level)
        text = lvl.find(f"{W}lvlText").get(qn("w:val"))
        for k in range(level + 1):
            text = text.replace(f"%{k + 1}", str(counters[k]))
        out.append((text, p.text))
    return out


def test_headings_are_numbered_by_words_own_list_not_typed_into_the_text(chapter):
    assert heading_numbers(chapter) == [
        ("1", "At a glance"), ("2", "Sector responses"), ("2.1", "Protection"), ("", "Education"),
        ("2.1.1", "Early learning"), ("3", "Annex")]


def test_contents_page_shows_the_numbers_word_will_give(chapter):
    d = docx.Document(str(chapter))
    entries = [p.text for p in d.paragraphs if p._p.find(f"{W}hyperlink") is not None]
    assert entries == ["1 At a glance", "2 Sector responses", "2.1 Protection", "Education", "3 Annex"]


def test_a_drafter_inserting_a_heading_gets_the_next_number_from_the_style(chapter, tmp_path):
    d = docx.Document(str(chapter))
    first = next(p for p in d.paragraphs if p.text == "Sector responses")
    first.insert_paragraph_before("Needs", style="Heading 1")  # as a drafter would, by picking the style
    d.save(str(tmp_path / "edited.docx"))
    numbers = dict((t, n) for n, t in heading_numbers(tmp_path / "edited.docx"))
    assert (numbers["Needs"], numbers["Sector responses"], numbers["Protection"], numbers["Annex"]) == ("2", "3", "3.1", "4")


def deobfuscate(data: bytes, key: str) -> bytes:
    mask = uuid.UUID(key).bytes[::-1]
    return bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embedded_fonts(path) -> dict[str, bytes]:
    """{'Lato/embedBold': the font file} read back as Word reads it: fontTable -> rels -> odttf, key."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read("word/_rels/fontTable.xml.rels"))}
        out = {}
        for font in table.iter(f"{W}font"):
            for embed in font:
                if embed.tag.startswith(f"{W}embed"):
                    data = z.read("word/" + rels[embed.get(f"{R}id")])
                    out[f"{font.get(f'{W}name')}/{embed.tag[len(W):]}"] = deobfuscate(data, embed.get(f"{W}fontKey"))
        settings = z.read("word/settings.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "<w:embedTrueTypeFonts/>" in settings and "embedSystemFonts" not in settings
    assert 'Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"' in types
    return out


def test_the_faces_the_document_uses_are_embedded_and_read_back_as_the_shipped_lato(chapter):
    fonts = embedded_fonts(chapter)
    # Regular text, bold headings and table headers, italic *high*; no run is bold and italic at once.
    assert set(fonts) == {"Lato/embedRegular", "Lato/embedBold", "Lato/embedItalic"}
    for name, face in (("embedRegular", "Regular"), ("embedBold", "Bold"), ("embedItalic", "Italic")):
        assert fonts[f"Lato/{name}"] == docx_fonts.shipped("Lato", face).read_bytes()


def test_a_document_without_italics_carries_no_italic_face(tmp_path):
    markdown_to_docx("# Key figures\n\nPlain **bold** text.\n", tmp_path / "k.docx", REFERENCE_DOCX, "h", 0)
    assert set(embedded_fonts(tmp_path / "k.docx")) == {"Lato/embedRegular", "Lato/embedBold"}


def test_embedding_twice_keeps_one_copy_of_each_face(chapter, tmp_path):
    from rcm_docs.common.files import normalise_zip

    again = tmp_path / "again.docx"
    again.write_bytes(chapter.read_bytes())
    normalise_zip(again, 0, edit=docx_fonts.embed({"Lato": {(False, False), (True, False), (False, True)}}))
    with zipfile.ZipFile(again) as z:
        names = z.namelist()
    assert len(names) == len(set(names)) and sorted(n for n in names if n.startswith("word/fonts/")) == [
        "word/fonts/font1.odttf", "word/fonts/font2.odttf", "word/fonts/font3.odttf"]
    assert set(embedded_fonts(again)) == set(embedded_fonts(chapter))


def test_embedded_fonts_keep_the_docx_byte_identical(tmp_path):
    for name in ("a.docx", "b.docx"):
        markdown_to_docx(CHAPTER, tmp_path / name, REFERENCE_DOCX, "h", 0, toc=True)
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_a_font_whose_licence_forbids_embedding_is_left_out():
    lato = docx_fonts.shipped("Lato", "Regular").read_bytes()
    assert docx_fonts.embeddable(lato)
    table = lato.index(b"OS/2")
    offset = int.from_bytes(lato[table + 8:table + 12], "big")
    restricted = lato[:offset + 8] + (2).to_bytes(2, "big") + lato[offset + 10:]
    assert not docx_fonts.embeddable(restricted)
    assert not docx_fonts.embeddable(b"not a font at all")

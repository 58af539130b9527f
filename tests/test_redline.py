"""Redline: the new draft with Word tracked changes against the old one."""
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from lxml import etree

from rcm_docs.documents.word.finish import markdown_to_docx
from rcm_docs.review.redline import redline

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REFERENCE = Path(__file__).resolve().parents[1] / "templates" / "reference.docx"


def q(tag):
    return f"{{{W}}}{tag}"


TABLE = """| Sector | People | Budget |
|:--|--:|--:|
| Protection | {people} | USD 45,000 |
| Education | 800 | USD 12,000 |
| **Total** | **{total}** | **USD 57,000** |
"""
BASE = ["# Overview", "The quick brown fox jumps over the lazy dog.",
        "Partners appeal for **USD 57,000** to assist people in [need](https://example.org).",
        TABLE.format(people="1,200", total="2,000"), "# Next steps", "Sector leads review the draft."]


def make(tmp_path, name, blocks):
    out = tmp_path / f"{name}.docx"
    pypandoc.convert_text("\n\n".join(blocks) + "\n", "docx", format="markdown", outputfile=str(out))
    return out


def xml(path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def run_text(el):
    return "".join(t.text or "" for t in el.iter(q("t"), q("delText")))


def view(path, accept=True):
    """Paragraph texts after accepting (or rejecting) every change: the content of w:del (w:ins) and
    rows marked so are dropped, and a paragraph whose mark is dropped merges into the next one. Field
    results (caption numbers) are left out: Word recomputes them."""
    gone = q("del") if accept else q("ins")
    lines, carry = [], ""
    for p in xml(path).iter(q("p")):
        tr = next(p.iterancestors(q("tr")), None)
        if tr is not None and tr.find(f"{q('trPr')}/{gone}") is not None:
            continue
        text = "".join("\t" if e.tag == q("tab") else e.text or ""
                       for e in p.iter(q("t"), q("delText"), q("tab"))
                       if not any(a.tag in (gone, q("fldSimple")) for a in e.iterancestors()))
        if p.find(f"{q('pPr')}/{q('rPr')}/{gone}") is not None:
            carry += text
        else:
            lines.append(carry + text)
            carry = ""
    return lines


def separators(path):
    """The spaces inserted and deleted again between a deletion and the insertion that replaces it."""
    root = path if isinstance(path, etree._Element) else xml(path)
    return [e for e in root.iter(q("ins")) if len(e) == 1 and e[0].tag == q("del")]


def revisions(path, kind):
    """w:ins or w:del, less the separators (redline.py: _Redliner.separator)."""
    root = path if isinstance(path, etree._Element) else xml(path)
    ghost = [x for g in separators(root) for x in (g, g[0])]  # held, so lxml hands back these very elements
    return [e for e in root.iter(q(kind)) if not any(e is x for x in ghost)]


def content_revisions(path, kind):
    """w:ins / w:del around runs (not the marks on paragraphs and rows)."""
    return [e for e in revisions(path, kind) if e.getparent().tag not in (q("rPr"), q("trPr"))]


def test_self_diff_has_no_revisions(tmp_path):
    a = make(tmp_path, "a", BASE)
    out = tmp_path / "out.docx"
    summary = redline(a, a, out)
    assert summary == {"paragraphs_changed": 0, "cells_changed": 0, "insertions": 0, "deletions": 0}
    assert not revisions(out, "ins") and not revisions(out, "del")
    assert view(out) == view(a)


def test_one_number_in_a_cell(tmp_path):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", [x.replace("1,200", "1,250") for x in BASE])
    out = tmp_path / "out.docx"
    summary = redline(a, b, out)
    assert summary == {"paragraphs_changed": 0, "cells_changed": 1, "insertions": 1, "deletions": 1}
    root = xml(out)
    assert len(separators(root)) == 1
    (d,), (i,) = revisions(root, "del"), revisions(root, "ins")
    assert run_text(d) == "1,200" and run_text(i) == "1,250"
    assert d.get(q("author")) == "rcm-docs" and d.get(q("date")) == "2026-01-01T00:00:00Z"
    assert d.get(q("id")) != i.get(q("id"))
    cell = next(d.iterancestors(q("tc")))
    assert cell is next(i.iterancestors(q("tc")))
    assert run_text(next(cell.iterancestors(q("tr")))).startswith("Protection")


def test_bold_total_stays_bold(tmp_path):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", [x.replace("**2,000**", "**2,050**") for x in BASE])
    out = tmp_path / "out.docx"
    redline(a, b, out)
    (d,), (i,) = revisions(out, "del"), revisions(out, "ins")
    assert run_text(d) == "2,000" and run_text(i) == "2,050"
    assert d.find(f"{q('r')}/{q('rPr')}/{q('b')}") is not None and i.find(f"{q('r')}/{q('rPr')}/{q('b')}") is not None


def test_one_word_in_a_paragraph(tmp_path):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", [x.replace("brown", "red") for x in BASE])
    out = tmp_path / "out.docx"
    summary = redline(a, b, out)
    assert summary == {"paragraphs_changed": 1, "cells_changed": 0, "insertions": 1, "deletions": 1}
    root = xml(out)
    (d,), (i,) = revisions(root, "del"), revisions(root, "ins")
    assert run_text(d) == "brown" and run_text(i) == "red"
    p = d.getparent()
    assert p is i.getparent()
    unchanged = "".join(t.text for r in p.findall(q("r")) for t in r.iter(q("t")))
    assert unchanged == "The quick  fox jumps over the lazy dog."
    assert [run_text(g) for g in separators(root)] == [" "]  # '~~brown~~ red', not '~~brown~~red'
    # Words only added (or only removed) need nothing to set them apart.
    c = make(tmp_path, "c", [x.replace("lazy dog", "lazy old dog") for x in BASE])
    redline(a, c, tmp_path / "added.docx")
    assert not separators(tmp_path / "added.docx") and view(tmp_path / "added.docx") == view(c)


def test_a_number_replaced_is_set_apart_from_its_replacement_and_accepting_or_rejecting_drops_the_space(tmp_path):
    # 'USD 406,241,000' -> 'USD 406,491,000' read as '406,241,000406,491,000', and a narrow cell broke
    # it anywhere ('406,241,00' over '0406,491,000' in LibreOffice).
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", [x.replace("1,200", "1,250").replace("USD 57,000", "USD 58,500") for x in BASE])
    out = tmp_path / "out.docx"
    redline(a, b, out)
    ghosts = separators(out)
    assert len(ghosts) == 3  # the people cell (1,200 -> 1,250), and "57,000" -> "58,500" in the total cell and the paragraph
    for g in ghosts:
        assert run_text(g) == " " and g.getprevious().tag == q("del") and g.getnext().tag == q("ins")
        assert g.get(q("id")) != g[0].get(q("id"))
    assert view(out, accept=True) == view(b) and view(out, accept=False) == view(a)


def test_paragraph_removed_and_added(tmp_path):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", [x for x in BASE if not x.startswith("The quick")][:3]
             + ["A completely new paragraph about funding gaps."] + BASE[4:])
    out = tmp_path / "out.docx"
    summary = redline(a, b, out)
    assert summary["paragraphs_changed"] == 2 and summary["cells_changed"] == 0
    assert summary["deletions"] == 9 and summary["insertions"] == 7
    removed = [e.getparent() for e in content_revisions(out, "del")]
    assert [run_text(p) for p in removed] == ["The quick brown fox jumps over the lazy dog."]
    assert removed[0].find(f"{q('pPr')}/{q('rPr')}/{q('del')}") is not None
    added = [e.getparent() for e in content_revisions(out, "ins")]
    assert [run_text(p) for p in added] == ["A completely new paragraph about funding gaps."]
    assert added[0].find(f"{q('pPr')}/{q('rPr')}/{q('ins')}") is not None
    texts = view(out, accept=False)
    assert texts.index("The quick brown fox jumps over the lazy dog.") == 1


CHANGES = {
    "word": lambda bl: [x.replace("lazy dog", "sleepy cat") for x in bl],
    "last paragraph removed": lambda bl: bl[:-1],
    "last paragraph added": lambda bl: bl + ["Comments are due by Friday."],
    "row added": lambda bl: [x.replace("| **Total**", "| Health | 300 | USD 1,000 |\n| **Total**") for x in bl],
    "row removed": lambda bl: [x.replace("| Education | 800 | USD 12,000 |\n", "") for x in bl],
    "table removed": lambda bl: [x for x in bl if not x.startswith("| Sector")],
    "table added": lambda bl: bl[:2] + ["| Country | Budget |\n|:--|--:|\n| Brazil | 10 |\n| Peru | 20 |\n"] + bl[2:],
    "link text and words": lambda bl: [x.replace("people in [need]", "refugees in [urgent need]") for x in bl],
    "words cut at a paragraph's end": lambda bl: [x.replace(" over the lazy dog.", "") for x in bl],
    "words added at a paragraph's start": lambda bl: [x.replace("The quick", "Today the quick") for x in bl],
    "a cell emptied": lambda bl: [x.replace("| Education | 800 |", "| Education |  |") for x in bl],
    "everything": lambda bl: ["# Overview", "Entirely rewritten opening.",
                              TABLE.format(people="1,250", total="2,050"), "New closing words."],
}


@pytest.mark.parametrize("change", CHANGES)
def test_accept_gives_new_and_reject_gives_old(tmp_path, change):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", CHANGES[change](BASE))
    out = tmp_path / "out.docx"
    redline(a, b, out)
    assert revisions(out, "ins") or revisions(out, "del")
    assert view(out, accept=True) == view(b)
    assert view(out, accept=False) == view(a)
    if change == "table removed":  # the old table is shown, every row marked deleted
        assert all(tr.find(f"{q('trPr')}/{q('del')}") is not None for tr in xml(out).iter(q("tr")))


def test_output_opens_and_is_reproducible(tmp_path):
    a = make(tmp_path, "a", BASE)
    b = make(tmp_path, "b", CHANGES["everything"](BASE))
    out1, out2 = tmp_path / "1.docx", tmp_path / "2.docx"
    assert redline(a, b, out1) == redline(a, b, out2)
    assert out1.read_bytes() == out2.read_bytes()
    opened = docx.Document(str(out1))  # python-docx reads past revision marks: only the layout is checked
    assert len(opened.tables) == 1 and opened.paragraphs[0].text == "Overview"
    ids = [e.get(q("id")) for kind in ("ins", "del") for e in revisions(out1, kind)]
    assert len(ids) == len(set(ids))
    with zipfile.ZipFile(out1) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_renumbered_captions_are_not_changes(tmp_path):
    """A table added in front shifts every 'Table N' caption; the SEQ field renumbers itself in Word,
    so the captions after it are not marked as changed."""
    def doc(name, tables):
        md = "\n\n".join(f"Text {t}.\n\n| A | B |\n|:--|--:|\n| {t} | 1 |\n\n: Table about {t}" for t in tables)
        out = tmp_path / f"{name}.docx"
        markdown_to_docx(md + "\n", out, REFERENCE, "Header", 1767225600)
        return out

    a, b = doc("a", ["alpha", "beta"]), doc("b", ["alpha", "gamma", "beta"])
    out = tmp_path / "out.docx"
    summary = redline(a, b, out)
    assert summary["paragraphs_changed"] == 2  # 'Text gamma.' and its caption
    inserted = {run_text(e.getparent()) for e in content_revisions(out, "ins")
                if e.getparent().getparent().tag == q("body")}
    assert inserted == {"Text gamma.", "Table 2: Table about gamma"}
    assert not content_revisions(out, "del")  # 'Table 2' -> 'Table 3' for beta is not a change
    assert view(out, accept=True) == view(b) and view(out, accept=False) == view(a)


def test_a_chart_redrawn_with_new_figures_is_marked_inserted(tmp_path):
    # Both drafts name their picture rId8 or so; the image bytes tell a redrawn chart from the same one.
    import pymupdf

    def png(name, shade):
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 20), 0)
        pix.clear_with(shade)
        pix.save(str(tmp_path / name))
        return tmp_path / name

    def doc(name, image):
        d = docx.Document()
        d.add_paragraph("Financial requirements by sector")
        d.add_picture(str(image))
        d.add_paragraph("Source: sector submissions.")
        d.save(str(tmp_path / name))
        return tmp_path / name

    a, b = doc("a.docx", png("old.png", 120)), doc("b.docx", png("new.png", 200))
    same = tmp_path / "same.docx"
    redline(a, doc("a2.docx", tmp_path / "old.png"), same)
    assert not revisions(same, "ins") and not revisions(same, "del")
    out = tmp_path / "out.docx"
    redline(a, b, out)
    (ins,) = content_revisions(out, "ins")
    assert ins.find(f".//{q('drawing')}") is not None and not content_revisions(out, "del")
    assert "urn:rcm-docs" not in zipfile.ZipFile(out).read("word/document.xml").decode()
    assert view(out) == view(b) and view(out, accept=False) == view(a)


@pytest.mark.parametrize("old,new", [("Funded 25%", "Funded 25% by September"), ("Funded 25% by September", "Funded 25%"),
                                     ("", "New text"), ("Old text", "")])
def test_words_only_added_or_only_removed_in_a_table_cell_are_redlined(tmp_path, old, new):
    # An insertion (or a deletion) with nothing on the other side once failed the whole review page.
    import docx as _docx

    from rcm_docs.review.redline import redline as _redline

    paths = []
    for name, text in (("old", old), ("new", new)):
        d = _docx.Document()
        d.add_table(rows=1, cols=1).rows[0].cells[0].text = text
        d.save(str(tmp_path / f"{name}.docx"))
        paths.append(tmp_path / f"{name}.docx")
    _redline(str(paths[0]), str(paths[1]), str(tmp_path / "red.docx"))
    xml = _docx.Document(str(tmp_path / "red.docx")).element.xml
    assert ("w:ins" in xml) == (len(new) > len(old)) or ("w:del" in xml)

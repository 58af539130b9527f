import pytest

from rcm_docs.common import fmt
from rcm_docs.documents.render import table_head
from rcm_docs.documents.typeset.pandoc import PANDOC_FROM
from rcm_docs.intake.readers.markdown import demote_headings
from rcm_docs.intake.readers.narratives import _narrative


@pytest.mark.parametrize("value,expected", [
    (45200000, "USD 45,200,000"), (950000.4, "USD 950,000"), (0, "USD 0"),
])
def test_money_in_tables(value, expected):
    assert fmt.money(value) == expected


@pytest.mark.parametrize("value,expected", [
    (45200000, "USD 45.2 million"), (1250000000, "USD 1.2 billion"), (950000, "USD 950,000"),
])
def test_money_in_prose(value, expected):
    assert fmt.money_short(value) == expected


def test_percent_and_date():
    assert fmt.percent(0.2345) == "23.4%" or fmt.percent(0.2345) == "23.5%"
    assert fmt.date("2026-11-05") == "5 November 2026"


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "`#import \"/etc/passwd\"`{=typst}", "[click](javascript:x)", "*bold* | pipe",
    "1. not a list", "$x$ \\(y\\)", "```{=openxml}<w:p/>```",
])
def test_text_from_inputs_renders_literally(hostile):
    import pypandoc

    out = pypandoc.convert_text(fmt.md(hostile), "plain", format=PANDOC_FROM).strip()
    assert out == " ".join(hostile.split())


def test_raw_blocks_in_narratives_are_text_not_markup():
    import pypandoc

    narrative = "```{=typst}\n#panic(\"x\")\n```\n\n<div onclick='x'>hi</div>\n"
    typ = pypandoc.convert_text(narrative, "typst", format=PANDOC_FROM)
    assert "#panic" not in [line.strip() for line in typ.splitlines()]  # only as raw text in backticks
    html = pypandoc.convert_text(narrative, "html", format=PANDOC_FROM)
    assert "<div" not in html


def test_narrative_yaml_block_cannot_replace_the_title(tmp_path):
    (tmp_path / "inputs/narratives/KEN").mkdir(parents=True)
    (tmp_path / "inputs/narratives/KEN/PRO.md").write_text("Intro\n\n---\ntitle: Hacked\n---\n\n# Needs\n", encoding="utf-8")
    text = _narrative(tmp_path, "KEN", "PRO", 2)
    assert "---" not in text and "### Needs" in text


def test_demote_headings_leaves_code_alone():
    assert demote_headings("# A\n```\n# not a heading\n```\n", 2) == "### A\n```\n# not a heading\n```\n"


def test_table_head_widths_are_relative_and_wider_than_pandoc_columns():
    head = table_head([("Sector", "l", 3), ("USD", "r", 1)])
    header, sep = head.split("\n")
    assert header == "| Sector | USD |"
    left, right = sep.strip("|").split("|")
    assert left.startswith(":") and right.endswith(":")
    assert len(left) == 3 * len(right) and len(sep) > 72


@pytest.mark.parametrize("narrative,visible", [
    ("**Needs**.The registration backlog", "Needs.The registration backlog"),
    ("**Partners**(12) and *areas*[3]", "Partners(12) and areas[3]"),
])
def test_bold_glued_to_punctuation_compiles_to_pdf_as_written(tmp_path, narrative, visible):
    import pymupdf
    from conftest import ROOT

    from rcm_docs.documents.typeset.pdf import markdown_to_pdf

    out = tmp_path / "n.pdf"
    markdown_to_pdf(narrative + "\n", out, ROOT / "templates/rrp.typ",
                    {"header": "h", "header-right": "r", "as-of": "a", "year": "2026", "month": "1", "day": "1"}, 0)
    assert visible in pymupdf.open(out)[0].get_text().replace("\n", " ")


def test_a_narrative_image_never_pulls_a_local_file_into_the_docx(tmp_path):
    """Like pandoc --sandbox: a sector lead's Markdown cannot embed a file of the build machine."""
    import zipfile

    import docx

    from rcm_docs.documents.typeset.pandoc import run_pandoc

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not for the donors")
    out = tmp_path / "out.docx"
    run_pandoc(f"Intro\n\n![the office plan]({secret})\n", "docx", out=str(out), reference_doc=None)
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
    d = docx.Document(str(out))
    assert "the office plan" in "\n".join(p.text for p in d.paragraphs)
    assert not d.tables  # the figure left behind is a paragraph, not a one-cell table with white text


def test_pandoc_errors_are_reported_and_a_dead_pandoc_is_restarted(tmp_path):
    from rcm_docs.documents.typeset import pandoc as render

    with pytest.raises(render.RenderError, match="pandoc \\(docx\\).*nowhere"):
        render.run_pandoc("x", "docx", out=str(tmp_path / "nowhere" / "x.docx"))
    render._server.proc.kill()
    render._server.proc.wait()
    assert "#strong[still here]" in render.run_pandoc("**still here**", "typst")


def test_pandoc_reads_a_document_once_for_both_formats_and_never_serves_another(tmp_path):
    # The server keeps the last document it read for the next conversion (DOCX then Typst of one
    # document); a different text, or the same text through another reader, is read anew.
    import docx

    from rcm_docs.documents.typeset.pandoc import _server, run_pandoc

    def words(path):
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)

    first, second = "# Needs\n\n**125,000** people ~~in need~~\n", "# Needs\n\n**130,000** people in need\n"
    run_pandoc(first, "docx", out=str(tmp_path / "a.docx"), reference_doc=None)
    assert "125,000" in words(tmp_path / "a.docx")
    assert "#strong[125,000]" in run_pandoc(first, "typst")
    again = run_pandoc(second, "typst")
    assert "#strong[130,000]" in again and "125,000" not in again
    run_pandoc(second, "docx", out=str(tmp_path / "b.docx"), reference_doc=None)
    assert "130,000" in words(tmp_path / "b.docx") and "125,000" not in words(tmp_path / "b.docx")
    assert "#strike[in need]" in run_pandoc(first, "typst")
    plain = _server.ask({"md": first, "from": "commonmark", "to": "typst"})["text"]
    assert "#strike" not in plain and "~~in need~~" in plain.replace("\\", "")


def test_docx_finishing_finds_each_style_once_and_a_style_added_later_too(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    from rcm_docs.documents.word.finish import _styles_found_once

    doc = docx.Document()
    styled = doc.add_paragraph("Protection", style="Heading 1")
    later = doc.add_paragraph("12,500")
    later._p.get_or_add_pPr().get_or_add_pStyle().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "TableText")
    plain = doc.add_paragraph("text")
    _styles_found_once(doc)
    assert styled.style.name == "Heading 1" and plain.style.name == "Normal"
    assert later.style.name == "Normal"  # no such style yet: Word shows the default
    doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    assert later.style.name == "Table Text"
    styled.style = doc.styles["Heading 2"]
    assert styled.style.name == "Heading 2"


def test_a_template_edited_between_builds_renders_its_new_text(tmp_path):
    # Compiled templates are kept between builds (Jinja's bytecode cache): never in place of a newer source.
    from rcm_docs.documents import render

    (tmp_path / "keypoints.md.j2").write_text("Requirements: {{ total | money }}\n", encoding="utf-8")
    render._environment.cache_clear()  # a new build's process
    assert render.render_markdown(render.environment([tmp_path]), "keypoints.md.j2", {"total": 1500000}) == \
        "Requirements: USD 1,500,000\n"
    assert render._environment(tuple([str(tmp_path)])).bytecode_cache is not None
    (tmp_path / "keypoints.md.j2").write_text("Financial requirements: {{ total | money }}\n", encoding="utf-8")
    render._environment.cache_clear()
    assert render.render_markdown(render.environment([tmp_path]), "keypoints.md.j2", {"total": 1500000}) == \
        "Financial requirements: USD 1,500,000\n"


def test_a_documents_pdf_and_docx_made_side_by_side_both_finish_and_the_first_error_is_the_docxs(tmp_path):
    import time

    from rcm_docs.documents.render import side_by_side, stage_times, timed

    made = tmp_path / "document.pdf"

    def pdf(fail=False):
        with timed("typst compile"):
            time.sleep(0.2)
            made.write_text("pdf", encoding="utf-8")
        if fail:
            raise RuntimeError("typst refused the PDF")

    def docx(fail=False):
        with timed("pandoc docx"):
            pass
        if fail:
            raise ValueError("pandoc refused the DOCX")

    with stage_times() as times:
        side_by_side(pdf, docx)
    assert made.read_text(encoding="utf-8") == "pdf" and set(times) == {"typst compile", "pandoc docx"} and times["typst compile"] >= 0.2
    made.unlink()
    with pytest.raises(ValueError, match="pandoc refused"):
        side_by_side(lambda: pdf(fail=True), lambda: docx(fail=True))
    assert made.exists()  # the PDF's thread had finished: nothing is written after the step has failed
    with pytest.raises(RuntimeError, match="typst refused"):
        side_by_side(lambda: pdf(fail=True), docx)

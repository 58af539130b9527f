"""Hostile and ordinary narratives and plan values never hang the build, leak a file, break a document or
turn into markup or code (issue 11, the documents side).

Every hostile input is made here; nothing hostile is stored in the repository.
"""
import time

import pytest
from conftest import ROOT

TYPST_TEMPLATE = ROOT / "templates" / "rrp.typ"
REFERENCE_DOCX = ROOT / "templates" / "reference.docx"
VARIABLES = {"header": "h", "header-right": "r", "as-of": "a", "year": "2026", "month": "1", "day": "1"}
BRACKETS_14 = "[" * 14 + "x" + "]" * 14  # 29 characters: minutes of pandoc and gigabytes of memory


def pdf_text(path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return " ".join(" ".join(page.get_text() for page in doc).split())


# ---- 1. Never hang, never blow up ----

def test_a_stuck_pandoc_is_stopped_after_the_time_bound_and_the_next_request_works(monkeypatch):
    """Whatever slips past the narrative checks, no conversion holds a build step longer than the bound."""
    from rcm_docs.documents.typeset import pandoc

    monkeypatch.setattr(pandoc, "PANDOC_TIMEOUT_S", 2)
    pandoc.warm()
    t = time.perf_counter()
    with pytest.raises(pandoc.RenderError, match=r"more than 2 s.*simplify.*nested brackets"):
        pandoc.run_pandoc(BRACKETS_14, "typst")
    assert time.perf_counter() - t < 10
    assert "#strong[after]" in pandoc.run_pandoc("**after**", "typst")  # a fresh server answers


def test_a_pandoc_that_runs_out_of_its_memory_bound_is_reported_and_replaced(monkeypatch):
    from rcm_docs.documents.typeset import pandoc

    monkeypatch.setattr(pandoc, "PANDOC_MEMORY_BYTES", 300 * 1024**2)
    pandoc.warm()  # the bound applies to servers started from now on: replace the running one
    pandoc._server.proc.kill()
    pandoc._server.proc.wait()
    hog = "[" * 3000 + "x" + "]" * 3000  # fills 300 MB in a few seconds
    with pytest.raises(pandoc.RenderError, match="out of memory .limit 300 MB.*simplify"):
        pandoc.run_pandoc(hog, "typst")
    monkeypatch.undo()
    assert "#emph[fine]" in pandoc.run_pandoc("*fine*", "typst")


def test_a_document_that_fails_half_way_leaves_no_temporary_file(tmp_path, monkeypatch):
    from rcm_docs.documents.typeset import pdf
    from rcm_docs.documents.word import finish as word

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(word, "_finish_docx", broken)
    with pytest.raises(OSError):
        word.markdown_to_docx("Text\n", tmp_path / "a.docx", REFERENCE_DOCX, "h", 0)
    monkeypatch.setattr(pdf.os, "replace", broken)
    with pytest.raises(OSError):
        pdf.markdown_to_pdf("Text\n", tmp_path / "a.pdf", TYPST_TEMPLATE, VARIABLES, 0)
    assert list(tmp_path.iterdir()) == []


HOSTILE_NARRATIVES = {  # what a narrative holds -> what the refusal says
    "nested brackets": (BRACKETS_14, "line 1: square brackets nested more than 4 deep"),
    "unclosed brackets": ("Intro\n\n" + "[a " * 3000 + "x", "line 3: square brackets nested more than 4 deep"),
    "many brackets": ("[x] " * 10_001, "10,001 square brackets (at most 10,000)"),
    "nested quotes": ("> " * 2000 + "x", "line 1: block quotes, lists or ::: blocks nested 2000 deep (at most 20)"),
    "glued quotes": (">" * 2000 + " x", "a word of 2,000 characters"),
    "nested lists": ("\n".join(" " * (2 * i) + "- item" for i in range(40)), "line 21: block quotes, lists or ::: "
                     "blocks nested 21 deep"),
    "nested divs": ("\n".join(":::: level" for _ in range(30)) + "\ntext\n", "line 21: block quotes, lists or ::: blocks"),
    "quotes in lists": ("- > " * 11 + "x", "nested 22 deep"),
    "long word": ("x" * 200_000, "line 1: a word of 200,000 characters with no space (at most 1,000)"),
    "long word joined by no-break spaces": ("Intro\n" + "\u00a0".join(["ab"] * 600), "line 2: a word of 1,799"),
    "long file": ("word " * 50_000, "244 KB (at most 200 KB)"),
    "many lines": ("## Same heading\n\n" * 2_501, "line 5001: more than 5,000 lines"),
    "long paragraph": ("(x) [y] " * 2_600, "line 1: a paragraph of more than 20,000 characters"),
    "long paragraph over lines": ("Intro\n\n" + "and (x) [y] more\n" * 1_200, "line 1179: a paragraph of more"),
}


@pytest.mark.parametrize("name", HOSTILE_NARRATIVES)
def test_a_narrative_over_a_bound_is_refused_at_once_naming_its_file_line_and_fix(tmp_path, plan, name):
    from rcm_docs.intake.readers.narratives import (
        NarrativeError,
        narratives,
        pending_narratives,
    )

    text, says = HOSTILE_NARRATIVES[name]
    (tmp_path / "inputs/narratives/KEN").mkdir(parents=True)
    (tmp_path / "inputs/narratives/KEN/PRO.md").write_text(text, encoding="utf-8")
    t = time.perf_counter()
    with pytest.raises(NarrativeError) as refused:
        narratives(tmp_path, plan, "KEN")["sectors"]["PRO"]
    assert time.perf_counter() - t < 1
    message = str(refused.value)
    assert message.startswith("inputs/narratives/KEN/PRO.md") and says in message, message
    assert message.endswith("then build again.")
    # The validation summary still builds; a refused narrative is not 'pending' (it is there).
    assert "inputs/narratives/KEN/PRO.md" not in pending_narratives(tmp_path, plan)


def test_a_sitrep_highlight_over_a_bound_is_refused_naming_its_file(tmp_path, plan):
    from rcm_docs.intake.readers.narratives import NarrativeError, highlights

    folder = tmp_path / "inputs/sitreps/2026-03/highlights/KEN"
    folder.mkdir(parents=True)
    (folder / "overview.md").write_text(BRACKETS_14, encoding="utf-8")
    with pytest.raises(NarrativeError, match=r"^inputs/sitreps/2026-03/highlights/KEN/overview.md, line 1: square"):
        highlights(tmp_path, plan, "KEN", "2026-03")


def test_a_narrative_that_is_not_utf8_is_refused_naming_its_file(tmp_path, plan):
    from rcm_docs.intake.readers.narratives import NarrativeError, narratives

    (tmp_path / "inputs/narratives/KEN").mkdir(parents=True)
    (tmp_path / "inputs/narratives/KEN/overview.md").write_bytes("“Quoted” from Word".encode("cp1252"))
    with pytest.raises(NarrativeError, match=r"^inputs/narratives/KEN/overview.md: not UTF-8 text .*Save it as UTF-8"):
        narratives(tmp_path, plan, "KEN")["overview"]


def test_the_render_step_fails_on_a_hostile_narrative_naming_it_and_writes_nothing(built, tmp_path):
    """The 29-character bracket narrative that took pandoc minutes is refused by the render step at once."""
    import shutil

    from rcm_docs.intake.readers.narratives import NarrativeError
    from rcm_docs.steps.render import render_document

    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    (ws / "inputs/narratives/KEN/PRO.md").write_text(BRACKETS_14 + "\n", encoding="utf-8")
    out = ws / "build/rrp"
    for f in out.glob("KEN.*"):
        f.unlink()
    t = time.perf_counter()
    with pytest.raises(NarrativeError, match=r"^inputs/narratives/KEN/PRO.md, line 1: square brackets nested"):
        render_document(root=ws, doc="KEN", figures_json=ws / "build/figures/KEN.json", out_md=out / "KEN.md",
                        out_docx=out / "KEN.docx", out_pdf=out / "KEN.pdf", template_dirs=[ROOT / "templates"])
    assert time.perf_counter() - t < 2
    assert not list(out.glob("*KEN*"))  # no document, and no temporary file left behind
    # Key points show no narrative: they still build.
    out = ws / "build/keypoints"
    render_document(root=ws, doc="KEN", figures_json=ws / "build/figures/KEN.json", out_md=out / "KEN.md",
                    out_docx=out / "KEN.docx", out_pdf=out / "KEN.pdf", template_dirs=[ROOT / "templates"],
                    kind="keypoints", funding_json=ws / "build/figures/funding/KEN.json")
    assert (out / "KEN.pdf").is_file()


# ---- 2. Every value reaches Typst as data, never as markup or code ----

HOSTILE_VALUES = ['#read("/etc/passwd")', "$x$", "*bold* _it_", "]", "\\", '"', "//comment", "RMRP_2026 draft #2 (US$)",
                  '#panic("x")', "[#link(\"file:///etc/passwd\")]", "<label> @ref = heading"]
PASSWD = "root:x:0:0"


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_template_values_are_printed_as_written_never_run(tmp_path, value):
    import pymupdf

    from rcm_docs.documents.typeset.pdf import markdown_to_pdf

    out = tmp_path / "v.pdf"
    body = "\n\n".join(f"Paragraph {i} of a two-page body." for i in range(120)) + "\n"
    markdown_to_pdf(body, out, TYPST_TEMPLATE, {**VARIABLES, "header": value, "header-right": value, "as-of": value}, 0)
    with pymupdf.open(out) as doc:
        assert doc.page_count > 1
        second = " ".join(doc[1].get_text().split())
    assert second.startswith(f"{value} {value}")  # the running header, left and right
    assert f"Figures as of {value}" in second
    assert PASSWD not in pdf_text(out)


def test_a_hostile_plan_title_short_title_and_country_name_print_as_written(built, tmp_path):
    """plan.yaml values reach the chapter's cover, running header and document title as text."""
    import shutil

    import docx
    import pymupdf
    import yaml

    from rcm_docs.steps.render import render_document

    ws = tmp_path / "ws"
    shutil.copytree(built, ws)
    plan = yaml.safe_load((ws / "inputs/plan.yaml").read_text(encoding="utf-8"))
    plan["title"] = 'Plan #read("/etc/passwd") $x$ //c'
    plan["short_title"] = "RMRP_2026 draft #2 (US$)"
    plan["country_names"] = {"KEN": '#read("/etc/passwd") ] "Kenya" \\'}
    (ws / "inputs/plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    out = ws / "build/rrp"
    render_document(root=ws, doc="KEN", figures_json=ws / "build/figures/KEN.json", out_md=out / "KEN.md",
                    out_docx=out / "KEN.docx", out_pdf=out / "KEN.pdf", template_dirs=[ROOT / "templates"])
    text = pdf_text(out / "KEN.pdf")
    assert PASSWD not in text
    assert 'Plan #read("/etc/passwd") $x$ //c' in text  # the cover
    assert 'RMRP_2026 draft #2 (US$) #read("/etc/passwd") ] "Kenya" \\' in text  # the running header
    with pymupdf.open(out / "KEN.pdf") as pdf:
        assert pdf.metadata["title"].startswith('#read("/etc/passwd") ] "Kenya" \\: country chapter')
    header = docx.Document(str(out / "KEN.docx")).sections[0].header.paragraphs[0].text
    assert header == 'RMRP_2026 draft #2 (US$) | #read("/etc/passwd") ] "Kenya" \\'


def test_narrative_attributes_cannot_inject_typst_code(tmp_path):
    """pandoc's Typst writer pastes typst:* attributes into the source as code."""
    from rcm_docs.documents.typeset.pdf import markdown_to_pdf

    narrative = ('A [span]{typst:text:fill="rgb(read(\\"/etc/hostname\\").len(), 0, 0)"} here.\n\n'
                 '::: {typst:inset="(panic(\\"div\\"))" typst:text:fill="panic()"}\nIn a div.\n:::\n\n'
                 '| Cell |\n|---|\n| [x]{typst:text:weight="panic()"} |\n\n'
                 '## Heading {typst-label="x"}\n')
    out = tmp_path / "a.pdf"
    markdown_to_pdf(narrative, out, TYPST_TEMPLATE, VARIABLES, 0)
    assert all(w in pdf_text(out) for w in ("A span here.", "In a div.", "Cell", "Heading"))


def test_typst_reads_no_file_of_the_folder_it_runs_in(tmp_path, monkeypatch):
    """Defence in depth: should code ever reach Typst, its project root is an empty folder of its own."""
    from rcm_docs.documents.typeset import compiler as typeset

    (tmp_path / "secret.txt").write_text("not for the donors", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(typeset, "_compiler", None)  # a compiler made here, in the folder of the secret
    monkeypatch.setattr(typeset, "_root", None, raising=False)
    with pytest.raises(typeset.TypesetError, match="not found"):
        typeset.compile('#read("/secret.txt")')


# ---- 3. HTML escaping and links ----

XSS = "<img src=x onerror=alert(1)>"


def test_validation_report_html_shows_every_input_value_as_text(tmp_path):
    import pandas as pd

    from rcm_docs.intake.tables.checks import Problem, Result
    from rcm_docs.intake.tables.contract import Reason
    from rcm_docs.intake.tables.report import submission_report, to_html

    name = f"inputs/submissions/KEN/{XSS}.csv"
    result = Result(name, "KEN", f"P{XSS}", pd.DataFrame(), [], 3)
    result.problems.append(Problem(file=name, sheet=XSS, row=2, column=XSS, cell="A2", value=XSS,
                                   reason=Reason.MISSING_VALUE, message=XSS, fix=XSS))
    page = to_html(submission_report(result, XSS, "[Protection](javascript:alert(1))"), f"Validation report: {name}")
    assert "<img" not in page and "<a " not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 8  # title, heading, names, every cell
    assert "<h1>Validation report: inputs/submissions/KEN/&lt;img src=x onerror=alert(1)&gt;.csv</h1>" in page


def test_report_html_keeps_no_raw_html_image_or_script_link_whatever_the_markdown_holds():
    from rcm_docs.intake.tables.report import summary_report, to_html

    hostile = [f"Kenya {XSS}: [x](javascript:alert(1)) ![i](file:///etc/passwd) <script>alert(2)</script> "
               "[ok](https://www.unhcr.org)"]
    page = to_html(summary_report([], [], hostile), "Validation summary")
    assert "<img" not in page and "<script" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and '<a href="https://www.unhcr.org">ok</a>' in page


NARRATIVE_LINKS = ("Read [the file](file:///etc/passwd), [a script](javascript:alert(1)), [MiXeD](JaVaScRiPt:alert(1)), "
                   "[data](data:text/html;base64,PHNjcmlwdD4=), <file:///etc/hosts>, [a path](../../secret.docx), "
                   "[a share](\\\\\\\\server\\\\share), [nowhere](#nowhere), [empty](), "
                   "[UNHCR](https://www.unhcr.org), [mail](mailto:info@example.org) and [the needs](#needs).\n\n"
                   "# Needs {#needs}\n")
SAFE_TARGETS = {"https://www.unhcr.org", "mailto:info@example.org"}


def test_narrative_links_to_files_scripts_or_data_lose_the_link_but_keep_their_text(tmp_path):
    import re
    import zipfile

    import docx
    import pymupdf

    from rcm_docs.documents.typeset.pdf import markdown_to_pdf
    from rcm_docs.documents.word.finish import markdown_to_docx

    words = ["the file", "a script", "MiXeD", "data", "file:///etc/hosts", "a path", "a share", "nowhere", "empty",
             "UNHCR", "mail", "the needs"]
    markdown_to_docx(NARRATIVE_LINKS, tmp_path / "l.docx", REFERENCE_DOCX, "h", 0)
    with zipfile.ZipFile(tmp_path / "l.docx") as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert set(re.findall(r'Target="([^"]+)" TargetMode="External"', rels)) == SAFE_TARGETS
    text = " ".join(p.text for p in docx.Document(str(tmp_path / "l.docx")).paragraphs)
    assert all(w in text for w in words)

    markdown_to_pdf(NARRATIVE_LINKS, tmp_path / "l.pdf", TYPST_TEMPLATE, VARIABLES, 0)
    with pymupdf.open(tmp_path / "l.pdf") as pdf:
        links = [link for page in pdf for link in page.get_links()]
    assert {link["uri"] for link in links if "uri" in link} == SAFE_TARGETS
    assert len(links) == 3  # and the one to the heading
    assert all(w in pdf_text(tmp_path / "l.pdf") for w in words)


# ---- 4. Never break on ordinary Markdown ----

WORDS = " ".join(["word"] * 400)
ORDINARY = {  # what people write in Word or a chat -> words the reader must see in the DOCX and the PDF
    "headings": ("# Heading one\n\n## Heading two\n\n##### Heading five\n\n###### Heading six\n\nSetext title\n"
                 "============\n\n## Closed heading ##\n\n## 1. Numbered heading\n",
                 ["Heading one", "Heading two", "Heading five", "Heading six", "Setext title", "Closed heading",
                  "Numbered heading"]),
    "emphasis and strong": ("Some *emphasis*, _underscored_, **strong**, __also strong__, ***both*** and snake_case_word.\n",
                            ["emphasis", "underscored", "strong", "also strong", "both", "snake_case_word"]),
    "strikeout": ("This is ~~struck out~~ text.\n", ["struck out"]),
    "super and subscript": ("Water is H~2~O and the area is 10 km^2^; 2^10 and x~y.\n", ["Water is H", "the area is 10 km"]),
    "inline code": ("Run `rcm-docs validate` and `` a`b ``.\n", ["rcm-docs validate", "a`b"]),
    "code blocks": ("```\nplain fence\n```\n\n```python\nprint(\"python fence\")\n```\n\n~~~ {.yaml}\ntilde: fence\n~~~\n\n"
                    "    indented code\n", ["plain fence", "python fence", "tilde: fence", "indented code"]),
    "block quotes": ("> A quote\n> on two lines\n>\n> > nested quote\n>\n> - a list in a quote\n",
                     ["A quote", "nested quote", "a list in a quote"]),
    "nested lists": ("- level one\n  - level two\n    - level three\n      - level four\n- back\n\n* star\n+ plus\n",
                     ["level one", "level four", "back", "star", "plus"]),
    "numbered lists": ("1. first\n2. second\n   1. second a\n3. third\n\n5) five\n6) six\n\n#. auto\n\n(a) letter\n\n"
                       "ii. roman\n\n2026. was a year\n", ["first", "second a", "third", "five", "auto", "letter", "roman",
                                                          "was a year"]),
    "task lists": ("- [ ] to do\n- [x] done\n", ["to do", "done"]),
    "pipe table": ("| Sector | People |\n|:--|--:|\n| Protection | 1,200 |\n| *WASH* | `300` |\n\n: Pipe caption\n",
                   ["Sector", "Protection", "1,200", "WASH", "Pipe caption"]),
    "grid table": ("+----------+----------+\n| Grid A   | Grid B   |\n+==========+==========+\n| - item   | cell two |\n"
                   "| - item 2 |          |\n+----------+----------+\n", ["Grid A", "Grid B", "item 2", "cell two"]),
    "simple tables": ("  Simple   Table\n  -------  ------\n  one      two\n\n-------------------\nMultiline   Table\n"
                      "----------- -------\nFirst row   spans\n            lines\n-------------------\n",
                      ["Simple", "one", "Multiline", "spans"]),
    "footnotes": ("A claim.[^1] An inline one.^[Inline note text.]\n\n[^1]: The first note.\n",
                  ["A claim", "The first note", "Inline note text"]),
    "links": ("See [UNHCR](https://www.unhcr.org \"title\"), [a reference][ref] and [mail me](mailto:info@example.org).\n\n"
              "[ref]: https://example.org/ref\n", ["UNHCR", "a reference", "mail me"]),
    "autolinks": ("<https://www.unhcr.org/en>, <info@example.org> and https://bare.example.org/x?y=1. "
                  "End with <https://www.unhcr.org>.\n", ["unhcr.org/en", "info@example.org", "bare.example.org"]),
    "images": ("![A photo caption](photo.jpg)\n\nInline ![inline image](x.png) in text.\n", ["A photo caption", "inline image"]),
    "horizontal rules": ("Above\n\n---\n\nMiddle one\n\n***\n\nMiddle two\n\n___\n\nMiddle three\n\n* * *\n\nBelow\n",
                         ["Above", "Middle one", "Middle two", "Middle three", "Below"]),
    "mentions": ("Thanks @UNHCR and @IOM, see [@UNHCR], [see @IOM, p. 3] and @.\n\n(@) An example item\n",
                 ["@UNHCR", "@IOM", "An example item"]),
    "emails": ("Write to info@example.org or first.last+tag@sub.example.org.\n", ["info@example.org",
                                                                              "first.last+tag@sub.example.org"]),
    "dollars": ("It costs $5, or $5 to $10, US$ 1,000 (US$), $x$ and $$y$$ and \\(z\\).\n", ["$5", "$10", "US$ 1,000"]),
    "percent": ("Funded at 100%, 50% of it.\n", ["100%", "50%"]),
    "hashtags": ("#hashtag at the start\n\nA #hashtag in text, #RMRP2026, C# and #1.\n", ["#hashtag at the start", "#RMRP2026"]),
    "angle brackets": ("a < b > c, <not a tag>, 1<2, -> and <=>.\n\n<5 years old\n", ["a < b > c", "not a tag", "<5 years"]),
    "html tags": ("<b>bold tag</b> <span style=\"color:red\">span</span> <script>alert(1)</script> <!-- note -->\n\n"
                  "<div class=\"x\">\ndiv text\n</div>\n", ["bold tag", "span", "div text"]),
    "emoji": ("Emoji: 🙂 ✅ 🇺🇳 👩‍👩‍👧 :smile:\n", ["Emoji:", ":smile:"]),
    "arabic (right to left)": ("اللاجئون والمهاجرون في المنطقة (٢٠٢٦): 1,200 شخص.\n\nMixed: the word لاجئ in English.\n",
                               ["Mixed: the word", "in English"]),
    "cjk": ("难民应对计划。日本語のテキスト。한국어.\n\nMixed 中文 text.\n", ["Mixed", "text"]),
    "smart quotes and dashes": ("“Curly” and ‘single’, \"straight\" and 'single', don't -- dash --- em ... dots «g».\n",
                                ["Curly", "straight", "dash", "«g»"]),
    "line blocks": ("| The first line\n|    indented second\n", ["The first line", "indented second"]),
    "definition lists": ("Term one\n:   Definition one\n\nTerm two\n\n:   Definition two\n", ["Term one", "Definition two"]),
    "backslash at end of line": ("A line ends here\\\nnext line\n\nA lone backslash \\ at the end \\\n",
                                 ["A line ends here", "next line", "lone backslash"]),
    "very long table cells": (f"| Column | Long |\n|---|---|\n| a | {WORDS} |\n| b | {'x' * 300} |\n", ["Column", "word word"]),
    "heading attributes": ("## A heading {#custom-id .unnumbered}\n\n## Another {-}\n\nSee [the heading](#custom-id).\n",
                           ["A heading", "Another", "the heading"]),
    "bracketed spans": ("A [styled span]{.class}, [with id]{#sid}, [small caps]{.smallcaps}, [marked]{.mark} and "
                        "[styled]{style=\"color:red\"}.\n", ["styled span", "with id", "marked", "styled"]),
    "fenced divs": ("::: warning\nInside a div.\n:::\n\n::: unclosed\nNot closed.\n", ["Inside a div", "Not closed"]),
    "typst and markdown specials": ("Text with # $ * _ @ < > = - + / // ~ ` { } [ ] and #let x = 1 and = not heading.\n\n"
                                    "= Typst heading\n\n- / term: x\n", ["#let x = 1", "= Typst heading"]),
    "glued punctuation": ("**Needs**.The, H~2~.O, *a*.b(), <https://x.org>.y, [x](https://a.org).b, ~~s~~.t, a[^g].b\n\n"
                          "[^g]: n\n", ["Needs.The", ".b()", ".y", ".t"]),
    "links to nowhere": ("See [nowhere](#nowhere), [top](#), [empty]() and [](https://x.org).\n", ["nowhere", "top", "empty"]),
    "metadata-like lines": ("Intro\n\n---\ntitle: Hacked\n---\n\n% Not a title\n\n...\n\nAfter\n",
                            ["Intro", "title: Hacked", "Not a title", "After"]),
    "word and chat habits": ("• bullet from Word\n• another\n\n1) numbered\n2) second\n\nNon\u00a0breaking, soft\u00adhyphen,"
                             " zero\u200bwidth, tab\there.\r\nWindows line end.\r\n", ["bullet from Word", "numbered",
                                                                                     "Windows line end"]),
    "symbols": ("½ € £ © ™ → ≥ … ° ± × ✓ ★\n", ["€", "£", "©"]),
    "control characters": ("Form\x0cfeed, bell\x07 and bom\ufeff.\n", ["Form", "bell"]),
}


def docx_text(path) -> str:
    """The visible text of a DOCX, footnotes included, one paragraph after another."""
    import html
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in ("word/document.xml", "word/footnotes.xml") if n in z.namelist())
    return " ".join(" ".join("".join(html.unescape(t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)).split())
                    for p in xml.split("</w:p>"))


def render_narrative(tmp_path, plan, narrative: str):
    """A narrative as the build takes it (read, checked, headings demoted), in a document, to DOCX and PDF."""
    from rcm_docs.documents.typeset.pdf import markdown_to_pdf
    from rcm_docs.documents.word.finish import markdown_to_docx
    from rcm_docs.intake.readers.narratives import narratives

    (tmp_path / "inputs/narratives/KEN").mkdir(parents=True, exist_ok=True)
    (tmp_path / "inputs/narratives/KEN/PRO.md").write_bytes(narrative.encode("utf-8"))
    md = f"# Sector responses\n\n## Protection\n\n{narratives(tmp_path, plan, 'KEN')['sectors']['PRO']}\n"
    markdown_to_docx(md, tmp_path / "n.docx", REFERENCE_DOCX, "h", 0, toc=True)
    markdown_to_pdf(md, tmp_path / "n.pdf", TYPST_TEMPLATE, {**VARIABLES, "toc": "true"}, 0)
    return docx_text(tmp_path / "n.docx"), pdf_text(tmp_path / "n.pdf")


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_markdown_renders_to_docx_and_pdf_with_its_words_visible(tmp_path, plan, name):
    narrative, words = ORDINARY[name]
    in_docx, in_pdf = render_narrative(tmp_path, plan, narrative)
    assert [w for w in words if w not in in_docx] == []
    assert [w for w in words if w not in in_pdf] == []


def test_all_of_ordinary_markdown_in_one_narrative_renders(tmp_path, plan):
    """Together, twice over: repeated ids, footnotes and headings from different sections meet."""
    narrative = "\n\n".join(f"# {name}\n\n{text}" for name, (text, _) in list(ORDINARY.items()) * 2)
    in_docx, in_pdf = render_narrative(tmp_path, plan, narrative)
    for name, (_, words) in ORDINARY.items():
        assert [w for w in words if w not in in_docx] == [], name
        assert [w for w in words if w not in in_pdf] == [], name


def test_each_narrative_keeps_its_own_footnotes_in_a_document_of_several(tmp_path, plan):
    """Every sector lead numbers notes [^1]; pandoc gave every [^1] the text of the last definition."""
    from rcm_docs.documents.word.finish import markdown_to_docx
    from rcm_docs.intake.readers.narratives import narratives

    (tmp_path / "inputs/narratives/KEN").mkdir(parents=True)
    for sector, name in (("PRO", "Protection"), ("EDU", "Education")):
        (tmp_path / f"inputs/narratives/KEN/{sector}.md").write_text(f"{name} claim.[^1]\n\n[^1]: {name} source.\n", encoding="utf-8")
    sectors = narratives(tmp_path, plan, "KEN")["sectors"]
    markdown_to_docx(f"# Sectors\n\n{sectors['PRO']}\n\n{sectors['EDU']}\n", tmp_path / "s.docx", REFERENCE_DOCX, "h", 0)
    text = docx_text(tmp_path / "s.docx")
    assert "Protection source." in text and "Education source." in text

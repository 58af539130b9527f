"""Render documents: Jinja2 -> Markdown -> DOCX (pandoc + reference.docx) and PDF (pandoc Typst writer + typst)."""
from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import jinja2

from . import fmt

# Narratives are Markdown from sector leads: formatting yes, raw OpenXML/HTML/TeX/Typst no.
PANDOC_FROM = "markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans-tex_math_dollars-tex_math_single_backslash"


_times = threading.local()


@contextlib.contextmanager
def stage_times():
    """Collect the seconds each stage of a render takes (in this thread) into the dict yielded."""
    _times.d = {}
    try:
        yield _times.d
    finally:
        _times.d = None


@contextlib.contextmanager
def timed(stage: str):
    t = time.perf_counter()
    try:
        yield
    finally:
        d = getattr(_times, "d", None)
        if d is not None:
            d[stage] = d.get(stage, 0.0) + time.perf_counter() - t


class RenderError(Exception):
    """A template or a converter failed; the message names the document."""


def environment(template_dirs: list[str | Path]) -> jinja2.Environment:
    """Workspace templates first, so a workspace can override any project template."""
    return _environment(tuple(str(d) for d in template_dirs))


@functools.lru_cache(maxsize=4)
def _environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    # One environment per build: each template is compiled once, not once per document.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(template_dirs)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(number=fmt.number, money=fmt.money, money_short=fmt.money_short, percent=fmt.percent,
                       date=fmt.date, month=fmt.month, md=fmt.md, yaml_md=fmt.yaml_md, people_short=fmt.people_short)
    env.globals["table_head"] = table_head
    env.filters["column"] = lambda header, align, width: (header, align, width)
    return env


def render_markdown(env: jinja2.Environment, template: str, context: dict) -> str:
    try:
        text = env.get_template(template).render(**context)
    except jinja2.TemplateError as e:
        raise RenderError(f"template {template}: {e}") from None
    return re.sub(r"\n{3,}", "\n\n", text)


def table_head(columns: list[tuple[str, str, int]]) -> str:
    """Header and separator of a pipe table; the separator's dashes set relative column widths."""
    total = sum(w for _, _, w in columns)
    unit = max(4, -(-90 // total))  # wider than pandoc's 72 columns, so widths are relative
    seps = [(":" + "-" * (w * unit - 1)) if a == "l" else ("-" * (w * unit - 1) + ":") for _, a, w in columns]
    return "| " + " | ".join(h for h, _, _ in columns) + " |\n|" + "|".join(seps) + "|"


def demote_headings(markdown: str, by: int) -> str:
    """Narrative '# Needs' becomes a sub-heading of the section it is placed in."""
    out, fence = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,6}\s", line):
            line = "#" * by + line
        out.append(line)
    return "\n".join(out).strip() + "\n"


# ---- Charts ----
# A chart is written in the Markdown as ![Title](../charts/<name>.png), so the Markdown twin shows it.
# pandoc runs sandboxed (a narrative must not pull local files into a document), so it cannot read the
# image itself: the line becomes a placeholder, and the chart goes in after pandoc (its PNG in the DOCX,
# its Typst drawing, <name>.typ beside the PNG, in the PDF).
_CHART = re.compile(r"^!\[([^\]\n]+)\]\((?:\.\./)+charts/((?:[A-Za-z0-9_-]+/)?[A-Za-z0-9_-]+)\.png\)(?:\{[^}\n]*\})?$", re.M)


def _take_charts(md: str, charts_dir: Path | None) -> tuple[str, list[tuple[str, str, Path]]]:
    """Chart lines -> placeholders; returns (markdown, [(placeholder, title, png path)])."""
    found = []

    def swap(m):
        png = (charts_dir / f"{m.group(2)}.png") if charts_dir else None
        if png is None or not png.is_file():
            return m.group(0)
        token = f"RCMCHART{len(found) + 1}X"
        found.append((token, m.group(1), png))
        return token

    return _CHART.sub(swap, md), found


def _chart_alt(png: Path) -> str:
    alt = png.with_suffix(".alt.txt")
    return alt.read_text(encoding="utf-8").strip() if alt.is_file() else ""


# ---- DOCX ----

class _PandocServer:
    """A long-lived `pandoc lua pandoc_server.lua` answering JSON requests, one per line. One per process
    (workers each have their own); threads of a process take turns. Restarted if it ever dies."""

    def __init__(self):
        self.proc = None
        self.lock = threading.Lock()

    def _start(self):
        import subprocess
        import tempfile

        import pypandoc

        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([pypandoc.get_pandoc_path(), "lua", str(Path(__file__).with_name("pandoc_server.lua"))],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)

    def ask(self, request: dict) -> dict:
        import json

        line = (json.dumps(request) + "\n").encode("utf-8")
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            try:
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
                reply = self.proc.stdout.readline()
            except BrokenPipeError:
                reply = b""
            except BaseException:  # interrupted mid-request: its reply must not answer the next one
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                raise
            if not reply:
                code = self.proc.wait()
                self.stderr.seek(0)
                why = self.stderr.read().decode("utf-8", "replace").strip()[-2000:]
                self.proc = None
                raise RenderError(f"pandoc stopped (exit code {code}): {why}")
        return json.loads(reply)


_server = _PandocServer()


def warm() -> None:
    """Start this process's pandoc server and load python-docx before the first document needs them."""
    import docx  # noqa: F401

    _pandoc("warm", "typst")


def _pandoc(md: str, to: str, **options) -> str:
    """Markdown text -> Typst source, or -> a DOCX at options['out'], by the process's pandoc server."""
    with timed(f"pandoc {to}"):
        reply = _server.ask({"md": md, "from": PANDOC_FROM, "to": to, **options})
    if "error" in reply:
        raise RenderError(f"pandoc ({to}): {reply['error']}")
    return reply.get("text", "")


def markdown_to_docx(md: str, out: str | Path, reference_docx: str | Path, header: str, epoch: int,
                     charts_dir: Path | None = None, toc: bool = False) -> None:
    """Pandoc with the branded reference.docx, then the touches pandoc cannot do: running header,
    page numbers, 'Table N:' captions, charts. Written to a temporary name first and moved into place."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    md, charts = _take_charts(md, charts_dir)
    _pandoc(md, "docx", out=str(tmp.resolve()), reference_doc=str(Path(reference_docx).resolve()), number_sections=True)
    with timed("docx finishing"):
        _finish_docx(tmp, header, charts, toc)
    with timed("docx zip stamps"):
        normalise_zip(tmp, epoch)
    os.replace(tmp, out)


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


def normalise_zip(path: str | Path, epoch: int) -> None:
    """Rewrite a zip (DOCX/XLSX) with fixed entry timestamps so equal inputs give equal bytes."""
    import datetime as dt

    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
    iso = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    # Writers stamp the save time into the core properties; the plan's date replaces it.
    entries = [(n, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + iso + rb"\g<2>", d))
               if n == "docProps/core.xml" else (n, d) for n, d in entries]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    Path(path).write_bytes(buf.getvalue())


# ---- PDF ----

_GLUED = re.compile(r"(?<!\\)\](?=[.(\[])")


def end_embedded_expressions(typst_source: str) -> str:
    """pandoc writes '**Needs**.The' as '#strong[Needs].The', which Typst reads as a field access (and
    '**x**(y)' as a call): a ';' after the content block ends the expression, as Typst intends."""
    return _GLUED.sub("];", typst_source)


def markdown_to_pdf(md: str, out: str | Path, typst_template: str | Path, variables: dict[str, str], epoch: int,
                    charts_dir: Path | None = None, chart_library: str | None = None) -> None:
    """Pandoc's Typst writer with the branded template, compiled in-process by typst (warm compiler reused).
    Charts are drawn in place by the Typst chart library (templates/chart.typ): vector, text as text."""
    from . import typeset
    from .charts import library

    md, charts = _take_charts(md, charts_dir)
    source = end_embedded_expressions(_pandoc(md, "typst", template=str(Path(typst_template).resolve()),
                                              variables=dict(sorted(variables.items()))))
    for token, title, png in charts:
        call = png.with_suffix(".typ").read_text(encoding="utf-8").strip()
        figure = (f"#figure({call}, alt: {typeset.string(_chart_alt(png) or title)}, "
                  f"caption: {typeset.string(title)}, kind: image)")
        source = re.sub(rf"(?m)^{token}$", lambda _: figure, source)
    if charts:
        source = (chart_library or library()) + "\n" + source
    # The rest of the document in landscape: a new page with the same header and footer.
    source = re.sub(rf"(?m)^{LANDSCAPE}$", "#set page(flipped: true)", source)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    with timed("typst compile"):
        try:
            pdf = typeset.compile(source, epoch=epoch)
        except typeset.TypesetError as e:
            raise RenderError(str(e)) from None
    tmp.write_bytes(pdf)
    os.replace(tmp, out)

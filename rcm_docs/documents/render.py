"""Jinja2 templates -> Markdown: the template environment, the per-stage render clock, chart placeholders.

The Markdown then goes to DOCX (word/finish.py) and PDF (typeset/pdf.py), both through pandoc (typeset/pandoc.py)."""
from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from pathlib import Path
from typing import NamedTuple

import jinja2
import jinja2.sandbox

from ..common import fmt
from ..common.errors import InputError
from ..intake.readers.narratives import starts_with_prose

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


def side_by_side(aside, here) -> None:
    """aside() in a thread of its own while here() runs in this one, both finished before this returns:
    a document's PDF is typeset while its DOCX is made. Typst and pandoc leave Python's lock while they
    work, so the two use two cores when the build has one to spare (the chapters at the end of a build).
    Their stage times go to this thread's clock. An error of here() is raised first, then one of aside()."""
    import concurrent.futures

    mine = getattr(_times, "d", None)

    def run():
        _times.d = {} if mine is not None else None
        try:
            aside()
        finally:
            theirs, _times.d = _times.d, None
            if mine is not None:
                for k, v in theirs.items():
                    mine[k] = mine.get(k, 0.0) + v

    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="rcm-aside") as pool:
        other = pool.submit(run)
        try:
            here()
        finally:
            concurrent.futures.wait([other])  # never leave it writing after an error here
    other.result()


class RenderError(InputError):
    """A template or a converter failed; the message names the document."""


class _GateLoader(jinja2.FileSystemLoader):
    """Templates read through the workspace's gate: a workspace template that links out of the workspace is
    refused, as any input is."""

    def get_source(self, environment, template):
        import os
        import posixpath

        from jinja2.loaders import split_template_path

        from ..common.gate import UnsafeFile, read_text

        pieces = split_template_path(template)
        filename = next((f for d in self.searchpath if os.path.isfile(f := posixpath.join(d, *pieces))), None)
        if filename is None:
            raise jinja2.TemplateNotFound(template)
        try:
            contents = read_text(filename)
        except UnsafeFile as e:
            raise RenderError(str(e)) from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


def environment(template_dirs: list[str | Path]) -> jinja2.Environment:
    """Workspace templates first, so a workspace can override any project template."""
    return _environment(tuple(str(d) for d in template_dirs))


@functools.lru_cache(maxsize=4)
def _environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    # One environment per build: each template is compiled once, not once per document. Compiled templates
    # are kept between builds too (Jinja's own cache, in the user's temporary folder, checked against each
    # template's source): compiling rrp.md.j2 took 0.12 s in every worker of every build.
    try:
        # its own name: bytecode compiled for the sandbox differs from (and must never be taken for) a plain
        # environment's of the same source, which Jinja's cache key does not tell apart
        cache = jinja2.FileSystemBytecodeCache(pattern="__rcm_docs_sandboxed_%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder to keep them in: compile each time
        cache = None
    # Sandboxed: a workspace may bring its own templates, and a template of Jinja's default environment can
    # reach Python itself ({{ cycler.__init__.__globals__.os.popen('id').read() }} ran a shell command).
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=_GateLoader(list(template_dirs)),
        bytecode_cache=cache,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(number=fmt.number, money=fmt.money, money_short=fmt.money_short, percent=fmt.percent,
                       date=fmt.date, month=fmt.month, days=fmt.days, and_list=fmt.and_list, md=fmt.md,
                       yaml_md=fmt.yaml_md, people_short=fmt.people_short, count=fmt.count, short=fmt.short)
    env.globals["table_head"] = table_head
    env.tests["prose"] = starts_with_prose  # `text is prose`: a line above it can join its first paragraph
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


# ---- Charts ----
# A chart is written in the Markdown as ![Title](../charts/<name>.png), so the Markdown twin shows it.
# pandoc runs sandboxed (a narrative must not pull local files into a document), so it cannot read the
# image itself: the line becomes a placeholder, and the chart goes in after pandoc (its PNG in the DOCX,
# its Typst drawing, <name>.typ beside the PNG, in the PDF). `{.glance}` after it: a chart of the
# at-a-glance page, which carries its own title and is neither captioned nor numbered.
_CHART = re.compile(r"^!\[([^\]\n]+)\]\((?:\.\./)+charts/((?:[A-Za-z0-9_-]+/)?[A-Za-z0-9_-]+)\.png\)(\{[^}\n]*\})?$", re.M)


class Chart(NamedTuple):
    token: str  # the placeholder paragraph pandoc sees
    title: str
    png: Path
    captioned: bool


def take_charts(md: str, charts_dir: Path | None) -> tuple[str, list[Chart]]:
    """Chart lines -> placeholders; returns (markdown, charts in order)."""
    found = []

    def swap(m):
        png = (charts_dir / f"{m.group(2)}.png") if charts_dir else None
        if png is None or not png.is_file():
            return m.group(0)
        token = f"RCMCHART{len(found) + 1}X"
        found.append(Chart(token, m.group(1), png, ".glance" not in (m.group(3) or "")))
        return token

    return _CHART.sub(swap, md), found


def chart_alt(png: Path) -> str:
    alt = png.with_suffix(".alt.txt")
    return alt.read_text(encoding="utf-8").strip() if alt.is_file() else ""

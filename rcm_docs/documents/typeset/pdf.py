"""Markdown -> PDF: pandoc's Typst writer with the branded template, compiled in-process by typst."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..render import RenderError, chart_alt, take_charts, timed
from ..word.finish import KEEP, LANDSCAPE
from .pandoc import run_pandoc

_GLUED = re.compile(r"(?<!\\)\](?=[.(\[])")
_GLUED_LINK = re.compile(r'(#link\("(?:[^"\\]|\\.)*"\))(?=\.)')  # an autolink: no content block


def end_embedded_expressions(typst_source: str) -> str:
    """pandoc writes '**Needs**.The' as '#strong[Needs].The', which Typst reads as a field access (and
    '**x**(y)' as a call), and '<https://x.org>.' as '#link("https://x.org").': a ';' after the
    expression ends it, as Typst intends."""
    return _GLUED_LINK.sub(r"\1;", _GLUED.sub("];", typst_source))


def markdown_to_pdf(md: str, out: str | Path, typst_template: str | Path, variables: dict[str, str], epoch: int,
                    charts_dir: Path | None = None, chart_library: str | None = None) -> None:
    """Pandoc's Typst writer with the branded template, compiled in-process by typst (warm compiler reused).
    Charts are drawn in place by the Typst chart library (templates/chart.typ): vector, text as text.
    `variables` (running header, dates) reach the template as sys.inputs, strings that are never source."""
    from ..pictures.charts import library
    from . import compiler as typeset

    md, charts = take_charts(md, charts_dir)
    from ...common.gate import inside_workspace

    # pandoc opens the template itself: a workspace's rrp.typ linking out of the workspace is refused first
    source = end_embedded_expressions(run_pandoc(md, "typst", template=str(inside_workspace(typst_template))))
    for token, title, png, captioned in charts:
        call = png.with_suffix(".typ").read_text(encoding="utf-8").strip()
        alt = typeset.string(chart_alt(png) or title)
        figure = (f"#figure({call}, alt: {alt}, caption: {typeset.string(title)}, kind: image)" if captioned else
                  f"#figure({call}, alt: {alt}, kind: \"glance\", supplement: none, numbering: none)")
        source = re.sub(rf"(?m)^{token}$", lambda _: figure, source)
    if charts:
        source = (chart_library or library()) + "\n" + source
    source = _keep_together(source)
    # The rest of the document in landscape: a new page with the same header and footer.
    source = re.sub(rf"(?m)^{LANDSCAPE}$", "#set page(flipped: true)", source)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    with timed("typst compile"):
        try:
            pdf = typeset.compile(source, epoch=epoch, inputs=variables)
        except typeset.TypesetError as e:
            raise RenderError(str(e)) from None
    try:
        tmp.write_bytes(pdf)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)  # a failed write (a full disk) leaves no half-made file behind


def _keep_together(source: str) -> str:
    """From the KEEP marker to the landscape marker (or the end): an argument of the template's
    keep-together, which holds it on one page when it fits. A template without one just drops the marker."""
    keep = re.search(rf"(?m)^{KEEP}$", source)
    if keep is None:
        return source
    if "#let keep-together" not in source:
        return source[:keep.start()] + source[keep.end():]
    end = re.search(rf"(?m)^{LANDSCAPE}$", source[keep.end():])
    close = keep.end() + end.start() if end else len(source)
    return source[:keep.start()] + "#keep-together[" + source[keep.end():close] + "]\n" + source[close:]

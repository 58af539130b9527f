"""One document from its figures and narratives: the template's context, its charts, then Markdown, DOCX
and PDF (and a pack's XLSX annex)."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..common.files import atomic_write_text
from ..common.fmt import date
from ..common.plan import Plan
from ..common.workspace import find_template
from .annex import pack_annex
from .messages import key_messages
from .pictures.charts import charts_for, funding_charts, library, map_for, sitrep_charts
from .pictures.prepcharts import preparedness_charts
from .render import environment, render_markdown, side_by_side, timed
from .typeset.pdf import markdown_to_pdf
from .word.finish import markdown_to_docx

# On the cover and in every page's header of a document built with rejected files (allow_incomplete).
DRAFT_LABEL = "DRAFT / INCOMPLETE"

DOCUMENT_KINDS = {
    # kind: (template, title of a country's document, title of the regional one)
    "rrp": ("rrp.md.j2", "{name}: country chapter", "{short}: regional plan"),
    "keypoints": ("keypoints.md.j2", "{name}: key points", "{short}: key points"),
    "sitrep": ("sitrep.md.j2", "{name}: situation report", "{short}: regional situation report"),
    "funding": ("funding.md.j2", "{name}: inter-agency funding update", "{short}: inter-agency funding update"),
    "pack": ("pack.md.j2", "{name}: {audience}", "{short}: {audience}"),
    "contingency": ("contingency.md.j2", "{name}: inter-agency contingency plan", "{short}: contingency plans"),
    "preparedness": ("preparedness.md.j2", "{name}: preparedness dashboard", "{short}: preparedness dashboard"),
}
# Kinds whose documents sit two folders down (build/sitreps/<period>/, build/preparedness/<kind>/), and their
# charts' folder under build/charts/.
NESTED = {"sitrep": lambda doc, sitrep: f"sitreps-{sitrep['period']}-{doc}",
          "contingency": lambda doc, _: f"contingency-{doc}", "preparedness": lambda doc, _: f"preparedness-{doc}"}
CHARTED = ("rrp", "sitrep", "contingency")
LONG = ("rrp", "contingency")  # documents with a contents page


def compose(plan: Plan, kind: str, doc: str, fig: dict, funding: dict | None, sitrep: dict | None, audience: str | None,
            narratives: dict, highlights: dict, dirs: list[Path], out_md, out_docx, out_pdf, annex_xlsx=None,
            located=None, after_docx=None) -> None:
    """kind: rrp, keypoints, sitrep or pack; doc: an ISO3 code or 'regional'. Charts go to build/charts/.
    located: where a chapter's areas are on its map (intake.readers.places.locate(); by default by name alone).
    after_docx(): what to do with the DOCX once made (its redline), while the PDF is still typeset."""
    regional = doc == "regional"
    name = "Regional" if regional else plan.country_name(doc)
    template, country_title, regional_title = DOCUMENT_KINDS[kind]
    aud = {"code": audience, **plan.audiences[audience]} if audience else None
    title = (regional_title if regional else country_title).format(name=name, short=plan.short_title,
                                                                 audience=(aud.get("title") or aud["name"]) if aud else "")
    incomplete = sorted(set(fig.get("incomplete", [])) | set((funding or {}).get("incomplete", []))
                        | set((sitrep or {}).get("incomplete", [])))
    build = Path(out_md).parents[2] if kind in NESTED else Path(out_md).parent.parent
    charts_root = build / "charts"
    folder = NESTED[kind](doc, sitrep) if kind in NESTED else (f"funding-{doc}" if kind == "funding" else doc)
    chart_library = library(find_template("chart.typ", dirs)) if kind in CHARTED + ("funding",) else None
    with timed("charts"):
        charts = (document_charts(plan, fig, charts_root / folder, kind, sitrep, chart_library, funding, located)
                  if chart_library else {})
    up = "../../" if kind in NESTED else "../"
    context = {"charts": {k: {"src": f"{up}charts/{folder}/{Path(v['png']).name}", "title": v["title"]}
                          for k, v in charts.items()},
               "plan": plan, "fig": fig, "regional": regional, "code": doc, "name": name, "title": title,
               "narratives": narratives, "incomplete": incomplete, "rejected": rejected_sectors(plan, incomplete),
               "funding": funding, "sitrep": sitrep, "audience": aud,
               "highlights": highlights,
               "key_messages": key_messages(plan, fig, funding, narratives["key_messages"])
               if kind in ("keypoints", "rrp") and "key_messages" in narratives else None}
    with timed("markdown"):
        md = render_markdown(environment(dirs), template, context)
    atomic_write_text(out_md, md)
    if annex_xlsx:
        with timed("xlsx annex"):
            pack_annex(plan, fig, funding, sitrep, annex_xlsx)
    header = f"{plan.short_title} | {name}"
    long_document = kind in LONG  # chapters get a contents page; one- and two-page products do not
    draft = DRAFT_LABEL if incomplete else ""
    typst_inputs = {"header": plan.short_title, "header-right": name, **({"toc": "true"} if long_document else {}),
                    **({"draft": draft} if draft else {}),
                    "as-of": date(sitrep["period_end"] if kind == "sitrep"
                                  else (funding or {}).get("as_of") or plan.as_of if kind == "funding" else plan.as_of),
                    "year": str(plan.as_of.year), "month": str(plan.as_of.month), "day": str(plan.as_of.day)}

    def docx():
        markdown_to_docx(md, out_docx, find_template("reference.docx", dirs), header, plan.epoch, charts_root,
                         toc=long_document, draft=draft)
        if after_docx:
            after_docx()

    side_by_side(lambda: markdown_to_pdf(md, out_pdf, find_template("rrp.typ", dirs), typst_inputs, plan.epoch,
                                         charts_root, chart_library), docx)


def rejected_sectors(plan: Plan, incomplete: list[str]) -> dict[str, list[str]]:
    """{sector code: [country names]} of the sector submissions a draft was built without
    (inputs/submissions/<ISO3>/<SECTOR>.<ext>), so their sector pages say so."""
    codes = {s.code for s in plan.sectors}
    out: dict[str, list[str]] = {}
    for name in incomplete:
        path = PurePosixPath(name)
        if len(path.parts) >= 3 and path.parts[-3] == "submissions" and path.parts[-2] in plan.country_codes \
                and path.stem in codes:
            out.setdefault(path.stem, []).append(plan.country_name(path.parts[-2]))
    return out


def document_charts(plan, fig: dict, folder: Path, kind: str, sitrep: dict | None, chart_library: str,
                    funding: dict | None = None, located=None) -> dict:
    """The document's charts (a Typst call and its PNG) with their alt text beside them, in its own folder; a
    chapter's map among them (located: where its areas are, intake.readers.places.locate())."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind in ("contingency", "preparedness"):
        made = preparedness_charts(plan, fig, folder, kind, chart_library)
    elif kind == "sitrep":
        made = sitrep_charts(sitrep, plan.currency, folder, "chart", chart_library)
    elif kind == "funding":
        made = funding_charts(funding, plan.currency, folder, "chart", chart_library)
    else:
        made = charts_for(fig, plan.as_of.isoformat(), plan.currency, folder, "chart", chart_library)
    drawn = map_for(fig, plan.as_of.isoformat(), plan.currency, folder, "chart", located, chart_library) \
        if kind == "rrp" else None
    if drawn:
        made["map"] = drawn
    for chart in made.values():
        atomic_write_text(Path(chart["png"]).with_suffix(".alt.txt"), chart["alt"] + "\n")
    return made

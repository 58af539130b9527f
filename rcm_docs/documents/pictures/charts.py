"""Charts for the documents, in a UNHCR-like style (after UNHCR's public unhcrthemes/unhcrpyplotstyle).

templates/chart.typ draws; this module decides what is drawn. Each chart is one call of the Typst
function rcm-chart with its data, written to <base>.typ: the PDF draws that call in place (vector,
text as text, no separate image), and the DOCX embeds <base>.png, the same call rasterised at 200 dpi by
the build's warm Typst compiler. The same data gives the same bytes, so drafts can be diffed and the
manifest's hashes stay put; both documents show the same picture by construction.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
import threading
from pathlib import Path

from ...common import fmt

DPI = 200
WIDTH_CM = 17.0  # the text width of an A4 page with 2 cm margins
GLANCE_CM = 8.25  # a column of the at-a-glance page
GLANCE_LABEL_CHARS = 26  # 40% of a column in Lato 7.5 pt
MAP_MAX_HEIGHT_CM = 9.5
LABEL_CHARS = 42  # a category name wraps at about 40% of the chart's width (Lato 8.5 pt), on two lines at most


def library(path: str | Path | None = None) -> str:
    """The Typst source of the chart drawing: templates/chart.typ, or a workspace's own copy."""
    from ...common.gate import read_text
    from ...common.workspace import PROJECT_TEMPLATES

    return read_text(Path(path or PROJECT_TEMPLATES / "chart.typ"))  # a workspace copy linking out is refused


def _is_currency(unit: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", unit))


def _value_label(v: float | None, millions: bool) -> str:
    if v is None:
        return "no report"
    if not millions:
        return fmt.number(v)
    return "0" if v == 0 else "<0.1" if abs(v) < 0.05 else f"{v:,.1f}"  # never a bare "0.0" for a real amount


def _spoken(label: str, v: float | None, unit: str) -> str:
    if v is None:
        return f"{label} no report"
    return f"{label} {fmt.money_short(v, unit)}" if _is_currency(unit) else f"{label} {fmt.people_short(v)} {unit}"


def alt_text(kind: str, title: str, labels: list[str], series: dict[str, list[float]], unit: str) -> str:
    """The chart in words, every value included: for screen readers, and what the tests read."""
    head = f"{kind}: {title[:1].lower() + title[1:] if title[1:2].islower() else title}"
    if len(series) == 1:
        (values,) = series.values()
        return head + ", " + ", ".join(_spoken(lb, v, unit) for lb, v in zip(labels, values)) + "."
    return head + "; " + "; ".join(
        f"{lb}: " + ", ".join(_spoken(name, vals[i], unit) for name, vals in series.items())
        for i, lb in enumerate(labels)) + "."


def _wrap(label: str, chars: int = LABEL_CHARS) -> str:
    lines = textwrap.wrap(label, chars, max_lines=2, placeholder=" …") if len(label) > chars else [label]
    return "\n".join(lines)


def chart_call(kind: str, labels, series: dict[str, list[float]], title: str, unit: str, source: str,
               highlight: str | None = None, width: float = WIDTH_CM, titled: bool = True) -> tuple[str, str]:
    """-> (the Typst call drawing the chart, its alt text). Values in millions once the largest reaches one.
    width: in cm (a narrower chart wraps its labels sooner). titled: the title drawn above the chart; not
    for a chart the document captions ('Figure 2: <title>' already says it)."""
    from ..typeset.compiler import literal

    labels = [str(x) for x in labels]
    if any(len(v) != len(labels) for v in series.values()):
        raise ValueError(f"chart {title!r}: every series needs one value per label")
    alt = alt_text(kind, title, labels, series, unit)
    top = max((abs(v) for vals in series.values() for v in vals if v is not None), default=0)
    millions = top >= 1e6
    scale = 1e6 if millions else 1.0
    subtitle = (f"{unit} millions" if _is_currency(unit) else f"Millions of {unit}") if millions else unit
    spec = {
        "title": title if titled else None, "subtitle": subtitle[:1].upper() + subtitle[1:], "source": source,
        "labels": [_wrap(lb, LABEL_CHARS if width == WIDTH_CM else GLANCE_LABEL_CHARS) for lb in labels],
        # A missing value (no report) draws no bar and says so: a gap, never a zero.
        "series": [{"name": name, "values": [float(v) / scale if v is not None else 0.0 for v in vals],
                    "texts": [_value_label(v / scale if v is not None else None, millions) for v in vals]}
                   for name, vals in series.items()],
        "highlight": labels.index(highlight) if highlight in labels and len(series) == 1 else None,
    }
    return f"rcm-chart({literal(spec)}" + (f", width: {width:g}cm, compact: true)" if width != WIDTH_CM else ")"), alt


def draw(call: str, out_base: Path, chart_library: str | None = None, width: float = WIDTH_CM) -> list[Path]:
    """Write <base>.typ (the call) and <base>.png (rasterised, `width` cm wide), each under a temporary name,
    moved into place."""
    import hashlib

    from ..typeset import compiler as typeset

    out_base = Path(out_base)
    out_base.parent.mkdir(parents=True, exist_ok=True)
    typ, png = (out_base.with_name(f"{out_base.name}.{ext}") for ext in ("typ", "png"))
    page = f"{chart_library or library()}\n#set page(width: {width:g}cm, height: auto, margin: 0pt, fill: white)\n#{call}\n"
    # Drawn once per content: after one number changes, most charts of the documents rebuilt (maps, people
    # reached, funding by month) are the same. Kept beside the charts' folders, which Snakemake empties
    # before a document's step runs; prune_chart_cache() drops what builds no longer use.
    digest = hashlib.sha256(f"{DPI}\n{page}".encode("utf-8")).hexdigest()
    cached = out_base.parent.parent / CACHE / f"{digest}.png"
    try:
        image = cached.read_bytes()
        os.utime(cached)  # used: kept by the pruning
    except OSError:
        try:
            image = typeset.compile(page, format="png", ppi=DPI)
        except typeset.TypesetError as e:
            raise typeset.TypesetError(f"chart {out_base.name} (drawn by templates/chart.typ): {e}") from None
        cached.parent.mkdir(parents=True, exist_ok=True)
        _replace(cached, image)
    _replace(typ, (call + "\n").encode("utf-8"))
    _replace(png, image)
    return [typ, png]


CACHE = ".drawn"  # build/charts/.drawn/<sha256 of the chart's Typst page>.png
CACHE_DAYS = 14


def prune_chart_cache(charts_root: Path, days: int = CACHE_DAYS) -> int:
    """Forget drawn charts no build has used for `days` days -> how many went."""
    import time

    gone, cutoff = 0, time.time() - days * 86400
    for p in (Path(charts_root) / CACHE).glob("*.png"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
                gone += 1
        except OSError:
            pass
    return gone


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _chart(kind, labels, series, title, unit, source, out_base, highlight=None, chart_library=None, width=WIDTH_CM,
           titled=True):
    call, alt = chart_call(kind, labels, series, title, unit, source, highlight, width, titled)
    return draw(call, out_base, chart_library, width), alt


def bar_chart(labels: list[str], values: list[float], title: str, unit: str, source: str, out_base: Path,
              highlight: str | None = None) -> list[Path]:
    """Horizontal bars in the order given, first on top, value at each bar's end -> [typ, png]."""
    return _chart("Bar chart", labels, {title: list(values)}, title, unit, source, out_base, highlight)[0]


def grouped_bars(labels: list[str], series: dict[str, list[float]], title: str, unit: str, source: str,
                 out_base: Path) -> list[Path]:
    """One horizontal bar per series within each label (e.g. requirements vs funded), legend on top -> [typ, png].
    Horizontal because sector and country names are long and must stay readable."""
    return _chart("Grouped bar chart", labels, {k: list(v) for k, v in series.items()}, title, unit, source,
                  out_base)[0]


def _as_of(d) -> str:
    try:
        return fmt.date(d)
    except (ValueError, TypeError, AttributeError):
        return str(d)  # already worded, e.g. "15 November 2026"


def charts_for(fig: dict, as_of: str, currency: str, out_dir: Path, name: str,
               chart_library: str | None = None) -> dict[str, dict]:
    """The charts of one document from its figures (build/figures/<name>.json):
    {chart_id: {"png", "typ", "alt", "title"}}, files named <out_dir>/<name>-<chart_id>.{typ,png}."""
    source = f"Source: sector submissions, as of {_as_of(as_of)}"
    specs = {"requirements_by_sector": ("Financial requirements by sector",
                                        [(s["name"], s["requirements"]) for s in fig["sectors"]])}
    if fig.get("countries"):
        specs["requirements_by_country"] = ("Financial requirements by country",
                                            [(c["name"], c["requirements"]) for c in fig["countries"]])
    specs["glance_sectors"] = specs["requirements_by_sector"]  # the same chart, in a column of the first page
    out = {}
    for chart_id, (title, pairs) in specs.items():
        pairs = sorted(pairs, key=lambda p: -p[1])  # largest first: readers compare lengths (stable for ties)
        labels, values = [p[0] for p in pairs], [p[1] for p in pairs]
        glance = chart_id.startswith("glance")  # in the at-a-glance page's column, with no caption: titled
        files, alt = _chart("Bar chart", labels, {title: values}, title, currency, source,
                            Path(out_dir) / f"{name}-{chart_id}", chart_library=chart_library,
                            width=GLANCE_CM if glance else WIDTH_CM, titled=glance)
        out[chart_id] = {"typ": files[0], "png": files[1], "alt": alt, "title": title}
    return out


def map_for(fig: dict, as_of: str, currency: str, out_dir: Path, name: str, located=None,
            chart_library: str | None = None) -> dict:
    """The document's map: people targeted per area in a country (located: intake.readers.places.locate() of its
    areas), financial requirements by country in the regional plan -> {"typ", "png", "alt", "title"}; None
    when there is nothing to draw (a country Natural Earth has no outline for, and no boundaries given)."""
    from ...intake.readers import places
    from . import maps

    when = _as_of(as_of)
    if fig.get("countries"):
        if not any(c["code"] in places.countries() for c in fig["countries"]):
            return None
        spec, alt = maps.regional_map(fig["countries"], currency, when, GLANCE_CM, MAP_MAX_HEIGHT_CM)
    else:
        if located is None:
            located = places.locate(fig["code"], [a["admin1"] for a in fig.get("areas", [])])
        if located.kind == "points" and fig["code"] not in places.countries():
            return None
        spec, alt = maps.country_map(fig["code"], fig["name"], fig.get("areas", []), located, when, GLANCE_CM,
                                     MAP_MAX_HEIGHT_CM)
    files = draw(maps.map_call(spec), Path(out_dir) / f"{name}-map", chart_library, GLANCE_CM)
    return {"typ": files[0], "png": files[1], "alt": alt, "title": spec["title"]}


def sitrep_charts(sitrep: dict, currency: str, out_dir: Path, name: str,
                  chart_library: str | None = None) -> dict[str, dict]:
    """A sitrep's charts: funding against requirements, and people reached against targeted, by sector."""
    period_end = _as_of(sitrep["period_end"])
    f, p = sitrep["funding"], sitrep["progress"]
    specs = {
        "funding_by_sector": ("Requirements and funding by sector", [s["name"] for s in f["by_sector"]],
                              {"Requirements": [s["requirements"] for s in f["by_sector"]],
                               "Funded": [s["funded"] for s in f["by_sector"]]},
                              currency, f"Source: sector submissions and recorded contributions, as of {period_end}"),
        "reached_by_sector": ("People reached against targets by sector", [s["name"] for s in p["sectors"]],
                              {"Targeted": [s["targeted"] for s in p["sectors"]],
                               "Reached": [s["reached"] for s in p["sectors"]]},
                              "people", f"Source: partners' progress reports, as of {period_end}"),
    }
    trend = p.get("trend") or []
    if sum(t["reached"] is not None for t in trend) >= 2:  # a trend needs two reports; months between stay as gaps
        specs["trend"] = ("People reached each month", [dt.date.fromisoformat(t["month"] + "-01").strftime("%b %Y")
                                                         for t in trend],
                          {"Reached in the month": [t["reached"] for t in trend]}, "people",
                          f"Source: partners' monthly progress reports, to {period_end}; no bar: no report for the month")
    return _series_charts(specs, out_dir, name, chart_library)


def _series_charts(specs: dict, out_dir: Path, name: str, chart_library: str | None) -> dict[str, dict]:
    """{chart id: (title, labels, {series: values}, unit, source)} -> {chart id: its files, alt text, title}."""
    out = {}
    for chart_id, (title, labels, series, unit, source) in specs.items():
        files, alt = _chart("Grouped bar chart" if len(series) > 1 else "Bar chart", labels, series, title, unit,
                            source, Path(out_dir) / f"{name}-{chart_id}", chart_library=chart_library, titled=False)
        out[chart_id] = {"typ": files[0], "png": files[1], "alt": alt, "title": title}
    return out


def funding_charts(funding: dict, currency: str, out_dir: Path, name: str,
                   chart_library: str | None = None) -> dict[str, dict]:
    """A funding update's chart: funding received by the end of each month, one bar per month (its tables
    carry the rest)."""
    as_of = _as_of(funding.get("as_of") or "")
    specs = {}
    if len(funding.get("trend", [])) >= 2:
        specs["trend"] = ("Funding received by the end of each month",
                          [dt.date.fromisoformat(t["month"] + "-01").strftime("%b %Y") for t in funding["trend"]],
                          {"Funded": [t["funded"] for t in funding["trend"]]}, currency,
                          f"Source: recorded contributions (committed and paid), as of {as_of}")
    return _series_charts(specs, out_dir, name, chart_library)

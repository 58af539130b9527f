"""Charts for the documents, in a UNHCR-like style (after UNHCR's public unhcrthemes/unhcrpyplotstyle).

Each chart is drawn once, as SVG (Typst embeds it in the PDF); the 200 dpi PNG the DOCX embeds is that
same SVG rasterised by the build's warm Typst compiler (about 4x faster than a second matplotlib draw,
and the two documents cannot show different pictures). The same data gives the same bytes, so drafts
can be diffed and the manifest's hashes stay put.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import textwrap
import threading
from pathlib import Path

import matplotlib
from matplotlib import font_manager, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from . import fmt

BLUE, NAVY, GREEN, RED, GREY, LIGHT_BLUE = "#0072BC", "#18375F", "#00B398", "#EF4A60", "#666666", "#DCE9FF"
SERIES_COLOURS = [BLUE, NAVY, GREEN, RED, GREY]
MUTED = "#8EBEFF"  # UNHCR's lighter blue: the other bars when one is highlighted
TEXT, GRID = "#1A1A1A", "#D9D9D9"
DPI = 200
WIDTH_PX = 1339  # 17 cm, the text width of an A4 page with 2 cm margins, at 200 dpi
CM = 1 / 2.54
ROW_CM, SERIES_CM, GROUP_GAP_CM = 0.7, 0.45, 0.35
# Vertical layout in inches: title, subtitle, legend above the bars; tick labels and source below.
TOP, TITLE_H, SUB_H, LEGEND_H, GAP, TICKS_H, SOURCE_H = 0.1, 0.24, 0.22, 0.26, 0.08, 0.26, 0.24
SIDE = 0.06  # figure edge to title, labels and source; labels then sit flush with the title

_lock = threading.RLock()  # matplotlib is not thread-safe; build steps are threads of one process


def _setup() -> None:
    """Once, at import: Lato for every chart; fixed SVG ids so bytes do not vary; text stays text (Typst
    sets it in the same Lato, so the PDF's chart text is selectable and searchable)."""
    import font_lato

    with _lock:
        matplotlib.use("Agg")  # no display in a build; nothing here touches pyplot's global figures
        for f in sorted(Path(font_lato.font_directory).glob("*.ttf")):
            font_manager.fontManager.addfont(str(f))
        rcParams.update({"font.family": "sans-serif", "font.sans-serif": ["Lato", "Arial", "DejaVu Sans"],
                         "svg.hashsalt": "rcm-docs", "svg.fonttype": "none", "text.usetex": False})


_setup()


def _lit(s) -> str:
    """Names from inputs as typed: two unescaped '$' would switch matplotlib to mathtext."""
    return str(s).replace("$", r"\$")


def _is_currency(unit: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", unit))


def _value_label(v: float, millions: bool) -> str:
    if not millions:
        return fmt.number(v)
    return "0" if v == 0 else "<0.1" if abs(v) < 0.05 else f"{v:,.1f}"  # never a bare "0.0" for a real amount


def _spoken(label: str, v: float, unit: str) -> str:
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


def _measure(fig: Figure, renderer, s: str, fontsize: float) -> float:
    """Width in inches of (possibly multi-line) plain text: asked of the renderer, not of a Text artist."""
    from matplotlib.font_manager import FontProperties

    props = FontProperties(size=fontsize)
    return max(renderer.get_text_width_height_descent(line, props, ismath=False)[0]
               for line in s.replace(r"\$", "$").split("\n")) / fig.dpi


def _fit(fig: Figure, renderer, label: str, max_w: float) -> str:
    """Wrap a long name onto two lines (the height a row has) and cut what is still too wide."""
    s = _lit(label)
    w = _measure(fig, renderer, s, fontsize=8.5)
    if w <= max_w:
        return s
    chars = max(8, int(len(label) * max_w / w))
    while True:
        lines = textwrap.wrap(str(label), chars, max_lines=2, placeholder=" …")
        s = "\n".join(_lit(x) for x in lines)
        if chars <= 8 or _measure(fig, renderer, s, fontsize=8.5) <= max_w:
            return s
        chars -= 2


def _chart(kind, labels, series, title, unit, source, out_base, highlight=None) -> tuple[list[Path], str]:
    labels = [str(x) for x in labels]
    if any(len(v) != len(labels) for v in series.values()):
        raise ValueError(f"chart {title!r}: every series needs one value per label")
    alt = alt_text(kind, title, labels, series, unit)
    top = max((abs(v) for vals in series.values() for v in vals), default=0)
    millions = top >= 1e6
    scale = 1e6 if millions else 1.0
    subtitle = (f"{unit} millions" if _is_currency(unit) else f"Millions of {unit}") if millions else unit
    subtitle = subtitle[:1].upper() + subtitle[1:]
    n, k = len(labels), len(series)
    row = (ROW_CM if k == 1 else k * SERIES_CM + GROUP_GAP_CM) * CM
    header = TOP + TITLE_H + SUB_H + (LEGEND_H if k > 1 else 0) + GAP
    footer = TICKS_H + SOURCE_H
    width, height_px = WIDTH_PX / DPI, round((header + max(n, 1) * row + footer) * DPI)
    height = height_px / DPI
    with _lock:
        fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
        renderer = FigureCanvasAgg(fig).get_renderer()
        ticks = [_fit(fig, renderer, lb, 0.4 * width) for lb in labels]
        left = SIDE + max((_measure(fig, renderer, t, fontsize=8.5) for t in ticks), default=0) + 0.08
        ax_w = width - left - 0.2
        ax = fig.add_axes((left / width, footer / height, ax_w / width, max(n, 1) * row / height))
        texts = [[_value_label(v / scale, millions) for v in vals] for vals in series.values()]
        # Room at the right for the widest value label: x_max >= v + label width in data units.
        need = max((_measure(fig, renderer, t, fontsize=8) for ts in texts for t in ts), default=0) + 0.06
        vmax = max(top / scale, 1e-9) / max(0.2, 1 - need / ax_w)
        thick = 0.62 if k == 1 else (row - GROUP_GAP_CM * CM) / row / k
        for j, (name, vals) in enumerate(series.items()):
            colour = ([BLUE if lb == highlight else MUTED for lb in labels] if highlight is not None and k == 1
                      else SERIES_COLOURS[j % len(SERIES_COLOURS)])
            bars = ax.barh([i + (j - (k - 1) / 2) * thick for i in range(n)], [v / scale for v in vals],
                           height=thick, color=colour, label=_lit(name), zorder=2)
            # A white box so that a grid line behind a value label does not strike through it.
            ax.bar_label(bars, labels=texts[j], padding=3, fontsize=8, color=TEXT,
                         bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})
        # Category names as plain texts beside the axis: a tick per category (two labels, two lines and
        # a grid line each) took a third of a chart's drawing time.
        ax.set_yticks([])
        for i, label in enumerate(ticks):
            ax.annotate(label, (0, i), xycoords=("axes fraction", "data"), xytext=(-4, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=8.5, color=TEXT, annotation_clip=False)
        ax.set_ylim(max(n, 1) - 0.5, -0.5)  # first label on top, in the order given
        ax.set_xlim(0, vmax)
        # Nothing submitted yet: a scale of 0 to 1 dollar would be noise, the "0" at each bar says it all.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3) if top
                                   else FixedLocator([]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}" if x == int(x) else f"{x:,.1f}"))
        ax.tick_params(length=0, pad=4)
        ax.tick_params(axis="x", labelsize=7.5, labelcolor=GREY)
        ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
        ax.set_axisbelow(True)
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.spines["left"].set(color=GREY, linewidth=0.8)
        y = 1 - TOP / height
        fig.text(SIDE / width, y, _lit(title), fontsize=11, fontweight="bold", color=NAVY, va="top")
        fig.text(SIDE / width, y - TITLE_H / height, _lit(subtitle), fontsize=8.5, color=GREY, va="top")
        if k > 1:
            fig.legend(loc="upper left", bbox_to_anchor=(SIDE / width, y - (TITLE_H + SUB_H) / height), ncols=k,
                       frameon=False, fontsize=8, handlelength=1.2, handleheight=0.8, borderpad=0,
                       borderaxespad=0, columnspacing=1.5)
        fig.text(SIDE / width, 0.06 / height, _lit(source), fontsize=7, color=GREY, va="bottom")
        return _save(fig, Path(out_base)), alt


def _save(fig: Figure, out_base: Path) -> list[Path]:
    """SVG, then the PNG rasterised from it, each under a temporary name beside the target and moved into place."""
    from . import typeset

    out_base.parent.mkdir(parents=True, exist_ok=True)
    svg, png = (out_base.with_name(f"{out_base.name}.{ext}") for ext in ("svg", "png"))
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", dpi=DPI, metadata={"Date": None, "Creator": None}, facecolor="white")
    _replace(svg, buf.getvalue())
    page = (f"#set page(width: auto, height: auto, margin: 0pt, fill: white)\n"
            f"#image({typeset.string('/' + svg.name)})\n")
    _replace(png, typeset.compile(page, root=str(svg.parent), format="png", ppi=DPI))
    return [svg, png]


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def bar_chart(labels: list[str], values: list[float], title: str, unit: str, source: str, out_base: Path,
              highlight: str | None = None) -> list[Path]:
    """Horizontal bars in the order given, first on top, value at each bar's end -> [svg, png]."""
    return _chart("Bar chart", labels, {title: list(values)}, title, unit, source, out_base, highlight)[0]


def grouped_bars(labels: list[str], series: dict[str, list[float]], title: str, unit: str, source: str,
                 out_base: Path) -> list[Path]:
    """One horizontal bar per series within each label (e.g. requirements vs funded), legend on top -> [svg, png].
    Horizontal because sector and country names are long and must stay readable."""
    return _chart("Grouped bar chart", labels, {k: list(v) for k, v in series.items()}, title, unit, source,
                  out_base)[0]


def _as_of(d) -> str:
    try:
        return fmt.date(d)
    except (ValueError, TypeError, AttributeError):
        return str(d)  # already worded, e.g. "15 November 2026"


def charts_for(fig: dict, as_of: str, currency: str, out_dir: Path, name: str) -> dict[str, dict]:
    """The charts of one document from its figures (build/figures/<name>.json):
    {chart_id: {"png", "svg", "alt", "title"}}, files named <out_dir>/<name>-<chart_id>.{svg,png}."""
    source = f"Source: sector submissions, as of {_as_of(as_of)}"
    specs = {"requirements_by_sector": ("Financial requirements by sector",
                                        [(s["name"], s["requirements"]) for s in fig["sectors"]])}
    if fig.get("countries"):
        specs["requirements_by_country"] = ("Financial requirements by country",
                                            [(c["name"], c["requirements"]) for c in fig["countries"]])
    out = {}
    for chart_id, (title, pairs) in specs.items():
        pairs = sorted(pairs, key=lambda p: -p[1])  # largest first: readers compare lengths (stable for ties)
        labels, values = [p[0] for p in pairs], [p[1] for p in pairs]
        files, alt = _chart("Bar chart", labels, {title: values}, title, currency, source,
                            Path(out_dir) / f"{name}-{chart_id}")
        out[chart_id] = {"svg": files[0], "png": files[1], "alt": alt, "title": title}
    return out


def sitrep_charts(sitrep: dict, currency: str, out_dir: Path, name: str) -> dict[str, dict]:
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
    history = sitrep.get("history") or []
    if history:
        name_ = history[0]["figure"]
        points = [h for h in history if h["figure"] == name_]
        if len(points) >= 2:  # a trend needs two periods
            months = [dt.date.fromisoformat(h["period"] + "-01").strftime("%b %Y") for h in points]
            specs["trend"] = (f"{name_}, by month", months, {name_: [h["value"] for h in points]}, "people",
                              "Source: key figures reported each month (see the Key figures table)")
    out = {}
    for chart_id, (title, labels, series, unit, source) in specs.items():
        files, alt = _chart("Grouped bar chart" if len(series) > 1 else "Bar chart", labels, series, title, unit, source, Path(out_dir) / f"{name}-{chart_id}")
        out[chart_id] = {"svg": files[0], "png": files[1], "alt": alt, "title": title}
    return out

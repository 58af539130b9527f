"""Maps for the documents, drawn like the charts (charts.py): one call of the Typst function rcm-map
(templates/chart.typ) with its data, vector in the PDF and a 200 dpi PNG in Word.

A country's map shows people targeted per admin1: proportional circles (area proportional to the figure) on
the shipped Natural Earth points, or a choropleth where the workspace has admin1 boundaries
(inputs/boundaries/<ISO3>.geojson). The regional map shades the plan's countries by their requirements.
Projection: equirectangular, longitudes scaled by the cosine of the map's middle latitude. Areas that
match no location are named in the map's note (and in the validation summary), never dropped silently."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from ...common import fmt
from ...intake.readers import places
from .maplabels import Labels, Land, overlaps

DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not imply official "
              "endorsement or acceptance by the United Nations.")
BLUES = ("#DCE9FF", "#8EBEFF", "#4A98E0", "#0072BC", "#18375F")  # light to dark, after UNHCR's palette
LAND, NEIGHBOUR, COAST = "#F4F7FB", "#E4E4E4", "#9AA5B1"
NO_DATA = "#F2F2F2"
TOLERANCE_CM = 0.03  # vertices closer than this to the last one kept are dropped: finer than print shows
LABELLED = 5  # the largest areas get their name on the map
R_MAX = 0.055  # the largest circle's radius, as a share of the map's width


# ---- Numbers the map shows ----

def nice_up(x: float) -> float:
    """x rounded up to two significant figures: 12,345 -> 13,000."""
    if x <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(x)) - 1)
    return math.ceil(x / step - 1e-9) * step


def nice_down(x: float) -> float:
    """x rounded down to one significant figure (legend circles): 45,000 -> 40,000."""
    if x <= 0:
        return 0.0
    step = 10 ** math.floor(math.log10(x))
    return math.floor(x / step + 1e-9) * step


def class_breaks(values, k: int = 4) -> list[float]:
    """Upper bounds of up to k classes of the positive values, at their quantiles rounded up to two
    significant figures; the last is the largest value. Each class holds at least one value."""
    vals = sorted(v for v in values if v > 0)
    if not vals:
        return []
    k = min(k, len(set(vals)))
    uppers: list[float] = []
    for i in range(1, k):
        b = nice_up(vals[math.ceil(i * len(vals) / k) - 1])
        if b < vals[-1] and (not uppers or b > uppers[-1]):
            uppers.append(b)
    return uppers + [vals[-1]]


def class_of(v: float, breaks: list[float]) -> int | None:
    """Index of v's class; None for no figure (0)."""
    if v <= 0 or not breaks:
        return None
    return next((i for i, b in enumerate(breaks) if v <= b), len(breaks) - 1)


def class_labels(breaks: list[float], show) -> list[str]:
    if len(breaks) <= 1:
        return [show(b) for b in breaks]
    return ([f"up to {show(breaks[0])}"] + [f"{show(a)} to {show(b)}" for a, b in zip(breaks, breaks[1:-1])]
            + [f"over {show(breaks[-2])}"])


def radius(v: float, vmax: float, r_max: float) -> float:
    """A circle's radius so that its area is proportional to v (the largest gets r_max)."""
    return r_max * math.sqrt(v / vmax) if vmax > 0 and v > 0 else 0.0


def _palette(n: int) -> list[str]:
    return [BLUES[round(i * (len(BLUES) - 1) / (n - 1))] for i in range(n)] if n > 1 else [BLUES[3]]


# ---- Geometry ----

@dataclass(frozen=True)
class View:
    """Equirectangular frame: longitudes scaled by cos(middle latitude), y down as on the page, in cm."""
    west: float
    north: float
    k: float  # cos of the middle latitude
    scale: float  # cm per degree of latitude
    width: float
    height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.west) * self.k * self.scale, (self.north - lat) * self.scale)

    def lonlat_box(self) -> tuple[float, float, float, float]:
        return (self.west, self.west + self.width / (self.k * self.scale), self.north - self.height / self.scale,
                self.north)


def fit(box: tuple[float, float, float, float], width: float, min_height: float, max_height: float,
        margin: float = 0.08) -> View:
    """The view showing box (west, east, south, north) with a margin, `width` cm wide; the box is widened in
    one direction to fill the frame, so neighbours show around a long thin country."""
    w, e, s, n = box
    dx, dy = max(e - w, 0.5), max(n - s, 0.5)
    w, e, s, n = w - margin * dx, e + margin * dx, s - margin * dy, n + margin * dy
    k = math.cos(math.radians((s + n) / 2))
    wd, hd = (e - w) * k, n - s
    height = min(max(width * hd / wd, min_height), max_height)
    if hd / wd < height / width:
        grow = wd * height / width - hd
        s, n = s - grow / 2, n + grow / 2
    else:
        grow = hd * width / height / k - (e - w)
        w, e = w - grow / 2, e + grow / 2
    return View(w, n, k, height / (n - s), width, height)


def _bbox(rings) -> tuple[float, float, float, float]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return min(xs), max(xs), min(ys), max(ys)


@functools.lru_cache(maxsize=None)
def country_box(code: str) -> tuple[float, float, float, float] | None:
    """The extent of a country's mainland and the land reached from it in steps of a tenth of its span (the
    fjords and islands of southern Chile): Galápagos, Easter Island or San Andrés, further out, would shrink
    the mainland to a corner of the map."""
    c = places.countries().get(code)
    if not c or not c.polygons:
        return None
    main = max(c.polygons, key=lambda p: places.ring_area(p[0]))
    box = _bbox([main[0]])
    mx, my = 0.1 * (box[1] - box[0]), 0.1 * (box[3] - box[2])
    rest = [_bbox([p[0]]) for p in c.polygons if p is not main]
    grew = True
    while grew:
        near = [b for b in rest if overlaps(b, (box[0] - mx, box[1] + mx, box[2] - my, box[3] + my))]
        rest = [b for b in rest if b not in near]
        grew = bool(near)
        box = _union([box, *near])
    return box


@functools.lru_cache(maxsize=1)
def _country_boxes() -> dict[str, tuple[float, float, float, float]]:
    return {code: _bbox([p[0] for p in c.polygons]) for code, c in places.countries().items() if c.polygons}


def _union(boxes) -> tuple[float, float, float, float]:
    boxes = [b for b in boxes if b]
    return (min(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), max(b[3] for b in boxes))


def rings_cm(polygons, view: View) -> list[list[float]]:
    """Polygons as flat [x0, y0, x1, y1, ...] rings in cm for Typst: cut to the frame (with a margin the
    frame's clip hides), rings too small to see left out, vertices closer than TOLERANCE_CM to the last kept
    one dropped. A neighbour's far side costs nothing to draw."""
    frame = (-0.2, view.width + 0.2, -0.2, view.height + 0.2)
    out = []
    for poly in polygons:
        for ring in poly:
            pts = [view.xy(x, y) for x, y in ring]
            box = _bbox([pts])
            if not overlaps(box, frame) or max(box[1] - box[0], box[3] - box[2]) < 2 * TOLERANCE_CM:
                continue
            if not (frame[0] <= box[0] and box[1] <= frame[1] and frame[2] <= box[2] and box[3] <= frame[3]):
                pts = _clip(pts, frame)
            kept = pts[:1]
            for p in pts[1:]:
                if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= TOLERANCE_CM:
                    kept.append(p)
            if len(kept) >= 3:
                out.append([round(v, 3) for p in kept for v in p])
    return out


def _clip(pts: list[tuple[float, float]], frame) -> list[tuple[float, float]]:
    """The ring cut to the rectangle frame (Sutherland-Hodgman: one edge of the rectangle at a time)."""
    for axis, bound, keep_below in ((0, frame[0], False), (0, frame[1], True), (1, frame[2], False),
                                    (1, frame[3], True)):
        if not pts:
            break
        inside = (lambda p: p[axis] <= bound) if keep_below else (lambda p: p[axis] >= bound)
        cut = []
        for a, b in zip(pts[-1:] + pts[:-1], pts):
            if inside(b):
                if not inside(a):
                    cut.append(_cross(a, b, axis, bound))
                cut.append(b)
            elif inside(a):
                cut.append(_cross(a, b, axis, bound))
        pts = cut
    return pts


def _cross(a, b, axis: int, bound: float) -> tuple[float, float]:
    t = (bound - a[axis]) / (b[axis] - a[axis])
    return (bound, a[1] + t * (b[1] - a[1])) if axis == 0 else (a[0] + t * (b[0] - a[0]), bound)


def _centre(polygons) -> tuple[float, float]:
    """A label point for a shape: the centroid of its largest ring, or the ring's vertex nearest to it when
    the centroid falls outside (a crescent)."""
    ring = max((p[0] for p in polygons), key=places.ring_area)
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        f = x0 * y1 - x1 * y0
        a, cx, cy = a + f, cx + (x0 + x1) * f, cy + (y0 + y1) * f
    if abs(a) < 1e-12:
        return ring[0]
    c = (cx / (3 * a), cy / (3 * a))
    return c if places.inside(*c, ring) else min(ring, key=lambda p: (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2)


def _neighbour_layer(spec: dict, view, exclude: set[str]) -> tuple["Land", list]:
    """The countries around the map's own, in grey as its first layer -> (the land drawn so far, which labels
    avoid; the countries around, to be named)."""
    land = Land()
    layer = []
    around = _neighbours(view, exclude)
    for other, polys in around:
        rings = rings_cm(polys, view)
        land.add(other, rings)
        layer += rings
    spec["layers"].append({"fill": NEIGHBOUR, "stroke": "#FFFFFF", "weight": 0.5, "rings": layer})
    return land, around


def _neighbours(view: View, leave_out: set[str]) -> list[tuple[str, tuple]]:
    box = view.lonlat_box()
    return [(code, places.countries()[code].polygons) for code, b in sorted(_country_boxes().items())
            if code not in leave_out and overlaps(b, box)]


# ---- The maps ----

def _frame_spec(title: str, subtitle: str, view: View, source: str, note: str) -> dict:
    return {"title": title, "subtitle": subtitle, "width": round(view.width, 3), "height": round(view.height, 3),
            "source": source, "disclaimer": DISCLAIMER, "note": note, "layers": [], "circles": [], "labels": [],
            "legend": None}


def not_shown_note(unmatched: dict[str, str | None], values: dict[str, float]) -> str:
    if not unmatched:
        return ""
    names = ", ".join(f"{n} ({fmt.number(values.get(n, 0))})" for n in sorted(unmatched))
    n = len(unmatched)
    return (f"1 area not shown, no map location found for its name: {names}." if n == 1 else
            f"{n} areas not shown, no map location found for their names: {names}.")


def country_map(code: str, name: str, areas: list[dict], located: places.Located, as_of: str, width: float,
                max_height: float) -> tuple[dict, str]:
    """-> (rcm-map spec, alt text) of people targeted per admin1 in one country."""
    values = {a["admin1"]: float(a["targeted"]) for a in areas}
    title = f"People targeted by area, {name}"
    if located.kind == "boundaries":
        b = located.boundaries
        box = _union([_bbox([p[0] for p in polys]) for _, _, polys in b.features])
        source = (f"Source: admin1 boundaries: {b.source or 'supplied with the plan'}; country outlines: "
                  f"{places.NATURAL_EARTH}; figures: sector submissions, as of {as_of}.")
    else:
        shown = [located.points[n] for n in values if n in located.points and values[n] > 0]
        own_box = country_box(code)
        box = _union([own_box] + [(x, x, y, y) for x, y in shown]) if own_box or shown else (-1, 1, -1, 1)
        source = (f"Source: {places.NATURAL_EARTH} for boundaries and area locations; figures: sector "
                  f"submissions, as of {as_of}.")
    view = fit(box, width, 0.55 * width, max_height)
    spec = _frame_spec(title, "People targeted (all population groups)", view, source,
                       not_shown_note(located.unmatched, values))
    land, around = _neighbour_layer(spec, view, {code})
    own = places.countries().get(code)
    own_rings = rings_cm(own.polygons, view) if own else []
    land.add(code, own_rings)
    labels = Labels(view, land)
    if located.kind == "boundaries":
        _choropleth(spec, located, values, view, labels, code)
    else:
        spec["layers"].append({"fill": LAND, "stroke": COAST, "weight": 0.6, "rings": own_rings})
        _circles(spec, located, values, view, labels, code)
    labels.neighbours({c: places.countries()[c].name for c, _ in around})
    spec["labels"] = labels.out
    listed = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    alt = (f"Map: {title[:1].lower() + title[1:]}, " + ", ".join(f"{n} {fmt.people_short(v)}" for n, v in listed)
           + "." + (" " + spec["note"] if spec["note"] else ""))
    return spec, alt


def _circles(spec: dict, located: places.Located, values: dict[str, float], view: View, labels: Labels,
             code: str) -> None:
    shown = sorted(((n, v) for n, v in values.items() if n in located.points and v > 0), key=lambda kv: (-kv[1], kv[0]))
    if not shown:
        return
    vmax = shown[0][1]
    r_max = min(R_MAX * view.width, 0.6)
    for n, v in shown:  # largest first, so that smaller circles are drawn over them
        x, y = view.xy(*located.points[n])
        r = radius(v, vmax, r_max)
        spec["circles"].append({"x": round(x, 3), "y": round(y, 3), "r": round(r, 4), "name": n})
        labels.taken.append((x - r, x + r, y - r, y + r))
    for c, (n, v) in list(zip(spec["circles"], shown))[:LABELLED]:
        labels.place(c["x"], c["y"], [(n, 7.0), (fmt.people_short(v), 6.5)], c["r"] + 0.06, "area", code)
    sizes = sorted({nice_down(vmax), nice_down(vmax / 4), nice_down(vmax / 16)} - {0.0}, reverse=True)
    spec["legend"] = {"kind": "circles", "title": "People targeted",
                      "items": [{"r": round(radius(s, vmax, r_max), 4), "text": fmt.number(s)} for s in sizes]}


def _choropleth(spec: dict, located: places.Located, values: dict[str, float], view: View, labels: Labels,
                code: str) -> None:
    b = located.boundaries
    per_feature: dict[int, float] = {}
    for n, i in located.shapes.items():
        per_feature[i] = per_feature.get(i, 0.0) + values.get(n, 0.0)
    breaks = class_breaks(per_feature.values())
    colours = _palette(len(breaks))
    layers: dict[int | None, list] = {}
    for i, (_, _, polys) in enumerate(b.features):
        rings = rings_cm(polys, view)
        labels.land.add(code, rings)
        layers.setdefault(class_of(per_feature.get(i, 0.0), breaks), []).extend(rings)
    spec["layers"].append({"fill": NO_DATA, "stroke": "#FFFFFF", "weight": 0.5, "rings": layers.get(None, [])})
    for c, colour in enumerate(colours):
        spec["layers"].append({"fill": colour, "stroke": "#FFFFFF", "weight": 0.5, "rings": layers.get(c, [])})
    spec["classes"] = [{"area": b.features[i][0], "value": v, "class": class_of(v, breaks)}
                       for i, v in sorted(per_feature.items())]
    top = sorted(((v, i) for i, v in per_feature.items() if v > 0), key=lambda t: (-t[0], b.features[t[1]][0]))
    for v, i in top[:LABELLED]:
        x, y = view.xy(*_centre(b.features[i][2]))
        labels.place(x, y, [(b.features[i][0], 7.0), (fmt.people_short(v), 6.5)], 0.1, "area", code,
                     order=("center", "right", "left", "above", "below"))
    spec["legend"] = {"kind": "classes", "title": "People targeted",
                      "items": [{"fill": f, "text": t} for f, t in zip(colours, class_labels(breaks, fmt.number))]
                      + [{"fill": NO_DATA, "text": "none planned"}]}


def regional_map(countries: list[dict], currency: str, as_of: str, width: float, max_height: float) -> tuple[dict, str]:
    """-> (rcm-map spec, alt text): the plan's countries shaded by their financial requirements."""
    codes = [c["code"] for c in countries]
    mapped = [c for c in countries if c["code"] in places.countries()]
    view = fit(_union([country_box(c["code"]) for c in mapped]) if mapped else (-10, 10, -10, 10), width,
               0.55 * width, max_height, margin=0.04)
    title = "Financial requirements by country"
    missing = [c["name"] for c in countries if c["code"] not in places.countries()]
    note = f"Not on the map (no outline in Natural Earth): {', '.join(missing)}." if missing else ""
    spec = _frame_spec(title, f"Requirements ({currency})", view, f"Source: {places.NATURAL_EARTH} for boundaries; "
                       f"figures: sector submissions, as of {as_of}.", note)
    land, around = _neighbour_layer(spec, view, set(codes))
    breaks = class_breaks([c["requirements"] for c in mapped])
    colours = _palette(len(breaks))
    labels = Labels(view, land)
    centres = {}
    for c in mapped:
        k = class_of(c["requirements"], breaks)
        polys = places.countries()[c["code"]].polygons
        rings = rings_cm(polys, view)
        land.add(c["code"], rings)
        fill = NO_DATA if k is None else colours[k]
        spec["layers"].append({"fill": fill, "stroke": "#FFFFFF", "weight": 0.6, "rings": rings})
        centres[c["code"]] = x, y = view.xy(*_centre(polys))
        if not rings or max(_bbox([list(zip(r[0::2], r[1::2])) for r in rings])[1::2]) < 0.15:
            spec["circles"].append({"x": round(x, 3), "y": round(y, 3), "r": 0.08, "name": c["name"], "fill": fill})
            labels.taken.append((x - 0.08, x + 0.08, y - 0.08, y + 0.08))
    # Names inside the countries that have room for them first, then beside the others.
    placed = set()
    for within, order in ((True, ("center",)), (False, ("center", "right", "left", "above", "below"))):
        for c in sorted(mapped, key=lambda c: (-c["requirements"], c["name"])):
            if c["code"] not in placed and labels.place(
                    *centres[c["code"]], [(c["name"], 7.0), (fmt.money_short(c["requirements"], currency), 6.5)],
                    0.12, "area", c["code"], order=order, within=within):
                placed.add(c["code"])
    labels.neighbours({c: places.countries()[c].name for c, _ in around})
    spec["labels"] = labels.out
    spec["legend"] = {"kind": "classes", "title": f"Financial requirements ({currency})",
                      "items": [{"fill": f, "text": t} for f, t in
                                zip(colours, class_labels(breaks, lambda v: fmt.money_short(v, currency)))]
                      + ([{"fill": NO_DATA, "text": "none submitted"}] if any(class_of(c["requirements"], breaks)
                                                                              is None for c in mapped) else [])}
    alt = ("Map: financial requirements by country, " + ", ".join(
        f"{c['name']} {fmt.money_short(c['requirements'], currency)}"
        for c in sorted(countries, key=lambda c: (-c["requirements"], c["name"]))) + "." + (" " + note if note else ""))
    return spec, alt


def map_call(spec: dict) -> str:
    from ..typeset.compiler import literal

    return f"rcm-map({literal(spec)})"

"""Where a plan's admin1 areas are: the shipped Natural Earth reference (rcm_docs/common/geo: country outlines,
label points per admin1), a workspace's own admin1 boundaries (inputs/boundaries/<ISO3>.geojson) and the
gazetteer's codes and coordinates; and the matching of the plan's admin1 names to them. A name that matches
nothing is returned with the closest reference name, for the validation summary and the map's note.

Reference data is parsed once per process (workers render many documents)."""
from __future__ import annotations

import csv
import difflib
import functools
import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ...common.errors import InputError
from ..tables.checks import text_key
from ..tables.contract import NATIONAL_AREAS

GEO = Path(__file__).resolve().parents[2] / "common" / "geo"
NATURAL_EARTH = "Natural Earth (public domain)"

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs; first and last may repeat
Polygon = tuple[Ring, ...]  # outer ring, then holes


# ---- Names ----
# Words that say what kind of area it is, not which one: 'Departamento de Nariño' is Nariño, 'Bogotá D.C.'
# is Bogota, 'Región Metropolitana de Santiago' starts with Metropolitana.
_KIND_WORDS = {"departamento", "department", "departement", "provincia", "province", "region", "estado", "state",
               "governorate", "gouvernorat", "muhafazat", "oblast", "wilaya", "prefecture", "county"}
_LINKS = {"de", "del", "do", "da", "dos", "das", "du", "des", "of", "la", "el"}
_TRAILING = {("d", "c"), ("dc",), ("distrito", "capital"), ("capital", "district"), ("city",)}


def fold(text: str) -> str:
    """The partner registry's key (spaces collapsed, case folded) without accents and punctuation:
    'Bío-Bío' -> 'bio bio', 'Ma`an' -> 'maan', "Ma'an" -> 'maan'."""
    s = unicodedata.normalize("NFKD", text_key(text))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = "".join(c if c.isalnum() or c.isspace() else ("" if c in "'`’ʼ‘" else " ") for c in s)
    return " ".join(s.split())


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens without the words naming the kind of area, at either end."""
    t = list(tokens)
    while len(t) > 1 and t[0] in _KIND_WORDS:
        t.pop(0)
        while len(t) > 1 and t[0] in _LINKS:
            t.pop(0)
    for tail in sorted(_TRAILING, key=len, reverse=True):
        if len(t) > len(tail) and tuple(t[-len(tail):]) == tail:
            del t[-len(tail):]
            break
    return tuple(t)


class AreaNames:
    """Reference names of one country's areas, and what a plan's name matches: the same letters once
    accents, punctuation and spaces are set aside; then the same without words naming the kind of area;
    then the one reference name that begins with the plan's words, or whose words begin the plan's name
    ('Magallanes' -> 'Magallanes y Antártica Chilena'). Nothing fuzzier: a close match is only suggested."""

    def __init__(self, names):
        self.names = sorted(set(names))
        self._full: dict[str, set[str]] = {}
        self._core: dict[str, set[str]] = {}
        self._tokens: dict[str, tuple[str, ...]] = {}
        for n in self.names:
            tokens = tuple(fold(n).split())
            self._tokens[n] = _core(tokens)
            self._full.setdefault("".join(tokens), set()).add(n)
            self._core.setdefault("".join(_core(tokens)), set()).add(n)

    def match(self, name: str) -> str | None:
        tokens = tuple(fold(name).split())
        if not tokens:
            return None
        for index, key in ((self._full, "".join(tokens)), (self._core, "".join(_core(tokens)))):
            found = index.get(key, set())
            if len(found) == 1:
                return next(iter(found))
        core = _core(tokens)
        starts = {n for n, t in self._tokens.items()
                  if min(len(t), len(core)) and (t[:len(core)] == core or core[:len(t)] == t)}
        return next(iter(starts)) if len(starts) == 1 else None

    def suggest(self, name: str) -> str | None:
        """The closest reference name (whole names, or their first word: 'Aysen' -> 'Aisén del General ...')."""
        key = "".join(_core(tuple(fold(name).split())))
        choices: dict[str, str] = {}
        for n in self.names:
            t = self._tokens[n]
            choices.setdefault("".join(t), n)
            if t:
                choices.setdefault(t[0], n)
        found = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
        return choices[found[0]] if found else None


def is_national(name: str) -> bool:
    return text_key(name) in NATIONAL_AREAS


# ---- The shipped reference ----

@dataclass(frozen=True)
class Country:
    code: str
    name: str
    polygons: tuple[Polygon, ...]


def _polygons(geometry: dict) -> tuple[Polygon, ...]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    parts = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if not isinstance(parts, list):
        raise ValueError(f"geometry is {kind!r}, not a Polygon or MultiPolygon")
    out = []
    for part in parts:
        rings = []
        for ring in part:
            pts = tuple((float(p[0]), float(p[1])) for p in ring)
            if len(pts) < 3 or not all(math.isfinite(x) and math.isfinite(y) and -180.5 <= x <= 180.5
                                       and -90.5 <= y <= 90.5 for x, y in pts):
                raise ValueError("coordinates are not longitude and latitude in degrees (WGS 84)")
            rings.append(pts)
        if rings:
            out.append(tuple(rings))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country's outline (Natural Earth 1:50m), by ISO3 code. The shipped file is trusted (its tests
    check it): its coordinate lists are used as parsed, which halves the time a worker spends reading it."""
    data = json.loads((GEO / "countries_50m.geojson").read_bytes())
    return {f["properties"]["iso3"]: Country(f["properties"]["iso3"], f["properties"]["name"], tuple(
        f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]))
        for f in data["features"]}


@functools.lru_cache(maxsize=1)
def label_points() -> dict[str, list[tuple[str, str, float, float]]]:
    """iso3 -> (admin1, code, lon, lat) rows, with geo/corrections.csv's names for points Natural Earth misnames."""
    with (GEO / "corrections.csv").open(encoding="utf-8", newline="") as f:
        renamed = {r["adm1_code"]: r["admin1"] for r in csv.DictReader(f)}
    out: dict[str, list] = {}
    with (GEO / "admin1_label_points.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            name = renamed.get(r["adm1_code"], r["admin1"])
            out.setdefault(r["iso3"], []).append((name, r["adm1_code"], float(r["lon"]), float(r["lat"])))
    return out


@functools.lru_cache(maxsize=64)
def admin1_points(iso3: str) -> dict[str, tuple[float, float, str]]:
    """One point per admin1 name of a country: name -> (lon, lat, Natural Earth code). Natural Earth lists a
    point per island too (Pará has 19): the area's own label point is the one on the country's mainland (its
    largest polygon), else the one deepest inside the country (farthest from its outline). Where two areas
    share a name (a city and its province), the one with more points (islands) wins, then the deeper one."""
    import numpy as np

    rows = label_points().get(iso3, [])
    outline = countries().get(iso3)
    polygons = outline.polygons if outline else ()
    edge = np.array([p for poly in polygons for ring in poly for p in ring[::2]]) if polygons else None
    mainland = max((poly[0] for poly in polygons), key=ring_area, default=None)
    scale = math.cos(math.radians(sum(r[3] for r in rows) / len(rows))) if rows else 1.0
    out: dict[str, tuple[float, float, str]] = {}
    grouped: dict[str, list] = {}
    for name, code, lon, lat in rows:
        grouped.setdefault(name, []).append((lon, lat, code))
    for name, pts in grouped.items():
        codes: dict[str, int] = {}
        for p in pts:
            codes[p[2]] = codes.get(p[2], 0) + 1
        most = max(codes.values())
        pts = [p for p in pts if codes[p[2]] == most]
        if len(pts) == 1 or edge is None:
            out[name] = pts[0]
            continue
        on_mainland = [p for p in pts if inside(p[0], p[1], mainland)]
        pts = on_mainland or pts
        xy = np.array([(p[0], p[1]) for p in pts])
        d = (((xy[:, None, 0] - edge[None, :, 0]) * scale) ** 2 + (xy[:, None, 1] - edge[None, :, 1]) ** 2).min(axis=1)
        out[name] = pts[int(d.argmax())]
    return out


def ring_area(ring: Ring) -> float:
    """Area in square degrees (shoelace): enough to tell a mainland from its islands."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def inside(x: float, y: float, ring: Ring | None) -> bool:
    """Whether (x, y) lies inside the ring (even-odd rule)."""
    if not ring:
        return False
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


# ---- A workspace's own boundaries and gazetteer ----

class BoundariesError(InputError):
    """inputs/boundaries/<ISO3>.geojson cannot be used: the message names the file, the feature and the fix."""


NAME_KEYS = ("name", "admin1", "ADM1_EN", "ADM1_ES", "ADM1_PT", "ADM1_FR", "ADM1_REF", "shapeName", "NAME_1")
CODE_KEYS = ("code", "pcode", "ADM1_PCODE", "shapeISO", "GID_1", "HASC_1")
MAX_POINTS = 2_000_000  # a national admin1 layer simplified for print has some 10^4-10^5


@dataclass(frozen=True)
class Boundaries:
    file: str
    features: tuple[tuple[str, str, tuple[Polygon, ...]], ...]  # (name, code, polygons)
    source: str | None = None


def read_boundaries(path: str | Path, max_bytes: int = 50 * 1024 * 1024, display: str | None = None) -> Boundaries:
    """Admin1 polygons from a GeoJSON FeatureCollection in longitude/latitude, each feature named by one of
    NAME_KEYS (as COD-AB, geoBoundaries or GADM layers are), optionally coded by one of CODE_KEYS."""
    import hashlib

    from ...common.gate import UnsafeFile, inside_workspace, read_bytes

    path = Path(path)
    shown = display or str(path)
    try:
        size = inside_workspace(path).stat().st_size
        if size > max_bytes:
            raise BoundariesError(f"{shown}: {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB a file may "
                                  "have; simplify the boundaries (for example mapshaper's -simplify 10%) and save them again")
        raw = read_bytes(path, max_bytes, shown)
    except UnsafeFile as e:
        raise BoundariesError(str(e)) from None
    key = (hashlib.sha256(raw).hexdigest(), shown)
    if key not in _BOUNDARIES:
        if len(_BOUNDARIES) >= 8:
            _BOUNDARIES.pop(next(iter(_BOUNDARIES)))
        _BOUNDARIES[key] = _parse_boundaries(raw, shown)
    return _BOUNDARIES[key]


_BOUNDARIES: dict[tuple[str, str], Boundaries] = {}  # parsed once per process and content (a worker builds many maps)


def _parse_boundaries(raw: bytes, shown: str) -> Boundaries:
    if raw.count(b"[") > MAX_POINTS:  # every coordinate pair is a bracket: counted before any parsing
        raise BoundariesError(f"{shown}: more than {MAX_POINTS:,} coordinates; simplify the boundaries for print "
                              "(for example mapshaper's -simplify 10%)")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise BoundariesError(f"{shown}: not UTF-8 text (byte {e.start}); save it as GeoJSON (UTF-8)") from None
    except json.JSONDecodeError as e:
        raise BoundariesError(f"{shown}: line {e.lineno}, column {e.colno}: not valid JSON ({e.msg}); "
                              "export the layer again as GeoJSON") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BoundariesError(f"{shown}: not a GeoJSON FeatureCollection; export the admin1 layer as GeoJSON")
    features = []
    for i, f in enumerate(data["features"], start=1):
        props = (f or {}).get("properties") or {}
        name_key = next((k for k in NAME_KEYS if isinstance(props.get(k), str) and props[k].strip()), None)
        if name_key is None:
            raise BoundariesError(f"{shown}: feature {i} has no name: give each feature a 'name' property (or "
                                  f"one of {', '.join(NAME_KEYS[1:])}); its properties are "
                                  f"{', '.join(sorted(props)) or 'none'}")
        code_key = next((k for k in CODE_KEYS if props.get(k) not in (None, "")), None)
        try:
            polygons = _polygons((f or {}).get("geometry") or {})
        except (ValueError, TypeError, IndexError) as e:
            raise BoundariesError(f"{shown}: feature {i} ({props[name_key]}): {e}; export the layer in "
                                  "longitude/latitude (EPSG:4326) with polygon geometries") from None
        features.append((props[name_key].strip(), str(props[code_key]).strip() if code_key else "", polygons))
    if not features:
        raise BoundariesError(f"{shown}: the FeatureCollection has no features")
    source = data.get("source") if isinstance(data.get("source"), str) else None
    return Boundaries(shown, tuple(features), source)


def read_gazetteer_places(path: str | Path, country_codes: list[str]) -> dict[str, dict[str, dict]] | None:
    """inputs/gazetteer.csv's optional `code` (a p-code, matched against a boundaries file's codes, or a Natural
    Earth adm1_code) and `lon`/`lat` (where the area's symbol goes, for an area the reference lacks):
    country -> admin1 -> {code, lon, lat}. None when there is no gazetteer."""
    from .registries import RegistryError, read_registry_csv

    path = Path(path)
    if not path.exists():
        return None
    rows, lines = read_registry_csv(path, ["country", "admin1"], ["code", "lon", "lat"])
    out: dict[str, dict[str, dict]] = {c: {} for c in country_codes}
    problems = []
    for r, line in zip(rows, lines):
        lon, lat = r.get("lon", ""), r.get("lat", "")
        where = None
        if lon or lat:
            try:
                where = (float(lon), float(lat))
                if not (-180 <= where[0] <= 180 and -90 <= where[1] <= 90):
                    raise ValueError
            except ValueError:
                problems.append(f"{path}: line {line}: lon {lon!r}, lat {lat!r} are not a longitude and a latitude in "
                                "decimal degrees (for example lon -72.1, lat -36.6); give both or neither")
                continue
        if r["country"] in out and r["admin1"]:
            out[r["country"]][r["admin1"]] = {"code": r.get("code", ""), "lon": where[0] if where else None,
                                              "lat": where[1] if where else None}
    if problems:
        raise RegistryError("\n".join(problems))
    return out


# ---- Where each of a plan's areas goes ----

@dataclass
class Located:
    """A country's areas placed for its map: points (Natural Earth or the gazetteer) or boundary shapes."""
    country: str
    kind: str  # "points" or "boundaries"
    points: dict[str, tuple[float, float]] = field(default_factory=dict)  # plan area -> (lon, lat)
    shapes: dict[str, int] = field(default_factory=dict)  # plan area -> index into boundaries.features
    unmatched: dict[str, str | None] = field(default_factory=dict)  # plan area -> suggested reference name
    boundaries: Boundaries | None = None
    via_gazetteer: set[str] = field(default_factory=set)


def locate(country: str, names, gazetteer: dict[str, dict] | None = None,
           boundaries: Boundaries | None = None) -> Located:
    """Each admin1 name (not 'National') matched to a boundary feature or a point; the rest unmatched, each
    with the closest reference name. gazetteer: this country's read_gazetteer_places() entries."""
    gaz = {fold(k): v for k, v in (gazetteer or {}).items()}
    names = sorted({n for n in names if n and not is_national(n)})
    if boundaries is not None:
        out = Located(country, "boundaries", boundaries=boundaries)
        by_code = {code: i for i, (_, code, _) in enumerate(boundaries.features) if code}
        by_name = {n: i for i, (n, _, _) in enumerate(boundaries.features)}
        ref = AreaNames(by_name)
        for n in names:
            code = (gaz.get(fold(n)) or {}).get("code")
            if code and code in by_code:
                out.shapes[n] = by_code[code]
                out.via_gazetteer.add(n)
            elif (m := ref.match(n)) is not None:
                out.shapes[n] = by_name[m]
            else:
                out.unmatched[n] = ref.suggest(n)
        return out
    out = Located(country, "points")
    points = admin1_points(country)
    by_code = {code: (lon, lat) for lon, lat, code in points.values()}
    ref = AreaNames(points)
    for n in names:
        g = gaz.get(fold(n)) or {}
        if g.get("lon") is not None:
            out.points[n] = (g["lon"], g["lat"])
            out.via_gazetteer.add(n)
        elif g.get("code") and g["code"] in by_code:
            out.points[n] = by_code[g["code"]]
            out.via_gazetteer.add(n)
        elif (m := ref.match(n)) is not None:
            out.points[n] = points[m][:2]
        else:
            out.unmatched[n] = ref.suggest(n)
    return out


def workspace_locations(root, plan, country: str, names) -> Located:
    """Where a country's areas go on its map, from what the workspace has: its admin1 boundaries
    (inputs/boundaries/<ISO3>.geojson), else the gazetteer's coordinates and codes and Natural Earth's points.
    Raises BoundariesError for a boundaries file that cannot be used."""
    from ...common.workspace import boundaries_file

    gazetteer = read_gazetteer_places(Path(root) / "inputs" / "gazetteer.csv", plan.country_codes)
    path = boundaries_file(root, country)
    boundaries = read_boundaries(path, plan.max_file_bytes, f"inputs/boundaries/{path.name}") if path else None
    return locate(country, names, (gazetteer or {}).get(country), boundaries)


def unmapped_rows(located: Located, rows) -> list[dict]:
    """The areas no map location was found for, each with the submission rows that name it (file, rows) and
    the closest name on the map: what the validation summary lists."""
    out = []
    for name, suggestion in sorted(located.unmatched.items()):
        hits = rows[rows["admin1"] == name]
        for file, part in hits.groupby("source_file", sort=True):
            out.append({"admin1": name, "file": file, "rows": sorted(int(r) for r in part["source_row"]),
                        "suggestion": suggestion})
    return out

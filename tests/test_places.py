"""Admin1 names matched to the shipped Natural Earth points, a workspace's boundaries and the gazetteer."""
import csv
import json
from importlib import resources

import pytest

from rcm_docs.intake.readers import places
from rcm_docs.intake.readers.places import (
    AreaNames,
    BoundariesError,
    locate,
    read_boundaries,
    read_gazetteer_places,
)


def _example_gazetteer() -> dict[str, list[str]]:
    """The example's admin1 names, as rcm-docs demo writes them into inputs/gazetteer.csv (R4V's list)."""
    text = resources.files("rcm_docs.demo").joinpath("data/admin1.csv").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for r in csv.DictReader(text.splitlines()):
        out.setdefault(r["country"], []).append(r["admin1"])
    return out


@pytest.mark.parametrize("country", ["COL", "PER", "ECU", "BRA", "CHL"])
def test_every_admin1_of_the_example_is_placed_on_its_map(country):
    from conftest import ROOT

    from rcm_docs.common.plan import load_plan

    plan = load_plan(ROOT / "inputs/plan.yaml")
    gazetteer = read_gazetteer_places(ROOT / "inputs/gazetteer.csv", plan.country_codes)
    names = _example_gazetteer()[country]
    located = locate(country, names, gazetteer[country])
    assert located.unmatched == {}
    assert sorted(located.points) == sorted(names)
    # By name alone, but for the two areas the example's gazetteer places itself.
    assert located.via_gazetteer == ({"Aysen", "Ñuble"} if country == "CHL" else set())


@pytest.mark.parametrize("country, plan_name, natural_earth", [
    ("COL", "Bogotá D.C.", "Bogota"),
    ("COL", "Departamento de Nariño", "Nariño"),
    ("COL", "Bolivar", "Bolívar"),
    ("CHL", "Biobío", "Bío-Bío"),
    ("CHL", "La Araucania", "La Araucanía"),
    ("CHL", "Metropolitana", "Región Metropolitana de Santiago"),
    ("CHL", "Magallanes", "Magallanes y Antártica Chilena"),
    ("CHL", "Libertador", "Libertador General Bernardo O'Higgins"),
    ("ECU", "Santo Domingo De Los Tsachilas", "Santo Domingo de los Tsáchilas"),
    ("PER", "Lima", "Lima"),  # not 'Lima Province', which also begins with Lima
    ("PER", "San Martin", "San Martín"),
    ("JOR", "Ma'an", "Ma`an"),
])
def test_names_match_across_accents_punctuation_and_designations(country, plan_name, natural_earth):
    assert AreaNames(places.admin1_points(country)).match(plan_name) == natural_earth


@pytest.mark.parametrize("country, plan_name, suggestion", [
    ("CHL", "Aysen", "Aisén del General Carlos Ibáñez del Campo"),
    ("JOR", "Tafileh", "Tafilah"),
    ("ARG", "Ciudad Autonoma de Buenos Aires", "Ciudad de Buenos Aires"),
    ("CHL", "Ñuble", None),  # a region since 2018: newer than the reference
])
def test_a_name_that_matches_nothing_gets_the_closest_name_only_as_a_suggestion(country, plan_name, suggestion):
    names = AreaNames(places.admin1_points(country))
    assert names.match(plan_name) is None
    assert names.suggest(plan_name) == suggestion


def test_an_area_with_islands_is_placed_on_its_mainland():
    lon, lat, code = places.admin1_points("BRA")["Pará"]  # 19 points, 18 of them islands of the Amazon delta
    assert code == "BRA-594" and (lon, lat) == (-52.5183, -5.6437)
    # Natural Earth names Puno's point 'Callao'; geo/corrections.csv gives it back its name.
    assert places.admin1_points("PER")["Callao"][2] == "PER-3505"
    assert places.admin1_points("PER")["Puno"][:2] == (-69.9802, -15.1677)


def test_national_rows_are_not_areas():
    located = locate("COL", ["National", "Nacional", "Arauca"])
    assert list(located.points) == ["Arauca"] and located.unmatched == {}


def _geojson(tmp_path, features, name="KEN.geojson", **extra):
    path = tmp_path / "inputs" / "boundaries" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}), encoding="utf-8")
    return path


def _square(x, y, props):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}}


def test_boundaries_match_by_name_or_by_the_gazetteer_code(tmp_path):
    path = _geojson(tmp_path, [_square(34, 2, {"ADM1_EN": "Turkana", "ADM1_PCODE": "KE023"}),
                               _square(39, -1, {"ADM1_EN": "Garissa", "ADM1_PCODE": "KE007"})], source="IEBC 2024")
    b = read_boundaries(path)
    assert [(n, c) for n, c, _ in b.features] == [("Turkana", "KE023"), ("Garissa", "KE007")] and b.source == "IEBC 2024"
    located = locate("KEN", ["Turkana County", "Garisa", "Dadaab", "National"], {"Dadaab": {"code": "KE007"}}, b)
    assert located.kind == "boundaries"
    assert located.shapes == {"Turkana County": 0, "Dadaab": 1}  # 'County' names the kind of area; Dadaab by code
    assert located.unmatched == {"Garisa": "Garissa"}


@pytest.mark.parametrize("content, message", [
    ('{"type": "FeatureCollection", "features": [', "line 1, column 44: not valid JSON"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": [_square(1, 1, {"ADM1_PCODE": "X1"})]}),
     "feature 1 has no name: give each feature a 'name' property (or one of admin1, ADM1_EN"),
    (json.dumps({"type": "FeatureCollection", "features": [_square(500000, 9000000, {"name": "North"})]}),
     "feature 1 (North): coordinates are not longitude and latitude in degrees (WGS 84)"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Camp"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}),
     "feature 1 (Camp): geometry is 'Point', not a Polygon or MultiPolygon"),
])
def test_a_boundaries_file_that_cannot_be_used_is_refused_naming_file_feature_and_fix(tmp_path, content, message):
    path = tmp_path / "inputs" / "boundaries" / "KEN.geojson"
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BoundariesError) as e:
        read_boundaries(path, display="inputs/boundaries/KEN.geojson")
    assert str(e.value).startswith("inputs/boundaries/KEN.geojson: ") and message in str(e.value)


def test_a_boundaries_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = _geojson(tmp_path, [_square(34, 2, {"name": "Turkana"})])
    with pytest.raises(BoundariesError, match="over the 0 MB a file may have; simplify the boundaries"):
        read_boundaries(path, max_bytes=100)


def test_gazetteer_coordinates_are_checked_with_their_line(tmp_path):
    from rcm_docs.intake.readers.registries import RegistryError

    path = tmp_path / "inputs" / "gazetteer.csv"
    path.parent.mkdir()
    path.write_text("country,admin1,code,lon,lat\nKEN,Turkana,KE023,,\nKEN,Kakuma,,35.8,3.7\nKEN,Dadaab,,40.3,\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"line 4: lon '40.3', lat '' are not a longitude and a latitude"):
        read_gazetteer_places(path, ["KEN"])
    path.write_text("country,admin1,code,lon,lat\nKEN,Turkana,KE023,,\nKEN,Kakuma,,35.8,3.7\n", encoding="utf-8")
    assert read_gazetteer_places(path, ["KEN"]) == {"KEN": {"Turkana": {"code": "KE023", "lon": None, "lat": None},
                                                           "Kakuma": {"code": "", "lon": 35.8, "lat": 3.7}}}


def test_areas_no_map_can_place_are_listed_in_the_validation_summary_with_file_rows_and_suggestion(tmp_path):
    from conftest import copy_fixture

    from rcm_docs.steps.validate import validate_country, validation_summary

    ws = copy_fixture(tmp_path / "ws")
    with open(ws / "inputs/submissions/UGA/PRO.csv", "a", encoding="utf-8") as f:
        f.write("UNHCR,Access to asylum,Registration,# of people registered,Adjumanni,1000,100,0\n"
                "UNHCR,Access to asylum,Reception,# of people received,Nakivale,1000,100,0\n"
                "UNHCR,Access to asylum,Legal aid,# of people receiving legal aid,Nakivale,1000,100,0\n")
    (ws / "inputs/boundaries/KEN.geojson").write_text('{"type": "FeatureCollection", "features": [}', encoding="utf-8")
    data = tmp_path / "data"
    statuses = [validate_country(root=ws, country=c, rows_out=data / f"{c}.rows.csv",
                                 status_out=data / f"{c}.status.json", reports_dir=tmp_path / "reports" / c)
                for c in ("KEN", "UGA")]
    assert statuses[1]["unmapped"] == [
        {"admin1": "Adjumanni", "file": "inputs/submissions/UGA/PRO.csv", "rows": [4], "suggestion": "Adjumani"},
        {"admin1": "Nakivale", "file": "inputs/submissions/UGA/PRO.csv", "rows": [5, 6], "suggestion": None}]
    validation_summary(root=ws, status_jsons=[data / "KEN.status.json", data / "UGA.status.json"],
                       out_md=tmp_path / "summary.md", out_html=tmp_path / "summary.html")
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    section = summary[summary.index("## Areas not on the maps"):]
    assert ("- KEN: the admin1 boundaries cannot be used, so its chapter is not built: inputs/boundaries/KEN.geojson: "
            "line 1, column 44: not valid JSON") in section
    assert "| UGA | `Adjumanni` | inputs/submissions/UGA/PRO.csv | 4 | Adjumani |" in section
    assert "| UGA | `Nakivale` | inputs/submissions/UGA/PRO.csv | 5, 6 | none close |" in section


def test_the_geo_reference_and_its_attribution_ship_in_the_package():
    import fnmatch
    import tomllib

    from conftest import ROOT

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["rcm_docs.common"]
    files = sorted(p.relative_to(places.GEO.parent).as_posix() for p in places.GEO.iterdir())
    assert files == ["geo/README.md", "geo/admin1_label_points.csv", "geo/corrections.csv", "geo/countries_50m.geojson"]
    assert all(any(fnmatch.fnmatch(f, pattern) for pattern in data) for f in files)
    assert "public domain" in (places.GEO / "README.md").read_text(encoding="utf-8") and "Natural Earth" in places.NATURAL_EARTH


def test_the_shipped_outlines_are_polygons_in_longitude_and_latitude():
    # countries() trusts the shipped file as parsed; this is the check it would otherwise make on each read.
    data = json.loads((places.GEO / "countries_50m.geojson").read_text(encoding="utf-8"))
    for f in data["features"]:
        assert places._polygons(f["geometry"]), f["properties"]
    assert len(places.countries()) == len(data["features"]) == 241

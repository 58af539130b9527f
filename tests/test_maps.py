"""Maps drawn from the figures: circle areas proportional to people targeted, choropleth classes, the regional
map by requirements, and every area accounted for (shown, or named in the map's note)."""
import json
import math

import docx
import pymupdf
import pytest
from docx.oxml.ns import qn

from rcm_docs.common.plan import workspace_plan
from rcm_docs.documents.pictures import maps
from rcm_docs.intake.readers import places
from rcm_docs.intake.readers.places import workspace_locations

# tests/fixtures/ws by hand. UGA PRO: Adjumani 20,000 refugees + 5,000 host community; Yumbe 6,000 + 1,000.
# KEN, per area the highest sector figure: Turkana: PRO 10,000 refugees (max of 10,000 and 4,000) + 1,000 host,
# EDU 8,000 + 2,000 -> refugees max(10,000, 8,000) + host max(1,000, 2,000) = 12,000 (the figures' rule, per
# population group); Garissa: PRO 3,000 + 500, EDU 5,000 + 0 -> 5,000 + 500 = 5,500.
UGA_AREAS = {"Adjumani": 25_000, "Yumbe": 7_000}
KEN_AREAS = {"Turkana": 12_000, "Garissa": 5_500}


def test_class_breaks_are_quantiles_rounded_up_to_two_figures():
    values = [1_000, 2_000, 3_000, 4_000, 10_000, 25_000, 60_000, 120_000]
    assert maps.class_breaks(values) == [2_000, 4_000, 25_000, 120_000]
    assert [maps.class_of(v, [2_000, 4_000, 25_000, 120_000]) for v in (0, 1, 2_000, 2_001, 25_000, 25_001)] == \
        [None, 0, 0, 1, 2, 3]
    assert maps.class_breaks([12_345, 98_000, 240_000]) == [13_000, 98_000, 240_000]
    assert maps.class_breaks([5_000, 5_000]) == [5_000]  # one distinct value, one class
    assert maps.class_labels([2_000, 4_000, 25_000], lambda v: f"{v:,.0f}") == \
        ["up to 2,000", "2,000 to 4,000", "over 4,000"]


def test_circle_area_is_proportional_to_the_figure():
    assert maps.radius(25_000, 25_000, 0.5) == 0.5
    assert maps.radius(6_250, 25_000, 0.5) == 0.25  # a quarter of the people, a quarter of the area
    assert maps.radius(0, 25_000, 0.5) == 0.0


def test_fit_keeps_the_box_and_fills_the_frame():
    view = maps.fit((-75.7, -66.4, -55.9, -17.5), 8.25, 4.5, 9.5, margin=0.0)  # Chile: long and thin
    assert (view.width, round(view.height, 6)) == (8.25, 9.5)
    west, east, south, north = view.lonlat_box()
    assert west < -75.7 and east > -66.4 and round(south, 6) == -55.9 and round(north, 6) == -17.5
    x, y = view.xy(-71.05, -36.7)  # the middle of the box is the middle of the frame
    assert x == pytest.approx(8.25 / 2) and y == pytest.approx(9.5 / 2)


def test_shapes_are_cut_to_the_frame():
    # A square half outside the frame's left edge keeps its inside half; a triangle across a corner its tip.
    assert sorted(maps._clip([(-1, 1), (2, 1), (2, 2), (-1, 2)], (0, 3, 0, 3))) == [(0, 1), (0, 2), (2, 1), (2, 2)]
    assert set(maps._clip([(2, 2), (4, 2), (2, 4)], (0, 3, 0, 3))) == {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert maps._clip([(5, 5), (6, 5), (6, 6)], (0, 3, 0, 3)) == []


def test_country_map_circles_from_the_fixture_figures(built):
    plan = workspace_plan(built)
    fig = json.loads((built / "build/figures/UGA.json").read_text(encoding="utf-8"))
    assert {a["admin1"]: a["targeted"] for a in fig["areas"]} == UGA_AREAS
    located = workspace_locations(built, plan, "UGA", list(UGA_AREAS))
    spec, alt = maps.country_map("UGA", "Uganda", fig["areas"], located, "31 March 2026", 8.25, 9.5)
    r = {c["name"]: c["r"] for c in spec["circles"]}
    assert r["Adjumani"] == pytest.approx(min(maps.R_MAX * 8.25, 0.6), abs=1e-4)
    assert (r["Yumbe"] / r["Adjumani"]) ** 2 == pytest.approx(7_000 / 25_000, rel=1e-3)
    # Adjumani's circle sits on Natural Earth's point for it.
    points = [places.admin1_points("UGA")[n][:2] for n in ("Adjumani", "Yumbe")]
    view = maps.fit(maps._union([maps.country_box("UGA")] + [(x, x, y, y) for x, y in points]), 8.25, 8.25 * 0.55, 9.5)
    ax, ay = view.xy(*points[0])
    adjumani = next(c for c in spec["circles"] if c["name"] == "Adjumani")
    assert (adjumani["x"], adjumani["y"]) == (pytest.approx(ax, abs=1e-3), pytest.approx(ay, abs=1e-3))
    assert [lb["lines"] for lb in spec["labels"] if lb["style"] == "area"] == [["Adjumani", "25,000"], ["Yumbe", "7,000"]]
    assert spec["legend"]["items"][0] == {"r": pytest.approx(maps.radius(20_000, 25_000, r["Adjumani"]), abs=1e-4),
                                          "text": "20,000"}
    assert spec["note"] == "" and spec["disclaimer"] == maps.DISCLAIMER
    assert spec["source"] == ("Source: Natural Earth (public domain) for boundaries and area locations; figures: "
                              "sector submissions, as of 31 March 2026.")
    assert alt == "Map: people targeted by area, Uganda, Adjumani 25,000, Yumbe 7,000."


def test_country_map_with_boundaries_is_a_choropleth_of_the_fixture_figures(built):
    plan = workspace_plan(built)
    fig = json.loads((built / "build/figures/KEN.json").read_text(encoding="utf-8"))
    assert {a["admin1"]: a["targeted"] for a in fig["areas"]} == KEN_AREAS
    located = workspace_locations(built, plan, "KEN", list(KEN_AREAS))
    assert located.kind == "boundaries" and located.unmatched == {}
    spec, _ = maps.country_map("KEN", "Kenya", fig["areas"], located, "31 March 2026", 8.25, 9.5)
    # Two values, two classes: up to 5,500 and over 5,500; Nairobi has none planned.
    assert spec["classes"] == [{"area": "Turkana", "value": 12_000, "class": 1},
                               {"area": "Garissa", "value": 5_500, "class": 0}]
    assert [i["text"] for i in spec["legend"]["items"]] == ["up to 5,500", "over 5,500", "none planned"]
    fills = {layer["fill"]: len(layer["rings"]) for layer in spec["layers"][1:]}
    assert fills == {maps.NO_DATA: 1, maps.BLUES[0]: 1, maps.BLUES[-1]: 1}  # Nairobi, Garissa, Turkana
    assert spec["source"].startswith("Source: admin1 boundaries: test boundaries drawn for the fixture; country")


def test_areas_without_a_location_are_named_in_the_note_never_dropped():
    areas = [{"admin1": "Adjumani", "targeted": 25_000}, {"admin1": "Nakivale", "targeted": 3_000},
             {"admin1": "Yumbe", "targeted": 7_000}, {"admin1": "Adjumanni camp", "targeted": 1_200}]
    located = places.locate("UGA", [a["admin1"] for a in areas])
    spec, alt = maps.country_map("UGA", "Uganda", areas, located, "31 March 2026", 8.25, 9.5)
    assert [c["name"] for c in spec["circles"]] == ["Adjumani", "Yumbe"]
    assert spec["note"] == ("2 areas not shown, no map location found for their names: Adjumanni camp (1,200), "
                            "Nakivale (3,000).")
    assert alt.endswith(spec["note"])


def test_regional_map_shades_the_countries_by_their_requirements():
    countries = [{"code": "COL", "name": "Colombia", "requirements": 406_200_000},
                 {"code": "PER", "name": "Peru", "requirements": 264_000_000},
                 {"code": "ECU", "name": "Ecuador", "requirements": 106_400_000},
                 {"code": "BRA", "name": "Brazil", "requirements": 103_600_000},
                 {"code": "CHL", "name": "Chile", "requirements": 96_100_000}]
    spec, alt = maps.regional_map(countries, "USD", "15 November 2026", 8.25, 9.5)
    # Five values, up to four classes: quantile breaks at the 2nd, 3rd and 4th values rounded up to two
    # figures (103.6 and 106.4 million both give 110 million: one break), then the largest value.
    assert maps.class_breaks([c["requirements"] for c in countries]) == [110_000_000, 270_000_000, 406_200_000]
    fills = [layer["fill"] for layer in spec["layers"][1:]]
    assert fills == [maps.BLUES[4], maps.BLUES[2], maps.BLUES[0], maps.BLUES[0], maps.BLUES[0]]
    assert [i["text"] for i in spec["legend"]["items"]] == [
        "up to USD 110.0 million", "USD 110.0 million to USD 270.0 million", "over USD 270.0 million"]
    assert {tuple(lb["lines"]) for lb in spec["labels"] if lb["style"] == "area"} == {
        ("Colombia", "USD 406.2 million"), ("Peru", "USD 264.0 million"), ("Ecuador", "USD 106.4 million"),
        ("Brazil", "USD 103.6 million"), ("Chile", "USD 96.1 million")}
    assert alt.startswith("Map: financial requirements by country, Colombia USD 406.2 million, Peru USD 264.0 million")
    # Every plan country whole in the frame: Colombia's north coast to Chile's Cape Horn.
    ys = [y for layer in spec["layers"][1:] for r in layer["rings"] for y in r[1::2]]
    assert 0 < min(ys) and max(ys) < spec["height"]


def test_a_plan_with_nothing_submitted_yet_gets_a_map_that_says_so():
    countries = [{"code": "SDN", "name": "Sudan", "requirements": 0.0}, {"code": "TCD", "name": "Chad",
                                                                          "requirements": 250_000.0}]
    spec, alt = maps.regional_map(countries, "USD", "31 March 2026", 8.25, 9.5)
    assert [layer["fill"] for layer in spec["layers"][1:]] == [maps.NO_DATA, maps.BLUES[3]]
    assert spec["legend"]["items"] == [{"fill": maps.BLUES[3], "text": "USD 250,000"},
                                       {"fill": maps.NO_DATA, "text": "none submitted"}]
    spec, _ = maps.regional_map([{**countries[0]}], "USD", "31 March 2026", 8.25, 9.5)
    assert spec["legend"]["items"] == [{"fill": maps.NO_DATA, "text": "none submitted"}]


def test_maps_are_in_both_formats_with_source_disclaimer_and_alt_text(built):
    d = docx.Document(str(built / "build/rrp/UGA.docx"))
    alts = [el.get("descr") for el in d.element.body.iter(qn("wp:docPr"))]
    assert "Map: people targeted by area, Uganda, Adjumani 25,000, Yumbe 7,000." in alts
    assert (built / "build/charts/UGA/chart-map.alt.txt").read_text(encoding="utf-8").strip() in alts
    pdf = pymupdf.open(built / "build/rrp/UGA.pdf")
    page = " ".join(pdf[1].get_text().split())
    assert "People targeted by area, Uganda" in page and "Adjumani 25,000" in page
    assert ("do not imply official endorsement or acceptance by the United Nations." in page
            and "Source: Natural Earth (public domain)" in page)
    assert math.isclose(pdf[1].rect.width, 595.3, abs_tol=1)  # drawn in the page: vector, not a picture
    assert not pdf[1].get_images()


def test_a_broken_boundaries_file_blocks_only_its_countrys_chapter_naming_the_file(tmp_path):
    from conftest import copy_fixture, snakemake

    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/boundaries/KEN.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                                      '"properties": {"ADM1_PCODE": "KE023"}, "geometry": null}]}', encoding="utf-8")
    result = snakemake(ws, "--keep-going")
    assert result.returncode != 0
    assert ("inputs/boundaries/KEN.geojson: feature 1 has no name: give each feature a 'name' property"
            in result.stdout + result.stderr)
    assert not (ws / "build/rrp/KEN.pdf").exists() and (ws / "build/rrp/UGA.pdf").exists()
    assert (ws / "build/keypoints/KEN.pdf").exists()  # no map there: the key points still build
    assert "KEN: the admin1 boundaries cannot be used" in (ws / "build/reports/summary.md").read_text(encoding="utf-8")


def test_a_boundaries_file_no_rule_reads_stops_the_build_before_any_job(tmp_path):
    from conftest import copy_fixture, snakemake

    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/boundaries/KEN.geojson").rename(ws / "inputs/boundaries/kenya_adm1.geojson")
    result = snakemake(ws, "-n")
    assert result.returncode != 0
    assert "kenya_adm1.geojson: admin1 boundaries go in inputs/boundaries/<ISO3>.geojson" in result.stdout + result.stderr


def test_no_map_rather_than_an_empty_one_for_a_country_without_an_outline(tmp_path):
    from rcm_docs.documents.pictures.charts import map_for

    fig = {"code": "REU", "name": "Réunion", "areas": [{"admin1": "Saint-Denis", "targeted": 1_000}]}
    assert "REU" not in places.countries()  # part of France's outline in Natural Earth
    assert map_for(fig, "2026-03-31", "USD", tmp_path, "chart") is None
    assert not list(tmp_path.iterdir())

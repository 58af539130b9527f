import pandas as pd
import pytest

from rcm_docs.model.figures import consolidate, country_figures, regional_figures

TYPES = {"UNHCR": "UN", "NRC": "INGO", "RVN": "Refugee-led organisation"}


def rows(*items):
    cols = ["sector", "organisation", "admin1", "budget_usd", "cva_usd", "target_refugees", "target_host_community"]
    df = pd.DataFrame([dict(zip(cols, i)) for i in items])
    df["organisation_type"] = df["organisation"].map(TYPES)
    df["source_file"] = "f.csv"
    return df


KEN = rows(
    ("PRO", "UNHCR", "Turkana", 500000, None, 10000, 0),
    ("PRO", "NRC", "Turkana", 200000, 50000, 4000, 1000),
    ("PRO", "UNHCR", "Garissa", 150000, None, 3000, 500),
    ("PRO", "RVN", "National", 25000, None, 12000, 0),
    ("EDU", "UNHCR", "turkana ", 300000, None, 8000, 2000),
    ("EDU", "NRC", "Garissa", 120000, None, 5000, 0),
)
POP = pd.DataFrame({"country": ["KEN", "KEN"], "population_group": ["refugees", "host_community"],
                    "current": [700000, 300000], "planned": [750000, 310000]})


def test_people_within_a_sector_take_the_highest_activity_per_area_not_the_sum():
    by_sector, _ = consolidate(KEN, ["refugees", "host_community"])
    # Turkana max(10000, 4000) + Garissa 3000; the National row (12000) is lower than the areas' sum.
    assert by_sector.loc["PRO"].tolist() == [13000, 1500]
    assert by_sector.loc["EDU"].tolist() == [13000, 2000]


def test_people_across_sectors_take_the_highest_sector_per_area():
    _, total = consolidate(KEN, ["refugees", "host_community"])
    # Turkana max(PRO 10000, EDU 8000) + Garissa max(3000, 5000); host max(1000, 2000) + max(500, 0)
    assert total.tolist() == [15000, 2500]


def test_every_area_gets_its_people_targeted_for_the_map(plan):
    fig = country_figures(plan, "KEN", KEN, POP, TYPES)
    # Turkana: refugees max(PRO 10,000, EDU 8,000) + host max(PRO 1,000, EDU 2,000) ('turkana ' is Turkana);
    # Garissa: max(3,000, 5,000) + max(500, 0); the National row is no area.
    assert fig["areas"] == [{"admin1": "Turkana", "targeted": 12000}, {"admin1": "Garissa", "targeted": 5500}]
    assert fig["top_areas"] == fig["areas"]


def test_national_row_is_never_added_to_the_areas_it_summarises():
    df = rows(("PRO", "UNHCR", "National", 1000, None, 9000, 0), ("PRO", "NRC", "Turkana", 1000, None, 4000, 0),
              ("PRO", "NRC", "Garissa", 1000, None, 3000, 0))
    by_sector, total = consolidate(df, ["refugees", "host_community"])
    assert by_sector.loc["PRO", "target_refugees"] == 9000
    assert total["target_refugees"] == 9000


def test_country_figures_add_budgets_and_count_partners_once(plan):
    fig = country_figures(plan, "KEN", KEN, POP, TYPES)
    assert fig["requirements"] == 1295000
    assert [s["requirements"] for s in fig["sectors"]] == [875000, 420000]
    assert fig["partners"] == 3
    assert fig["cva"] == 50000
    assert fig["targets"] == {"refugees": 15000, "host_community": 2500}
    assert (fig["targeted_refugees"], fig["targeted_host"]) == (15000, 2500)
    assert fig["population_current"] == 700000  # host community kept apart from the refugee population
    assert fig["local_requirements"] == 25000 and fig["local_share"] == pytest.approx(25000 / 1295000)
    assert fig["partner_annex"][0] == {"organisation": "UNHCR", "type": "UN",
                                       "by_sector": {"PRO": 650000, "EDU": 300000}, "total": 950000}


def test_regional_figures_reconcile_with_the_countries(plan):
    ken = country_figures(plan, "KEN", KEN, POP, TYPES)
    uga_rows = rows(("PRO", "UNHCR", "Adjumani", 400000, None, 20000, 5000))
    uga = country_figures(plan, "UGA", uga_rows, POP.assign(country="UGA"), TYPES)
    reg = regional_figures(plan, [ken, uga])
    assert reg["requirements"] == ken["requirements"] + uga["requirements"] == 1695000
    assert reg["targets"] == {"refugees": 35000, "host_community": 7500}
    assert reg["partners"] == 3  # UNHCR works in both countries and is counted once
    assert [c["requirements"] for c in reg["countries"]] == [1295000, 400000]
    assert reg["sectors"][0]["requirements"] == 875000 + 400000
    assert sum(p["total"] for p in reg["partner_annex"]) == reg["requirements"]


def test_country_with_no_submissions_has_zero_figures_not_an_error(plan):
    fig = country_figures(plan, "UGA", KEN.iloc[0:0], POP, TYPES)
    assert (fig["requirements"], fig["partners"], fig["targeted"]) == (0, 0, 0)
    assert not any(s["submitted"] for s in fig["sectors"])

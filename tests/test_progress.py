import json

import pandas as pd
import pytest

from rcm_docs.intake.readers.progress import (
    ProgressReason,
    read_key_figures,
    validate_progress,
)
from rcm_docs.intake.tables.contract import Reason
from rcm_docs.model.figures import country_figures
from rcm_docs.model.progress import consolidate_reached, progress_figures

GROUPS = ["refugees", "host_community"]
HEAD = "country,sector,organisation,indicator,admin1,reached,reached_refugees,reached_host_community"
GOOD = "KEN,PRO,UNICEF,# children reached,Turkana,150,100,50"
FIG_HEAD = "country,figure,value,as_of,source"
FIG_GOOD = "KEN,New arrivals,1200,2026-06-30,UNHCR registration"


def rows(*items):
    cols = ["country", "sector", "organisation", "admin1", "reached", "reached_refugees", "reached_host_community"]
    return pd.DataFrame([dict(zip(cols, i)) for i in items])


def progress_file(tmp_path, plan, registry, body, head=HEAD, **kw):
    p = tmp_path / "progress.csv"
    p.write_text(head + "\n" + body + "\n", encoding="utf-8")
    return validate_progress(p, plan, registry, display="inputs/sitreps/2026-06/progress/progress.csv", **kw)


def figures_file(tmp_path, plan, body, head=FIG_HEAD):
    p = tmp_path / "figures.csv"
    p.write_text(head + "\n" + body + "\n", encoding="utf-8")
    return read_key_figures(p, plan)


def only(problems):
    assert len(problems) == 1, [(p.reason, p.row, p.message) for p in problems]
    return problems[0]


def test_consolidate_reached_takes_highest_organisation_per_area_within_a_sector():
    by_sector, _ = consolidate_reached(rows(
        ("KEN", "PRO", "UNICEF", "Turkana", 800, None, None),
        ("KEN", "PRO", "NRC", "Turkana", 500, None, None),
        ("KEN", "PRO", "NRC", "Garissa", 300, None, None),
    ), GROUPS)
    # Turkana max(800, 500) + Garissa 300, not 800 + 500 + 300
    assert by_sector.at["PRO", "reached"] == 1100


def test_consolidate_reached_takes_highest_sector_per_area_across_sectors():
    _, total = consolidate_reached(rows(
        ("KEN", "PRO", "UNICEF", "Turkana", 800, None, None),
        ("KEN", "PRO", "NRC", "Garissa", 300, None, None),
        ("KEN", "EDU", "NRC", "Turkana", 900, None, None),
        ("KEN", "EDU", "UNICEF", "Garissa", 100, None, None),
    ), GROUPS)
    # Turkana max(PRO 800, EDU 900) + Garissa max(300, 100)
    assert total["reached"] == 1200


@pytest.mark.parametrize("national,expected", [(1000, 1100), (1500, 1500)])
def test_consolidate_reached_never_adds_national_row_to_areas(national, expected):
    by_sector, total = consolidate_reached(rows(
        ("KEN", "PRO", "UNICEF", "Turkana", 800, None, None),
        ("KEN", "PRO", "NRC", "Garissa", 300, None, None),
        ("KEN", "PRO", "NRC", "National", national, None, None),
    ), GROUPS)
    # max(national, 800 + 300), never national + 800 + 300
    assert (by_sector.at["PRO", "reached"], total["reached"]) == (expected, expected)


def test_consolidate_reached_consolidates_each_group_column_separately():
    by_sector, total = consolidate_reached(rows(
        ("KEN", "PRO", "UNICEF", "Turkana", 800, 600, 200),
        ("KEN", "PRO", "NRC", "Turkana", 700, 200, 500),
        ("KEN", "PRO", "NRC", "Garissa", 50, None, None),  # breakdown unknown: counts in reached only
    ), GROUPS)
    assert by_sector.loc["PRO"].to_dict() == {"reached": 850, "reached_refugees": 600, "reached_host_community": 500}
    assert total.to_dict() == {"reached": 850, "reached_refugees": 600, "reached_host_community": 500}


def test_consolidate_reached_refuses_rows_of_two_countries():
    with pytest.raises(ValueError, match="one country"):
        consolidate_reached(rows(("KEN", "PRO", "NRC", "Turkana", 1, 1, 0), ("UGA", "PRO", "NRC", "Arua", 1, 1, 0)), GROUPS)


def test_validate_progress_clean_file_gives_typed_rows_with_provenance(tmp_path, plan, registry):
    out, problems = progress_file(tmp_path, plan, registry, GOOD + "\nuga,edu,NRC,# pupils,Arua,70,,")
    assert problems == []
    assert out["organisation"].tolist() == ["United Nations Children's Fund", "Norwegian Refugee Council"]
    assert out[["country", "sector"]].values.tolist() == [["KEN", "PRO"], ["UGA", "EDU"]]
    assert out["reached"].tolist() == [150, 70]
    assert out["reached_refugees"].isna().tolist() == [False, True]  # blank group: unknown, not zero
    assert out["source_row"].tolist() == [2, 3]


def test_validate_progress_unknown_organisation_suggests_registered_name(tmp_path, plan, registry):
    out, problems = progress_file(tmp_path, plan, registry, GOOD.replace("UNICEF", "UNICF"))
    p = only(problems)
    assert (p.reason, p.row, p.column, p.cell, p.value) == (Reason.UNKNOWN_ORGANISATION, 2, "organisation", "line 2, column 3", "UNICF")
    assert "did you mean \"United Nations Children's Fund\"?" in p.fix
    assert out.empty


def test_validate_progress_negative_reached_is_an_error(tmp_path, plan, registry):
    p = only(progress_file(tmp_path, plan, registry, "KEN,PRO,NRC,# aided,Garissa,-5,,")[1])
    assert (p.reason, p.row, p.column, p.value) == (Reason.NEGATIVE, 2, "reached", "-5")
    assert "zero or a positive" in p.fix


def test_validate_progress_text_in_reached_suggests_the_number(tmp_path, plan, registry):
    p = only(progress_file(tmp_path, plan, registry, GOOD + '\nKEN,PRO,NRC,# aided,Garissa,"1,200 people",,')[1])
    assert (p.reason, p.row, p.cell, p.value) == (Reason.NOT_A_NUMBER, 3, "line 3, column 6", "1,200 people")
    assert "did you mean 1200?" in p.fix


def test_validate_progress_group_sum_above_reached_is_an_error(tmp_path, plan, registry):
    # 100 refugees alone already exceed the 90 reached, even with host community unknown
    p = only(progress_file(tmp_path, plan, registry, "KEN,PRO,UNICEF,# children reached,Turkana,90,100,")[1])
    assert (p.reason, p.row, p.column) == (ProgressReason.REACHED_BREAKDOWN_MISMATCH, 2, "reached_refugees")
    assert p.message == "reached_refugees + reached_host_community = 100 but reached is 90"


def test_validate_progress_complete_breakdown_below_reached_is_an_error(tmp_path, plan, registry):
    p = only(progress_file(tmp_path, plan, registry, "KEN,PRO,UNICEF,# children reached,Turkana,160,100,50")[1])
    assert (p.reason, p.row) == (ProgressReason.REACHED_BREAKDOWN_MISMATCH, 2)


def test_validate_progress_unknown_country_and_sector_are_named_with_suggestions(tmp_path, plan, registry):
    problems = progress_file(tmp_path, plan, registry, "KNE,PRT,UNICEF,# children reached,Turkana,150,100,50")[1]
    assert [(p.reason, p.column, p.value) for p in problems] == [
        (ProgressReason.UNKNOWN_COUNTRY, "country", "KNE"), (ProgressReason.UNKNOWN_SECTOR, "sector", "PRT")]
    assert 'did you mean "KEN"?' in problems[0].fix and 'did you mean "PRO"?' in problems[1].fix


def test_validate_progress_duplicate_row_names_the_first_row(tmp_path, plan, registry):
    p = only(progress_file(tmp_path, plan, registry, GOOD + "\n" + GOOD.replace("UNICEF", "United Nations Children's Fund"))[1])
    assert (p.reason, p.row) == (Reason.DUPLICATE_ROW, 3)
    assert "as row 2" in p.message


def test_validate_progress_missing_reached_column_is_reported_on_the_header(tmp_path, plan, registry):
    p = only(progress_file(tmp_path, plan, registry, "KEN,PRO,UNICEF,# children reached,Turkana",
                           head="country,sector,organisation,indicator,admin1")[1])
    assert (p.reason, p.row, p.column) == (Reason.MISSING_COLUMN, 1, "reached")


def test_validate_progress_unknown_admin1_suggests_gazetteer_name(tmp_path, plan, registry):
    gazetteer = {"KEN": {"turkana": "Turkana", "garissa": "Garissa"}, "UGA": {}}
    out, problems = progress_file(tmp_path, plan, registry, GOOD.replace("Turkana", "Turkan") + "\nKEN,PRO,NRC,# aided,National,5,,",
                                  admin1=gazetteer)
    p = only(problems)
    assert (p.reason, p.row, p.value) == (Reason.UNKNOWN_ADMIN1, 2, "Turkan")
    assert 'did you mean "Turkana"?' in p.fix


def test_validate_progress_runs_on_50000_rows(tmp_path, plan, registry):
    lines = [f"KEN,PRO,UNICEF,# reached {i},Area {i % 40},{i % 900 + 10},{i % 900},10" for i in range(50_000)]
    out, problems = progress_file(tmp_path, plan, registry, "\n".join(lines))
    assert problems == [] and len(out) == 50_000


def test_read_key_figures_clean_file_gives_typed_figures(tmp_path, plan):
    out, problems = figures_file(tmp_path, plan, FIG_GOOD + "\nRegional,Total population,2500000,2026-06-01,Governments")
    assert problems == []
    assert out[["country", "value", "as_of", "source_row"]].values.tolist() == [
        ["KEN", 1200.0, "2026-06-30", 2], ["regional", 2500000.0, "2026-06-01", 3]]


@pytest.mark.parametrize("line,reason,column,value", [
    ("KEN,New arrivals,1200,30/06/2026,UNHCR", ProgressReason.NOT_A_DATE, "as_of", "30/06/2026"),
    ("KEN,New arrivals,1200,2026-02-30,UNHCR", ProgressReason.NOT_A_DATE, "as_of", "2026-02-30"),
    ("TZA,New arrivals,1200,2026-06-30,UNHCR", ProgressReason.UNKNOWN_COUNTRY, "country", "TZA"),
    ("KEN,Returns,1200,2026-06-30,", Reason.MISSING_VALUE, "source", ""),
    ("KEN,Returns,-3,2026-06-30,UNHCR", Reason.NEGATIVE, "value", "-3"),
])
def test_read_key_figures_bad_line_is_reported_with_line_and_fix(tmp_path, plan, line, reason, column, value):
    out, problems = figures_file(tmp_path, plan, FIG_GOOD + "\n" + line)
    p = only(problems)
    assert (p.reason, p.row, p.column, p.value) == (reason, 3, column, value)
    assert p.cell.startswith("line 3, column ") and p.fix
    assert out.empty


def test_progress_figures_compare_consolidated_reach_with_targets(plan):
    targets = pd.DataFrame({"sector": ["PRO"], "organisation": ["NRC"], "admin1": ["Turkana"], "budget_usd": [1000.0],
                            "cva_usd": [None], "target_refugees": [1500], "target_host_community": [500], "source_file": ["f"]})
    pop = pd.DataFrame(columns=["country", "population_group", "current", "planned"])
    country_fig = country_figures(plan, "KEN", targets, pop, {"NRC": "INGO"})  # PRO targets 2000, EDU 0
    reached = rows(
        ("KEN", "PRO", "UNICEF", "Turkana", 800, 600, 200),
        ("KEN", "PRO", "NRC", "Garissa", 300, None, None),
        ("KEN", "EDU", "NRC", "Turkana", 900, None, None),
        ("UGA", "PRO", "NRC", "Arua", 5000, None, None),  # another country: not counted
    )
    fig = progress_figures(plan, "KEN", reached, country_fig)
    pro, edu = fig["sectors"]
    assert (pro["reached"], pro["targeted"], pro["percent_reached"], pro["partners"]) == (1100, 2000, 55.0, 2)
    assert pro["reached_by_group"] == {"refugees": 600, "host_community": 200}
    assert (edu["reached"], edu["targeted"], edu["percent_reached"]) == (900, 0, None)
    assert edu["reached_by_group"] == {"refugees": None, "host_community": None}
    # Turkana max(800, 900) + Garissa 300 against the country's 2000 targeted
    assert (fig["reached"], fig["targeted"], fig["percent_reached"], fig["partners"]) == (1200, 2000, 60.0, 2)
    json.dumps(fig)


def test_cumulative_reach_adds_a_partners_months_then_consolidates_like_targets(plan):
    import pandas as pd

    from rcm_docs.model.progress import cumulative_rows, progress_figures

    def month(*rows):
        return pd.DataFrame([dict(zip(["country", "sector", "organisation", "indicator", "admin1", "reached",
                                       "reached_refugees", "reached_host_community"], r)) for r in rows])

    june = month(("KEN", "PRO", "UNHCR", "# registered", "Turkana", 1000, 800, 200),
                 ("KEN", "PRO", "NRC", "# legal aid", "Turkana", 600, 600, 0))
    july = month(("KEN", "PRO", "UNHCR", "# registered", "Turkana", 500, 500, 0))
    august = month()
    fig = {"targeted": 10000, "sectors": [{"code": "PRO", "targeted": 10000}, {"code": "EDU", "targeted": 0}]}
    done = progress_figures(plan, "KEN", cumulative_rows([june, july, august]), fig)
    # UNHCR's June and July add up (1,300 refugees, 200 host); NRC's 600 in the same area do not add to them.
    assert done["reached"] == 1300 + 200
    assert done["sectors"][0]["reached_by_group"] == {"refugees": 1300, "host_community": 200}
    assert done["percent_reached"] == 15.0

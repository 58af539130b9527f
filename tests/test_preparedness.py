"""Preparedness: a country at risk's inputs checked in the submitter's terms, its figures recomputed by hand on
tests/fixtures/prep (Tanzania preparing for arrivals into Kigoma and Kagera, on the fixture plan of 2026-03-31)."""
import shutil

import pandas as pd
import pytest
from conftest import FIXTURE, ROOT, copy_fixture

from rcm_docs.common.plan import load_plan
from rcm_docs.intake.readers.framework import read_coordination, read_indicators
from rcm_docs.intake.readers.registries import read_partners
from rcm_docs.intake.tables.contract import Reason
from rcm_docs.model.preparedness import (
    preparedness_figures,
    regional_preparedness,
    risk_level,
)
from rcm_docs.steps.preparedness import check_preparedness

PREP = ROOT / "tests" / "fixtures" / "prep"


def prep_workspace(dest):
    """tests/fixtures/ws with Tanzania preparing: the prep overlay, plan.yaml's preparedness list, its partner."""
    ws = copy_fixture(dest)
    shutil.copytree(PREP / "inputs", ws / "inputs", dirs_exist_ok=True)
    with (ws / "inputs" / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("preparedness: [TZA]\n")
    with (ws / "inputs" / "partners.csv").open("a", encoding="utf-8") as f:
        f.write((PREP / "partners_extra.csv").read_text(encoding="utf-8"))
    return ws


def figures(ws):
    results, data = check_preparedness(ws, "TZA")
    plan = load_plan(ws / "inputs" / "plan.yaml")
    inputs = ws / "inputs"
    fig = preparedness_figures(plan, "TZA", data["scenario"], data["actions"], data["capacity"], data["rows"],
                               read_partners(inputs / "partners.csv"), read_indicators(inputs / "indicators.csv", plan),
                               read_coordination(inputs / "coordination.csv", plan))
    return results, fig


@pytest.fixture(scope="module")
def prep(tmp_path_factory):
    return prep_workspace(tmp_path_factory.mktemp("prep") / "ws")


@pytest.fixture(scope="module")
def fig(prep):
    results, fig = figures(prep)
    assert [(r.file, r.verdict) for _, r in results if r.verdict == "rejected"] == []
    return fig


def test_the_fixture_files_are_accepted_and_a_late_review_is_a_warning(prep):
    results, _ = check_preparedness(prep, "TZA")
    verdicts = {r.file: r.verdict for _, r in results}
    assert verdicts == {"inputs/preparedness/TZA/scenario.yaml": "accepted with warnings",
                        "inputs/preparedness/TZA/actions.csv": "accepted",
                        "inputs/preparedness/TZA/capacity.csv": "accepted",
                        "inputs/preparedness/TZA/submissions/PRO.csv": "accepted",
                        "inputs/preparedness/TZA/submissions/WASH.csv": "accepted"}
    (late,) = results[0][1].problems
    assert (late.reason, late.row, late.column, late.value) == (Reason.REVIEW_DUE, 3, "next_review", "2026-03-15")


def test_risk_is_likelihood_times_impact_and_a_high_risk_calls_for_advanced_actions(fig):
    risk = fig["risk"]
    assert [(s["code"], s["risk"], s["level"], s["planning"]) for s in risk["scenarios"]] == [
        ("S1", 12, "high", True), ("S2", 4, "low", False)]
    assert risk["advanced_required"] is True
    assert (risk_level(11), risk_level(6), risk_level(5)) == ("medium", "medium", "low")


def test_readiness_is_minimum_actions_done_and_overdue_is_before_as_of_and_not_done(fig):
    acts = fig["actions"]
    # 5 minimum actions, 2 done (1 March, 28 February): 40%. As of 2026-03-31, overdue: reception sites (15 March,
    # in progress, 16 days) and the advanced stand-by agreements (20 March, 11 days); training due on 31 March is not.
    assert acts["minimum"] == {"total": 5, "done": 2, "in_progress": 1, "not_started": 2, "overdue": 1, "readiness": 0.4}
    assert acts["advanced"]["total"] == 1 and acts["advanced"]["overdue"] == 1
    assert [(a["action"], a["days_overdue"], a["responsible"]) for a in acts["overdue"]] == [
        ("Identify reception sites in Kigoma", 16, "UNHCR"),
        ("Sign stand-by agreements with water truckers", 11, "TRCS")]
    training = next(a for a in acts["actions"] if a["action"].startswith("Train border"))
    assert training["overdue"] is False
    assert acts["by_sector"] == {"coordination": {"total": 1, "done": 1, "overdue": 0},
                                 "PRO": {"total": 3, "done": 1, "overdue": 1}, "WASH": {"total": 1, "done": 0, "overdue": 0}}


def test_capacity_against_people_targeted_per_sector_and_area(fig):
    sectors = {s["code"]: s for s in fig["capacity"]["sectors"]}
    pro, wash = sectors["PRO"], sectors["WASH"]
    # Protection: Kigoma, the highest activity per group: refugees max(8,000, 5,000) + host max(0, 1,000) = 9,000;
    # Kagera 2,000 + 500. Capacity: 3,000 people in Kigoma; the 6 staff are not people.
    assert [(a["admin1"], a["need"], a["capacity"], a["gap"]) for a in pro["areas"]] == [
        ("Kigoma", 9000, 3000, 6000), ("Kagera", 2500, 0, 2500)]
    assert (pro["need"], pro["capacity"], pro["gap"]) == (11500, 3000, 8500)
    assert pro["other"] == [{"organisation": "UNHCR", "admin1": "Kigoma", "capacity": "Protection officers",
                             "quantity": 6.0, "unit": "staff", "days_to_deploy": 5}]
    # WASH: Kigoma refugees max(6,000, 4,000) + host 2,000 = 8,000 against 30 m3 a day = 30 x 1,000 / 15 = 2,000
    # people; Kagera 1,500 against 2 water points (not people); 400 hygiene kits x 5 = 2,000 people, national.
    assert [(a["admin1"], a["need"], a["capacity"], a["gap"]) for a in wash["areas"]] == [
        ("Kigoma", 8000, 2000, 6000), ("Kagera", 1500, 0, 1500), ("National", 0, 2000, 0)]
    assert (wash["need"], wash["capacity"], wash["gap"], wash["areas_short"]) == (9500, 4000, 5500, 2)
    assert (pro["days"]["median"], pro["days"]["max"], wash["days"]["median"], wash["days"]["max"]) == (3.5, 5, 7, 10)
    total = fig["capacity"]
    assert (total["need"], total["capacity"], total["gap"], total["sectors_short"]) == (21000, 7000, 14000, 2)
    assert total["coverage"] == pytest.approx(7000 / 21000)
    assert sectors["EDU"]["need"] == sectors["EDU"]["capacity"] == 0 and not sectors["EDU"]["mapped"]


def test_contingency_requirements_by_sector_and_partner_consolidate_like_a_chapter(fig):
    req = fig["requirements"]
    assert {s["code"]: s["requirements"] for s in req["sectors"]} == {"PRO": 400000, "EDU": 0, "WASH": 230000}
    assert req["requirements"] == 630000
    assert {p["organisation"]: p["total"] for p in req["partner_annex"]} == {
        "United Nations High Commissioner for Refugees": 390000, "Norwegian Refugee Council": 210000,
        "Tanzania Red Cross Society": 30000}
    # Across sectors, the highest sector figure per area: Kigoma 8,000 + 2,000, Kagera 2,000 + 500.
    assert req["targets"] == {"refugees": 10000, "host_community": 2500} and req["targeted"] == 12500
    assert [p["planned"] for p in req["population"]] == [20000, 5000]
    assert fig["checks"] == ["Tanzania: the risk analysis was due for review on 2026-03-15."]


def test_the_region_adds_countries_up(fig):
    reg = regional_preparedness(load_plan(FIXTURE / "inputs" / "plan.yaml"), [fig, fig])
    assert reg["actions"]["minimum"]["total"] == 10 and reg["actions"]["minimum"]["readiness"] == 0.4
    assert len(reg["actions"]["overdue"]) == 4
    wash = next(s for s in reg["capacity"]["sectors"] if s["code"] == "WASH")
    assert (wash["need"], wash["capacity"], wash["gap"], wash["days"]["median"]) == (19000, 8000, 11000, 7)
    assert reg["requirements"]["requirements"] == 1260000 and reg["requirements"]["partners"] == 3


def _problems(ws, name):
    results, data = check_preparedness(ws, "TZA")
    (result,) = [r for p, r in results if p.name == name]
    return result, data


def _write(ws, name, text):
    (ws / "inputs" / "preparedness" / "TZA" / name).write_text(text, encoding="utf-8")


def test_each_bad_action_is_reported_with_row_column_value_and_fix(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    _write(ws, "actions.csv", "action,kind,sector,responsible,deadline,status,note\n"
           "Stock kits,minimum,PRO,UNHCR,2026-02-30,done,\n"
           "Map sites,minimal,PROT,UNHRC,2026-03-01,finished,\n")
    result, data = _problems(ws, "actions.csv")
    assert result.verdict == "rejected" and data["actions"].empty
    got = {p.reason: (p.row, p.column, p.cell, p.value) for p in result.problems}
    assert got == {Reason.NOT_A_DATE: (2, "deadline", "line 2, column 5", "2026-02-30"),
                   Reason.UNKNOWN_ACTION_KIND: (3, "kind", "line 3, column 2", "minimal"),
                   Reason.UNKNOWN_SECTOR: (3, "sector", "line 3, column 3", "PROT"),
                   Reason.UNKNOWN_ORGANISATION: (3, "responsible", "line 3, column 4", "UNHRC"),
                   Reason.UNKNOWN_STATUS: (3, "status", "line 3, column 6", "finished")}
    fixes = {p.reason: p.fix for p in result.problems}
    assert fixes[Reason.UNKNOWN_ORGANISATION].startswith('did you mean "United Nations High Commissioner for Refugees"?')
    assert fixes[Reason.UNKNOWN_SECTOR].startswith('did you mean "PRO"?')
    assert "not started, in progress or done" in fixes[Reason.UNKNOWN_STATUS]


def test_each_bad_capacity_is_reported_with_row_column_value_and_fix(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    _write(ws, "capacity.csv", "organisation,sector,admin1,capacity,quantity,unit,days_to_deploy\n"
           "UNHCR,PRO,Kigma,Desk,300,people,2\n"
           "NRC,WASH,Kigoma,Trucks,30,litres,4\n"
           "NRC,SHELTER,Kagera,Tents,10,tents,x\n")
    result, _ = _problems(ws, "capacity.csv")
    got = {p.reason: (p.row, p.column, p.value) for p in result.problems}
    assert got == {Reason.UNKNOWN_ADMIN1: (2, "admin1", "Kigma"), Reason.UNKNOWN_UNIT: (3, "unit", "litres"),
                   Reason.UNKNOWN_SECTOR: (4, "sector", "SHELTER"), Reason.NOT_A_NUMBER: (4, "days_to_deploy", "x")}
    fixes = {p.reason: p.fix for p in result.problems}
    assert fixes[Reason.UNKNOWN_ADMIN1].startswith('did you mean "Kigoma"?')
    assert "m3 water/day" in fixes[Reason.UNKNOWN_UNIT] and "tents/shelter kits" in fixes[Reason.UNKNOWN_UNIT]


def test_a_bad_scenario_names_the_line_and_the_key(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    text = (PREP / "inputs/preparedness/TZA/scenario.yaml").read_text(encoding="utf-8")
    _write(ws, "scenario.yaml", text.replace("likelihood: 4", "likelihood: 6").replace("hosting_areas: [Kigoma, Kagera]",
                                                                                         "hosting_areas: [Kigoma, Kagra]"))
    result, data = _problems(ws, "scenario.yaml")
    assert data["scenario"] is None
    (p,) = result.problems
    assert (p.reason, p.row, p.column, p.value) == (Reason.INVALID_SCENARIO, 8, "scenarios[0].likelihood", "6")
    assert p.fix == "give a whole number from 1 (lowest) to 5 (highest)"
    _write(ws, "scenario.yaml", text.replace("hosting_areas: [Kigoma, Kagera]", "hosting_areas: [Kigoma, Kagra]")
           .replace("by_group: {refugees: 20000", "by_group: {refugee: 20000"))
    result, _ = _problems(ws, "scenario.yaml")
    got = {p.reason: (p.row, p.column, p.value, p.fix[:22]) for p in result.problems if p.reason is not Reason.REVIEW_DUE}
    assert got == {Reason.UNKNOWN_ADMIN1: (19, "scenarios[0].hosting_areas[1]", "Kagra", 'did you mean "Kagera"?'),
                   Reason.INVALID_SCENARIO: (16, "scenarios[0].planning_figure.by_group.refugee", "refugee",
                                             'did you mean "refugees')}


def test_a_missing_scenario_is_reported_and_rejects_the_country(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    (ws / "inputs/preparedness/TZA/scenario.yaml").unlink()
    result, _ = _problems(ws, "scenario.yaml")
    assert result.verdict == "rejected" and result.problems[0].reason is Reason.MISSING_FILE


def test_quantities_in_every_unit_turn_into_people_rounded_down(tmp_path):
    ws = prep_workspace(tmp_path / "ws")
    _write(ws, "capacity.csv", "organisation,sector,admin1,capacity,quantity,unit,days_to_deploy\n"
           "NRC,WASH,Kigoma,Water,7.5,M3/day,1\nNRC,WASH,Kigoma,Tents,3,Tents,1\nNRC,WASH,Kigoma,Food,10,food rations,1\n"
           "NRC,WASH,Kigoma,Beds,4,shelter spaces,1\nNRC,WASH,Kigoma,Kits,2,hygiene kits,1\n")
    result, data = _problems(ws, "capacity.csv")
    assert result.verdict == "accepted"
    # 7.5 m3 a day x 1,000 / 15 = 500 people; 3 tents x 5; 10 person-months; 4 places; 2 kits x 5.
    assert data["capacity"][["unit", "people"]].values.tolist() == [
        ["m3 water/day", 500.0], ["tents/shelter kits", 15.0], ["food rations (person-months)", 10.0],
        ["shelter spaces", 4.0], ["hygiene kits", 10.0]]


def test_a_preparedness_folder_of_a_country_not_preparing_stops_the_build(tmp_path):
    from rcm_docs.common.workspace import stray_preparedness

    ws = prep_workspace(tmp_path / "ws")
    (ws / "inputs/preparedness/RWA").mkdir()
    (ws / "inputs/preparedness/RWA/actions.csv").write_text("action\n", encoding="utf-8")
    (ws / "inputs/preparedness/TZA/notes.txt").write_text("x", encoding="utf-8")
    found = stray_preparedness(ws, ["TZA"])
    assert len(found) == 2 and "'RWA' is not a country of the plan's preparedness list (TZA)" in found[0]
    assert "notes.txt: not read" in found[1]


def test_unknown_preparedness_key_in_plan_is_refused(tmp_path):
    from rcm_docs.common.plan import PlanError

    ws = copy_fixture(tmp_path / "ws")
    with (ws / "inputs/plan.yaml").open("a", encoding="utf-8") as f:
        f.write("preparedness: [TZX]\n")
    with pytest.raises(PlanError, match=r"preparedness\[0\]: 'TZX' is not an ISO 3166-1 alpha-3 country code"):
        load_plan(ws / "inputs/plan.yaml")
    assert load_plan(prep_workspace(tmp_path / "ok").joinpath("inputs/plan.yaml")).country_name("TZA") == "Tanzania"


def test_validate_reports_a_preparedness_file_as_the_build_does(tmp_path, capsys):
    from rcm_docs.cli import main

    ws = prep_workspace(tmp_path / "ws")
    _write(ws, "actions.csv", "action,kind,sector,responsible,deadline,status\nStock kits,minimum,PRO,UNHCR,soon,done\n")
    assert main(["validate", str(ws / "inputs/preparedness/TZA/actions.csv")]) == 1
    out = capsys.readouterr().out
    assert "inputs/preparedness/TZA/actions.csv: REJECTED (1 error(s), 0 warning(s) in 1 row(s))" in out
    assert "line 2, column 5 (deadline): 'soon' is not a date; write the date as YYYY-MM-DD" in out
    assert main(["validate", str(ws)]) == 1
    assert "inputs/preparedness/TZA/scenario.yaml: ACCEPTED WITH WARNINGS" in capsys.readouterr().out


def test_promote_adds_the_country_in_the_plan_s_own_style(tmp_path):
    from rcm_docs.promote import _add_country

    assert _add_country("countries: [KEN, UGA]  # two\nsectors: []\n", "TZA") == "countries: [KEN, UGA, TZA]  # two\nsectors: []\n"
    block = "title: x\ncountries:\n  - KEN\n  - UGA # last\n# note\nsectors: []\n"
    assert _add_country(block, "TZA") == "title: x\ncountries:\n  - KEN\n  - UGA # last\n  - TZA\n# note\nsectors: []\n"


def test_promote_refuses_a_rejected_plan_or_existing_inputs_unless_forced(tmp_path):
    from rcm_docs.cli import main
    from rcm_docs.common.errors import InputError, UsageError
    from rcm_docs.promote import promote

    ws = prep_workspace(tmp_path / "ws")
    with pytest.raises(UsageError, match="KEN: not a country of plan.yaml's preparedness list"):
        promote(str(ws), "KEN")
    (ws / "inputs/submissions/TZA").mkdir()
    (ws / "inputs/submissions/TZA/PRO.csv").write_text("organisation\n", encoding="utf-8")
    with pytest.raises(UsageError, match="TZA already has chapter inputs: inputs/submissions/TZA/PRO.csv"):
        promote(str(ws), "TZA")
    out = promote(str(ws), "TZA", force=True)
    assert "inputs/submissions/TZA/PRO.csv: removed (--force)" in out
    assert (ws / "inputs/submissions/TZA/PRO.csv").read_bytes() == (PREP / "inputs/preparedness/TZA/submissions/PRO.csv").read_bytes()
    population = pd.read_csv(ws / "inputs/population.csv", keep_default_na=False)
    tza = population[population["country"] == "TZA"]
    assert tza[["population_group", "current", "planned"]].values.tolist() == [["refugees", 0, 20000], ["host_community", 0, 5000]]
    assert set(population.loc[population["country"] == "KEN", "source"]) == {""}  # other rows kept as they were
    needs = pd.read_csv(ws / "inputs/needs.csv", keep_default_na=False)
    assert needs[["sector", "population_group", "people_in_need"]].values.tolist() == [
        ["intersectoral", "refugees", 18000], ["intersectoral", "host_community", 4000]]
    assert load_plan(ws / "inputs/plan.yaml").country_codes == ["KEN", "UGA", "TZA"]
    _write(ws, "actions.csv", "action,kind\nx,y\n")
    with pytest.raises(InputError, match="these preparedness files are rejected, so nothing is promoted"):
        promote(str(ws), "TZA", force=True)
    # rejected data is not a usage error: the command line exits 1, as `validate` does for a rejected file
    assert main(["promote", "TZA", "--workspace", str(ws), "--force"]) == 1


README = (ROOT / "docs" / "preparedness.md").read_text(encoding="utf-8")


def test_readme_documents_every_preparedness_column_and_unit():
    from rcm_docs.intake.tables.contract import (
        ACTION_COLUMNS,
        CAPACITY_COLUMNS,
        CAPACITY_UNITS,
    )

    for c in ACTION_COLUMNS + CAPACITY_COLUMNS:
        assert f"| `{c.name}` |" in README, c.name
    for u in CAPACITY_UNITS:
        per = "not compared" if u.people is None else f"{u.people:g}" if u.people == int(u.people) else f"{u.people:.2f}"
        assert f"| `{u.name}` | {per}" in README, u.name


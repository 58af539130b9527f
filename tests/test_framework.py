"""The plan's framework beside the budgets: people in need, indicator types, objectives, coordination.
Every figure is recomputed by hand below from the rows written here (see each comment)."""
import json

import pytest
from conftest import copy_fixture, snakemake

KEN_PRO = """organisation,objective,activity,indicator,admin1,budget_usd,target_refugees,target_host_community,output
UNHCR,Access to asylum,Registration,PRO-01,Turkana,500000,10000,0,
NRC,Access to asylum,Legal aid,# of people receiving legal aid,Turkana,200000,4000,1000,
UNHCR,Access to asylum,Legal aid,# of people receiving legal aid,Garissa,150000,3000,500,
RVN,Community-based protection,Community outreach,# of people reached by campaigns,National,25000,12000,0,
NRC,Capacity of authorities,Training of border officials,# of officials trained,Turkana,30000,,,40
UNHCR,PRO2,Legal aid,# of people receiving legal aid,Garissa,60000,2500,0,
"""
INDICATORS = """code,sector,indicator,type,unit,key
PRO-01,PRO,# of people registered,Direct Assistance,people,yes
PRO-02,PRO,# of people receiving legal aid,people,people,no
PRO-03,PRO,# of people reached by campaigns,Campaign,campaigns,no
PRO-04,PRO,# of officials trained,Capacity Building,officials,yes
PRO-05,PRO,# of people supported,people,people,no
EDU-01,EDU,# of children enrolled,people,children,yes
EDU-02,EDU,# of children in accelerated learning,people,children,no
"""
NEEDS = """country,sector,population_group,admin1,people_in_need,source,as_of
KEN,PRO,refugees,Turkana,20000,RMNA 2026,2026-02-15
KEN,PRO,host_community,Turkana,3000,RMNA 2026,2026-02-15
KEN,PRO,refugees,Garissa,9000,RMNA 2026,2026-02-15
KEN,PRO,refugees,,25000,RMNA 2026,2026-02-15
KEN,EDU,refugees,Turkana,12000,Education needs assessment,2026-01-31
KEN,EDU,refugees,Garissa,6000,Education needs assessment,2026-01-31
UGA,intersectoral,refugees,,40000,Joint needs analysis,2026-03-01
UGA,intersectoral,host_community,,5000,Joint needs analysis,2026-03-01
UGA,PRO,refugees,Adjumani,30000,Joint needs analysis,2026-03-01
"""
PLAN_MORE = """
objectives:
  - {code: SO1, text: Access to protection and essential services}
  - {code: SO2, text: Community-based protection and social cohesion}
  - {code: SO3, text: Capacity of national and local actors}
coordination:
  KEN: {forum: Kenya Refugee Coordination Forum, co_chairs: [UNHCR], government: Department of Refugee Services, rc_unct: true, hct: false}
  UGA: {forum: Uganda Refugee Response Forum, co_chairs: [UNHCR, Office of the Prime Minister], rc_unct: true, hct: true,
        hrp_clusters: {PRO: Protection}}
contacts:
  - {name: A. Coordinator, title: Inter-agency coordinator, organisation: UNHCR, email: coord@example.org}
"""
SECTOR_OBJECTIVES = {
    "PRO": "\n    objectives:\n      - {code: PRO1, text: Access to asylum, serves: [SO1]}\n"
           "      - {code: PRO2, text: Community-based protection, serves: [SO2]}\n"
           "      - {code: PRO3, text: Capacity of authorities, serves: [SO3]}",
    "EDU": "\n    objectives:\n      - {code: EDU1, text: Access to education, serves: [SO1]}",
}


COORDINATION = """country,sector,role,organisation
KEN,PRO,lead,UNHCR
KEN,PRO,co-lead,NRC
UGA,PRO,lead,UNHCR
"""


def framework_workspace(dest):
    ws = copy_fixture(dest)
    inputs = ws / "inputs"
    (inputs / "coordination.csv").write_text(COORDINATION, encoding="utf-8")
    (inputs / "submissions/KEN/PRO.csv").write_text(KEN_PRO, encoding="utf-8")
    (inputs / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    (inputs / "needs.csv").write_text(NEEDS, encoding="utf-8")
    plan = (inputs / "plan.yaml").read_text(encoding="utf-8")
    plan = plan.replace("  - {code: PRO, name: Protection}", "  - code: PRO\n    name: Protection" + SECTOR_OBJECTIVES["PRO"])
    plan = plan.replace("  - {code: EDU, name: Education}", "  - code: EDU\n    name: Education" + SECTOR_OBJECTIVES["EDU"])
    (inputs / "plan.yaml").write_text(plan + PLAN_MORE, encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def framework_built(tmp_path_factory):
    ws = framework_workspace(tmp_path_factory.mktemp("framework") / "ws")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    return ws


def figures(ws, doc):
    return json.loads((ws / f"build/figures/{doc}.json").read_text(encoding="utf-8"))


def test_only_indicators_that_count_people_count_as_people_targeted(framework_built):
    fig = figures(framework_built, "KEN")
    pro = next(s for s in fig["sectors"] if s["code"] == "PRO")
    # Turkana: refugees max(10000, 4000), host 1000; Garissa: max(3000, 2500), host 500. The campaign row's
    # 12,000 people and the training row (40 officials) are not people targeted.
    assert pro["targeted"] == 10000 + 1000 + 3000 + 500
    assert pro["requirements"] == 500000 + 200000 + 150000 + 25000 + 30000 + 60000
    # Across sectors per area: Turkana max(10000, EDU 8000) + max(1000, 2000); Garissa max(3000, 5000) + 500.
    assert fig["targeted"] == 10000 + 2000 + 5000 + 500


def test_indicator_targets_in_their_own_units(framework_built):
    fig = figures(framework_built, "KEN")
    pro = {i["code"]: i for i in fig["indicators"]["PRO"]}
    assert pro["PRO-01"]["target"] == 10000 and pro["PRO-01"]["unit"] == "people"
    assert pro["PRO-02"]["target"] == 4000 + 1000 + 3000 + 500  # Garissa: max(3000, 2500) refugees
    assert (pro["PRO-04"]["target"], pro["PRO-04"]["unit"], pro["PRO-04"]["type"]) == (40, "officials", "capacity building")
    assert pro["PRO-03"]["target"] == 0  # a campaign's people are not an output in campaigns
    assert [i["key"] for i in fig["indicators"]["PRO"]][:2] == [True, True]  # key indicators first
    regional = {i["code"]: i for i in figures(framework_built, "regional")["indicators"]["PRO"]}
    assert regional["PRO-04"]["target"] == 40 and regional["PRO-01"]["target"] == 10000 + 20000 + 5000  # Adjumani: 20000 refugees, 5000 host


def test_people_in_need_are_consolidated_like_targets_and_coverage_follows(framework_built):
    ken, uga, reg = (figures(framework_built, d) for d in ("KEN", "UGA", "regional"))
    # PRO refugees: areas 20000 + 9000 = 29000 beat the country-wide 25000; host 3000.
    assert ken["needs"]["sectors"]["PRO"]["pin"] == 29000 + 3000
    assert ken["needs"]["sectors"]["EDU"]["pin"] == 12000 + 6000
    assert ken["needs"]["sectors"]["WASH"] is None  # not provided, never 0
    # Country: per area the highest sector figure: Turkana 20000 + 3000, Garissa 9000.
    assert ken["needs"]["pin"] == 32000
    assert ken["needs"]["coverage"] == pytest.approx(17500 / 32000)
    assert ken["needs"]["sectors"]["EDU"]["coverage"] == pytest.approx(15000 / 18000)
    # Uganda's intersectoral figure stands, above its Protection figure.
    assert uga["needs"]["pin"] == 45000 and uga["needs"]["sectors"]["PRO"]["pin"] == 30000
    assert reg["needs"]["pin"] == 32000 + 45000
    assert reg["needs"]["coverage"] == pytest.approx((17500 + 32000) / (32000 + 45000))
    assert [c["pin"] for c in reg["countries"]] == [32000, 45000]
    assert ken["needs"]["as_of"] == "2026-02-15" and "RMNA 2026" in ken["needs"]["sources"]


def test_objectives_get_the_requirements_and_people_of_the_activities_serving_them(framework_built):
    fig = figures(framework_built, "KEN")
    pro = {o["code"]: o for o in fig["objectives"]["sectors"]["PRO"]}
    assert pro["PRO1"]["requirements"] == 500000 + 200000 + 150000
    assert pro["PRO2"]["requirements"] == 25000 + 60000 and pro["PRO2"]["targeted"] == 2500
    so = {o["code"]: o for o in fig["objectives"]["strategic"]}
    assert so["SO1"]["requirements"] == 850000 + 420000 and so["SO1"]["targeted"] == 17500
    assert so["SO2"]["requirements"] == 85000 and so["SO1"]["sectors"] == ["PRO", "EDU"]
    # The training of officials alone serves PRO3, and through it SO3: no activity there counts people.
    assert (pro["PRO3"]["requirements"], pro["PRO3"]["counts_people"], pro["PRO1"]["counts_people"]) == (30000, False, True)
    assert (so["SO3"]["requirements"], so["SO3"]["counts_people"], so["SO1"]["counts_people"]) == (30000, False, True)


def test_an_objective_whose_activities_count_no_people_shows_a_dash_not_zero(framework_built):
    md = (framework_built / "build/rrp/KEN.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| **SO3**"))
    assert row.split("|")[3].strip() == "-"  # the strategic objectives table: sectors, people targeted, requirements
    assert row.split("|")[4].strip() == "30,000"
    pro3 = next(line for line in md.splitlines() if line.startswith("| Capacity of authorities |"))
    assert pro3.split("|")[2].strip() == "-"
    assert md.count("A dash: none of the objective's activities is measured in people") == 2
    assert "| 0 |" not in row + pro3


def test_coordination_arrangements_and_sector_leads(framework_built):
    ken, uga = figures(framework_built, "KEN")["coordination"], figures(framework_built, "UGA")["coordination"]
    assert (ken["forum"], ken["hct"], ken["government"]) == ("Kenya Refugee Coordination Forum", False, "Department of Refugee Services")
    assert ken["sectors"][0] == {"code": "PRO", "name": "Protection", "lead": ["UNHCR"], "co_lead": ["NRC"], "hrp_cluster": None}
    assert uga["hct"] is True and uga["sectors"][0]["hrp_cluster"] == "Protection"
    assert ken["contacts"][0]["email"] == "coord@example.org"


def test_a_drafter_sees_targets_above_needs(framework_built):
    uga = figures(framework_built, "UGA")
    # Adjumani 20000 + 5000 and Yumbe 6000 + 1000 targeted in Protection, against 30000 in need.
    assert "Uganda, Protection: 32,000 people targeted, above the 30,000 people in need." in uga["checks"]
    assert figures(framework_built, "KEN")["checks"] == []


def test_submission_warnings_for_output_indicators_and_the_duplicate_rule(framework_built):
    report = (framework_built / "build/reports/KEN/PRO.csv.md").read_text(encoding="utf-8")
    assert "people-on-output-indicator" in report and "campaigns, not people" in report
    # UNHCR's legal aid in Garissa under two objectives is two activities, not a duplicate.
    assert "duplicate-row" not in report


@pytest.mark.parametrize("line,reason,fix", [
    ("UNHCR,Access to asylum,Registration,# of people registred,Turkana,1000,10,0,", "unknown-indicator",
     'did you mean "# of people registered"?'),
    ("UNHCR,Acess to asylum,Registration,PRO-01,Turkana,1000,10,0,", "unknown-objective", 'did you mean "Access to asylum"?'),
    ("UNHCR,Access to asylum,Registration,PRO-01,Turkana,1000,10,0,", "duplicate-row", "merge the two rows"),
])
def test_unknown_indicators_and_objectives_are_errors_with_the_closest_match(tmp_path, line, reason, fix):
    from rcm_docs.common.plan import load_plan
    from rcm_docs.intake.readers.framework import read_indicators
    from rcm_docs.intake.readers.registries import read_partners
    from rcm_docs.intake.tables.checks import Registry
    from rcm_docs.intake.tables.validate import validate_file

    ws = framework_workspace(tmp_path / "ws")
    path = ws / "inputs/submissions/KEN/PRO.csv"
    path.write_text(KEN_PRO + line + "\n", encoding="utf-8")
    plan = load_plan(ws / "inputs/plan.yaml")
    r = validate_file(path, plan, Registry(read_partners(ws / "inputs/partners.csv")), "KEN", "PRO",
                      "inputs/submissions/KEN/PRO.csv", None, read_indicators(ws / "inputs/indicators.csv", plan))
    errors = [p for p in r.errors]
    assert [(p.reason.value, p.row) for p in errors] == [(reason, 8)]
    assert fix in errors[0].fix


def test_a_workspace_without_the_framework_says_not_provided(built):
    fig = figures(built, "KEN")
    assert fig["needs"]["pin"] is None and fig["needs"]["coverage"] is None
    assert fig["indicators"]["PRO"] == [] and fig["objectives"]["strategic"] == []


def test_a_refugee_only_plan_never_prints_another_plans_population_words(tmp_path):
    import docx

    from rcm_docs.cli import main

    ws = tmp_path / "sudan"
    assert main(["init", str(ws), "--countries", "SDN", "TCD"]) == 0
    assert snakemake(ws).returncode == 0
    documents = sorted((ws / "build").rglob("*.md")) + sorted((ws / "build").rglob("*.docx"))
    assert len(documents) > 10
    for path in documents:
        text = (path.read_text(encoding="utf-8") if path.suffix == ".md"
                else "\n".join(p.text for p in docx.Document(str(path)).paragraphs)).casefold()
        assert not [w for w in ("migrant", "in transit", "in destination", "venezuel") if w in text], path
    assert "refugees and asylum-seekers" in (ws / "build/keypoints/SDN.md").read_text(encoding="utf-8")

import pytest
from conftest import FIXTURE

from rcm_docs.common.plan import load_plan
from rcm_docs.intake.readers.funding import validate_funding
from rcm_docs.intake.readers.registries import read_partners
from rcm_docs.intake.tables.checks import Registry
from rcm_docs.intake.tables.contract import Reason
from rcm_docs.model.funding import funding_figures

PLAN = load_plan(FIXTURE / "inputs/plan.yaml")
REGISTRY = Registry(read_partners(FIXTURE / "inputs/partners.csv"))
HEAD = "donor,organisation,country,sector,amount_usd,date,status\n"


def check(tmp_path, body):
    p = tmp_path / "f.csv"
    p.write_text(HEAD + body, encoding="utf-8")
    return validate_funding(p, PLAN, REGISTRY, "inputs/funding/f.csv")


def test_clean_funding_file_is_accepted_with_canonical_names(tmp_path):
    r = check(tmp_path, "Germany,UNHCR,ken,pro,300000,2026-02-01,Paid\n")
    assert r.verdict == "accepted"
    assert r.rows[["organisation", "country", "sector", "status"]].values.tolist() == [
        ["United Nations High Commissioner for Refugees", "KEN", "PRO", "paid"]]


@pytest.mark.parametrize("row,reason,cell,fix_part", [
    ("Germany,UNHRC,KEN,PRO,300000,2026-02-01,paid", Reason.UNKNOWN_ORGANISATION, "line 2, column 2", 'did you mean "United Nations High Commissioner for Refugees"?'),
    ("Germany,UNHCR,KEN,PRO,-5000,2026-02-01,paid", Reason.NEGATIVE, "line 2, column 5", "correcting the original row"),
    ("Germany,UNHCR,TZA,PRO,5000,2026-02-01,paid", Reason.COUNTRY_MISMATCH, "line 2, column 3", "'regional'"),
    ("Germany,UNHCR,KEN,PRO,5000,2026-02-01,payed", Reason.MISSING_VALUE, "line 2, column 7", 'did you mean "paid"?'),
    ("Germany,UNHCR,KEN,PRO,5000,1 Feb,paid", Reason.NOT_A_NUMBER, "line 2, column 6", "YYYY-MM-DD"),
])
def test_bad_funding_cell_is_rejected_with_its_cell_and_fix(tmp_path, row, reason, cell, fix_part):
    r = check(tmp_path, row + "\n")
    assert r.verdict == "rejected" and r.rows.empty
    assert [(p.reason, p.cell) for p in r.problems] == [(reason, cell)]
    assert fix_part in r.problems[0].fix


def test_funded_counts_committed_and_paid_not_pledges_and_regional_adds_up(tmp_path):
    rows = check(tmp_path, (FIXTURE / "inputs/funding/contributions.csv").read_text(encoding="utf-8").split("\n", 1)[1]).rows
    figs = {"KEN": {"requirements": 1295000, "sectors": [{"code": "PRO", "name": "P", "requirements": 875000},
                                                          {"code": "EDU", "name": "E", "requirements": 420000}]},
            "UGA": {"requirements": 480000, "sectors": [{"code": "PRO", "name": "P", "requirements": 480000}]},
            "regional": {"requirements": 1775000, "sectors": [{"code": "PRO", "name": "P", "requirements": 1355000}]}}
    f = funding_figures(PLAN, rows, figs)
    assert (f["KEN"]["funded"], f["KEN"]["pledged"], f["KEN"]["gap"]) == (400000, 50000, 895000)
    assert f["KEN"]["by_sector"][0]["funded"] == 300000 and f["KEN"]["unearmarked"] == 100000
    assert f["regional"]["funded"] == f["KEN"]["funded"] + f["UGA"]["funded"] + f["regional"]["regional_only"] == 640000
    assert f["UGA"]["percent"] == pytest.approx(40000 / 480000)


def test_funding_update_tables_add_up_with_unearmarked_and_regional_rows(tmp_path):
    rows = check(tmp_path, (FIXTURE / "inputs/funding/contributions.csv").read_text(encoding="utf-8").split("\n", 1)[1]).rows
    figs = {"KEN": {"requirements": 1295000, "sectors": [{"code": "PRO", "name": "P", "requirements": 875000},
                                                          {"code": "EDU", "name": "E", "requirements": 420000}],
                    "org_types": [{"type": "UN", "requirements": 950000}, {"type": "INGO", "requirements": 320000}]},
            "regional": {"requirements": 1775000, "sectors": [{"code": "PRO", "name": "P", "requirements": 1355000},
                                                             {"code": "EDU", "name": "E", "requirements": 420000}],
                         "countries": [{"code": "KEN", "name": "Kenya", "requirements": 1295000},
                                       {"code": "UGA", "name": "Uganda", "requirements": 480000}]}}
    f = funding_figures(PLAN, rows, figs)
    ken, reg = f["KEN"], f["regional"]
    # By sector plus the unearmarked EU contribution: 300000 (PRO) + 0 (EDU) + 100000 = 400000.
    assert sum(s["funded"] for s in ken["by_sector"]) + ken["unearmarked"] == ken["funded"] == 400000
    # By country plus Norway's 200000 to regional activities: 400000 + 40000 + 200000 = 640000.
    assert [(c["code"], c["funded"]) for c in reg["by_country"]] == [("KEN", 400000), ("UGA", 40000)]
    assert sum(c["funded"] for c in reg["by_country"]) + reg["regional_only"] == reg["funded"] == 640000
    assert sum(t["funded"] for t in reg["by_org_type"]) == reg["funded"]
    un = next(t for t in ken["by_org_type"] if t["type"] == "UN")
    assert un["percent"] == pytest.approx(300000 / 950000)  # UNHCR's 300000 of the UN's 950000
    assert [d["donor"] for d in reg["donors"]] == ["Germany", "Norway", "European Union", "Canada"]  # largest first
    assert ken["pledges"] == [{"donor": "Japan", "pledged": 50000}]
    # One point per month of the plan to its as-of date (31 March 2026), none skipped.
    assert reg["trend"] == [{"month": "2026-01", "funded": 40000}, {"month": "2026-02", "funded": 440000},
                            {"month": "2026-03", "funded": 640000}]

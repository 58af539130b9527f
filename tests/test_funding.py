import pytest

from conftest import FIXTURE
from rcm_docs.intake.contract import Reason
from rcm_docs.intake.funding import validate_funding
from rcm_docs.model.funding import funding_figures
from rcm_docs.common.plan import load_plan
from rcm_docs.intake.registries import read_partners
from rcm_docs.intake.checks import Registry

PLAN = load_plan(FIXTURE / "inputs/plan.yaml")
REGISTRY = Registry(read_partners(FIXTURE / "inputs/partners.csv"))
HEAD = "donor,organisation,country,sector,amount_usd,date,status\n"


def check(tmp_path, body):
    p = tmp_path / "f.csv"
    p.write_text(HEAD + body)
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
    rows = check(tmp_path, (FIXTURE / "inputs/funding/contributions.csv").read_text().split("\n", 1)[1]).rows
    figs = {"KEN": {"requirements": 1295000, "sectors": [{"code": "PRO", "name": "P", "requirements": 875000},
                                                          {"code": "EDU", "name": "E", "requirements": 420000}]},
            "UGA": {"requirements": 480000, "sectors": [{"code": "PRO", "name": "P", "requirements": 480000}]},
            "regional": {"requirements": 1775000, "sectors": [{"code": "PRO", "name": "P", "requirements": 1355000}]}}
    f = funding_figures(PLAN, rows, figs)
    assert (f["KEN"]["funded"], f["KEN"]["pledged"], f["KEN"]["gap"]) == (400000, 50000, 895000)
    assert f["KEN"]["by_sector"][0]["funded"] == 300000 and f["KEN"]["unearmarked"] == 100000
    assert f["regional"]["funded"] == f["KEN"]["funded"] + f["UGA"]["funded"] + f["regional"]["regional_only"] == 640000
    assert f["UGA"]["percent"] == pytest.approx(40000 / 480000)

import pytest

from rcm_docs.intake.tables.contract import Reason
from rcm_docs.intake.tables.validate import validate_file

HEAD = "organisation,objective,activity,indicator,admin1,budget_usd,target_refugees,target_host_community"
GOOD = "UNICEF,Access,Enrolment,# enrolled,Turkana,1000,10,5"


def run(tmp_path, plan, registry, body, head=HEAD, name="PRO.csv", country="KEN", sector="PRO"):
    p = tmp_path / name
    p.write_text(head + "\n" + body + "\n", encoding="utf-8")
    return validate_file(p, plan, registry, country, sector, display=f"inputs/submissions/{country}/{name}")


def only(result):
    assert len(result.problems) == 1, [(p.reason, p.message) for p in result.problems]
    return result.problems[0]


def test_clean_submission_is_accepted_with_typed_rows_and_provenance(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, GOOD + "\nNRC,Access,Legal aid,# aided,Garissa,2500.5,,7")
    assert r.verdict == "accepted"
    assert r.rows["budget_usd"].tolist() == [1000.0, 2500.5]
    assert r.rows["organisation"].tolist() == ["United Nations Children's Fund", "Norwegian Refugee Council"]
    assert r.rows["organisation_type"].tolist() == ["UN", "INGO"]
    assert r.rows["target_refugees"].tolist() == [10, 0]  # a blank target is not targeted
    assert r.rows["source_row"].tolist() == [2, 3]
    assert set(r.rows["source_file"]) == {"inputs/submissions/KEN/PRO.csv"}


@pytest.mark.parametrize("row,reason,cell,value,fix_part", [
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,\"about 1,200\",10,5", Reason.NOT_A_NUMBER, "line 2, column 6", "about 1,200", "did you mean 1200?"),
    # "USD 5000" in budget_usd is read as 5000 (see test_locale.py); another currency is not converted silently.
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,EUR 5000,10,5", Reason.NOT_A_NUMBER, "line 2, column 6", "EUR 5000", "convert the amount to USD"),
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,5000 people,10,5", Reason.NOT_A_NUMBER, "line 2, column 6", "5000 people", "did you mean 5000?"),
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,N/A,10,5", Reason.NOT_A_NUMBER, "line 2, column 6", "N/A", "enter a plain number"),
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,1000,-10,5", Reason.NEGATIVE, "line 2, column 7", "-10", "zero or a positive"),
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,1000,10.5,5", Reason.NOT_A_NUMBER, "line 2, column 7", "10.5", "whole number"),
    ("UNICEF,Access,Enrolment,# enrolled,,1000,10,5", Reason.MISSING_VALUE, "line 2, column 5", "", "enter the"),
    ("UNICEF,Access,Enrolment,# enrolled,Turkana,,10,5", Reason.MISSING_VALUE, "line 2, column 6", "", "total requirement"),
    ("UNICF,Access,Enrolment,# enrolled,Turkana,1000,10,5", Reason.UNKNOWN_ORGANISATION, "line 2, column 1", "UNICF", "did you mean \"United Nations Children's Fund\"?"),
])
def test_bad_cell_is_reported_with_cell_value_and_fix(tmp_path, plan, registry, row, reason, cell, value, fix_part):
    r = run(tmp_path, plan, registry, row)
    p = only(r)
    assert (p.reason, p.cell, p.row, p.value) == (reason, cell, 2, value)
    assert fix_part in p.fix
    assert r.verdict == "rejected" and r.rows.empty


def test_every_problem_is_collected_in_one_pass(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, "\n".join([
        "Nobody,Access,Enrolment,# enrolled,Turkana,1000,10,5",
        GOOD,
        "UNICEF,Access,Enrolment,# enrolled,Turkana,x,-1,5",
    ]))
    assert [(p.row, p.reason) for p in sorted(r.problems, key=lambda p: (p.row, p.reason.value))] == [
        (2, Reason.UNKNOWN_ORGANISATION), (4, Reason.DUPLICATE_ROW), (4, Reason.NEGATIVE), (4, Reason.NOT_A_NUMBER)]


def test_duplicate_row_names_the_row_it_repeats(tmp_path, plan, registry):
    p = only(run(tmp_path, plan, registry, GOOD + "\n" + GOOD.replace("1000", "2000")))
    assert p.reason is Reason.DUPLICATE_ROW and p.row == 3
    assert "as row 2" in p.message


def test_sex_age_breakdown_must_equal_group_targets(tmp_path, plan, registry):
    head = HEAD + ",girls,boys,women,men"
    r = run(tmp_path, plan, registry, GOOD + ",3,3,4,5\n" + GOOD.replace("Turkana", "Garissa") + ",3,3,4,4", head=head)
    p = only(r)
    assert (p.reason, p.row, p.column, p.cell) == (Reason.SEX_AGE_MISMATCH, 3, "girls", "line 3, column 9")


def test_sex_age_mismatch_message_gives_both_sums(tmp_path, plan, registry):
    p = only(run(tmp_path, plan, registry, GOOD + ",1,1,1,1", head=HEAD + ",girls,boys,women,men"))
    assert p.message == "girls+boys+women+men = 4 but the population-group targets add up to 15"


def test_cva_above_budget_is_an_error(tmp_path, plan, registry):
    p = only(run(tmp_path, plan, registry, GOOD + ",1500", head=HEAD + ",cva_usd"))
    assert (p.reason, p.column, p.value) == (Reason.CVA_ABOVE_BUDGET, "cva_usd", "1500")


def test_missing_required_column_is_a_structure_problem(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, "UNICEF,Access,Enrolment,# enrolled,Turkana,1000,10",
            head="organisation,objective,activity,indicator,admin1,budget_usd,target_refugees")
    p = only(r)
    assert (p.reason, p.column, p.is_structure) == (Reason.MISSING_COLUMN, "target_host_community", True)


def test_headers_match_case_and_space_insensitively_and_by_alias(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, GOOD,
            head="Organization , Objective,ACTIVITY,Indicator,Admin 1,Budget USD,Target Refugees,target host-community")
    assert r.verdict == "accepted", [(p.reason, p.message) for p in r.problems]


def test_unknown_column_is_a_warning_and_does_not_block(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, GOOD + ",x", head=HEAD + ",notes")
    assert r.verdict == "accepted with warnings" and len(r.rows) == 1
    assert only(r).reason is Reason.UNKNOWN_COLUMN


@pytest.mark.parametrize("col,value,reason", [("country", "UGA", Reason.COUNTRY_MISMATCH), ("sector", "EDU", Reason.SECTOR_MISMATCH)])
def test_country_or_sector_column_must_match_the_path(tmp_path, plan, registry, col, value, reason):
    p = only(run(tmp_path, plan, registry, GOOD + "," + value, head=HEAD + "," + col))
    assert p.reason is reason and p.value == value


def test_empty_file_is_reported_not_raised(tmp_path, plan, registry):
    p = tmp_path / "PRO.csv"
    p.write_text("", encoding="utf-8")
    r = validate_file(p, plan, registry, "KEN", "PRO")
    assert r.verdict == "rejected" and r.problems[0].reason is Reason.EMPTY_FILE


def test_values_right_of_the_last_header_are_an_error_not_dropped(tmp_path, plan, registry):
    r = run(tmp_path, plan, registry, "UNICEF,Access,Enrolment,# enrolled,Turkana,80,000 USD,10,5")
    assert r.verdict == "rejected"
    extra = [p for p in r.problems if p.reason is Reason.EXTRA_CELLS]
    assert len(extra) == 1 and extra[0].row == 2 and extra[0].value == "5"


def test_admin1_is_checked_against_the_gazetteer_with_a_suggestion(tmp_path, plan, registry):
    gaz = {"turkana": "Turkana", "garissa": "Garissa"}
    p = tmp_path / "PRO.csv"
    p.write_text(HEAD + "\n" + GOOD.replace("Turkana", "Turkanna") + "\n" + GOOD.replace("Turkana", "national") + "\n", encoding="utf-8")
    r = validate_file(p, plan, registry, "KEN", "PRO", admin1=gaz)
    prob = only(r)
    assert (prob.reason, prob.row, prob.value) == (Reason.UNKNOWN_ADMIN1, 2, "Turkanna")
    assert prob.fix.startswith('did you mean "Turkana"?')


def test_admin1_spelling_is_taken_from_the_gazetteer(tmp_path, plan, registry):
    p = tmp_path / "PRO.csv"
    p.write_text(HEAD + "\n" + GOOD.replace("Turkana", "  TURKANA ") + "\n", encoding="utf-8")
    r = validate_file(p, plan, registry, "KEN", "PRO", admin1={"turkana": "Turkana"})
    assert r.rows["admin1"].tolist() == ["Turkana"]


def test_implausible_outlier_is_a_warning_naming_the_median(tmp_path, plan, registry):
    body = "\n".join(GOOD.replace("Enrolment", f"Enrolment {i}") for i in range(12))
    body += "\n" + GOOD.replace("Enrolment", "Big").replace(",1000,", ",5000000,")
    r = run(tmp_path, plan, registry, body)
    p = only(r)
    assert (p.reason, p.row, r.verdict) == (Reason.OUTLIER, 14, "accepted with warnings")
    assert p.message == "5,000,000 is 5,000 times this file's median (1,000)"


def test_a_file_with_no_template_column_is_one_structure_error(tmp_path, plan, registry):
    p = only(run(tmp_path, plan, registry, "1,2,3", head="Name,Amount,Date"))
    assert (p.reason, p.is_structure) == (Reason.WRONG_TEMPLATE, True)
    assert "'Name', 'Amount', 'Date'" in p.message


def test_date_in_a_number_column_is_not_a_number(tmp_path, plan, registry):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD.split(","))
    ws.append(GOOD.split(",")[:5] + [dt.date(2026, 5, 1), 10, 5])
    wb.save(tmp_path / "PRO.xlsx")
    p = only(validate_file(tmp_path / "PRO.xlsx", plan, registry, "KEN", "PRO"))
    assert (p.reason, p.cell) == (Reason.NOT_A_NUMBER, "F2") and "2026-05-01" in p.value


def test_same_activity_in_two_sectors_is_flagged(tmp_path, plan, registry):
    from rcm_docs.intake.tables.validate import cross_sector_duplicates

    a = run(tmp_path, plan, registry, GOOD, name="PRO.csv")
    b = run(tmp_path, plan, registry, GOOD, name="EDU.csv", sector="EDU")
    cross_sector_duplicates([a, b])
    p = only(b)
    assert (p.reason, p.row) == (Reason.DUPLICATE_ACROSS_SECTORS, 2)
    assert p.message.endswith("inputs/submissions/KEN/PRO.csv row 2") and not a.problems


def test_repeats_across_three_sector_files_each_name_the_first_file_and_row():
    import random

    import pandas as pd

    from rcm_docs.intake.tables.checks import Result
    from rcm_docs.intake.tables.validate import cross_sector_duplicates

    def result(name, rows):
        return Result(name, "KEN", name[:3], pd.DataFrame(
            [dict(zip(["organisation", "activity", "indicator", "admin1", "source_row"], r), source_sheet="") for r in rows]),
            [], len(rows))

    pro = result("PRO.csv", [("UNHCR", "Legal aid", "# people", "Turkana", 2), ("NRC", "Shelter kits", "# people", "Kakuma", 3)])
    edu = result("EDU.csv", [("unhcr", "LEGAL AID", "# People", "turkana", 7), ("IRC", "Schools", "# schools", "Kakuma", 8)])
    wsh = result("WSH.csv", [("IRC", "Schools", "# schools", "Kakuma", 4), ("UNHCR", "Legal aid", "# people", "Turkana", 5),
                             ("NRC", "Shelter kits", "# people", "Nairobi", 6)])
    cross_sector_duplicates([pro, edu, wsh])
    assert not pro.problems
    assert [(p.row, p.message.split(" as ")[1]) for p in edu.problems] == [(7, "PRO.csv row 2")]
    assert [(p.row, p.message.split(" as ")[1]) for p in wsh.problems] == [(4, "EDU.csv row 8"), (5, "PRO.csv row 2")]
    assert edu.problems[0].value == "legal aid" and edu.verdict == "accepted with warnings"

    # Repeats within one file only, or no activity shared: no warning (a file's own repeats are its
    # duplicate-row errors).
    alone = [result("A.csv", [("UNHCR", "Legal aid", "# people", "Turkana", 2), ("unhcr", "legal aid", "# people", "Turkana", 3)]),
             result("B.csv", [("UNHCR", "Legal aid", "# people", "Kakuma", 2)])]
    cross_sector_duplicates(alone)
    assert not alone[0].problems and not alone[1].problems

    # Many files and rows against the rule read the plain way: the first file and row with a key stands,
    # every row of another file with it is a repeat.
    rnd = random.Random(7)
    files = [result(f"S{k}.csv", [(rnd.choice("AB"), rnd.choice(["x", "X", "y"]), "i", rnd.choice("pq"), n + 2)
                                  for n in range(rnd.randint(0, 12))]) for k in range(6)]
    cross_sector_duplicates(files)
    first, expected = {}, []
    for r in files:
        for org, act, ind, area, row in r.rows[["organisation", "activity", "indicator", "admin1", "source_row"]].itertuples(index=False) if not r.rows.empty else []:
            k = (org.casefold(), act.casefold(), ind, area)
            if k in first and first[k][0] != r.file:
                expected.append((r.file, row, f"{first[k][0]} row {first[k][1]}"))
            first.setdefault(k, (r.file, row))
    assert [(r.file, p.row, p.message.split(" as ")[1]) for r in files for p in r.problems] == expected and expected


def test_oversize_file_is_refused_unread_with_the_limit_named(tmp_path, registry):
    from rcm_docs.common.plan import parse_plan

    plan = parse_plan({
        "title": "T", "situation": "S", "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "countries": ["KEN"], "sectors": [{"code": "PRO", "name": "Protection"}],
        "population_groups": [{"code": "refugees", "name": "Refugees"}, {"code": "host_community", "name": "Host"}],
        "max_file_mb": 0.0001})
    p = tmp_path / "PRO.csv"
    p.write_text(HEAD + "\n" + "\n".join([GOOD] * 20) + "\n", encoding="utf-8")
    r = validate_file(p, plan, registry, "KEN", "PRO")
    prob = only(r)
    assert prob.reason is Reason.REFUSED and prob.is_structure and "over the 104 bytes limit" in prob.message


def test_stripping_and_casefolding_keep_blanks_in_every_kind_of_column():
    import numpy as np
    import pandas as pd

    from rcm_docs.intake.tables.checks import _str_map

    for values, blank in ((["A ", pd.NA, " B"], pd.NA), (["A ", np.nan, " B"], np.nan)):
        for dtype in ("string", object):
            out = _str_map(pd.Series(values, dtype=dtype, index=[5, 6, 7]), str.casefold)
            assert list(out.index) == [5, 6, 7] and out.iloc[0] == "a " and out.iloc[2] == " b" and pd.isna(out.iloc[1])
    assert _str_map(pd.Series([" x ", "Y"], dtype=object), str.strip).tolist() == ["x", "Y"]

import pandas as pd
import pytest

from rcm_docs.common.sheets import defuse, write_xlsx
from rcm_docs.intake.readers.registries import (
    RegistryError,
    read_partners,
    read_population,
)
from rcm_docs.model.merge import merge, read_rows_csv, write_rows_csv


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd", "'+cmd"), ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("UNHCR", "UNHCR"), (-5.0, -5.0), ("", ""),
])
def test_defuse_formula_text_only(value, expected):
    assert defuse(value) == expected


def frame(country, sector, row, file="f.csv"):
    return pd.DataFrame({"country": [country], "sector": [sector], "source_file": [file], "source_row": [row],
                         "budget_usd": [1.0]})


def test_merge_orders_rows_by_plan_country_and_sector_then_file_and_row(plan):
    merged = merge([frame("UGA", "PRO", 3), frame("KEN", "EDU", 2), frame("KEN", "PRO", 9), frame("KEN", "PRO", 4)], plan)
    assert merged[["country", "sector", "source_row"]].values.tolist() == [
        ["KEN", "PRO", 4], ["KEN", "PRO", 9], ["KEN", "EDU", 2], ["UGA", "PRO", 3]]


def test_rows_csv_round_trips_text_and_numbers(tmp_path):
    df = pd.DataFrame({"country": ["KEN"], "organisation": ["0123 Org"], "admin1": ["NA"], "budget_usd": [1500.5],
                       "cva_usd": [float("nan")], "source_row": [7]})
    write_rows_csv(df, tmp_path / "r.csv")
    back = read_rows_csv(tmp_path / "r.csv")
    assert back.loc[0, "organisation"] == "0123 Org" and back.loc[0, "admin1"] == "NA"
    assert back.loc[0, "budget_usd"] == 1500.5 and pd.isna(back.loc[0, "cva_usd"])


def test_defused_csv_escapes_exactly_the_cells_a_spreadsheet_would_run_and_reads_them_back(tmp_path):
    # Columns the fast check passes over (no cell starts with a risky character, an apostrophe only
    # inside a word) and columns it must look into: every start character, one cell among many, an
    # apostrophe typed at the start, mixed numbers and blanks in one column.
    n = 2000
    df = pd.DataFrame({
        "activity": [f"Children's activity {i}" for i in range(n)],
        "organisation": ["UNHCR"] * (n - 1) + ["=HYPERLINK(\"http://x\")"],
        "description": [["+cmd", "-1+1", "@SUM(A1)", "\tx", "'quoted", "ok", "a-b", "x=1"][i % 8] for i in range(n)],
        "admin1": pd.Series([["Nariño", 5, None, "-dash"][i % 4] for i in range(n)], dtype=object),
        "budget_usd": [float(i) - 3 for i in range(n)],
    })
    write_rows_csv(df, tmp_path / "r.csv")
    written = pd.read_csv(tmp_path / "r.csv", keep_default_na=False, dtype=str)
    assert written["activity"].tolist() == df["activity"].tolist()
    assert written["organisation"].iat[-1] == "'=HYPERLINK(\"http://x\")" and written["organisation"].iat[0] == "UNHCR"
    assert written["description"].tolist()[:8] == ["'+cmd", "'-1+1", "'@SUM(A1)", "'\tx", "''quoted", "ok", "a-b", "x=1"]
    assert written["admin1"].tolist()[:4] == ["Nariño", "5", "", "'-dash"]
    assert written["budget_usd"].iat[0] == "-3.0"  # numbers are never escaped
    back = read_rows_csv(tmp_path / "r.csv")
    for col in ("activity", "organisation", "description"):
        assert back[col].tolist() == df[col].tolist()
    assert back["admin1"].tolist()[:4] == ["Nariño", "5", "", "-dash"]


def test_xlsx_is_byte_identical_across_writes_and_keeps_formulas_as_text(tmp_path):
    df = pd.DataFrame({"activity": ["=1+1", "ok"], "budget_usd": [1.0, 2.0]})
    write_xlsx({"rows": df}, tmp_path / "a.xlsx", 1_700_000_000)
    write_xlsx({"rows": df}, tmp_path / "b.xlsx", 1_700_000_000)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    import openpyxl

    cell = openpyxl.load_workbook(tmp_path / "a.xlsx")["rows"]["A2"]
    assert cell.data_type == "s" and cell.value == "=1+1"  # stored as text: shown, never run
    import zipfile

    assert b"<f>" not in zipfile.ZipFile(tmp_path / "a.xlsx").read("xl/worksheets/sheet1.xml")


def test_partner_registry_duplicates_and_blank_types_are_refused_with_lines(tmp_path):
    p = tmp_path / "partners.csv"
    p.write_text("organisation,acronym,type\nUNHCR,,UN\nunhcr,,UN\nNRC,,\n", encoding="utf-8")
    with pytest.raises(RegistryError) as e:
        read_partners(p)
    assert "line 3, column organisation: 'unhcr' is already on line 2" in str(e.value)
    assert "line 4, column type: empty for 'NRC'" in str(e.value)


def test_population_unknown_codes_and_bad_numbers_are_refused(tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("country,population_group,current,planned\nKEN,refugees,10,-1\nTZA,ref,x,1\n", encoding="utf-8")
    with pytest.raises(RegistryError) as e:
        read_population(p, ["KEN"], ["refugees"])
    msg = str(e.value)
    assert "line 2, column planned: '-1'" in msg and "line 3, column country: 'TZA'" in msg
    assert "line 3, column population_group: 'ref'" in msg and "line 3, column current: 'x'" in msg

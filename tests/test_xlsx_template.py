import zipfile

import openpyxl
import pandas as pd
import pytest

from rcm_docs.intake.tables.checks import Registry
from rcm_docs.intake.tables.contract import columns_for
from rcm_docs.intake.tables.validate import validate_file
from rcm_docs.intake.tables.xlsx_template import write_template

EVIL = '=HYPERLINK("x")'


@pytest.fixture
def partners():
    return pd.DataFrame({
        "organisation": ["United Nations Children's Fund", "Norwegian Refugee Council", EVIL],
        "acronym": ["UNICEF", "NRC", ""],
        "type": ["UN", "INGO", "NNGO"],
    })


@pytest.fixture
def template(tmp_path, plan, partners):
    return write_template(plan, partners, "KEN", "PRO", tmp_path / "PRO.xlsx", admin1=["Turkana", "Garissa"],
                          epoch=plan.epoch)


def headers(ws) -> list[str]:
    return [c.value for c in ws[3] if c.value is not None]


def test_template_header_row_is_contract_columns_without_country_and_sector(template, plan):
    ws = openpyxl.load_workbook(template)["Submission"]
    expected = [c.name for c in columns_for(plan) if c.name not in ("country", "sector")]
    assert headers(ws) == expected
    assert "target_refugees" in expected and "target_host_community" in expected
    assert ws["A1"].value == "Protection sector submission - Kenya - Test plan"
    assert ws.freeze_panes == "A5"


def test_template_hxl_row_is_under_the_header(template, plan):
    ws = openpyxl.load_workbook(template)["Submission"]
    hxl = {c.name: c.hxl for c in columns_for(plan)}
    assert [c.value for c in ws[4] if c.value is not None] == [hxl[h] for h in headers(ws)]


def test_template_filled_validates_accepted(template, plan, partners):
    wb = openpyxl.load_workbook(template)
    ws = wb["Submission"]
    col = {h: i for i, h in enumerate(headers(ws), start=1)}
    rows = [
        {"organisation": "Norwegian Refugee Council", "objective": "Protect", "activity": "Legal aid",
         "indicator": "People assisted", "admin1": "Turkana", "budget_usd": 120000, "in_kind_usd": 20000,
         "cva_usd": 100000, "target_refugees": 900, "target_host_community": 100,
         "girls": 300, "boys": 300, "women": 200, "men": 200},
        {"organisation": "UNICEF", "objective": "Protect", "activity": "Child protection",
         "indicator": "Children reached", "admin1": "National", "budget_usd": 50000.5,
         "target_refugees": 400},
    ]
    for r, values in enumerate(rows, start=5):
        for name, value in values.items():
            ws.cell(r, col[name], value)
    wb.save(template)
    result = validate_file(template, plan, Registry(partners), "KEN", "PRO")
    assert result.verdict == "accepted", [p.message for p in result.problems]
    assert result.rows["source_row"].tolist() == [5, 6]


def test_template_organisation_dropdown_lists_every_registry_name(template, partners):
    wb = openpyxl.load_workbook(template)
    ws = wb["Submission"]
    org = ws.cell(3, headers(ws).index("organisation") + 1).column_letter
    dv = next(d for d in ws.data_validations.dataValidation if d.type == "list" and f"{org}5:{org}504" in str(d.sqref))
    assert dv.formula1.startswith("Lists!") and dv.showErrorMessage
    cells = wb["Lists"][dv.formula1.split("!")[1].replace("$", "")]
    assert [row[0].value for row in cells] == partners["organisation"].tolist()
    assert wb["Lists"].sheet_state == "hidden"


def test_template_number_columns_refuse_negative_numbers(template):
    ws = openpyxl.load_workbook(template)["Submission"]
    kinds = {d.type: d for d in ws.data_validations.dataValidation}
    assert kinds["whole"].operator == kinds["decimal"].operator == "greaterThanOrEqual"
    assert kinds["decimal"].error == "enter a number of 0 or more, without separators or currency"
    assert kinds["whole"].showErrorMessage and kinds["decimal"].showErrorMessage


def test_template_formula_looking_partner_name_is_text(template):
    ws = openpyxl.load_workbook(template)["Lists"]
    cell = next(c for c in ws["A"] if c.value == EVIL)
    assert cell.data_type == "s"
    with zipfile.ZipFile(template) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_template_same_inputs_same_bytes(tmp_path, plan, partners):
    a = write_template(plan, partners, "KEN", "PRO", tmp_path / "a.xlsx", epoch=plan.epoch)
    b = write_template(plan, partners, "KEN", "PRO", tmp_path / "b.xlsx", epoch=plan.epoch)
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_template_instructions_list_every_column(template, plan):
    ws = openpyxl.load_workbook(template)["Instructions"]
    first = [c.value for c in ws["A"]]
    for col in columns_for(plan):
        if col.name in ("country", "sector"):
            continue
        row = first.index(col.name) + 1
        assert [ws.cell(row, j).value for j in (2, 3, 4)] == ["yes" if col.required else "no", col.help, col.hxl]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "inputs/submissions/KEN/PRO.xlsx" in text and "girls + boys + women + men" in text

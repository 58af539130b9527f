"""Issue 11: hostile or careless submissions, each class through the path the build takes (read_submission,
validate_file, the three validators, load_plan, the registries, the CLI). Every hostile file is built tiny here.

1 grid bound   2 plan.yaml alias bomb   3 runaway quote   4 encodings and NULs   5 Excel error cells
6 which sheet   7 blank headers, over-long text   8 hash of what was read   9 links out of the workspace
10 fix suggestions
"""
from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys

import openpyxl
import pytest
from conftest import FIXTURE, copy_fixture
from hostile_files import (
    NS,
    make_ods,
    make_xlsb,
    make_xlsx,
    ods_cell,
    ods_row,
    xlsb_record,
    xlsb_sheet,
)

from rcm_docs.common.plan import PlanError, load_plan
from rcm_docs.intake.readers.funding import validate_funding
from rcm_docs.intake.readers.progress import validate_progress
from rcm_docs.intake.readers.registries import RegistryError, read_partners
from rcm_docs.intake.tables.checks import Registry
from rcm_docs.intake.tables.contract import Reason
from rcm_docs.intake.tables.read import ReadError, RefusedFile, read_submission
from rcm_docs.intake.tables.validate import validate_file

PLAN = load_plan(FIXTURE / "inputs/plan.yaml")
REGISTRY = Registry(read_partners(FIXTURE / "inputs/partners.csv"))
COLUMNS = ["organisation", "objective", "activity", "indicator", "admin1", "budget_usd", "target_refugees",
           "target_host_community"]
HEAD = ",".join(COLUMNS)
KNOWN = {"organisation", "objective", "activity", "indicator", "admin1", "budgetusd", "targetrefugees"}


def row(i: int, budget="1000", refugees="10", host="5") -> list:
    return ["UNHCR", "Access to asylum", f"Activity {i}", "# registered", "Turkana", budget, refugees, host]


@pytest.fixture
def ws(tmp_path):
    return copy_fixture(tmp_path / "ws")


def drop(ws, name: str, data: bytes | str, country: str = "KEN"):
    p = ws / "inputs" / "submissions" / country / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def check(path, sector: str | None = None):
    return validate_file(path, PLAN, REGISTRY, path.parent.name, sector or path.stem, f"inputs/submissions/KEN/{path.name}")


def problems(result, reason: Reason) -> list:
    return [p for p in result.problems if p.reason is reason]


# ---- 1. the used range is bounded before calamine allocates it -------------------------------------------------
def cell_xml(ref: str, v) -> str:
    if isinstance(v, tuple):  # ("e", "#REF!"), ("f", formula), ("fe", formula, "#DIV/0!"), ("b", 1)
        kind, *rest = v
        return {"e": lambda: f'<c r="{ref}" t="e"><v>{rest[0]}</v></c>',
                "f": lambda: f'<c r="{ref}"><f>{rest[0]}</f><v></v></c>',
                "f0": lambda: f'<c r="{ref}"><f>{rest[0]}</f></c>',
                "fs": lambda: f'<c r="{ref}" t="str"><f>{rest[0]}</f><v></v></c>',
                "fe": lambda: f'<c r="{ref}" t="e"><f>{rest[0]}</f><v>{rest[1]}</v></c>',
                "b": lambda: f'<c r="{ref}" t="b"><v>{rest[0]}</v></c>'}[kind]()
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def sheet(rows: list[list], extra: str = "") -> str:
    """Worksheet XML of rows (row 1 = first list), cells typed by cell_xml; extra: raw XML rows after them."""
    from rcm_docs.intake.tables.read import column_letter
    body = "".join(f'<row r="{r}">' + "".join(cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(cells) if v != "")
                   + "</row>" for r, cells in enumerate(rows, 1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}><sheetData>{body}{extra}</sheetData></worksheet>'


def numeric(cells: list) -> list:
    return [float(c) if isinstance(c, str) and c.replace(".", "").isdigit() else c for c in cells]


def cli_validate(ws, path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rcm_docs", "validate", str(path), "--workspace", str(ws),
                           "--country", "KEN", "--sector", "PRO", "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "RUST_BACKTRACE": "0"}, encoding="utf-8")


def test_one_cell_at_XFD1048576_is_refused_naming_sheet_and_range_and_the_process_lives(ws):
    rows = [COLUMNS] + [numeric(row(i)) for i in range(3)]
    p = drop(ws, "PRO.xlsx", b"")
    make_xlsx(p, {"Activities": sheet(rows, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')})
    assert p.stat().st_size < 5000
    run = cli_validate(ws, p)  # in a child: calamine would abort (SIGABRT) the process that reads this file
    assert run.returncode == 1, run.stderr[-2000:]
    [problem] = json.loads(run.stdout)[0]["problems"]
    assert problem["reason"] == "refused-file"
    assert "sheet 'Activities' has cells up to XFD1048576" in problem["message"]
    assert "17,179,869,184 cells" in problem["message"]


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xlsb"])
def test_far_cell_is_refused_before_calamine_is_even_imported(ws, kind, monkeypatch):
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # reading would now fail: only the scan may run
    if kind == "xlsx":
        p = make_xlsx(drop(ws, "PRO.xlsx", b""), {"Data": sheet([COLUMNS], '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')})
    elif kind == "ods":
        p = make_ods(drop(ws, "PRO.ods", b""), {"Data": ods_row(ods_cell("organisation") + ods_cell("activity"))
                                                 + ods_row(ods_cell("x", 16384), 1048575)})
    else:
        p = make_xlsb(drop(ws, "PRO.xlsb", b""), {"Data": xlsb_sheet([(0, 0, "organisation"), (1048575, 16383, 1.0)])})
    with pytest.raises(RefusedFile, match=r"sheet 'Data' has cells up to XFD1048576"):
        read_submission(p, KNOWN)


def test_old_xls_is_refused_asking_for_xlsx(ws):
    p = drop(ws, "PRO.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(RefusedFile, match=r"\.xls\) are not read.*save it again as \.xlsx"):
        read_submission(p, KNOWN)
    assert problems(check(p), Reason.REFUSED)


# ---- 2. plan.yaml alias bomb --------------------------------------------------------------------------------------
def test_plan_alias_bomb_stops_at_parse_time_naming_plan_yaml(ws):
    levels = [f'a0: &a0 [{", ".join([repr("lol" * 23)] * 9)}]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**10 values
    bomb = "\n".join(levels) + "\n"
    assert 1000 < len(bomb) < 1300
    (ws / "inputs" / "plan.yaml").write_text(bomb, encoding="utf-8")
    # In a child with a timeout: before the fix the schema check walked 3.5 billion values.
    run = subprocess.run([sys.executable, "-c", ("import sys\nfrom rcm_docs.common.plan import PlanError, load_plan\n"
                          "try:\n    load_plan(sys.argv[1])\nexcept PlanError as e:\n    print(e)\n"),
                          str(ws / "inputs" / "plan.yaml")], capture_output=True, text=True, timeout=60, check=False, encoding="utf-8")
    assert "plan.yaml uses 81 aliases (&anchor/*alias)" in run.stdout and "write the values out" in run.stdout
    with pytest.raises(PlanError, match="plan.yaml"):
        load_plan(ws / "inputs" / "plan.yaml")


# ---- 3. a quote that never closes swallows the rows after it -----------------------------------------------------
@pytest.mark.parametrize("body, line", [
    ([",".join(row(0)), 'UNHCR,"Access to asylum,Activity 1,# registered,Turkana,1000,10,5']
     + [",".join(row(i)) for i in range(2, 6)], 3),
    ([",".join(row(0)), 'UNHCR,"Access to asylum,Activity 1,# registered,Turkana,1000,10,5']
     + [",".join(row(i)) for i in range(2, 5)] + ['UNHCR,Access,"Activity 5",# registered,Turkana,1000,10,5'], 3),
])
def test_runaway_quote_rejects_the_file_naming_the_line(ws, body, line):
    p = drop(ws, "PRO.csv", HEAD + "\n" + "\n".join(body) + "\n")
    r = check(p)
    assert r.verdict == "rejected" and r.rows.empty
    [problem] = r.problems
    assert problem.reason is Reason.UNREADABLE
    assert problem.message.startswith(f"line {line}: a quote opens a value that")


def test_every_line_accounted_for_in_a_semicolon_file(ws):
    text = HEAD.replace(",", ";") + "\n" + "\n".join(";".join(row(i)) for i in range(4)).replace("Activity 1", '"Activity 1') + "\n"
    with pytest.raises(ReadError, match="line 3: a quote opens a value that never closes"):
        read_submission(drop(ws, "PRO.csv", text), KNOWN)


# ---- 4. encodings decided by evidence; NUL bytes anywhere ---------------------------------------------------------
def test_one_cp1252_line_in_a_utf8_file_is_rejected_not_mojibake(ws):
    data = (HEAD + "\n" + ",".join(row(0)).replace("Turkana", "Nariño") + "\n").encode("utf-8") \
        + (",".join(row(1)).replace("Turkana", "Cañar") + "\n").encode("cp1252")
    r = check(drop(ws, "PRO.csv", data))
    assert r.verdict == "rejected"
    [problem] = r.problems
    assert problem.message.startswith("line 3: byte 0xF1 is not UTF-8 while line 2 is UTF-8")
    assert "Ã" not in problem.message


def test_nul_byte_after_64_kb_is_reported_with_its_line(ws):
    rows = [",".join(row(i)) for i in range(2000)]
    rows[1500] = rows[1500].replace("Turkana", "Turk\x00ana")
    r = check(drop(ws, "PRO.csv", HEAD + "\n" + "\n".join(rows) + "\n"))
    assert r.verdict == "rejected"
    assert r.problems[0].message.startswith("line 1502: a NUL byte at character")


def test_utf16_with_bom_is_read_and_annotated(ws, tmp_path):
    from rcm_docs.intake.tables.annotate import write_annotated
    text = HEAD + "\n" + ",".join(row(0)).replace("Turkana", "Nariño") + "\n" + ",".join(row(1, budget="x")) + "\n"
    p = drop(ws, "PRO.csv", text.encode("utf-16"))
    r = check(p)
    assert [(q.reason, q.cell) for q in r.problems] == [(Reason.NOT_A_NUMBER, "line 3, column 6")]
    out = write_annotated(p, r, tmp_path / "PRO.annotated.xlsx")
    assert openpyxl.load_workbook(out)["Submission"]["E2"].value == "Nariño"


def test_tab_separated_unicode_text_gets_its_own_message(ws):
    with pytest.raises(ReadError, match="separated by tabs"):
        read_submission(drop(ws, "PRO.csv", (HEAD.replace(",", "\t") + "\n").encode("utf-16")), KNOWN)


# ---- 5. Excel errors and formulas with no saved value are errors naming the cell ----------------------------------
def test_error_cells_and_formulas_without_a_value_are_errors_naming_the_cell(ws):
    rows = [COLUMNS, numeric(row(0)),
            numeric(row(1, budget=("e", "#REF!"))),
            numeric(row(2, refugees=("fe", "1/0", "#DIV/0!"))),
            numeric(row(3, host=("f", "G4*2"))),
            numeric(row(4, host=("f0", "G5*2"))),
            numeric(row(5, refugees=("b", 1))),
            numeric(row(6, host=("fs", 'IF(1,"","")'))),  # a formula whose result is "": blank, rightly
            [("e", "#N/A")] * 8]  # a row of errors only is not a blank row
    p = make_xlsx(drop(ws, "PRO.xlsx", b""), {"Submission": sheet(rows)})
    r = check(p)
    found = {(q.cell, q.reason) for q in r.problems}
    assert {("F3", Reason.EXCEL_ERROR), ("G4", Reason.EXCEL_ERROR), ("H5", Reason.EXCEL_ERROR),
            ("H6", Reason.EXCEL_ERROR), ("G7", Reason.NOT_A_NUMBER)} <= found
    assert {q.cell for q in r.problems if q.reason is Reason.EXCEL_ERROR} >= {f"{c}9" for c in "ABCDEFGH"}
    messages = {q.cell: q.message for q in r.problems if q.reason is Reason.EXCEL_ERROR}
    assert messages["F3"].startswith("the cell holds an error value (#REF!)")
    assert messages["G4"].startswith("the formula's result is an error (#DIV/0!)")
    assert messages["H5"].startswith("a formula with no saved value")
    assert ("H8", Reason.EXCEL_ERROR) not in found
    assert not [q for q in r.problems if q.cell == "F3" and q.reason is not Reason.EXCEL_ERROR]  # one problem a cell
    assert r.verdict == "rejected"


def test_openpyxl_formulas_are_formulas_with_no_saved_value(ws):
    wb = openpyxl.Workbook()
    wb.active.title = "Submission"
    wb.active.append(COLUMNS)
    wb.active.append(numeric(row(0)))
    wb.active.append(numeric(row(1, budget="=F2*2")))
    r = check(_save(wb, ws))
    [problem] = problems(r, Reason.EXCEL_ERROR)
    assert (problem.cell, problem.column) == ("F3", "budget_usd")
    assert "save it again" in problem.fix


def _save(wb, ws):
    p = ws / "inputs" / "submissions" / "KEN" / "PRO.xlsx"
    wb.save(p)
    return p


def test_error_cells_in_ods_and_xlsb(ws, monkeypatch):
    err = ('<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
           'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    nov = '<table:table-cell table:formula="of:=1+1"/>'
    head = "".join(ods_cell(c) for c in COLUMNS)
    data = "".join(ods_cell(c) if not c.isdigit() else f'<table:table-cell office:value-type="float" office:value="{c}"/>'
                   for c in row(0)[:5]) + err + nov + ods_cell("5")
    import hostile_files
    monkeypatch.setattr(hostile_files, "ODS_NS", hostile_files.ODS_NS + ' xmlns:calcext="urn:org:documentfoundation:'
                        'names:experimental:calc:xmlns:calcext:1.0"')
    p = make_ods(drop(ws, "PRO.ods", b""), {"Submission": ods_row(head) + ods_row(data)})
    r = check(p)
    assert {q.cell: q.message.split(",")[0] for q in problems(r, Reason.EXCEL_ERROR)} == {
        "F2": "the formula's result is an error (#DIV/0!)", "G2": "a formula with no saved value"}
    cells = [(0, c, name) for c, name in enumerate(COLUMNS)] + [(1, c, v) for c, v in enumerate(numeric(row(0))) if c != 6]
    sh = xlsb_sheet(cells)
    sh = sh.replace(xlsb_record(0x92), xlsb_record(0x03, struct.pack("<IIB", 6, 0, 0x17)) + xlsb_record(0x92))
    r = check(make_xlsb(drop(ws, "PRO.xlsb", b""), {"Submission": sh}))
    assert [(q.cell, q.message.split(",")[0]) for q in problems(r, Reason.EXCEL_ERROR)] == [
        ("G2", "the cell holds an error value (#REF!)")]


def test_funding_and_progress_files_report_error_cells_too(ws):
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.append(["donor", "organisation", "country", "sector", "amount_usd", "date", "status"])
    wb.active.append(["Germany", "UNHCR", "KEN", "PRO", "=1000*2", "2026-02-01", "paid"])
    p = ws / "inputs" / "funding" / "f.xlsx"
    wb.save(p)
    r = validate_funding(p, PLAN, REGISTRY, "inputs/funding/f.xlsx")
    assert [(q.cell, q.reason) for q in r.problems] == [("E2", Reason.EXCEL_ERROR)]
    wb = openpyxl.Workbook()
    wb.active.append(["country", "sector", "organisation", "indicator", "admin1", "reached"])
    wb.active.append(["KEN", "PRO", "UNHCR", "# registered", "Turkana", "=SUM(1,2)"])
    p = ws / "inputs" / "sitreps" / "2026-03" / "progress" / "KEN.xlsx"
    wb.save(p)
    _, found = validate_progress(p, PLAN, REGISTRY)
    assert [(q.cell, q.reason) for q in found] == [("F2", Reason.EXCEL_ERROR)]


# ---- 6. which sheet is the data ----------------------------------------------------------------------------------
def workbook(ws, sheets: dict[str, tuple[list[list], str]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (rows, state) in sheets.items():
        s = wb.create_sheet(name)
        s.sheet_state = state
        for r in rows:
            s.append(r)
    return _save(wb, ws)


def test_two_sheets_with_the_template_columns_ask_which(ws):
    rows = [COLUMNS] + [numeric(row(i)) for i in range(3)]
    p = workbook(ws, {"Submission": (rows, "visible"), "Submission (2)": (rows[:2], "visible")})
    r = check(p)
    [problem] = r.problems
    assert problem.reason is Reason.WHICH_SHEET and r.verdict == "rejected"
    assert "'Submission' and 'Submission (2)'" in problem.message
    assert "delete the other one" in problem.fix


def test_a_hidden_stale_sheet_never_wins_over_the_visible_one(ws):
    stale = [COLUMNS] + [numeric(row(i, budget="999999")) for i in range(5)]
    fresh = [COLUMNS] + [numeric(row(i)) for i in range(3)]
    r = check(workbook(ws, {"Data": (stale, "hidden"), "Activities": (fresh, "visible")}))
    assert r.verdict == "accepted", [q.message for q in r.problems]
    assert r.rows["budget_usd"].tolist() == [1000.0] * 3 and set(r.rows["source_sheet"]) == {"Activities"}


def test_only_a_hidden_sheet_with_the_template_columns_is_a_question_too(ws):
    rows = [COLUMNS] + [numeric(row(i)) for i in range(3)]
    r = check(workbook(ws, {"Instructions": ([["Fill in the sheet"]], "visible"), "Data": (rows, "veryHidden")}))
    [problem] = r.problems
    assert problem.reason is Reason.WHICH_SHEET and "'Data', is hidden" in problem.message


# ---- 7. a column under a blank header; text over Excel's cell limit ------------------------------------------------
def test_values_under_a_blank_header_are_an_error_naming_the_column(ws):
    rows = [COLUMNS[:5] + [None] + COLUMNS[5:]] + [numeric(row(i)[:5] + ["note"] + row(i)[5:]) for i in range(2)]
    r = check(workbook(ws, {"Submission": (rows, "visible")}))
    [problem] = problems(r, Reason.NO_HEADER)
    assert problem.message.startswith("column F has values but its header cell (F1) is blank")
    assert problem.fix == "give this column a header or delete it" and r.verdict == "rejected"
    text = HEAD.replace("admin1,", "admin1,,") + "\n" + ",".join(row(0)).replace("Turkana,", "Turkana,note,") + "\n"
    [problem] = problems(check(drop(ws, "PRO.csv", text)), Reason.NO_HEADER)
    assert problem.message.startswith("column 6 has values but its header cell (line 1, column 6) is blank")


def test_blank_header_over_an_empty_column_is_fine(ws):
    text = HEAD.replace("admin1,", "admin1,,") + "\n" + ",".join(row(0)).replace("Turkana,", "Turkana,,") + "\n"
    assert check(drop(ws, "PRO.csv", text)).verdict == "accepted"


def test_text_over_32767_characters_is_an_error(ws):
    long = "x" * 40_000
    text = HEAD + ",description\n" + ",".join(row(0)) + f",{long}\n" + ",".join(row(1)).replace("Activity 1", long) + ",ok\n"
    r = check(drop(ws, "PRO.csv", text))
    assert [(q.cell, q.reason) for q in r.problems] == [("line 2, column 9", Reason.TEXT_TOO_LONG),
                                                        ("line 3, column 3", Reason.TEXT_TOO_LONG)]
    assert "40,000 characters" in r.problems[0].message and r.verdict == "rejected"


def test_text_over_32767_characters_in_a_workbook_is_an_error_too(ws):
    rows = [COLUMNS + ["description"], numeric(row(0)) + ["y" * 33_000], numeric(row(1)) + ["short"]]
    r = check(make_xlsx(drop(ws, "PRO.xlsx", b""), {"Submission": sheet(rows)}))  # openpyxl would cut it
    assert [(q.cell, q.reason) for q in r.problems] == [("I2", Reason.TEXT_TOO_LONG)]


# ---- 8. the hash is of the bytes that were read ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["PRO.csv", "PRO.xlsx"])
def test_the_hash_is_of_the_bytes_read_even_when_the_file_is_saved_again_mid_read(ws, name, monkeypatch):
    from rcm_docs.intake.files import safety
    rows = [COLUMNS] + [numeric(row(i)) for i in range(3)]
    p = workbook(ws, {"Submission": (rows, "visible")}) if name.endswith("xlsx") else \
        drop(ws, name, HEAD + "\n" + "\n".join(",".join(row(i)) for i in range(3)) + "\n")
    before = p.read_bytes()
    real = safety.inspect_file

    def edited_after_the_check(path, *args):
        found = real(path, *args)
        p.write_bytes(p.read_bytes().replace(b"Activity", b"Changed") if name.endswith("csv") else b"not a zip any more")
        return found

    monkeypatch.setattr(safety, "inspect_file", edited_after_the_check)
    table = read_submission(p, KNOWN)
    assert table.rows[0][2] == "Activity 0"
    assert table.sha256 == hashlib.sha256(before).hexdigest() != hashlib.sha256(p.read_bytes()).hexdigest()
    monkeypatch.setattr(safety, "inspect_file", real)
    p.write_bytes(before)
    assert check(p).sha256 == hashlib.sha256(before).hexdigest()


# ---- 9. nothing is followed out of the workspace ------------------------------------------------------------------
def test_a_submission_linking_out_of_the_workspace_is_refused(ws, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text(HEAD + "\n" + ",".join(row(0)) + "\n", encoding="utf-8")
    p = ws / "inputs" / "submissions" / "KEN" / "PRO.csv"
    p.unlink()
    p.symlink_to(secret)
    r = check(p)
    [problem] = r.problems
    assert problem.reason is Reason.REFUSED and problem.row is None  # no row: no annotated copy is written
    assert "outside the workspace" in problem.message and str(secret) in problem.message
    (ws / "inputs" / "submissions" / "UGA").rename(tmp_path / "UGA")  # a linked folder, the same
    (ws / "inputs" / "submissions" / "UGA").symlink_to(tmp_path / "UGA")
    with pytest.raises(RefusedFile, match="outside the workspace"):
        read_submission(ws / "inputs" / "submissions" / "UGA" / "PRO.csv", KNOWN)


def test_links_inside_the_workspace_are_followed(ws):
    p = ws / "inputs" / "submissions" / "KEN" / "EDU.csv"
    p.symlink_to(ws / "inputs" / "submissions" / "KEN" / "PRO.csv")
    assert read_submission(p, KNOWN).rows


def test_registry_linking_out_of_the_workspace_is_refused(ws, tmp_path):
    outside = tmp_path / "partners.csv"
    outside.write_bytes((ws / "inputs" / "partners.csv").read_bytes())
    (ws / "inputs" / "partners.csv").unlink()
    (ws / "inputs" / "partners.csv").symlink_to(outside)
    with pytest.raises(RegistryError, match="outside the workspace"):
        read_partners(ws / "inputs" / "partners.csv")


# ---- 10. fix suggestions are right ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cells, flagged, suggestion", [
    (["about 1.234,56"], "about 1.234,56", "did you mean 1234.56?"),
    (["1000.50", "about 1.234,56"], "about 1.234,56", "did you mean 1234.56?"),  # in a '.'-decimal column
    (["1000.50", "1.234,56"], "1.234,56", "write it as 1234.56 if that is what is meant"),
    (["1000.50", "USD 1.234,56"], "USD 1.234,56", "write it as 1234.56 if that is what is meant"),
    (["1000,5", "about 1.234,56"], "about 1.234,56", "did you mean 1234.56?"),
])
def test_a_suggested_fix_is_the_number_the_cell_says(ws, cells, flagged, suggestion):
    body = "\n".join(",".join(row(i, budget=f'"{c}"')) for i, c in enumerate(cells))
    r = check(drop(ws, "PRO.csv", HEAD + "\n" + body + "\n"))
    [problem] = [q for q in r.problems if q.value == flagged]
    assert suggestion in problem.fix and "( or" not in problem.fix and "or ," not in problem.fix


def test_the_same_suggestion_in_a_semicolon_file(ws):
    body = ";".join(row(0, budget="about 1.234,56")) + "\n"
    r = check(drop(ws, "PRO.csv", HEAD.replace(",", ";") + "\n" + body))
    assert "did you mean 1234.56?" in r.problems[0].fix

"""Issue 11: hostile or careless submissions, each class through the path the build takes (read_submission,
validate_file, the three validators, load_plan, the registries, the CLI). Every hostile file is built tiny here.

1 grid bound   2 plan.yaml alias bomb   3 runaway quote   4 encodings and NULs   5 Excel error cells
6 which sheet   7 blank headers, over-long text   8 hash of what was read   9 links out of the workspace
10 fix suggestions
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest
from conftest import FIXTURE, copy_fixture
from hostile_files import NS, make_ods, make_xlsb, make_xlsx, ods_cell, ods_row, xlsb_sheet

from rcm_docs.common.plan import PlanError, load_plan
from rcm_docs.intake.checks import Registry
from rcm_docs.intake.contract import Reason
from rcm_docs.intake.read import ReadError, RefusedFile, read_submission
from rcm_docs.intake.registries import read_partners
from rcm_docs.intake.validate import validate_file

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
    from rcm_docs.intake.read import column_letter
    body = "".join(f'<row r="{r}">' + "".join(cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(cells) if v != "")
                   + "</row>" for r, cells in enumerate(rows, 1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}><sheetData>{body}{extra}</sheetData></worksheet>'


def numeric(cells: list) -> list:
    return [float(c) if isinstance(c, str) and c.replace(".", "").isdigit() else c for c in cells]


def cli_validate(ws, path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rcm_docs", "validate", str(path), "--workspace", str(ws),
                           "--country", "KEN", "--sector", "PRO", "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "RUST_BACKTRACE": "0"})


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


@pytest.mark.parametrize("kind", ["ods", "xlsb"])
def test_far_cell_in_ods_and_xlsb_is_refused_before_calamine(ws, kind, monkeypatch):
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # reading would now fail: only the scan may run
    if kind == "ods":
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
    (ws / "inputs" / "plan.yaml").write_text(bomb)
    # In a child with a timeout: before the fix the schema check walked 3.5 billion values.
    run = subprocess.run([sys.executable, "-c", ("import sys\nfrom rcm_docs.common.plan import PlanError, load_plan\n"
                          "try:\n    load_plan(sys.argv[1])\nexcept PlanError as e:\n    print(e)\n"),
                          str(ws / "inputs" / "plan.yaml")], capture_output=True, text=True, timeout=60, check=False)
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
    from rcm_docs.intake.annotate import write_annotated
    text = HEAD + "\n" + ",".join(row(0)).replace("Turkana", "Nariño") + "\n" + ",".join(row(1, budget="x")) + "\n"
    p = drop(ws, "PRO.csv", text.encode("utf-16"))
    r = check(p)
    assert [(q.reason, q.cell) for q in r.problems] == [(Reason.NOT_A_NUMBER, "line 3, column 6")]
    out = write_annotated(p, r, tmp_path / "PRO.annotated.xlsx")
    assert openpyxl.load_workbook(out)["Submission"]["E2"].value == "Nariño"


def test_tab_separated_unicode_text_gets_its_own_message(ws):
    with pytest.raises(ReadError, match="separated by tabs"):
        read_submission(drop(ws, "PRO.csv", (HEAD.replace(",", "\t") + "\n").encode("utf-16")), KNOWN)

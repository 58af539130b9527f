"""The input guards, each on its own: the sheet scan's bounds on a workbook's used range (XLSX/XLSM, ODS, XLSB),
plan.yaml's alias bombs, CSV quotes that run away, and encodings judged by evidence. Every hostile file is
built tiny in tmp_path (tests/hostile_files.py); timings belong to bench/, not here."""
from __future__ import annotations

import csv
import io
import random
import zipfile

import pytest
import yaml
from hostile_files import (
    NS,
    make_ods,
    make_xlsb,
    make_xlsx,
    ods_cell,
    ods_row,
    sheet_xml,
    xlsb_sheet,
)

from rcm_docs.common.plan import PlanError, safe_yaml_load
from rcm_docs.intake.files import safety, sheetscan
from rcm_docs.intake.files.safety import UnsafeFile, check_file
from rcm_docs.intake.files.textfile import (
    NotText,
    _lines,
    _quoted_spans,
    check_csv_records,
    decode_by_evidence,
)
from rcm_docs.intake.tables.read import column_letter

HEAD = {"A1": "sector", "B1": "organisation", "A2": "PRO", "B2": 3}


def ws(body: str, ns: str = NS, prefix: str = "") -> str:
    if prefix:
        ns = ns.replace('xmlns="', f'xmlns:{prefix[:-1]}="')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{prefix}worksheet {ns}><{prefix}sheetData>{body}'
            f"</{prefix}sheetData></{prefix}worksheet>")


ROW1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>sector</t></is></c></row>'
FAR = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def refused(path, **limits) -> str:
    """check_file's refusal, with limits lowered through the module's constants when given."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in limits.items():
            mp.setattr(sheetscan, name.upper(), value)
        with pytest.raises(UnsafeFile) as e:
            check_file(path)
    message = str(e.value)
    assert message.startswith(str(path))
    return message


def scanned(path) -> sheetscan.WorkbookScan:
    """The scan safety.check_file runs, kept for a look at which parts went to the exact count."""
    with zipfile.ZipFile(path) as zf:
        scan, total = sheetscan.WorkbookScan(zf), 0
        for info in zf.infolist():
            total = safety._scan_member(path, zf, info, total, scan)
        scan.finish()
    return scan


def calamine_grid(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)


# ---- declared grid: xlsx ---------------------------------------------------------------------------------
def test_xlsx_small_dimension_cannot_hide_a_far_cell(tmp_path):
    p = make_xlsx(tmp_path / "lie.xlsx", {"S": sheet_xml({**HEAD, "XFD1048576": 1}, "A1:B2")})
    assert "XFD1048576" in refused(p)


def test_xlsx_huge_dimension_alone_passes_because_calamine_ignores_it(tmp_path):
    p = make_xlsx(tmp_path / "dim.xlsx", {"S": sheet_xml(HEAD, "A1:XFD1048576")})
    check_file(p)
    assert calamine_grid(p) == [["sector", "organisation"], ["PRO", 3.0]]


@pytest.mark.parametrize("body", [
    ROW1 + '<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>',  # r not the first attribute
    ROW1 + "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",  # single quotes
    ROW1 + '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',  # lowercase (calamine reads it)
    ROW1 + '<row r="1048576"><c><v>1</v></c></row>',  # no r: position from the row
    ROW1 + '<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>',  # second r (calamine keeps it)
    ROW1 + '<row r="1048576"><c r="XFD1048576" t="str"><v></v></c></row>',  # empty string is a value
    ROW1 + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t></t></is></c></row>',
    ROW1 + '<row r="1048577"><c r="XFE1048577"><v>1</v></c></row>',  # beyond Excel's grid: calamine reads it
])
def test_xlsx_far_cell_refused_however_it_is_spelled(tmp_path, body):
    refused(make_xlsx(tmp_path / "far.xlsx", {"S": ws(body)}))


def test_xlsx_prefixed_elements_refused(tmp_path):
    body = (ROW1 + FAR).replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ") \
        .replace("</c>", "</x:c>").replace("<v>", "<x:v>").replace("</v>", "</x:v>").replace("<is>", "<x:is>") \
        .replace("</is>", "</x:is>").replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    p = make_xlsx(tmp_path / "prefixed.xlsx", {"S": ws(body, prefix="x:")})
    assert "XFD1048576" in refused(p)


def test_xlsx_sheet_in_utf16_is_counted_exactly(tmp_path):
    body = ws(ROW1 + FAR).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    p = make_xlsx(tmp_path / "u16.xlsx", {"S": ""})
    parts = {i.filename: zipfile.ZipFile(p).read(i.filename) for i in zipfile.ZipFile(p).infolist()}
    parts["xl/worksheets/sheet1.xml"] = body
    with zipfile.ZipFile(p, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    assert "XFD1048576" in refused(p)


@pytest.mark.parametrize("far", [
    '<c r="XFD1048576" s="1"/>',  # formatting only
    '<c r="XFD1048576" s="1"></c>',
    '<c r="XFD1048576"><f>1+1</f></c>',  # formula without a cached value
])
def test_xlsx_far_cell_without_value_passes_as_in_calamine(tmp_path, far):
    p = make_xlsx(tmp_path / "styled.xlsx", {"S": ws(ROW1 + f'<row r="1048576">{far}</row>')})
    check_file(p)
    assert calamine_grid(p) == [["sector"]]


def test_xlsx_sheet_outside_the_worksheets_folder_is_checked(tmp_path):
    p = make_xlsx(tmp_path / "moved.xlsx", {"S": sheet_xml({**HEAD, "XFD1048576": 1})})
    parts = {i.filename: zipfile.ZipFile(p).read(i.filename) for i in zipfile.ZipFile(p).infolist()}
    parts["xl/media/pic.bin"] = parts.pop("xl/worksheets/sheet1.xml")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"media/pic.bin")
    with zipfile.ZipFile(p, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    assert "sheet 'S'" in refused(p)


def test_xlsx_cell_count_bound(tmp_path):
    p = make_xlsx(tmp_path / "wide.xlsx", {"S": sheet_xml({**HEAD, "ALL20000": 1})})  # 1,000 x 20,000
    assert "20,000,000 cells" in refused(p)


def test_xlsx_limits_name_the_sheet_and_range(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Activities"
    for i in range(30):
        wb.active.append([f"r{i}", i, i * 2])
    wb.save(tmp_path / "a.xlsx")
    msg = refused(tmp_path / "a.xlsx", max_rows=20)
    assert "sheet 'Activities' has cells up to C30" in msg and "limits: 20 rows" in msg


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_real_writers_pass_on_the_fast_path(tmp_path, writer):
    p = tmp_path / f"{writer}.xlsx"
    rows = [["sector", "org", "target", "notes"]] + [["PRO", f"Org {i}", i, "a, b"] for i in range(300)]
    if writer == "openpyxl":
        from openpyxl import Workbook
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.active["F400"].number_format = "0.00"  # a formatted empty cell, as real sheets have
        wb.save(p)
    else:
        import xlsxwriter
        with xlsxwriter.Workbook(p) as wb:
            sh = wb.add_worksheet("Data")
            for i, r in enumerate(rows):
                sh.write_row(i, 0, r)
            sh.write_blank("F400", None, wb.add_format({"bold": True}))
    assert scanned(p).exact == []


def test_xlsx_fast_bound_never_under_counts(tmp_path):
    """Random canonical sheets: whenever the exact count refuses, the fast bound must not pass."""
    rnd = random.Random(7)
    for k in range(60):
        cells = {f"{column_letter(rnd.randrange(40))}{rnd.randrange(1, 400)}": 1 for _ in range(rnd.randrange(1, 30))}
        p = make_xlsx(tmp_path / f"r{k}.xlsx", {"S": sheet_xml(cells)})
        limits = (rnd.randrange(50, 450), rnd.randrange(5, 45), rnd.randrange(500, 8000))
        with zipfile.ZipFile(p) as zf:
            scan = sheetscan.WorkbookScan(zf, limits)
            exact = sheetscan._XlsxCells(scan, "xl/worksheets/sheet1.xml")
            sheetscan._feed_all(zf, "xl/worksheets/sheet1.xml", exact)
            part = sheetscan._XlsxPart(scan, "xl/worksheets/sheet1.xml")
            for chunk in sheetscan.chunks(zf, "xl/worksheets/sheet1.xml"):
                part.feed(chunk)
            part.close()
        assert not exact.grid.over(limits) or part.mode == "exact"


def test_xlsx_dtd_in_a_sheet_refused(tmp_path):
    body = ws(ROW1).replace("<worksheet", '<!DOCTYPE w [<!ENTITY e "x">]><worksheet', 1)
    assert "DTD" in refused(make_xlsx(tmp_path / "dtd.xlsx", {"S": body}))


# ---- declared grid: ods ----------------------------------------------------------------------------------
ODS_HEAD = ods_row(ods_cell("sector") + ods_cell("organisation")) + ods_row(ods_cell("PRO") + ods_cell("3"))


def test_ods_trailing_empty_repeat_passes_like_libreoffice_writes_it(tmp_path):
    p = make_ods(tmp_path / "lo.ods", {"Data": ODS_HEAD + ods_row(ods_cell(None, 1024), 1048574)})
    check_file(p)
    assert calamine_grid(p) == [["sector", "organisation"], ["PRO", "3"]]  # calamine skips it too


@pytest.mark.parametrize("rows, where", [
    (ods_row(ods_cell("x"), 1_000_000), "B1000002"),  # a non-empty row repeated
    (ods_row(ods_cell(None), 1_000_000) + ods_row(ods_cell("x")), "B1000003"),  # empty rows, then a value
    (ods_row(ods_cell(None, 16000) + ods_cell("x")), "WQK3"),  # empty cells, then a value
    (ods_row(ods_cell("x", 16384), 1048574), "XFD1048576"),  # repeated cells in repeated rows
    (ods_row('<table:table-cell table:formula="of:=1" table:number-columns-repeated="2000"/>', 10), "BXX12"),
    (ods_row(ods_cell("x") + '<table:covered-table-cell table:number-columns-repeated="16000"/>' + ods_cell("y")), "WQL3"),
])
def test_ods_repeats_that_reach_a_value_refused(tmp_path, rows, where):
    p = make_ods(tmp_path / "rep.ods", {"Data": ODS_HEAD + rows})
    assert f"sheet 'Data' has cells up to {where}," in refused(p)


def test_ods_text_without_value_type_is_empty_as_in_calamine(tmp_path):
    cell = '<table:table-cell table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell>'
    p = make_ods(tmp_path / "text.ods", {"Data": ODS_HEAD + ods_row(cell, 100000)})
    check_file(p)
    assert len(calamine_grid(p)) == 2


def test_ods_comment_cannot_hide_a_repeated_row(tmp_path):
    sneaky = ('<table:table-row table:number-rows-repeated="1000000"><!-- </table:table-row> -->'
              + ods_cell("x") + "</table:table-row>")
    assert "B1000002" in refused(make_ods(tmp_path / "c.ods", {"Data": ODS_HEAD + sneaky}))


@pytest.mark.parametrize("rows", [
    '<table:table-row table:style-name="a>b" table:number-rows-repeated="1000000">' + ods_cell("x") + "</table:table-row>",
    ods_row('<table:table-cell office:value-type="float" office:value="1" table:style-name="x>y" '
            'table:number-columns-repeated="16000"/>'),
    '<table:table-row table:number-rows-repeated="1000000"><?pi </table:table-row> ?>' + ods_cell("x") + "</table:table-row>",
    ('<t:table-row xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0" t:number-rows-repeated="1000000">'
    '<t:table-cell office:value-type="string"><text:p>x</text:p></t:table-cell></t:table-row>'),
])
def test_ods_markup_tricks_go_to_the_exact_count(tmp_path, rows):
    refused(make_ods(tmp_path / "t.ods", {"Data": ODS_HEAD + rows}))


def test_ods_second_sheet_checked_and_named(tmp_path):
    p = make_ods(tmp_path / "two.ods", {"Data": ODS_HEAD, "Notes": ods_row(ods_cell("x"), 300000)})
    assert "sheet 'Notes'" in refused(p)


def test_ods_sheets_are_bounded_together_as_calamine_opens_them_all(tmp_path):
    tables = {f"S{i}": ods_row(ods_cell("x", 100), 15000) for i in range(4)}  # 1.5M cells each, 6M together
    assert "cells together" in refused(make_ods(tmp_path / "many.ods", tables))


def test_ods_normal_file_takes_the_fast_path(tmp_path):
    rows = ODS_HEAD + "".join(ods_row(ods_cell(f"r{i}") + ods_cell(None, 3) + ods_cell("y")) for i in range(200))
    p = make_ods(tmp_path / "n.ods", {"Data": rows + ods_row(ods_cell(None, 1024), 1048000)})
    assert scanned(p).exact == []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sheetscan, "MAX_ROWS", 202)
        mp.setattr(sheetscan, "MAX_COLS", 5)
        check_file(p)
    assert "has cells up to E202," in refused(p, max_rows=201)


# ---- declared grid: xlsb ---------------------------------------------------------------------------------
def test_xlsb_far_cell_refused_and_huge_dimension_alone_passes(tmp_path):
    cells = [(0, 0, "sector"), (1, 0, "PRO")]
    far = make_xlsb(tmp_path / "far.xlsb", {"Data": xlsb_sheet(cells + [(1048575, 16383, 1.0)], (0, 1, 0, 0))})
    assert "sheet 'Data' has cells up to XFD1048576" in refused(far)
    wide = make_xlsb(tmp_path / "wide.xlsb", {"Data": xlsb_sheet(cells + [(5, 4_000_000_000, 1.0)])})
    refused(wide)
    dim = make_xlsb(tmp_path / "dim.xlsb", {"Data": xlsb_sheet(cells, (0, 1048575, 0, 16383))})
    check_file(dim)
    assert calamine_grid(dim) == [["sector"], ["PRO"]]


def test_xlsb_normal_file_passes_and_records_span_chunks(tmp_path, monkeypatch):
    cells = [(r, c, f"v{r}" if c else float(r)) for r in range(500) for c in range(6)]
    p = make_xlsb(tmp_path / "ok.xlsb", {"Data": xlsb_sheet(cells, (0, 499, 0, 5))})
    monkeypatch.setattr(safety, "CHUNK", 7)  # every record cut across reads
    check_file(p)
    assert "F500" in refused(p, max_rows=499)


def test_other_suffixes_are_left_alone(tmp_path):
    (tmp_path / "a.csv").write_text("a,b\n", encoding="utf-8")
    check_file(tmp_path / "a.csv")


# ---- plan.yaml ---------------------------------------------------------------------------------------------
def laughs(levels: int, width: int, word: str = "lol") -> str:
    lines = [f'a0: &a0 [{", ".join([repr(word)] * width)}]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_refused_with_clear_message():
    bomb = laughs(10, 9, "lol" * 23)  # 9**10 = 3.5 billion values
    assert 1000 < len(bomb) < 1300
    with pytest.raises(PlanError) as e:
        safe_yaml_load(bomb)
    assert "plan.yaml uses 81 aliases (&anchor/*alias)" in str(e.value) and "write the values out" in str(e.value)


def test_alias_count_bound():
    text = "base: &b [1]\n" + "".join(f"k{i}: *b\n" for i in range(101))
    with pytest.raises(PlanError, match=r"plan.yaml uses over 100 aliases \(&anchor/\*alias\); write the values out"):
        safe_yaml_load(text)


def test_alias_to_itself_refused():
    with pytest.raises(PlanError, match="refers to a value that contains it"):
        safe_yaml_load("a: &a [1, *a]\n")


def test_plan_with_a_few_anchors_and_a_merge_key_loads_as_safe_load():
    plan = """
title: Regional RMRP 2026
period: {start: '2026-01-01', end: '2026-12-31'}
countries: [COL, PER, ECU]
defaults: &pack
  sections: [key_figures, gaps, localisation]
audiences:
  donors: {<<: *pack, name: Donors}
  rc_unct: {<<: *pack, name: RC and UNCT}
  hc_hct:
    name: HC and HCT
    sections: &hrp [key_figures, hrp_sectors]
  extra: {name: Extra, sections: *hrp}
"""
    assert safe_yaml_load(plan) == yaml.safe_load(plan)
    assert safe_yaml_load("") is None


def test_oversize_and_deep_nesting_refused():
    with pytest.raises(PlanError, match="over the 262,144-byte limit"):
        safe_yaml_load("x: " + "a" * 300_000)
    with pytest.raises(PlanError, match="nested too deeply"):
        safe_yaml_load("[" * 50_000 + "]" * 50_000)


def test_plan_read_by_libyaml_where_present_with_the_same_values_and_bounds(monkeypatch):
    from conftest import ROOT

    from rcm_docs.common import plan as plan_module

    text = (ROOT / "inputs" / "plan.yaml").read_text(encoding="utf-8")
    assert (plan_module._FAST_LOADER is not None) == yaml.__with_libyaml__
    fast = safe_yaml_load(text)
    monkeypatch.setattr(plan_module, "_FAST_LOADER", None)  # PyYAML without libyaml: the pure-Python reader
    assert safe_yaml_load(text) == fast == yaml.safe_load(text)
    with pytest.raises(PlanError, match="nested too deeply"):
        safe_yaml_load("[" * 50_000 + "]" * 50_000)
    with pytest.raises(PlanError, match="uses 81 aliases"):
        safe_yaml_load(laughs(10, 9, "lol" * 23))


def test_yaml_syntax_errors_pass_through_for_the_caller():
    with pytest.raises(yaml.YAMLError):
        safe_yaml_load("a: [1, 2\n")


# ---- CSV runaway quotes ------------------------------------------------------------------------------------
HDR = "sector,organisation,target,notes\n"


def test_unclosed_quote_reported_at_its_line():
    text = HDR + 'PRO,UNHCR,10,ok\nEDU,"Save the Children,20,note\nHEA,WHO,30,x\nFSC,WFP,40,y\nWSH,UNICEF,50,z\nSHE,IOM,60,w\n'
    r = check_csv_records(text)
    assert r == (3, 4, None)
    assert r.message().startswith("line 3: a quote opens a value that never closes; the next 4 lines were read into this one cell")
    assert len(list(csv.reader(io.StringIO(text)))) == 3  # what the csv module silently does


def test_runaway_closed_by_a_later_stray_quote():
    text = HDR + 'EDU,"Save the Children,20,note\nHEA,WHO,30,x\nFSC,WFP,40,y\nWSH,"UNICEF",50,z\n'
    assert check_csv_records(text) == (2, 3, 5)


def test_legitimate_multiline_values_pass():
    text = (HDR + 'PRO,UNHCR,10,"first line\nsecond line, with a comma"\nEDU,"Plan, Intl",20,"a\n\nb"\n'
            + 'HEA,WHO,30,"He said ""hi"", then left\nfor Lima"\n')
    assert check_csv_records(text) is None
    assert len(list(csv.reader(io.StringIO(text)))) == 4


def test_line_numbers_count_earlier_multiline_values_and_crlf():
    text = (HDR + 'PRO,UNHCR,10,"two\r\nlines"\r\nEDU,x,1,"three\r\nlines\r\nhere"\r\nHEA,"WHO,30,x\r\nFSC,WFP,40,y\r\n').replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    assert check_csv_records(text) == (7, 1, None)


def test_semicolon_files():
    text = "sector;organisation;target\nPRO;\"UNHCR;10\nEDU;Plan;20\nHEA;WHO;30\nFSC;WFP;\"40\"\n"
    assert check_csv_records(text, ";") == (2, 3, 5)
    assert check_csv_records('a;b;c\n1;"x\ny";3\n', ";") is None


def test_narrow_files_caught_by_length():
    text = "organisation,type\n" + 'UNHCR,"UN\n' + "".join(f"Org {i},NNGO\n" for i in range(60)) + 'Last,"INGO"\n'
    assert check_csv_records(text).line == 2
    assert check_csv_records(text, max_lines=100) is None  # closes: within the allowance, nothing proves a runaway


def test_no_quotes_no_work():
    assert check_csv_records(HDR + "PRO,UNHCR,10,x\n" * 1000) is None
    assert check_csv_records("") is None


@pytest.mark.parametrize("by_find", [True, False])
def test_quoted_spans_agree_with_the_csv_module(by_find):
    """Random texts over the characters that matter: the lines inside quoted values must match csv's."""
    rnd = random.Random(3)
    for _ in range(3000):
        text = "".join(rnd.choice('ab,,""\n\r') for _ in range(rnd.randrange(1, 40)))
        ours = set()
        for start, end in _quoted_spans(text, ",", by_find):
            first = _lines(text, 0, start) + 1
            last = first + _lines(text, start, len(text) if end is None else end)
            last -= end is None and text.endswith(("\n", "\r"))  # a final line break starts no line
            ours |= set(range(first + 1, last + 1))
        theirs, reader, line = set(), csv.reader(io.StringIO(text, newline="")), 1
        for _row in reader:
            theirs |= set(range(line + 1, reader.line_num + 1))
            line = reader.line_num + 1
        assert ours == theirs, repr(text)


# ---- encoding ----------------------------------------------------------------------------------------------
def test_utf8_with_and_without_bom_and_cp1252():
    assert decode_by_evidence("Año,niño\n".encode()) == ("Año,niño\n", "utf-8")
    assert decode_by_evidence(b"\xef\xbb\xbf" + "Año\n".encode()) == ("Año\n", "utf-8-sig")
    assert decode_by_evidence("Año,niño,€\n".encode("cp1252")) == ("Año,niño,€\n", "cp1252")
    assert decode_by_evidence(b"a\x81b\n") == ("a\x81b\n", "latin-1")  # unassigned in cp1252


def test_mixed_encodings_refused_naming_the_bad_line():
    data = "sector,notes\nPRO,Año nuevo\nEDU,ok\n".encode() + "HEA,niño pequeño\n".encode("cp1252") + b"FSC,x\n"
    with pytest.raises(NotText) as e:
        decode_by_evidence(data)
    msg = str(e.value)
    assert msg.startswith("line 4: byte 0xF1 is not UTF-8 while line 2 is UTF-8 ('PRO,Año nuevo')")
    assert "line 4 reads 'HEA,niño pequeño' in Windows-1252" in msg


def test_bom_then_cp1252_refused():
    with pytest.raises(NotText, match="line 2: byte 0xE9 .* UTF-8 byte-order mark"):
        decode_by_evidence(b"\xef\xbb\xbfa,b\ncaf\xe9,1\n")


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(enc):
    text = "sector\tnotes\nPRO\tAño\n"
    data = text.encode(enc) if enc != "utf-16-be" else b"\xfe\xff" + text.encode("utf-16-be")
    assert decode_by_evidence(data)[0] == text


def test_utf16_without_bom_refused_with_its_own_message():
    with pytest.raises(NotText, match="UTF-16 text without a byte-order mark"):
        decode_by_evidence("sector,notes\nPRO,x\n".encode("utf-16-le"))


def test_nul_after_64_kb_reported_with_its_line():
    data = b"sector,notes\n" + b"PRO,x\n" * 20_000 + b"EDU,bad\x00byte\n"
    with pytest.raises(NotText, match=r"line 20002: a NUL byte at character 8 .*'EDU,bad\?byte'"):
        decode_by_evidence(data)
    with pytest.raises(NotText, match="line 2: a NUL character"):
        decode_by_evidence("a\nb\x00\n".encode("utf-16"))


def test_cp1252_capital_plus_punctuation_is_not_taken_for_utf8():
    for s in ["Lima, PERÚ\u00a0(capital)\ncafé, niño\n", "Oficina PERÚ” y ECUADOR\nniño\n"]:
        assert decode_by_evidence(s.encode("cp1252")) == (s, "cp1252")


def test_utf8_arabic_with_a_pasted_cp1252_line_is_mixed():
    data = "القطاع,الملاحظات\nالحماية,تعليم الأطفال\n".encode() + "PRO,niño\n".encode("cp1252")
    with pytest.raises(NotText, match="line 3: byte 0xF1 is not UTF-8 while line 1 is UTF-8"):
        decode_by_evidence(data)


# ---- error cells and formulas with no saved value: the fast search agrees with the exact count ---------------------
SPECIAL = [
    ('<c r="{ref}" t="e"><v>#REF!</v></c>', "the cell holds an error value (#REF!)"),
    ('<c r="{ref}" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "the formula's result is an error (#DIV/0!)"),
    ('<c r="{ref}"><f>SUM(A1:A2)</f><v></v></c>', sheetscan.NO_VALUE),
    ('<c r="{ref}"><f t="shared" si="0"/></c>', sheetscan.NO_VALUE),
    ('<c r="{ref}" t="str"><f>IF(1,"","")</f><v></v></c>', None),  # a formula whose result is ""
    ('<c r="{ref}"><f>1+1</f><v>2</v></c>', None),
    ('<c r="{ref}" t="inlineStr"><is><t>#hashtag</t></is></c>', None),
    ('<c r="{ref}" s="1"/>', None),
    ('<c r="{ref}"><v>3</v></c>', None),
]


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_special_cells_found_in_any_chunking_as_the_exact_count_finds_them(tmp_path, monkeypatch, chunk):
    rnd = random.Random(chunk)
    monkeypatch.setattr(safety, "CHUNK", chunk)
    for k in range(15):
        expected, rows = {}, []
        for r in range(1, rnd.randrange(2, 30)):
            cells = []
            for c in sorted(rnd.sample(range(12), rnd.randrange(1, 6))):
                xml, what = rnd.choice(SPECIAL)
                cells.append(xml.format(ref=f"{column_letter(c)}{r}"))
                if what:
                    expected[(r, c)] = what
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        p = make_xlsx(tmp_path / f"s{k}.xlsx", {"S": ws("".join(rows))})
        assert safety.inspect_file(p).cells.get("S", {}) == expected
        with zipfile.ZipFile(p) as zf:
            scan = sheetscan.WorkbookScan(zf)
            sheetscan._feed_all(zf, "xl/worksheets/sheet1.xml", sheetscan._XlsxCells(scan, "xl/worksheets/sheet1.xml"))
        assert scan.issues.get("xl/worksheets/sheet1.xml", {}) == expected


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_ods_special_cells_agree_with_the_exact_count(tmp_path, monkeypatch, chunk):
    import hostile_files

    from rcm_docs.intake.files import sheetformats
    monkeypatch.setattr(safety, "CHUNK", chunk)
    monkeypatch.setattr(hostile_files, "ODS_NS", hostile_files.ODS_NS + ' xmlns:calcext="urn:org:documentfoundation:'
                        'names:experimental:calc:xmlns:calcext:1.0"')
    err = ('<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
           'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    nov = '<table:table-cell table:formula="of:=1+1"/>'
    ok = '<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell>'
    text = '<table:table-cell office:value-type="string"><text:p>table:formula value-type="error"</text:p></table:table-cell>'
    rows = (ods_row(ods_cell("a") + err + ods_cell(None, 3) + nov) + ods_row(ok + text + err, 2)
            + ods_row(ods_cell(None, 1024), 1000))
    p = make_ods(tmp_path / "e.ods", {"A&amp;B": rows})
    expected = {(1, 1): "the formula's result is an error (#DIV/0!)", (1, 5): sheetscan.NO_VALUE,
                (2, 2): "the formula's result is an error (#DIV/0!)", (3, 2): "the formula's result is an error (#DIV/0!)"}
    assert safety.inspect_file(p).cells == {"A&B": expected}
    with zipfile.ZipFile(p) as zf:
        scan = sheetscan.WorkbookScan(zf)
        sheetscan._feed_all(zf, "content.xml", sheetformats.OdsCells(scan))
    assert scan.issues == {"ods:A&B": expected}

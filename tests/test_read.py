import openpyxl
import pytest

from rcm_docs.intake.tables.read import ReadError, read_csv, read_submission

KNOWN = {"organisation", "activity", "budget_usd", "admin1"}


def test_csv_rows_keep_the_line_number_the_submitter_sees_even_after_a_multiline_cell(tmp_path):
    p = tmp_path / "PRO.csv"
    p.write_text('organisation,activity,budget_usd\nUNHCR,"Legal aid\nand counselling",100\n\nNRC,Shelter,200\n', encoding="utf-8")
    t = read_submission(p, KNOWN)
    assert t.row_numbers == [2, 5]
    assert t.rows[1] == ["NRC", "Shelter", "200"]


@pytest.mark.parametrize("encoding,text", [
    ("utf-8-sig", "organisation;activity;budget_usd\nAcción y Desarrollo;Niñez;100\n"),
    ("cp1252", "organisation;activity;budget_usd\nAcción y Desarrollo;Niñez;100\n"),
])
def test_csv_reads_bom_windows_1252_and_semicolons(tmp_path, encoding, text):
    p = tmp_path / "PRO.csv"
    p.write_bytes(text.encode(encoding))
    t = read_submission(p, KNOWN)
    assert t.headers == ["organisation", "activity", "budget_usd"]
    assert t.rows == [["Acción y Desarrollo", "Niñez", "100"]]


def test_xlsx_title_block_and_hxl_row_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Instructions"
    ws = wb.create_sheet("Submission")
    ws["A1"] = "Protection submission"
    ws.append([])
    ws.append(["Organisation", "Activity", "Budget USD"])
    ws.append(["#org+name", "#activity+name", "#value+required+usd"])
    ws.append(["UNHCR", "Registration", 1000])
    ws.append([None, None, None])
    ws.append(["NRC", "Legal aid", 2000])
    p = tmp_path / "PRO.xlsx"
    wb.save(p)
    t = read_submission(p, KNOWN)
    assert t.sheet == "Submission"
    assert t.header_row == 3
    assert t.row_numbers == [5, 7]
    assert t.cell_ref(7, 2) == "C7"


def test_unreadable_workbook_is_a_clear_error_not_a_traceback(tmp_path):
    p = tmp_path / "PRO.xlsx"
    p.write_bytes(b"this is not a zip file")
    with pytest.raises(ReadError, match="not a valid Excel workbook .the zip container is damaged."):
        read_submission(p, KNOWN)


def test_unsupported_extension_names_the_fix(tmp_path):
    p = tmp_path / "PRO.docx"
    p.write_bytes(b"x")
    with pytest.raises(ReadError, match="save the sheet as .xlsx or .csv"):
        read_submission(p, KNOWN)


@pytest.mark.parametrize("text,rows,lines", [
    ("a,b\r\n1,2\r\n\r\n3,4\r\n", [["1", "2"], ["3", "4"]], [2, 4]),
    ('a,b\n"x\ny",2\n3,4\n', [["x\ny", "2"], ["3", "4"]], [2, 4]),
    ("a,b\n1\u2028x,2\n\"p\nq\",4\n5,6\n", [["1\u2028x", "2"], ["p\nq", "4"], ["5", "6"]], [2, 3, 5]),
    ("a,b\r1,2\r3,4", [["1", "2"], ["3", "4"]], [2, 3]),
])
def test_csv_row_numbers_are_the_lines_a_sector_lead_sees(tmp_path, text, rows, lines):
    """Fast path (one record per line) and slow path (a quoted cell with a line break) agree with an editor."""
    path = tmp_path / "s.csv"
    path.write_text(text, newline="", encoding="utf-8")
    table = read_csv(path, {"a", "b"})
    assert (table.rows, table.row_numbers) == (rows, lines)

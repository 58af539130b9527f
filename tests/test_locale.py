"""Whole submission files as Excel saves them in Spanish, Portuguese, French and English locales: every
amount and target is read exactly, or the file is rejected naming the column; never another value."""
import openpyxl
import pytest

from rcm_docs.intake.tables.validate import validate_file

HEAD = ["organisation", "objective", "activity", "indicator", "admin1", "budget_usd", "target_refugees",
        "target_host_community"]


def csv_file(tmp_path, rows, delimiter, encoding="utf-8", name="PRO.csv"):
    path = tmp_path / name
    lines = [delimiter.join(HEAD)] + [delimiter.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def xlsx_file(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Submission"
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    path = tmp_path / "PRO.xlsx"
    wb.save(path)
    return path


def read(path, plan, registry):
    r = validate_file(path, plan, registry, "KEN", "PRO", f"inputs/submissions/KEN/{path.name}")
    return r, (r.rows[["admin1", "budget_usd", "target_refugees", "target_host_community"]].values.tolist()
               if not r.rows.empty else [])


CASES = {
    # Excel in Spanish: ';' between cells, cp1252, '.' for thousands, ',' for decimals; no value has two marks.
    "spanish": (";", "cp1252", [["UNICEF", "Acceso", "Matrícula", "# niños", "Nariño", "125.000", "1.200", "300"],
                                ["NRC", "Acceso", "Asesoría", "# personas", "Cañar", "80.500", "2.500", "0"],
                                ["UNICEF", "Acceso", "Kits", "# niños", "Nariño ", "9.999", "950", "12"]],
                [["Nariño", 125000.0, 1200.0, 300.0], ["Cañar", 80500.0, 2500.0, 0.0], ["Nariño", 9999.0, 950.0, 12.0]]),
    "spanish with decimals": (";", "cp1252", [["UNICEF", "Acceso", "A", "# niños", "Cauca", "1.234.567,50", "1.200", ""],
                                              ["NRC", "Acceso", "B", "# personas", "Cauca", "73,9", "15", ""]],
                              [["Cauca", 1234567.5, 1200.0, 0.0], ["Cauca", 73.9, 15.0, 0.0]]),
    # Brazilian Portuguese: ',' decimal, '.' thousands.
    "portuguese": (";", "cp1252", [["UNICEF", "Acesso", "Matrícula", "# crianças", "São Paulo", "73384,9", "2.500", "40"],
                                   ["NRC", "Acesso", "Abrigo", "# pessoas", "Roraima", "1.000.000", "12.000", "1.500"]],
                   [["São Paulo", 73384.9, 2500.0, 40.0], ["Roraima", 1000000.0, 12000.0, 1500.0]]),
    # French: spaces (non-breaking, as Excel writes them) between thousands, ',' for decimals.
    "french": (";", "cp1252", [["UNICEF", "Accès", "Inscription", "# enfants", "Ouaddaï", "1\u00a0250\u00a0000,50", "1\u00a0200", "0"],
                               ["NRC", "Accès", "Conseil", "# personnes", "Lac", "45\u00a0000", "800", "20"]],
               [["Ouaddaï", 1250000.5, 1200.0, 0.0], ["Lac", 45000.0, 800.0, 20.0]]),
    # English: ',' between cells, so amounts with thousands separators arrive quoted.
    "english": (",", "utf-8", [["UNICEF", "Access", "Enrolment", "# children", "Turkana", '"1,250,000.50"', '"1,200"', "300"],
                               ["NRC", "Access", "Legal aid", "# people", "Garissa", '"125,000"', "950", "0"]],
                [["Turkana", 1250000.5, 1200.0, 300.0], ["Garissa", 125000.0, 950.0, 0.0]]),
    # Spanish LibreOffice keeps ',' between cells: 125.000 is still thousands (no one writes USD with three decimals).
    "spanish, comma-separated": (",", "utf-8", [["UNICEF", "Acceso", "A", "# niños", "Lima", "125.000", "1.200", "0"],
                                                ["NRC", "Acceso", "B", "# personas", "Lima", "2.500", "40", "0"]],
                                 [["Lima", 125000.0, 1200.0, 0.0], ["Lima", 2500.0, 40.0, 0.0]]),
    "currency and apostrophes": (";", "utf-8", [["UNICEF", "Acceso", "A", "# niños", "Lima", "USD 1.200,50", "'1200", "0"],
                                                ["NRC", "Acceso", "B", "# personas", "Lima", "US$ 300", "'40", "0"]],
                                 [["Lima", 1200.5, 1200.0, 0.0], ["Lima", 300.0, 40.0, 0.0]]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_csv_saved_in_each_locale_is_read_exactly(tmp_path, plan, registry, case):
    delimiter, encoding, rows, expected = CASES[case]
    r, got = read(csv_file(tmp_path, rows, delimiter, encoding), plan, registry)
    assert [p.message for p in r.errors] == []
    assert got == expected


def test_xlsx_with_numbers_stored_as_text_in_a_spanish_locale(tmp_path, plan, registry):
    r, got = read(xlsx_file(tmp_path, [["UNICEF", "Acceso", "A", "# niños", "Cauca", "1.234.567,5", "1.200", 5],
                                       ["NRC", "Acceso", "B", "# personas", "Cauca", 125000, "950", None],
                                       ["NRC", "Acceso", "C", "# personas", "Meta", "2.500,75", 10, 0]]), plan, registry)
    assert [p.message for p in r.errors] == []
    assert got == [["Cauca", 1234567.5, 1200.0, 5.0], ["Cauca", 125000.0, 950.0, 0.0], ["Meta", 2500.75, 10.0, 0.0]]


def test_a_column_that_contradicts_itself_is_rejected_naming_the_column_and_both_readings(tmp_path, plan, registry):
    r, got = read(xlsx_file(tmp_path, [["UNICEF", "Acceso", "A", "# niños", "Cauca", "1.234,5", 10, 0],
                                       ["NRC", "Acceso", "B", "# personas", "Cauca", "2,500.75", 10, 0],
                                       ["NRC", "Acceso", "C", "# personas", "Meta", "1,500", 10, 0]]), plan, registry)
    assert got == [] and r.verdict == "rejected"
    # '1.234,5' says ',' is the decimal mark, '2,500.75' says '.': which the file meant, it cannot say.
    assert {(p.cell, p.column, p.reason.value) for p in r.errors} == {("F2", "budget_usd", "ambiguous-number"),
                                                                     ("F3", "budget_usd", "ambiguous-number")}
    assert "'1.234,5' implies ',' for decimals but '2,500.75' implies '.' for decimals" in r.errors[0].message
    assert "write it as 1234.5" in r.errors[0].fix


def test_a_semicolon_file_whose_cells_say_dot_decimal_is_not_read_as_comma_decimal(tmp_path, plan, registry):
    r, got = read(csv_file(tmp_path, [["UNICEF", "A", "A", "# x", "Lima", "1234.50", "10", "0"],
                                      ["NRC", "A", "B", "# x", "Lima", "0.75", "10", "0"],
                                      ["NRC", "A", "C", "# x", "Lima", "1.500", "10", "0"]], ";"), plan, registry)
    # '1234.50' and '0.75' show '.' is the decimal mark despite the ';': '1.500' could then be 1.5 USD.
    assert [(p.cell, p.reason.value) for p in r.errors] == [("line 4, column 6", "ambiguous-number")]


@pytest.mark.parametrize("value,fix", [("1.234,56 USD aprox.", "did you mean 1234.56?"), ("aprox. 1.200", "did you mean 1200?")])
def test_fix_suggestions_are_the_number_meant(tmp_path, plan, registry, value, fix):
    r, _ = read(csv_file(tmp_path, [["UNICEF", "A", "A", "# x", "Lima", value, "10", "0"],
                                    ["NRC", "A", "B", "# x", "Lima", "1.234.567,5", "10", "0"]], ";"), plan, registry)
    assert [p.reason.value for p in r.errors] == ["not-a-number"] and fix in r.errors[0].fix

"""The input guards, each on its own: the sheet scan's bounds on a workbook's used range (XLSX/XLSM, ODS, XLSB),
plan.yaml's alias bombs, CSV quotes that run away, and encodings judged by evidence. Every hostile file is
built tiny in tmp_path (tests/hostile_files.py); timings belong to bench/, not here."""
from __future__ import annotations

import csv
import io
import random

import pytest
import yaml

from rcm_docs.common.plan import PlanError, safe_yaml_load
from rcm_docs.intake.textfile import NotText, _lines, _quoted_spans, check_csv_records, decode_by_evidence


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

"""Whole-column tests for intake/numbers.py (locale-aware amounts): every case parses a column, because the decision is per column."""
import datetime as dt
import math
import random

import numpy as np
import pandas as pd
import pytest

from rcm_docs.intake.tables.numbers import (
    COMMA,
    DOT,
    MAX_ABS,
    _cell,
    _fast,
    parse_column,
    suggest,
)

NBSP, NNBSP = "\u00a0", "\u202f"


def parse(cells, hint=None, dtype=object):
    return parse_column(pd.Series(cells, dtype=dtype), hint)


def nums(r):
    return [None if math.isnan(x) else x for x in r.numbers]


def flags(mask):
    return [bool(x) for x in mask]


def assert_clean(r):
    assert not r.bad.any() and not r.ambiguous.any() and r.message == ""


# --- the issue: a CSV saved by Spanish/Portuguese/French Excel -------------------------------

def test_spanish_column_decided_by_its_multi_group_value():
    r = parse(["125.000", "2.500", "1.250.000"])
    assert r.convention == COMMA and nums(r) == [125000, 2500, 1250000]
    assert_clean(r)


def test_spanish_column_of_single_groups_with_semicolon_hint():
    r = parse(["125.000", "2.500", "10.000", "999"], hint=COMMA)
    assert r.convention == COMMA and nums(r) == [125000, 2500, 10000, 999]
    assert_clean(r)


def test_spanish_column_of_single_groups_without_hint_is_ambiguous_not_125():
    r = parse(["125.000", "2.500", "999", ""])
    assert r.convention is None
    assert flags(r.ambiguous) == [True, True, False, False]
    assert nums(r) == [None, None, 999, None]  # never 125
    assert flags(r.bad) == [False] * 4 and flags(r.blank) == [False, False, False, True]
    assert "'125.000' could be 125 or 125000" in r.message
    assert "thousands separators" in r.message


def test_same_column_with_comma_delimiter_hint_reads_decimal_point():
    r = parse(["125.000", "2.500"], hint=DOT)
    assert r.convention == DOT and nums(r) == [125.0, 2.5]
    assert_clean(r)


def test_spanish_full_format_with_decimals():
    r = parse(["1.234.567,50", "73.384,90", "0,5", "12", "-1.000,25"])
    assert r.convention == COMMA and nums(r) == [1234567.5, 73384.9, 0.5, 12, -1000.25]
    assert_clean(r)


def test_portuguese_decimal_comma():
    r = parse(["73384,9", "1200", "0,75", "15,5"])
    assert r.convention == COMMA and nums(r) == [73384.9, 1200, 0.75, 15.5]
    assert_clean(r)


def test_portuguese_decimal_comma_decides_the_ambiguous_cells():
    r = parse(["73384,9", "1,500"])  # '73384,9' says ',' is decimal, so '1,500' is 1.5
    assert r.convention == COMMA and nums(r) == [73384.9, 1.5]


def test_french_spaces_of_every_kind():
    r = parse(["1 250 000,50", f"2{NBSP}500", f"3{NNBSP}000{NNBSP}000", "12,5", f"{NBSP}7 000 "])
    assert r.convention == COMMA and nums(r) == [1250000.5, 2500, 3000000, 12.5, 7000]
    assert_clean(r)


def test_space_grouped_integers_need_no_convention():
    r = parse(["1 250 000", f"2{NBSP}500", "300"])
    assert r.convention is None and nums(r) == [1250000, 2500, 300]
    assert_clean(r)


def test_dot_decimal_with_comma_grouping():
    r = parse(["1,234.56", "1,234,567", "12.5", "800"])
    assert r.convention == DOT and nums(r) == [1234.56, 1234567, 12.5, 800]
    assert_clean(r)


def test_english_thousands_decided_by_multi_group_value():
    r = parse(["1,500", "2,000,000"])
    assert r.convention == DOT and nums(r) == [1500, 2000000]


def test_english_single_groups_without_hint_are_ambiguous():
    r = parse(["1,500", "20,000"])
    assert flags(r.ambiguous) == [True, True] and nums(r) == [None, None]
    assert "'1,500' could be 1500 or 1.5" in r.message


def test_plain_numbers_need_no_convention():
    r = parse(["100", "-3", "+4", "0", "007"], hint=COMMA)
    assert r.convention is None and nums(r) == [100, -3, 4, 0, 7]
    assert_clean(r)


def test_plain_decimals_with_leading_zero_are_dot_evidence():
    r = parse(["0.500", "125.000"])  # '0.500' cannot be a thousands group: '.' is decimal
    assert r.convention == DOT and nums(r) == [0.5, 125.0]


# --- contradictions -------------------------------------------------------------------------

def test_contradictory_column_flags_both_sides():
    r = parse(["12.5", "1.250.000", "300"])
    assert r.convention is None
    assert flags(r.ambiguous) == [True, True, False] and nums(r) == [None, None, 300]
    assert "'1.250.000' implies ',' for decimals but '12.5' implies '.' for decimals" in r.message


def test_contradiction_flags_the_minority_and_every_convention_dependent_cell():
    r = parse(["1.250.000", "2.000.000", "12.5", "125.000", "42"])
    assert r.convention == COMMA
    assert nums(r) == [1250000, 2000000, None, None, 42]  # '125.000' is not read while disputed
    assert flags(r.ambiguous) == [False, False, True, True, False]
    assert "'125.000' could be 125 or 125000" in r.message


def test_mixed_full_formats_contradict():
    r = parse(["1.234,56", "1,234.56"])
    assert flags(r.ambiguous) == [True, True] and r.convention is None


def test_hint_contradicted_by_the_cells():
    r = parse(["12.5", "125.000", "7"], hint=COMMA)  # a ';' file whose cells use a decimal point
    assert r.convention == DOT
    assert nums(r) == [12.5, None, 7]  # '12.5' has one reading; '125.000' depends on who is right
    assert flags(r.ambiguous) == [False, True, False]
    assert "';' delimiter implies ',' for decimals but '12.5' implies '.'" in r.message


def test_tie_is_broken_by_the_hint_but_still_flagged():
    r = parse(["12,5", "1,234.5", "1.500"], hint=COMMA)
    assert r.convention == COMMA
    assert flags(r.ambiguous) == [False, True, True] and nums(r) == [12.5, None, None]


def test_never_a_different_value_across_many_columns():
    # Any accepted number must equal one reading of its cell under the decided convention.
    rng = random.Random(7)
    pool = ["125.000", "1.500", "1,500", "12.5", "12,5", "1.234.567", "1,234,567", "1.234,5", "1,234.5", "42", "0,5"]
    for _ in range(300):
        cells = rng.sample(pool, rng.randint(1, 5))
        for hint in (None, DOT, COMMA):
            r = parse(cells, hint)
            for cell, x, amb in zip(cells, r.numbers, r.ambiguous):
                d, c, _ = _cell(cell)
                if not math.isnan(x):
                    assert r.convention is not None or d == c
                    assert x == (c if r.convention == COMMA else d)
                    assert not amb


# --- grouping and junk ----------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["1.23.456", "12.34.567", "1,2345,678", "0.123.456", "1.234.56", "1 23 456",
                                  "1.234 567", "1,234.567.8", "5.", "-", ".", ",", "+", "1..2", "12 5",
                                  "1.2.3", "- 9", "1-2", "12%", "approx 100", "1e", "0x10", "1_000", "١٢٣"])
def test_bad_shapes(cell):
    r = parse([cell, "42"])
    assert flags(r.bad) == [True, False] and not r.ambiguous.any()
    assert nums(r) == [None, 42]


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "nan", "NaN", "1e309", "-1e309", "1e16", "1.5e300",
                                  "10000000000000000", "9007199254740993"])
def test_non_finite_or_implausible_text_is_bad(cell):
    r = parse([cell, "1"])
    assert flags(r.bad) == [True, False]


def test_non_finite_or_implausible_numbers_are_bad():
    r = parse([math.inf, -math.inf, 1e16, 10**400, MAX_ABS, -MAX_ABS, 2.5, 7])
    assert flags(r.bad) == [True, True, True, True, False, False, False, False]
    assert nums(r)[4:] == [MAX_ABS, -MAX_ABS, 2.5, 7]


def test_booleans_and_dates_are_bad_and_real_numbers_pass_through():
    cells = [True, False, np.bool_(True), 1.5, 3, np.int64(4), np.float64(0.25), dt.datetime(2024, 1, 1),
             dt.date(2024, 1, 1), None, float("nan"), pd.NA, "  "]
    r = parse(cells)
    assert flags(r.bad) == [True, True, True, False, False, False, False, True, True, False, False, False, False]
    assert flags(r.blank) == [False] * 9 + [True] * 4
    assert nums(r)[3:7] == [1.5, 3, 4, 0.25]


def test_bool_dtype_column_is_all_bad():
    r = parse_column(pd.Series([True, False]))
    assert flags(r.bad) == [True, True]


def test_numeric_dtype_column():
    r = parse_column(pd.Series([1.5, np.nan, 3.0, np.inf]))
    assert nums(r) == [1.5, None, 3.0, None] and flags(r.blank) == [False, True, False, False]
    assert flags(r.bad) == [False, False, False, True]


def test_xlsx_numbers_stored_as_text_mixed_with_real_numbers():
    r = parse([1250000.0, "1.250.000", "125.000", 42, "'3.000"])  # XLSX: no hint
    assert r.convention == COMMA and nums(r) == [1250000, 1250000, 125000, 42, 3000]


def test_xlsx_text_alone_is_ambiguous():
    r = parse([1250000.0, "125.000"])
    assert flags(r.ambiguous) == [False, True] and nums(r) == [1250000, None]


# --- currency and Excel's text marker -------------------------------------------------------

def test_currency_strings_in_a_comma_delimited_file():
    cells = ["USD 1,200", "1,200 USD", "$1,200", "US$ 1,200.50", "usd1200", "-$1,200", "$-1,200", "(1,200)", "$ 1,200"]
    r = parse(cells, hint=DOT)
    assert nums(r) == [1200, 1200, 1200, 1200.5, 1200, -1200, -1200, -1200, 1200]
    assert list(r.currency) == ["USD", "USD", "$", "USD", "USD", "$", "$", "", "$"]
    assert_clean(r)


def test_latin_american_currencies_in_a_semicolon_file():
    cells = ["COP 1.200.000", "S/ 1.500,50", "S/. 20", "R$ 1.234,56", "1.234,56 BRL", "€ 3.000", "PEN 80", "3.000 EUR"]
    r = parse(cells, hint=COMMA)
    assert r.convention == COMMA
    assert nums(r) == [1200000, 1500.5, 20, 1234.56, 1234.56, 3000, 80, 3000]
    assert list(r.currency) == ["COP", "PEN", "PEN", "BRL", "BRL", "EUR", "PEN", "EUR"]


def test_currency_is_stripped_only_around_a_valid_number():
    r = parse(["USD", "$", "USD 1.2.3", "USD 12 EUR", "$$5", "USD 5 $", "5 dollars", "((5))", "(5", "-(5)", "42"])
    assert flags(r.bad) == [True] * 10 + [False]


def test_leading_apostrophe_is_dropped_once():
    r = parse(["'1200", "' 1.250.000", "'", "''5", "12'5"])
    assert nums(r) == [1200, 1250000, None, None, None]
    assert flags(r.blank) == [False, False, True, False, False]
    assert flags(r.bad) == [False, False, False, True, True]


# --- suggestions ----------------------------------------------------------------------------

@pytest.mark.parametrize("value,conv,expected", [
    ("1.234,56", COMMA, "1234.56"), ("1.234,56", None, "1234.56"), ("1,234.56", DOT, "1234.56"),
    ("125.000", COMMA, "125000"), ("125.000", DOT, "125"), ("125.000", None, ""),
    ("1 250 000,50", None, "1250000.5"), ("73384,9", None, "73384.9"), ("USD 1,200", DOT, "1200"),
    ("(1,200)", DOT, "-1200"), ("'1200", None, "1200"), ("1.200 personas", COMMA, "1200"),
    ("1.200 personas", None, ""), ("approx 1,200.5 people", None, "1200.5"), ("1-2 million", None, ""),
    ("1.234,56", DOT, ""), ("-0,0", None, "0"), ("1e309", None, ""), ("abc", None, ""),
])
def test_suggest(value, conv, expected):
    assert suggest(value, conv) == expected


def test_suggestion_for_bad_cell_uses_the_column_convention():
    r = parse(["1.250.000", "1.200 personas"])
    assert flags(r.bad) == [False, True] and suggest("1.200 personas", r.convention) == "1200"


# --- plumbing -------------------------------------------------------------------------------

def test_index_is_kept_even_when_labels_repeat():
    s = pd.Series(["1.250.000", "x", "125.000"], index=[5, 5, 9], dtype=object)
    r = parse_column(s)
    assert list(r.numbers.index) == [5, 5, 9] and flags(r.bad) == [False, True, False]
    assert nums(r) == [1250000, None, 125000]


def test_pandas_string_dtype_and_empty_column():
    r = parse_column(pd.Series(["1.250.000", None, "3"], dtype="string"))
    assert nums(r) == [1250000, None, 3] and flags(r.blank) == [False, True, False]
    e = parse_column(pd.Series([], dtype=object))
    assert len(e.numbers) == 0 and e.convention is None and e.message == ""


def test_long_text_cells_take_the_slow_path():
    r = parse(["1" + "0" * 40, "x" * 5000, "  1.250.000,5" + " " * 60])
    assert flags(r.bad) == [True, True, False] and nums(r)[2] == 1250000.5


def test_bad_hint_is_refused():
    with pytest.raises(ValueError):
        parse(["1"], hint="comma")


def test_fast_path_agrees_with_slow_path():
    rng = random.Random(3)
    alphabet = "0123456789" * 3 + ".,. ,-+" + NBSP + NNBSP
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(20000)]
    for _ in range(5000):
        x = rng.randint(0, 10 ** rng.randint(1, 12)) / rng.choice([1, 7, 1000])
        t = rng.choice(["{:,}", "{:,.2f}", "{:,.3f}", "{}"]).format(x)
        sep = rng.choice([None, ".", " ", NBSP])
        if sep:
            t = t.replace(",", "X").replace(".", ",").replace("X", sep)
        texts.append(rng.choice(["", "-", "+"]) + t)
    ok, d, c = _fast(np.strings.strip(np.array(texts)))
    assert ok.sum() > 10000
    cap = lambda x: math.nan if abs(x) > MAX_ABS else x  # noqa: E731 - MAX_ABS is applied later
    for t, o, dd, cc in zip(texts, ok, d, c):
        if o:
            sd, sc, _ = _cell(t)
            assert (cap(dd), cap(cc)) == pytest.approx((sd, sc), nan_ok=True, rel=0, abs=0), t


def read_with_and_without(monkeypatch, numbers, shortcut: str, columns: list, decimals):
    """Each column read with the module's shortcut, then checked against the general path (the shortcut
    switched off): the same numbers, blanks, flags and message. -> the reads with the shortcut."""
    got = [parse_column(pd.Series(c, dtype=object), None, decimals) for c in columns]
    monkeypatch.setattr(numbers, shortcut, lambda cells: None)
    for column, fast in zip(columns, got):
        slow = parse_column(pd.Series(column, dtype=object), None, decimals)
        assert nums(fast) == nums(slow) and fast.message == slow.message
        for mask in ("blank", "bad", "ambiguous"):
            assert flags(getattr(fast, mask)) == flags(getattr(slow, mask)), mask
    return got

@pytest.mark.parametrize("decimals", [None, 0, 2])
def test_a_column_of_plain_digits_reads_as_the_general_path_reads_it(monkeypatch, decimals):
    """The all-digits shortcut (the usual CSV column) gives the same numbers, blanks and flags as the
    per-character path, leading zeros and 32-digit values included; one other cell sends the column there."""
    import rcm_docs.intake.tables.numbers as numbers

    rng = random.Random(5)
    cells = [rng.choice(["", "0", "007", str(rng.randint(0, 10 ** rng.randint(1, 15))), "9" * 32]) for _ in range(3000)]
    columns = [cells, ["", ""], cells + ["1.250"], cells + [" 12"], cells + ["\u0661\u0662"], cells + ["9" * 33]]
    got = read_with_and_without(monkeypatch, numbers, "_plain_whole_numbers", columns, decimals)
    read = dict(zip(cells, nums(got[0])))
    assert read["007"] == 7 and read[""] is None and read["9" * 32] is None  # beyond MAX_ABS: bad, as ever
    assert flags(got[0].blank) == [c == "" for c in cells] and flags(got[0].bad) == [c == "9" * 32 for c in cells]


@pytest.mark.parametrize("decimals", [None, 0, 2])
def test_a_workbook_column_of_numbers_and_empty_cells_reads_as_the_general_path_reads_it(monkeypatch, decimals):
    """The numbers-and-empties shortcut (the usual XLSX column) agrees with the general path, NaN and
    infinite values included; a text, an integer or a yes/no cell sends the column the general way."""
    import rcm_docs.intake.tables.numbers as numbers

    rng = random.Random(9)
    cells = [rng.choice(["", 0.0, -3.5, 1e20, float("nan"), float("inf"), float(rng.randint(0, 10 ** 9))])
             for _ in range(3000)]
    columns = [cells, cells + ["12"], cells + [" "], cells + [7], cells + [True], cells + [dt.date(2026, 1, 1)]]
    got = read_with_and_without(monkeypatch, numbers, "_numbers_and_empties", columns, decimals)
    assert flags(got[0].blank) == [c == "" or (isinstance(c, float) and math.isnan(c)) for c in cells]

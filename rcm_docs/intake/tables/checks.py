"""What every intake check shares: a problem in the submitter's coordinates, a file's verdict, the partner
registry, cells as text and numbers, and one reading of a table's headers against a contract's columns."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..files.sheetscan import NO_VALUE
from .contract import (
    STRUCTURE,
    Column,
    Reason,
    Severity,
    header_lookup,
    normalise_header,
    severity,
)
from .numbers import COMMA, DOT, parse_column, suggest
from .read import (
    MAX_CELL_TEXT,
    EmptyFile,
    RawTable,
    ReadError,
    RefusedFile,
    column_letter,
    is_blank,
    read_submission,
)


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None  # as the submitter typed it
    cell: str | None  # D14 in a workbook, line 14, column 4 in a CSV
    value: str | None
    reason: Reason
    message: str
    fix: str
    col: int | None = None  # 0-based column index in the sheet, for annotating the cell

    @property
    def severity(self) -> Severity:
        return severity(self.reason)

    @property
    def is_structure(self) -> bool:
        return self.reason in STRUCTURE

    def to_dict(self) -> dict:
        d = asdict(self)
        d["reason"] = self.reason.value
        d["severity"] = self.severity.value
        return d


@dataclass
class Result:
    file: str
    country: str
    sector: str
    rows: pd.DataFrame  # typed rows with provenance; empty when rejected
    problems: list[Problem]
    data_rows: int
    sha256: str | None = None  # of the bytes validated (RawTable.sha256): what the build records as this input

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def verdict(self) -> str:
        found = {severity(r) for r in {p.reason for p in self.problems}}  # one pass: 50,000 warnings are common
        if Severity.ERROR in found:
            return "rejected"
        return "accepted with warnings" if Severity.WARNING in found else "accepted"


class Registry:
    """The partner registry: organisation name or acronym -> canonical name and type."""

    def __init__(self, partners: pd.DataFrame):
        self.types: dict[str, str] = {}
        self.countries: dict[str, set[str]] = {}  # where a partner is registered; none listed: anywhere
        self._lookup: dict[str, str] = {}
        listed = partners["countries"] if "countries" in partners else [""] * len(partners)
        for org, acronym, kind, where in zip(partners["organisation"], partners["acronym"], partners["type"], listed):
            self.types[org] = kind
            if where:
                self.countries[org] = set(where.split())
            self._lookup[text_key(org)] = org
            if isinstance(acronym, str) and acronym.strip():
                self._lookup.setdefault(text_key(acronym), org)

    def resolve(self, name: str) -> str | None:
        return self._lookup.get(text_key(name))

    def suggest(self, name: str) -> str | None:
        match = difflib.get_close_matches(text_key(name), list(self._lookup), n=1, cutoff=0.75)
        return self._lookup[match[0]] if match else None


def text_key(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def cell_texts(values: pd.Series) -> pd.Series:
    """Cells as stripped text; the all-text column of a CSV takes the fast path."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return _str_map(values, str.strip)
    return values.map(cell_text)


def _str_map(values: pd.Series, method) -> pd.Series:
    """A str method (str.strip, str.casefold...) over a column: pandas' .str calls a Python lambda per cell,
    2-3x slower than map on 50,000 rows. A column that is not all text takes pandas' way."""
    if values.dtype != object or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return getattr(values.str, method.__name__)()  # blanks (NaN, NA) stay blank
    return pd.Series(list(map(method, values.to_numpy(dtype=object))), index=values.index, dtype=object)


def number_hint(raw: RawTable) -> str | None:
    """The file's own evidence of its decimal mark: Excel writes ';'-separated CSV where ',' is the decimal
    mark. A ',' file says nothing (some tools write ',' whatever the locale)."""
    return COMMA if raw.delimiter == ";" else None


def _not_a_number(v) -> str:
    if isinstance(v, bool):
        return f"{v} is a yes/no value, not a number"
    text = cell_text(v)
    if re.fullmatch(r"[-+]?\d[\d.,]*[eE][-+]?\d+", text):
        return f"{text!r} is in scientific notation, which Excel rounds when it saves text"
    return f"{text!r} is not a number"


def number_fix(v, convention: str | None, plain_decimals: int | None = None) -> str:
    if re.search(r"[eE][-+]?\d+$", cell_text(v)):
        return "format the column as Number (not General) in Excel, type the full number and save again"
    readings = {suggest(cell_text(v), c) for c in ([convention] if convention else [DOT, COMMA])} - {""}
    if not readings and convention:  # the column's mark does not read it, but the text alone may ('about 1.234,56')
        readings = {suggest(cell_text(v), c) for c in (DOT, COMMA)} - {""}
    if len(readings) == 2 and plain_decimals is not None and plain_decimals < 3:
        readings = {max(readings, key=lambda r: abs(float(r)))}  # 'about 1,200' USD or people: 1200, as in parse_column
    plain = readings.pop() if len(readings) == 1 and not isinstance(v, bool) else ""
    if plain and plain != cell_text(v):
        return f"write the number alone, without currency, units or thousands separators: did you mean {plain}?"
    return "enter a plain number (digits only, no text, separators or currency), or leave the cell empty"


def ambiguous_fix(v) -> str:
    """The readings a flagged cell has, never an empty one: '1.234,56' in a column that also holds '1000.50'
    can only be 1234.56; '1.250' is 1.25 or 1250."""
    readings = [r for r in dict.fromkeys((suggest(cell_text(v), DOT), suggest(cell_text(v), COMMA))) if r]
    if len(readings) == 2:
        return f"write it without thousands separators ({readings[0]} or {readings[1]}, whichever is meant), with '.' for decimals"
    if readings:
        return f"write it as {readings[0]} if that is what is meant: no thousands separators, '.' for decimals"
    return "write the number without thousands separators, with '.' for decimals"


def read_numbers(series: pd.Series, name: str, report, hint: str | None, currency: str | None = None,
                 whole: bool = False) -> tuple[pd.Series, pd.Series]:
    """A column of numbers read exactly in the submitter's locale -> (numbers, blank mask); every cell that is
    not a number, whose value depends on a convention the file does not settle, or that is written in another
    currency than `currency` (None: no currency at all) is reported. Never a different value."""
    decimals = 0 if whole else 2 if currency else None
    p = parse_column(series, hint, decimals)
    report(p.bad, name, Reason.NOT_A_NUMBER, lambda v, _: _not_a_number(v), lambda v, _: number_fix(v, p.convention, decimals))
    report(p.ambiguous, name, Reason.AMBIGUOUS_NUMBER, lambda v, _: f"{cell_text(v)!r} cannot be read for sure: {p.message}",
           lambda v, _: ambiguous_fix(v))
    foreign = (p.currency != "") & (p.currency != (currency or ""))
    report(foreign, name, Reason.NOT_A_NUMBER,
           lambda v, pos: f"{cell_text(v)!r} is written in {p.currency.iat[pos]}"
           + (f", but {name} is in {currency}" if currency else ", but this column counts people or things, not money"),
           lambda v, _: (f"convert the amount to {currency} and write the number alone" if currency
                         else "write the number alone"))
    return p.numbers.where(~foreign), p.blank


class Checker:
    def __init__(self, raw: RawTable, display: str):
        self.raw, self.display, self.problems = raw, display, []

    def add(self, reason, message, fix, row=None, col_index=None, value=None, column=None):
        if reason is not Reason.EXCEL_ERROR and (row, col_index) in self.raw.error_cells:
            return  # the cell's Excel error is the problem; its blank value's consequences are not others
        header = column if column is not None else (self.raw.headers[col_index] if col_index is not None else None)
        cell = self.raw.cell_ref(row, col_index) if (row is not None and col_index is not None) else None
        self.problems.append(Problem(self.display, self.raw.sheet, row, header, cell,
                                     None if value is None else cell_text(value), reason, message, fix, col_index))


def map_headers(chk: Checker, cols: tuple[Column, ...], wrong_template_fix: str) -> dict[str, int] | None:
    """The table's headers against the contract's columns -> {column name: index}, or None when no column of
    the template is there (then the one problem is that verdict). Unknown, duplicated and missing columns,
    and values beyond the last header, are reported on the way."""
    raw = chk.raw
    if raw.sheet_problem:
        reason, message, fix = raw.sheet_problem
        chk.add(reason, message, fix, raw.header_row, None)
        return None
    lookup = header_lookup(cols)
    where: dict[str, int] = {}
    for i, typed in enumerate(raw.headers):
        if not typed:
            continue
        name = lookup.get(normalise_header(typed))
        if name is None:
            close = difflib.get_close_matches(normalise_header(typed), list(lookup), n=1, cutoff=0.8)
            chk.add(Reason.UNKNOWN_COLUMN, f"column {typed!r} is not part of the template; its values are ignored",
                    (f'did you mean "{lookup[close[0]]}"? ' if close else "") + "rename it to a template column, or delete it",
                    raw.header_row, i, typed)
        elif name in where:
            chk.add(Reason.DUPLICATE_COLUMN, f"column {typed!r} is the same column as {raw.headers[where[name]]!r} "
                    f"({column_letter(where[name])})", "keep one of the two columns and delete the other", raw.header_row, i, typed)
        else:
            where[name] = i
    if len(where) < 2 and raw.headers:
        seen = ", ".join(repr(h) for h in raw.headers[:6] if h)
        chk.problems = []  # one clear verdict instead of a warning per foreign column
        chk.add(Reason.WRONG_TEMPLATE, f"no column of the template was found (header row {raw.header_row}: {seen})",
                wrong_template_fix, raw.header_row, None)
        return None
    for col in cols:
        if col.required and col.name not in where:
            chk.add(Reason.MISSING_COLUMN, f"required column {col.name!r} is missing",
                    f"add a column headed {col.name!r}: {col.help}", raw.header_row, None, column=col.name)
    for row, i, value in raw.overflow or []:
        chk.add(Reason.EXTRA_CELLS, "this row has more values than there are column headers",
                "give the column a header, or quote a value that holds a comma or semicolon", row, i, value, column="(no header)")
    report_cells(chk, set(where.values()))
    return where


def report_cells(chk: Checker, read: set[int]) -> None:
    """What map_headers finds in the cells themselves, for every validator: a column of values under a blank
    header (dropped otherwise), and in the columns read, Excel errors and formulas with no saved value
    (calamine reads them as blank: a target would become 0) and text longer than an Excel cell holds (Excel,
    openpyxl and xlsxwriter cut it when they write the annotated copy or the merged workbook)."""
    raw = chk.raw
    for i in (i for i, h in enumerate(raw.headers) if not h):
        pos = next((k for k, r in enumerate(raw.rows) if not is_blank(r[i])), None)
        if pos is not None:
            where = column_letter(i) if raw.sheet is not None else str(i + 1)
            chk.add(Reason.NO_HEADER, f"column {where} has values but its header cell "
                    f"({raw.cell_ref(raw.header_row, i)}) is blank, so they are ignored",
                    "give this column a header or delete it", raw.row_numbers[pos], i, raw.rows[pos][i], column="(no header)")
    for (row, i), what in sorted(raw.error_cells.items()):
        if i in read:
            chk.add(Reason.EXCEL_ERROR, f"{what}, which reads as an empty cell",
                    "open the file in Excel or LibreOffice and save it again, so each formula's result is saved, or type the value"
                    if what.startswith(NO_VALUE) else "correct the formula or type the value, so the cell shows a number or text",
                    row, i)
    for row, i, length in raw.long_cells:
        if i in read:
            chk.add(Reason.TEXT_TOO_LONG, f"the text is {length:,} characters long, over the {MAX_CELL_TEXT:,} an Excel cell "
                    "holds: Excel cuts the rest off", f"shorten it to at most {MAX_CELL_TEXT:,} characters", row, i)


def open_table(path, cols: tuple[Column, ...], display: str, max_bytes: int | None, wrong_template_fix: str):
    """Read a file and map its headers -> ((checker, column name -> index) or None, the problems so far)."""
    try:
        raw = read_submission(path, set(header_lookup(cols)), max_bytes)
    except ReadError as e:
        reason = Reason.EMPTY_FILE if isinstance(e, EmptyFile) else Reason.REFUSED if isinstance(e, RefusedFile) else Reason.UNREADABLE
        fix = ("fill in the template and save it again" if reason is Reason.EMPTY_FILE
               else "open the file in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8")
        return None, [Problem(display, None, None, None, None, None, reason, str(e).split(": ", 1)[-1], fix)]
    chk = Checker(raw, display)
    where = map_headers(chk, cols, wrong_template_fix)
    if where is None:
        return None, chk.problems
    if not raw.rows:
        chk.add(Reason.NO_DATA_ROWS, "the file has a header but no data rows", "add the data rows under the header", raw.header_row, None)
    return (chk, where), chk.problems


def typed_cells(chk, where: dict[str, int], cols: tuple[Column, ...]):
    """Typed columns (numbers, stripped text, ISO dates) and a report(mask, column, ...) that files one problem per flagged row."""
    raw = chk.raw
    frame = pd.DataFrame(raw.rows, dtype=object) if raw.rows else pd.DataFrame(columns=range(len(raw.headers)), dtype=object)
    rownum = np.asarray(raw.row_numbers, dtype=int)

    def report(mask, name, reason, message, fix):
        for pos in np.flatnonzero(np.asarray(mask)):
            v = frame.iat[pos, where[name]]
            chk.add(reason, message(v, pos) if callable(message) else message, fix(v, pos) if callable(fix) else fix,
                    int(rownum[pos]), where[name], v)

    data = {}
    for col in (c for c in cols if c.name in where):
        series = frame[where[col.name]]
        if col.kind in ("number", "decimal"):  # a decimal column (a quantity) may hold fractions
            numbers, blank = read_numbers(series, col.name, report, number_hint(raw),
                                          whole=col.kind == "number" and col.name != "value")
            report(numbers < 0, col.name, Reason.NEGATIVE, "people and figures cannot be negative", "enter zero or a positive number")
            data[col.name] = numbers
        else:
            # Excel hands dates over as date objects; a typed date must be exactly YYYY-MM-DD.
            text = series.map(lambda v: v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else cell_text(v)) if col.kind == "date" else cell_texts(series)
            blank = text == ""
            if col.kind == "date":
                ok = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").notna()
                report(~blank & ~ok, col.name, Reason.NOT_A_DATE, lambda v, _: f"{cell_text(v)!r} is not a date",
                       "write the date as YYYY-MM-DD, e.g. 2026-06-30")
            data[col.name] = text
        if col.required:
            report(blank, col.name, Reason.MISSING_VALUE, f"{col.name} is empty", f"enter the {col.help[0].lower() + col.help[1:]}")
    return data, report, rownum


def closest(value: str, choices, hint: str) -> str:
    m = difflib.get_close_matches(cell_text(value).upper(), [c.upper() for c in choices], n=1, cutoff=0.6)
    return (f'did you mean "{next(c for c in choices if c.upper() == m[0])}"? ' if m else "") + hint


def report_duplicates(data, key, report, rownum, anchor, canonical=(), same: str | None = None,
                      fix: str = "merge the two rows into one, or delete the repeat"):
    """Each row repeating an earlier one on `key` (text compared casefolded, but `canonical` columns), reported
    at `anchor` as 'same <same> as row N', N the first row with it; `same` defaults to the key's names."""
    keys = pd.DataFrame({k: data[k] if k in canonical else _str_map(data[k], str.casefold) for k in key})
    dup = keys.duplicated(keep="first")
    if not dup.any():  # the usual case; finding each repeat's first row is the costly part
        return
    first = keys.reset_index().groupby(key, sort=False)["index"].transform("min")
    same = same or ", ".join(key)
    report(dup, anchor, Reason.DUPLICATE_ROW, lambda v, pos: f"same {same} as row {rownum[first.iat[pos]]}", fix)

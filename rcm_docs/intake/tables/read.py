"""Read a submission (CSV or XLSX) into raw cells that keep the submitter's coordinates."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from ...common.errors import InputError
from ..files.sheetparts import column_letter
from ..files.textfile import NotText, check_csv_records, decode_by_evidence
from .contract import Reason, normalise_header

MAX_HEADER_SCAN = 20  # rows searched for the header under a title block
MAX_CELL_TEXT = 32_767  # Excel's limit: Excel, openpyxl and xlsxwriter cut longer text when they write it


class ReadError(InputError):
    """The file cannot be read as a table at all."""


@dataclass
class RawTable:
    path: str
    sheet: str | None  # None for CSV
    headers: list[str]  # as typed
    header_row: int  # 1-based row/line of the header
    rows: list[list]  # data cells, one list per row, padded to len(headers)
    row_numbers: list[int]  # 1-based Excel row or CSV line of each data row
    overflow: list[tuple[int, int, object]] = None  # (row, column index, value) of cells right of the header
    delimiter: str | None = None  # a CSV's; ';' is what Excel writes where ',' is the decimal mark
    # (row, column index) -> why calamine read the cell as blank: "the formula's result is an error (#REF!)",
    # "a formula with no saved value" (data rows, under a header; from safety's scan of the sheet)
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    long_cells: list[tuple[int, int, int]] = field(default_factory=list)  # (row, column index, characters) over MAX_CELL_TEXT
    sheet_problem: tuple | None = None  # (Reason, message, fix) when it is not clear which sheet is the data
    sha256: str | None = None  # of the bytes that were read, checked and parsed (read_submission)

    def cell_ref(self, row_number: int, col_index: int) -> str:
        """'D14' in a workbook, 'line 14, column 4' in a text file."""
        if self.sheet is None:
            return f"line {row_number}, column {col_index + 1}"
        return f"{column_letter(col_index)}{row_number}"





def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _find_header(rows: list[list], known: set[str]) -> int | None:
    """Index of the header row: the first early row naming two or more contract columns."""
    first_nonblank = None
    for i, row in enumerate(rows[:MAX_HEADER_SCAN]):
        cells = [c for c in row if not is_blank(c)]
        if not cells:
            continue
        if first_nonblank is None:
            first_nonblank = i
        if sum(normalise_header(c) in known for c in cells) >= 2:
            return i
    return first_nonblank


def _table(path, sheet, grid: list[list], numbers: list[int], known: set[str],
           special: dict[tuple[int, int], str] | None = None) -> RawTable:
    h = _find_header(grid, known)
    if h is None:
        raise EmptyFile(f"{path}: the file is empty")
    raw_headers = list(grid[h])
    while raw_headers and is_blank(raw_headers[-1]):
        raw_headers.pop()
    headers = ["" if is_blank(c) else str(c).strip() for c in raw_headers]
    width = len(headers)
    # A row whose only "values" are error cells is not blank: calamine read them as '' but they were data.
    special = {k: v for k, v in (special or {}).items() if k[1] < width and k[0] > numbers[h]}
    special_rows = {r for r, _ in special}
    # A CSV row's text is joined below anyway; a workbook's cells are measured here once, in C, to skip the
    # per-cell look in the usual case where no text comes near Excel's limit.
    may_be_long = sheet is None or max(
        map(len, filter(str.__instancecheck__, chain.from_iterable(grid[h + 1:]))), default=0) > MAX_CELL_TEXT
    rows, row_numbers, overflow, long_cells = [], [], [], []
    for i in range(h + 1, len(grid)):
        cells = grid[i]
        row = list(cells[:width])
        if len(row) < width:
            row += [""] * (width - len(row))
        extra = ([(j, c) for j, c in enumerate(cells[width:], start=width) if not is_blank(c)]
                 if len(cells) > width else [])
        joined = "".join(row) if sheet is None else None  # CSV rows: all text, one C-level pass for both checks
        if joined is not None:
            blank, long = not joined.strip(), len(joined) > MAX_CELL_TEXT
        else:  # a workbook's row holds numbers too
            blank = is_blank(row[0]) and all(map(is_blank, row))  # most rows end at their first cell
            long = may_be_long and any(c.__class__ is str and len(c) > MAX_CELL_TEXT for c in row)
        if not extra and blank and numbers[i] not in special_rows:
            continue
        if extra:
            overflow.append((numbers[i], extra[0][0], extra[0][1]))
        # An HXL hashtag row under the header is metadata, not data.
        if i == h + 1 and all(is_blank(c) or str(c).strip().startswith("#") for c in row):
            continue
        rows.append(row)
        row_numbers.append(numbers[i])
        if long:
            long_cells += [(numbers[i], j, len(c)) for j, c in enumerate(row) if isinstance(c, str) and len(c) > MAX_CELL_TEXT]
    kept = set(row_numbers)
    return RawTable(str(path), sheet, headers, numbers[h], rows, row_numbers, overflow,
                    error_cells={k: v for k, v in special.items() if k[0] in kept}, long_cells=long_cells)


class EmptyFile(ReadError):
    pass


def decode_text(data: bytes) -> str:
    """The text of a CSV's bytes, by what they prove (textfile.decode_by_evidence); annotate.py lays it out."""
    return decode_by_evidence(data)[0]


def read_csv(path: str | Path, known: set[str], data: bytes | None = None) -> RawTable:
    """data: the file's bytes when the caller has read them already (read_submission reads once)."""
    data = Path(path).read_bytes() if data is None else data
    if not data.strip():
        raise EmptyFile(f"{path}: the file is empty")
    try:
        text = decode_by_evidence(data)[0]
    except NotText as e:
        raise ReadError(f"{path}: {e}") from None
    first = text.split("\n", 1)[0]
    if first.count("\t") > max(first.count(";"), first.count(",")):
        raise ReadError(f"{path}: line 1: the values are separated by tabs (Excel's 'Unicode Text'), not commas; "
                        "save it again as CSV UTF-8 (comma delimited)")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # The csv module reads a quote that never closes (or closes far below) as one cell holding every line
    # after it: those rows would silently vanish. Every line must be a record, or the file is refused.
    runaway = check_csv_records(text, delimiter)
    if runaway is not None:
        raise ReadError(f"{path}: {runaway.message()}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        grid = list(reader)
        lines = len(io.StringIO(text, newline="").readlines())  # the lines the reader counts
        if len(grid) == lines:  # no record spans lines: record i is on line i + 1
            numbers = list(range(1, lines + 1))
        else:  # a quoted cell holds a line break: count the lines each record takes
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            grid, numbers, line = [], [], 1
            for row in reader:
                grid.append(row)
                numbers.append(line)
                line = reader.line_num + 1
    except csv.Error as e:
        raise ReadError(f"{path}: line {reader.line_num}: not valid CSV ({e})") from None
    table = _table(path, None, grid, numbers, known)
    table.delimiter = delimiter
    return table


PREFERRED_SHEETS = ("submission", "data", "activities", "planning")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")  # read by calamine (.xls refused by safety.py)


def _template_headers(table: RawTable, known: set[str]) -> bool:
    return sum(normalise_header(c) in known for c in table.headers) >= 2


def _sheet_table(wb, path, name: str, known: set[str], special) -> RawTable | None:
    from python_calamine import CalamineError

    try:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, Exception) as e:  # noqa: BLE001 - calamine raises several types for broken sheets
        raise ReadError(f"{path}: sheet {name!r} cannot be read ({type(e).__name__}: {e})") from None
    if not grid:
        return None
    try:
        return _table(path, name, grid, list(range(1, len(grid) + 1)), known, special)
    except EmptyFile:
        return None


def _names(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def read_xlsx(path: str | Path, known: set[str], data: bytes | None = None, findings=None) -> RawTable:
    """The data sheet of a workbook: the one visible sheet with the template's headers, found by name
    (Submission, Data, ...) first. Two such sheets, or only a hidden one, is a question for the submitter
    (RawTable.sheet_problem), never a silent choice: hidden sheets often hold stale data.
    data: the file's bytes (read_submission reads once); findings: safety.inspect_file's scan."""
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data)) if data is not None else CalamineWorkbook.from_path(str(path))
    except (CalamineError, Exception) as e:  # calamine raises several types for broken zips
        raise ReadError(f"{path}: not a readable Excel workbook ({type(e).__name__}: {e})") from None
    names = list(wb.sheet_names)
    meta = {m.name: m for m in wb.sheets_metadata}
    sheets = [n for n in names if n not in meta or meta[n].typ == SheetTypeEnum.WorkSheet]  # no chart sheets
    hidden = {n for n in sheets if n in meta and meta[n].visible != SheetVisibleEnum.Visible}
    order = sorted((n for n in sheets if n not in hidden),
                   key=lambda n: (normalise_header(n) not in PREFERRED_SHEETS, names.index(n)))
    special = findings.cells if findings is not None else {}
    chosen, others, fallback = None, [], None
    for name in order:
        table = _sheet_table(wb, path, name, known, special.get(name))
        if table is None:
            continue
        if _template_headers(table, known):
            if chosen is None:
                chosen = table
            else:
                others.append(name)
        elif fallback is None:
            fallback = table
    if chosen is not None:
        if others:
            chosen.sheet_problem = (
                Reason.WHICH_SHEET,
                (f"sheets {_names([chosen.sheet] + others)} all have the template's columns, and only one sheet is "
                 "read: it is not clear which one is the submission"),
                ("keep the submission on one sheet: delete the other one, or hide it if you need to keep it "
                 "(hidden sheets are never read)"))
        return chosen
    for name in (n for n in sheets if n in hidden):
        table = _sheet_table(wb, path, name, known, special.get(name))
        if table is not None and _template_headers(table, known):
            table.sheet_problem = (
                Reason.WHICH_SHEET,
                (f"the sheet with the template's columns, {name!r}, is hidden, and hidden sheets are never read "
                 "(they often hold old data)"),
                ("if it is the submission, unhide it (right-click a sheet tab > Unhide); otherwise copy the data "
                 "to a visible sheet"))
            return table
    if fallback is None:
        raise EmptyFile(f"{path}: the workbook has no sheet with data")
    return fallback


class RefusedFile(ReadError):
    """Refused before parsing: too large, or hostile (zip bomb, XML entities, path tricks, a link out of the
    workspace, a grid too large for the reader)."""


def read_submission(path: str | Path, known: set[str], max_bytes: int | None = None) -> RawTable:
    """Read any supported submission file; known = normalised headers that mark the header row.

    The bytes are read once: the safety checks, the parser and RawTable.sha256 all see the same bytes, so
    a file edited during a build is either read whole, old or new, and its hash says which."""
    from ...common.gate import UnsafeFile, read_bytes
    from ..files.safety import DEFAULT_MAX_BYTES, inspect_file

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv",) + WORKBOOK_SUFFIXES:
        raise ReadError(f"{path}: unsupported file type {suffix!r}; save the sheet as .xlsx or .csv")
    limit = max_bytes or DEFAULT_MAX_BYTES
    try:
        data = read_bytes(path, limit)
        findings = inspect_file(path, limit, data)
    except UnsafeFile as e:
        raise RefusedFile(str(e)) from None
    table = read_csv(path, known, data) if suffix == ".csv" else read_xlsx(path, known, data, findings)
    table.sha256 = hashlib.sha256(data).hexdigest()
    return table

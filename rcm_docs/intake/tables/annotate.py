"""An annotated copy of a submission: each bad cell highlighted and commented, ready to fix and drop again."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from ...common.sheets import defuse
from .contract import Severity
from .read import decode_text

ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"  # Excel's own "bad" and "neutral" cell colours


MAX_ROW, MAX_COL = 1_048_576, 16_384  # an XLSX sheet's size: a cell beyond it is listed, not marked


def _text(value: str) -> str:
    """Text an XLSX can hold: control characters (which a CSV or ODS may carry) would stop the save."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _put(ws, row: int, col: int, value) -> None:
    if row > MAX_ROW or col > MAX_COL:
        return
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=_text(value))
        cell.data_type = "s"  # text as typed: a cell like =HYPERLINK(...) stays inert text
    else:
        ws.cell(row=row, column=col, value=value)


def _workbook_from_csv(path: Path):
    """The CSV laid out as the submitter sees it: line N of the file is row N of the sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Submission"
    from ...common.gate import read_bytes
    from ..files.safety import DEFAULT_MAX_BYTES

    text = decode_text(read_bytes(path, DEFAULT_MAX_BYTES))
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    line = 1
    for record in reader:
        for j, value in enumerate(record, start=1):
            _put(ws, line, j, value)
        line = reader.line_num + 1
    return wb, {None: ws}


def _workbook_from_grid(path: Path):
    """Any workbook calamine reads (.ods, .xls, .xlsb, and an .xlsx openpyxl rejects) as a new XLSX of its
    cell values, sheet by sheet, each cell where the submitter sees it (the rows reported are the same)."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {}
    for name in book.sheet_names:
        try:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001  a chart sheet or a broken one: no cells to mark on it
            continue
        ws = wb.create_sheet(_title(name, wb.sheetnames))
        for i, row in enumerate(grid, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None and value != "":
                    _put(ws, i, j, value)
        sheets[name] = ws
    if not sheets:
        sheets[None] = wb.create_sheet("Submission")
    return wb, sheets


def _title(name: str, taken: list[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of \\ / ? * [ ] :), unique in the workbook."""
    import re

    base = re.sub(r"[\\/?*\[\]:]", "_", _text(str(name))).strip("'")[:31] or "Sheet"
    title, n = base, 1
    while title.casefold() in (t.casefold() for t in taken):
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]} {n}"
    return title


def _kept_workbook(path: Path):
    """An .xlsx or .xlsm opened as it is, formatting and all (openpyxl parses with defusedxml)."""
    import io

    import openpyxl

    from ...common.gate import read_bytes
    from ..files.safety import DEFAULT_MAX_BYTES, check_file

    data = read_bytes(path, DEFAULT_MAX_BYTES)
    check_file(path, DEFAULT_MAX_BYTES, data)  # the same guards as the reading of the submission
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, {ws.title: ws for ws in wb.worksheets}


def write_annotated(path: str | Path, result, out: str | Path, epoch: int | None = None) -> Path:
    """An XLSX copy of `path` with every problem marked on its cell, plus a Problems sheet listing them
    all: an .xlsx or .xlsm kept as it is; a CSV laid into a sheet; an .ods, .xls or .xlsb (which openpyxl
    cannot open), or an .xlsx it rejects, rebuilt from the cell values calamine reads."""
    path, out = Path(path), Path(out)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return _save(_mark(*_kept_workbook(path), result), out, epoch)
        except Exception:  # noqa: BLE001  openpyxl (or lxml under it) rejects what calamine read
            pass
    wb, sheets = _workbook_from_csv(path) if suffix == ".csv" else _workbook_from_grid(path)
    return _save(_mark(wb, sheets, result), out, epoch)


def _mark(wb, sheets: dict, result):
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    named = [p.sheet for p in result.problems if p.sheet in sheets]
    default = sheets[named[0]] if named else next(iter(sheets.values()))
    for p in result.problems:
        col = (p.col if p.col is not None else 0) + 1
        if p.row is None or p.row > MAX_ROW or col > MAX_COL:
            continue
        cell = sheets.get(p.sheet, default).cell(row=p.row, column=col)
        colour = ERROR_FILL if p.severity is Severity.ERROR else WARNING_FILL
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        note = _text(f"{p.severity.value.upper()}: {p.message}\nFix: {p.fix}")
        cell.comment = Comment(note if cell.comment is None else cell.comment.text + "\n\n" + note, "rcm-docs",
                               width=320, height=140)
    sheet = wb.create_sheet("Problems", 0)
    sheet.append(["Severity", "Sheet", "Row", "Cell", "Column", "Value", "Problem", "How to fix", "Code"])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for p in result.problems:
        sheet.append([_text(v) if isinstance(v, str) else v for v in (defuse(v) for v in (
            p.severity.value, p.sheet or "", p.row, p.cell or "", p.column or "", p.value or "", p.message, p.fix,
            p.reason.value))])
    for letter, width in zip("ABCDEFGHI", (9, 14, 6, 16, 22, 22, 60, 60, 22)):
        sheet.column_dimensions[letter].width = width
    return wb


def _save(wb, out: Path, epoch: int | None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        wb.save(tmp)
        if epoch is not None:
            from ...common.files import normalise_zip

            normalise_zip(tmp, epoch)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out

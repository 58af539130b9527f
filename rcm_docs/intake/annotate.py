"""An annotated copy of a submission: each bad cell highlighted and commented, ready to fix and drop again."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from ..common.sheets import defuse
from .contract import Severity
from .read import _decode

ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"  # Excel's own "bad" and "neutral" cell colours


def _workbook_from_csv(path: Path):
    """The CSV laid out as the submitter sees it: line N of the file is row N of the sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Submission"
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    line = 1
    for record in reader:
        for j, value in enumerate(record, start=1):
            cell = ws.cell(row=line, column=j, value=value)
            cell.data_type = "s"  # text as typed: a cell like =HYPERLINK(...) stays inert text
        line = reader.line_num + 1
    return wb, ws


def write_annotated(path: str | Path, result, out: str | Path, epoch: int | None = None) -> Path:
    """Copy of `path` (XLSX kept as is; CSV laid into a sheet) with every problem marked on its cell,
    plus a Problems sheet listing them all."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    path, out = Path(path), Path(out)
    if path.suffix.lower() == ".csv":
        wb, ws = _workbook_from_csv(path)
    else:
        wb = openpyxl.load_workbook(path)  # openpyxl parses with defusedxml when it is installed
        sheets = [p.sheet for p in result.problems if p.sheet in wb.sheetnames]
        ws = wb[sheets[0]] if sheets else wb.worksheets[0]
    for p in result.problems:
        if p.row is None:
            continue
        col = (p.col if p.col is not None else 0) + 1
        cell = ws.cell(row=p.row, column=col)
        colour = ERROR_FILL if p.severity is Severity.ERROR else WARNING_FILL
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        note = f"{p.severity.value.upper()}: {p.message}\nFix: {p.fix}"
        cell.comment = Comment(note if cell.comment is None else cell.comment.text + "\n\n" + note, "rcm-docs",
                               width=320, height=140)
    sheet = wb.create_sheet("Problems", 0)
    sheet.append(["Severity", "Sheet", "Row", "Cell", "Column", "Value", "Problem", "How to fix", "Code"])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for p in result.problems:
        sheet.append([defuse(v) for v in (p.severity.value, p.sheet or "", p.row, p.cell or "", p.column or "",
                                          p.value or "", p.message, p.fix, p.reason.value)])
    for letter, width in zip("ABCDEFGHI", (9, 14, 6, 16, 22, 22, 60, 60, 22)):
        sheet.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    wb.save(tmp)
    if epoch is not None:
        from ..common.files import normalise_zip

        normalise_zip(tmp, epoch)
    os.replace(tmp, out)
    return out

"""The Excel template a sector lead fills in: the contract's columns, help, drop-downs and checks.

Everything in it comes from the plan and the data contract, so a filled template reads and validates
with the same code as any other submission.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ...common.files import normalise_zip
from ...common.plan import Plan
from ...common.sheets import FORMULA_START
from .contract import SEX_AGE, Column, columns_for

FIRST_ROW, LAST_ROW = 5, 504  # data rows that carry drop-downs and number checks
NAVY = "18375F"
NUMBER_ERROR = "enter a number of 0 or more, without separators or currency"
FROM_PATH = ("country", "sector")  # the file's folder and name say these; a column could only disagree
WIDTHS = {"organisation": 36, "objective": 30, "activity": 30, "indicator": 30, "description": 40,
          "implementing_partner": 28, "admin1": 18}
CHECKS = (
    "organisation must be in the partner registry: pick it from the drop-down (an acronym from partners.csv also works).",
    "Numbers: digits only, 0 or more, without thousands separators or currency; people are whole numbers.",
    "A blank target_ cell counts as 0 people for that population group.",
    "girls + boys + women + men, when given, must equal the sum of the population-group targets (target_ columns).",
    "cva_usd must not be above budget_usd; in_kind_usd + cva_usd should equal budget_usd.",
    "One row per organisation x activity x location: the same organisation, activity, indicator and admin1 "
    "twice is refused.",
)


def template_columns(plan: Plan) -> list[Column]:
    return [c for c in columns_for(plan) if c.name not in FROM_PATH]


def _put(ws, row: int, col: int, value, **style):
    """Write a value; text from inputs that looks like a formula stays text (OWASP CSV injection)."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
    for key, v in style.items():
        setattr(cell, key, v)
    return cell


def _is_whole(col: Column) -> bool:
    return col.name.startswith("target_") or col.name in SEX_AGE


def _lists_sheet(wb: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Drop-down values on a hidden sheet: inline lists stop at 255 characters, a registry does not."""
    ws = wb.create_sheet("Lists")
    ws.sheet_state = "hidden"
    refs = {}
    for j, (name, values) in enumerate(lists.items(), start=1):
        _put(ws, 1, j, name, font=Font(bold=True))
        for i, v in enumerate(values, start=2):
            _put(ws, i, j, v)
        letter = get_column_letter(j)
        refs[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _submission_sheet(ws, cols: list[Column], title: str, save_as: str) -> None:
    _put(ws, 1, 1, title, font=Font(bold=True, size=14, color=NAVY))
    _put(ws, 2, 1, f"One row per organisation x activity x location, from row {FIRST_ROW}. Keep the headers in row 3 "
                   f"as they are; hover over a header for its meaning. Save as {save_as}.", font=Font(italic=True))
    fill = PatternFill("solid", fgColor=NAVY)
    for j, col in enumerate(cols, start=1):
        head = _put(ws, 3, j, col.name, fill=fill, font=Font(bold=col.required, color="FFFFFF"),
                    alignment=Alignment(vertical="center"))
        note = Comment(f"{col.help}\n{'Required.' if col.required else 'Optional.'}", "rcm-docs")
        note.width, note.height = 280, 90
        head.comment = note
        _put(ws, 4, j, col.hxl, font=Font(italic=True, color="808080"))
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = WIDTHS.get(col.name, max(12, len(col.name) + 4))
        if col.kind == "number":
            # A column style, not 500 styled cells: Excel applies it to whatever is typed below.
            dim.number_format = "#,##0"
    ws.freeze_panes = f"A{FIRST_ROW}"


def _validations(ws, cols: list[Column], refs: dict[str, str]) -> None:
    def area(name: str) -> str:
        letter = get_column_letter(next(j for j, c in enumerate(cols, start=1) if c.name == name))
        return f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}"

    # Warnings, not stops: the validator also takes acronyms and areas beyond the list.
    for name, ref in refs.items():
        dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True, errorStyle="warning",
                            errorTitle=f"Not in the {name} list", error=f"pick the {name} from the drop-down list")
        dv.add(area(name))
        ws.add_data_validation(dv)
    numbers = {"whole": [c for c in cols if c.kind == "number" and _is_whole(c)],
               "decimal": [c for c in cols if c.kind == "number" and not _is_whole(c)]}
    for kind, group in numbers.items():
        if not group:
            continue
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Not a number", error=NUMBER_ERROR)
        for col in group:
            dv.add(area(col.name))
        ws.add_data_validation(dv)


def _instructions_sheet(ws, plan: Plan, cols: list[Column], country: str, sector: str, save_as: str) -> None:
    bold = Font(bold=True)
    _put(ws, 1, 1, plan.title, font=Font(bold=True, size=14, color=NAVY))
    facts = [("Country", f"{plan.country_name(country)} ({country})"), ("Sector", f"{plan.sector_name(sector)} ({sector})"),
             ("Period", f"{plan.start.isoformat()} to {plan.end.isoformat()}"), ("Save the file as", save_as),
             ("Country and sector", "come from the file's folder and name; no column is needed for them.")]
    for i, (label, text) in enumerate(facts, start=3):
        _put(ws, i, 1, label, font=bold)
        _put(ws, i, 2, text)
    row = len(facts) + 4
    fill = PatternFill("solid", fgColor=NAVY)
    for j, label in enumerate(("Column", "Required", "Meaning", "HXL tag"), start=1):
        _put(ws, row, j, label, fill=fill, font=Font(bold=True, color="FFFFFF"))
    for i, col in enumerate(cols, start=row + 1):
        _put(ws, i, 1, col.name, font=Font(bold=col.required))
        _put(ws, i, 2, "yes" if col.required else "no")
        _put(ws, i, 3, col.help, alignment=Alignment(wrap_text=True, vertical="top"))
        _put(ws, i, 4, col.hxl)
    row += len(cols) + 2
    _put(ws, row, 1, "Main checks", font=bold)
    for i, text in enumerate(CHECKS, start=row + 1):
        _put(ws, i, 1, f"- {text}")
    for letter, width in zip("ABCD", (24, 12, 80, 28)):
        ws.column_dimensions[letter].width = width


def write_template(plan: Plan, partners: pd.DataFrame, country: str, sector: str, out: str | Path,
                   admin1: list[str] | None = None, epoch: int | None = None) -> Path:
    """Write the submission template for one country and sector; byte-identical for equal inputs when epoch is given."""
    out = Path(out)
    cols = template_columns(plan)
    save_as = f"inputs/submissions/{country}/{sector}.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Submission"
    title = f"{plan.sector_name(sector)} sector submission - {plan.country_name(country)} - {plan.short_title}"
    _submission_sheet(ws, cols, title, save_as)
    _instructions_sheet(wb.create_sheet("Instructions"), plan, cols, country, sector, save_as)
    lists = {"organisation": [str(o) for o in partners["organisation"] if isinstance(o, str) and o.strip()]}
    if admin1:
        lists["admin1"] = ["National"] + [a for a in admin1 if a.strip().casefold() != "national"]
    # An empty list would make an invalid range (A2:A1); no drop-down is better than a broken file.
    _validations(ws, cols, _lists_sheet(wb, {k: v for k, v in lists.items() if v}))
    wb.active = 0
    wb.properties.creator = wb.properties.lastModifiedBy = "rcm-docs"
    wb.properties.title = title
    if epoch is not None:
        wb.properties.created = wb.properties.modified = (
            dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None))

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")  # same folder, so os.replace is atomic
    try:
        wb.save(tmp)
        if epoch is not None:
            normalise_zip(tmp, epoch)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out

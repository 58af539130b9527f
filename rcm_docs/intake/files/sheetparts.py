"""What the sheet scanners share (sheetscan.py for XLSX, sheetformats.py for ODS and XLSB): the bounds a
workbook's sheets are held to, the refusal they raise, and bounded reading of a zip part."""
from __future__ import annotations

import posixpath
import re
import zipfile

from ...common.errors import InputError

MAX_ROWS = 200_000  # a 50,000-row submission fits four times
MAX_COLS = 1_000
MAX_CELLS = 5_000_000  # ~200 MB for an empty XLSX grid in calamine, ~650 MB for a filled ODS one (measured)
MAX_ISSUES = 100_000  # error / formula-without-result cells kept per sheet; more is a broken sheet
CHUNK = 1024 * 1024
MAX_XML = 200 * CHUNK  # the budget of safety.MAX_UNCOMPRESSED, for the parts read a second time
MAX_PIECE = 4 * CHUNK  # a cell, row or XML prolog bigger than this is never written by a spreadsheet program
SHEET_ROOTS = frozenset({"worksheet", "dialogsheet", "macrosheet"})
FIX = "delete the empty rows and columns below and right of the data, or copy the data into a new workbook"
NO_VALUE = "a formula with no saved value"  # the file was written by a program that does not calculate


class SheetRefused(InputError):
    """A sheet calamine must not be given; the message names the sheet and what to do."""


def error_message(code: str, formula: bool) -> str:
    return f"the formula's result is an error ({code})" if formula else f"the cell holds an error value ({code})"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def chunks(zf: zipfile.ZipFile, name: str):
    done = 0
    with zf.open(name) as f:
        while chunk := f.read(CHUNK):
            done += len(chunk)
            if done > MAX_XML:
                raise SheetRefused(f"part {name} expands to over {MAX_XML // CHUNK} MB; split the submission")
            yield chunk


def small_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part that is small in any real workbook (workbook.xml, rels), read with a bound."""
    out = b""
    for chunk in chunks(zf, name):
        out += chunk
        if len(out) > MAX_PIECE:
            raise ValueError(name)
    return out


def rels_target(t: str) -> str:
    """A workbook rels target as a part name: '/xl/worksheets/sheet1.xml' or 'worksheets/./sheet1.xml'."""
    return posixpath.normpath(t[1:] if t.startswith("/") else "xl/" + t)


def reads_as_utf8(first: bytes) -> bool:
    """The fast passes read bytes as UTF-8; a part in UTF-16 or another declared encoding is counted by expat."""
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first[:200]:
        return False
    m = re.match(rb"""(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)""", first)
    return m is None or m.group(1).lower() in (b"utf-8", b"utf8")

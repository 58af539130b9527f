"""ODS and XLSB sheets for sheetscan.py: the used range calamine will allocate and the cells it will read as
blank although they hold an error or a formula with no saved value, from ODS content.xml and XLSB records."""
from __future__ import annotations

import html
import re
import struct
import zipfile

from .sheetparts import (
    MAX_COLS,
    MAX_PIECE,
    MAX_ROWS,
    NO_VALUE,
    SheetRefused,
    error_message,
    reads_as_utf8,
    rels_target,
    small_part,
)

# `scan` below is a sheetscan.WorkbookScan, which imports this module

# ---- ODS: repeats expand only up to the last valued cell or row, which is what calamine allocates ---------
# calamine 0.9 matches the literal names table:table-row / table:table-cell, and a cell is a value only with
# office:value-type or table:formula (text alone is empty to it; measured). LibreOffice writes an error as
# calcext:value-type="error" (calamine reads '' or 0 there) and a formula always with its value-type.
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _repeat(value) -> int:
    if value is None:
        return 1
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not value.isdigit():
        raise SheetRefused(f"content.xml has a repeat count {value!r}, which LibreOffice never writes; "
                           "open the file and save it again")
    return int(value)


def _local(attrs: dict) -> dict:
    return {k.rsplit(" ", 1)[-1]: v for k, v in attrs.items()}


_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""  # a tag's attributes: '>' may sit inside quoted values
_TAG = re.compile(rb"<" + _ATTRS + rb">")
_ODS_TABLE = re.compile(rb"<table:table(?=[\s/>])" + _ATTRS + rb">")
_ODS_ROW = re.compile(rb"<table:table-row(?=[\s/>])" + _ATTRS + rb"(/?)>")
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated\s*=\s*["\']([^"\']*)')
_ODS_NAME = re.compile(rb'table:name\s*=\s*["\']([^"\']*)')
_ODS_TEXT = re.compile(rb"<text:p>([^<]*)</text:p>")
_ODS_ERROR = re.compile(rb'value-type\s*=\s*["\']error["\']')
ROW_END = b"</table:table-row>"


class OdsPart:
    """Row by row with C string operations (find/rfind/count with bounds). Comments, CDATA, processing
    instructions, subtables or table elements under another prefix could hide cells from these searches:
    then the part is counted exactly once the scan is over."""

    def __init__(self, scan, name: str):
        self.scan, self.name, self.mode = scan, name, "fast"
        self.grid, self.key, self.row, self.tail, self.first = None, None, 0, b"", True

    def feed(self, chunk: bytes) -> None:
        if self.mode != "fast":
            return
        if self.first:
            self.first = False
            if not reads_as_utf8(chunk):
                self.mode = "exact"
                return
        buf = self.tail + chunk
        cut = buf.rfind(b"<table:table-row")  # rows before the last row start are whole
        if cut < 0:
            cut = buf.rfind(b"<")
        cut = len(buf) if cut < 0 else cut
        self.tail = buf[cut:]
        if len(self.tail) > MAX_PIECE or not self._rows(buf[:cut]):
            self.mode = "exact"

    def close(self) -> None:
        if self.mode == "fast" and not self._rows(self.tail):
            self.mode = "exact"
        if self.mode == "exact":
            self.scan.exact.append(("ods", self.name))

    def _new_sheet(self, tables: list, before: float = float("inf")) -> None:
        while tables and tables[-1][0] < before:  # a sheet starts here
            name = _ODS_NAME.search(tables.pop()[1])
            self.key = "ods:" + (html.unescape(name.group(1).decode("utf-8", "replace")) if name else "?")
            self.grid, self.row = self.scan.grid(self.key, ods=True), 0

    def _rows(self, region: bytes) -> bool:
        pis = region.count(b"<?") - region.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml")
        if b"<!" in region or pis or b"<table-" in region or \
                region.count(b":table-") != region.count(b"<table:table-") + region.count(b"</table:table-"):
            return False
        formulas, covered = b"table:formula" in region, b"<table:covered-table-cell" in region
        errors = formulas or b"error" in region
        pos, tables = 0, [(m.start(), m.group(1)) for m in _ODS_TABLE.finditer(region)][::-1]
        while m := _ODS_ROW.search(region, pos):
            self._new_sheet(tables, m.start())
            r = _ODS_REPEAT.search(m.group(1))
            rrep, a = _repeat(r.group(1) if r else None), m.end()
            b = a if m.group(2) else region.find(ROW_END, a)
            if b < 0 or (tables and tables[-1][0] < b):
                return False  # a row cut off at the end, or a subtable inside a cell
            last = max(region.rfind(b"value-type", a, b), region.rfind(b"table:formula", a, b) if formulas else -1)
            if last >= 0 and self.grid:
                end = _TAG.match(region, region.rfind(b"<", a, last)).end()
                self.grid.add(self.row + rrep, self._column(region, a, end, covered))
                if errors:
                    self._special(region, a, b, rrep, covered)
            self.row += rrep
            pos = b
        self._new_sheet(tables)
        return True

    @staticmethod
    def _column(region: bytes, a: int, end: int, covered: bool) -> int:
        """Cells (with their repeats) from a to end: the 1-based column of the cell ending at end."""
        cols = region.count(b"<table:table-cell", a, end)
        cols += region.count(b"<table:covered-table-cell", a, end) if covered else 0
        return cols + sum(_repeat(v) - 1 for v in _ODS_REPEAT.findall(region, a, end))

    def _special(self, region: bytes, a: int, b: int, rrep: int, covered: bool) -> None:
        found = {}
        for m in _ODS_ERROR.finditer(region, a, b):
            start, tag = _cell_tag(region, a, m.start())
            if tag is None:
                continue
            stop = region.find(b"</table:table-cell>", start, b)
            text = _ODS_TEXT.search(region, start, stop if stop >= 0 else b)
            found[start] = error_message(text.group(1).decode("utf-8", "replace") if text else "#?",
                                         b"table:formula" in tag)
        pos = a
        while (pos := region.find(b"table:formula", pos, b)) >= 0:
            start, tag = _cell_tag(region, a, pos)
            if tag is not None and start not in found and b"office:value-type" not in tag:
                found[start] = NO_VALUE
            pos += 13
        for start, message in found.items():
            col = self._column(region, a, start, covered)
            for row in range(self.row + 1, self.row + 1 + min(rrep, MAX_ROWS + 1)):
                self.scan.issue(self.key, row, col, message)


def _cell_tag(region: bytes, a: int, pos: int) -> tuple[int, bytes | None]:
    """The start and text of the cell tag holding position pos, or None when pos is not in a cell's tag."""
    start = region.rfind(b"<", a, pos)
    m = _TAG.match(region, start) if start >= 0 else None
    if m is None or m.end() <= pos or not region.startswith((b"<table:table-cell", b"<table:covered-table-cell"), start):
        return start, None
    return start, m.group()


class OdsCells:
    """Exact, by local names in any namespace; a repeated row or cell moves the used range only when it holds
    a value (LibreOffice ends every sheet with an empty row repeated ~1,048,000 times: calamine skips it)."""

    def __init__(self, scan):
        self.scan, self.grid, self.depth, self.text = scan, None, 0, None

    def start(self, tag, attrs):
        local = tag.rsplit(" ", 1)[-1]
        if self.depth:  # inside a cell (a subtable's cells are the cell's content, not the sheet's)
            self.depth += 1
        elif local == "table":
            self.key = "ods:" + _local(attrs).get("name", "?")
            self.grid, self.row = self.scan.grid(self.key, ods=True), 0
        elif local == "table-row" and self.grid:
            self.rrep, self.col, self.row_cols = _repeat(_local(attrs).get("number-rows-repeated")), 0, 0
        elif local in ("table-cell", "covered-table-cell") and self.grid:
            a = _local(attrs)
            self.crep = _repeat(a.get("number-columns-repeated"))
            self.valued = "value-type" in a or "formula" in a
            error = any(k.rsplit(" ", 1)[-1] == "value-type" and v == "error" for k, v in attrs.items())
            self.special = (error, "formula" in a) if error or ("formula" in a and f"{OFFICE} value-type" not in attrs) else None
            self.text = "" if error else None
            self.depth = 1

    def chars(self, data):
        if self.text is not None and self.depth > 1:
            self.text += data

    def end(self, tag):
        if self.depth > 1:
            self.depth -= 1
        elif self.depth == 1:
            self.depth = 0
            if self.special:
                error, formula = self.special
                message = error_message(self.text.strip() or "#?", formula) if error else NO_VALUE
                for row in range(self.row + 1, self.row + 1 + min(self.rrep, MAX_ROWS + 1)):
                    for col in range(self.col, self.col + min(self.crep, MAX_COLS + 1)):
                        self.scan.issue(self.key, row, col, message)
            self.text = None
            self.col += self.crep
            if self.valued:
                self.row_cols = self.col
        elif tag.rsplit(" ", 1)[-1] == "table-row" and self.grid:
            self.row += self.rrep
            if self.row_cols:
                self.grid.add(self.row, self.row_cols)
        elif tag.rsplit(" ", 1)[-1] == "table" and self.grid:
            self.grid = None


# ---- XLSB: records are [type: 1-2 bytes][size: 1-4 bytes][body]. Cells carry a u32 column, rows come from
# BrtRowHdr (type 0). calamine keeps types 2-10 and uses BrtWsDim only as a capacity hint, so the records
# are walked, not the dimension. BrtCellError (3) and BrtFmlaError (11) hold an error code at byte 8.
_XLSB_VALUE_TYPES = frozenset(range(2, 12))  # 0x02-0x0B: one more than calamine reads, to be safe
_XLSB_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _xlsb_records(data: bytes, i: int = 0):
    n = len(data)
    while i < n:
        b = data[i]
        typ, i = b & 0x7F, i + 1
        if b & 0x80:
            typ, i = typ | (data[i] & 0x7F) << 7, i + 1
        size = shift = 0
        while True:
            b = data[i]
            size, i, shift = size | (b & 0x7F) << shift, i + 1, shift + 7
            if not b & 0x80 or shift == 28:
                break
        yield typ, i, size
        i += size


def sheet_names_xlsb(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        from defusedxml.ElementTree import fromstring
        rels = {r.get("Id"): r.get("Target", "") for r in fromstring(small_part(zf, "xl/_rels/workbook.bin.rels"))}
        out, data = {}, small_part(zf, "xl/workbook.bin")
        for typ, at, size in _xlsb_records(data):
            if typ == 0x9C:  # BrtBundleSh: state u32, tab id u32, relId (u32 count + UTF-16), name (same)
                n = struct.unpack_from("<I", data, at + 8)[0]
                rid = data[at + 12: at + 12 + 2 * n].decode("utf-16-le")
                m = struct.unpack_from("<I", data, at + 12 + 2 * n)[0]
                out[rels_target(rels.get(rid, ""))] = data[at + 16 + 2 * n: at + 16 + 2 * n + 2 * m].decode("utf-16-le")
        return out
    except Exception:  # noqa: BLE001 - names are for messages; xl/worksheets/*.bin is walked regardless
        return {}


class XlsbPart:
    def __init__(self, scan, name: str):
        self.scan, self.name, self.grid = scan, name, scan.grid(name)
        self.row, self.tail, self.skip, self.done = 0, b"", 0, False

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        if self.skip:  # the rest of a record whose first bytes were read
            if len(chunk) <= self.skip:
                self.skip -= len(chunk)
                return
            chunk, self.skip = chunk[self.skip:], 0
        data = self.tail + chunk
        i, n, u32 = 0, len(data), struct.Struct("<I").unpack_from
        while i + 6 <= n:
            start, b = i, data[i]
            typ, i = b & 0x7F, i + 1
            if b & 0x80:
                typ, i = typ | (data[i] & 0x7F) << 7, i + 1
            size = shift = 0
            while True:
                b = data[i]
                size, i, shift = size | (b & 0x7F) << shift, i + 1, shift + 7
                if not b & 0x80 or shift == 28 or i >= n:
                    break
            if i + min(size, 12) > n:  # the part of the record read below continues in the next chunk
                i = start
                break
            if typ == 0 and size >= 4:  # BrtRowHdr
                self.row = u32(data, i)[0]
                self.done = self.row > 0x100000  # calamine stops reading the sheet there
            elif typ in _XLSB_VALUE_TYPES and size >= 4:  # shorter ones make calamine panic, not allocate
                col = u32(data, i)[0]
                self.grid.add(self.row + 1, col + 1)
                if typ in (3, 11) and size >= 9:
                    self.scan.issue(self.name, self.row + 1, col,
                                    error_message(_XLSB_ERRORS.get(data[i + 8], "#?"), typ == 11))
            elif typ == 0x92:  # BrtEndSheetData: calamine stops too
                self.done = True
            if self.done:
                return
            if i + size > n:
                self.skip, self.tail = i + size - n, b""
                return
            i += size
        self.tail = data[i:]

    def close(self) -> None:
        pass

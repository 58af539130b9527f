"""What a workbook's sheets hold, read while safety.py inflates each part (so no part is inflated twice):
the used range of every sheet, bounded before calamine allocates it, and the cells calamine reads as
blank although they are not (Excel error values, formulas saved without their result).

calamine turns a sheet into one dense rows x columns array sized by the farthest cell holding a value:
one value at XFD1048576 is 17.2 billion cells, and Rust aborts the whole process asking for 550 GB
(SIGABRT, not an exception). calamine ignores <dimension> (a huge one is harmless, a small one can lie),
so the cells themselves are read, as calamine reads them: XLSX/XLSM sheet XML, ODS content.xml, XLSB
records. A fast pass in C (regular expressions, find/count) gives a sound upper bound; only when that
bound is too big, or a cell is spelled in a way no spreadsheet program writes, is the part read again
cell by cell (expat) for the exact range, which is then judged.
"""
from __future__ import annotations

import pyexpat
import re
import zipfile
from dataclasses import dataclass, field

from .sheetformats import OdsCells, OdsPart, XlsbPart, sheet_names_xlsb
from .sheetparts import (
    FIX,
    MAX_CELLS,
    MAX_COLS,
    MAX_ISSUES,
    MAX_PIECE,
    MAX_ROWS,
    NO_VALUE,
    SHEET_ROOTS,
    SheetRefused,
    chunks,
    column_letter,
    error_message,
    reads_as_utf8,
    rels_target,
    small_part,
)


def _col_number(letters) -> int:  # 'A' -> 1
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


class _Grid:
    """Used range of one sheet: 1-based farthest row and column of a cell calamine keeps as a value."""

    def __init__(self, key: str):
        self.key, self.rows, self.cols = key, 0, 0

    def add(self, row: int, col: int) -> None:
        if row > self.rows:  # noqa: PLR1730 - an if is cheaper than max() on the exact path's every cell
            self.rows = row
        if col > self.cols:  # noqa: PLR1730
            self.cols = col

    def over(self, limits) -> bool:
        max_rows, max_cols, max_cells = limits
        return self.rows > max_rows or self.cols > max_cols or self.rows * self.cols > max_cells

    def message(self, sheet: str, limits) -> str:
        max_rows, max_cols, max_cells = limits
        return (f"sheet {sheet!r} has cells up to {column_letter(self.cols - 1)}{self.rows}, a grid of {self.rows:,} "
                f"rows x {self.cols:,} columns = {self.rows * self.cols:,} cells (limits: {max_rows:,} rows, "
                f"{max_cols:,} columns, {max_cells:,} cells); {FIX}")


@dataclass
class Findings:
    """Per sheet name: (Excel row, 0-based column) -> what calamine will read as blank there, and why."""

    cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


class WorkbookScan:
    """Fed every part of one workbook zip by safety._scan_member, chunk by chunk; finish() judges."""

    def __init__(self, zf: zipfile.ZipFile, limits: tuple[int, int, int] | None = None):
        self.zf, self.limits = zf, limits or (MAX_ROWS, MAX_COLS, MAX_CELLS)
        self.grids: list[tuple[_Grid, bool]] = []  # (grid, from content.xml)
        self.issues: dict[str, dict[tuple[int, int], str]] = {}
        self.exact: list[tuple[str, str]] = []  # (kind, part) to count cell by cell after the scan
        names = set(zf.NameToInfo)
        self.xlsb = sheet_names_xlsb(zf) if "xl/workbook.bin" in names else {}
        self.xlsb.update({n: n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin")
                          and n not in self.xlsb})

    def member(self, info: zipfile.ZipInfo) -> list:
        """The feeders for one part: every part whose root is a worksheet is one, wherever it sits (calamine
        follows the workbook's rels, not the folder); content.xml is the ODS sheets; xlsb sheets are records."""
        if info.is_dir():
            return []
        out = [_XlsxPart(self, info.filename)]
        if info.filename == "content.xml":
            out.append(OdsPart(self, info.filename))
        if info.filename in self.xlsb:
            out.append(XlsbPart(self, info.filename))
        return out

    def grid(self, key: str, ods: bool = False) -> _Grid:
        g = _Grid(key)
        self.grids.append((g, ods))
        return g

    def issue(self, key: str, row: int, col: int, message: str) -> None:
        cells = self.issues.setdefault(key, {})
        if len(cells) <= MAX_ISSUES:
            cells.setdefault((row, col), message)

    def finish(self) -> Findings:
        names = {**_sheet_names_xlsx(self.zf), **self.xlsb}
        for kind, part in self.exact:
            if kind == "xlsx":
                handler = _XlsxCells(self, part)
                try:
                    _feed_all(self.zf, part, handler)
                except _NotSheet:
                    continue
            else:
                self.grids = [(g, ods) for g, ods in self.grids if not ods]  # the fast pass's, replaced
                self.issues = {k: v for k, v in self.issues.items() if not k.startswith("ods:")}
                _feed_all(self.zf, part, OdsCells(self))
        sheet = lambda key: names.get(key, key.removeprefix("ods:"))  # noqa: E731
        for g, _ in self.grids:
            if g.over(self.limits):
                raise SheetRefused(g.message(sheet(g.key), self.limits))
        # calamine reads every sheet of an ODS file when it opens it, so there the bound is the workbook's.
        ods = [g for g, is_ods in self.grids if is_ods]
        if sum(g.rows * g.cols for g in ods) > self.limits[2]:
            sizes = ", ".join(f"{sheet(g.key)!r} {g.rows * g.cols:,}" for g in sorted(ods, key=lambda g: -g.rows * g.cols)[:3])
            raise SheetRefused(f"the sheets hold over {self.limits[2]:,} cells together ({sizes}); {FIX}")
        for key, cells in self.issues.items():
            if len(cells) > MAX_ISSUES:
                raise SheetRefused(f"sheet {sheet(key)!r} has over {MAX_ISSUES:,} cells holding Excel errors or "
                                   "formulas with no saved value; open it in Excel or LibreOffice, correct the "
                                   "formulas and save it again")
        return Findings({sheet(k): v for k, v in self.issues.items()})


# ---- reading parts: bounded chunks, expat by local names (a prefix can't hide a cell) ---------------------
def _expat(handler, name: str):
    p = pyexpat.ParserCreate(namespace_separator=" ")  # names arrive as "uri local"

    def no_dtd(*_):
        raise SheetRefused(f"part {name} declares a DTD or entities, which Excel and LibreOffice never write; "
                           "open the file and save it again")

    p.StartDoctypeDeclHandler = p.EntityDeclHandler = no_dtd
    p.StartElementHandler, p.EndElementHandler = handler.start, handler.end
    if hasattr(handler, "chars"):
        p.CharacterDataHandler = handler.chars
    return p


def _feed_all(zf, name, handler) -> None:
    parser = _expat(handler, name)
    try:
        for chunk in chunks(zf, name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as e:
        raise SheetRefused(f"part {name} is not well-formed XML ({e}); open the file and save it again") from None


def _sheet_names_xlsx(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part -> sheet name (workbook.xml and its rels, through defusedxml); only for naming sheets in messages
    and for finding a sheet's findings again: a part without a name keeps its part name."""
    from defusedxml.ElementTree import fromstring

    try:
        rels = {r.get("Id"): r.get("Target", "") for r in fromstring(small_part(zf, "xl/_rels/workbook.xml.rels"))}
        out = {}
        for s in fromstring(small_part(zf, "xl/workbook.xml")).iter():
            rid = next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
            if s.tag.endswith("}sheet") and rid in rels:
                out[rels_target(rels[rid])] = s.get("name")
        return out
    except Exception:  # noqa: BLE001 - no names: the part names stand in
        return {}


class _Root(Exception):
    pass


class _NotSheet(Exception):
    pass


class _RootSniff:
    def __init__(self, name: str):
        self.parser = _expat(self, name)

    def start(self, tag, attrs):
        raise _Root(tag.rsplit(" ", 1)[-1])

    def end(self, tag):
        pass

    def feed(self, chunk: bytes) -> str | None:
        """Local name of the root element; '' when the part is not XML; None when not reached yet."""
        try:
            self.parser.Parse(chunk, False)
        except _Root as root:
            return root.args[0]
        except pyexpat.ExpatError:
            return ""
        return None


# ---- XLSX / XLSM ------------------------------------------------------------------------------------------
# A cell as Excel, LibreOffice, openpyxl and xlsxwriter write it: <c r="AB12" s=".." t=".."> with only the
# attributes they use. Anything else (r not first, no r, single quotes, lowercase, leading zeros, a second
# r=, which calamine takes over the first) sends the part to the exact count, so the fast bound never
# under-counts.
_ODD_CELL = rb'<c(?=[\s/>])(?! r="[A-Z]+[1-9][0-9]*"(?: (?:s|t|cm|vm|ph)="[^"]*+")*+/?>)'
_PREFIX_GATE = re.compile(rb":c[\s/>]")  # ':' is rare in sheet XML, so this scans fast
_PREFIXED = re.compile(rb"<[^\s<>/:]+:c[\s/>]")
_ANCHOR = re.compile(rb'<f[\s>/]| t="e"')
_REF = re.compile(rb'<c r="([A-Z]+)([1-9][0-9]*)"')
_TYPE = re.compile(rb' t="([^"]*)"')
_V = re.compile(rb"<v>([^<]*)</v>")


def _greater(s: bytes, lo: int, hi: int, first_lo: int) -> bytes:
    """Regex for tokens over [lo-hi] that compare greater than s (longer, or as long and later)."""
    alts = [b"[%c-%c][%c-%c]{%d,}" % (first_lo, hi, lo, hi, len(s))]
    for i, ch in enumerate(s):
        if ch < hi:
            alts.append(re.escape(s[:i]) + b"[%c-%c][%c-%c]{%d}" % (ch + 1, hi, lo, hi, len(s) - i - 1))
    return b"(?:" + b"|".join(alts) + b")"


class _XlsxPart:
    """One zip part: its root says whether it is a sheet. A sheet's cells go through one regex pass that stops
    only at a cell beating the bound so far (rows rounded up to one significant digit, so ~40 stops for
    50,000 rows), and through a search for error cells and formulas without a result. Too big a bound, or an
    odd cell, and the part is counted exactly once the scan is over."""

    def __init__(self, scan: WorkbookScan, name: str):
        self.scan, self.name, self.mode = scan, name, "sniff"
        self.sniff, self.pending, self.size = _RootSniff(name), [], 0
        self.col = self.row = self.tail = b""
        self.pat = self._pattern()

    def feed(self, chunk: bytes) -> None:
        if self.mode == "sniff":
            root = self.sniff.feed(chunk)
            if root is None:
                self.pending.append(chunk)
                self.size += len(chunk)
                if self.size > MAX_PIECE:  # no root element in 4 MB
                    self.mode, self.pending = "exact", None
                return
            chunks, self.pending, self.sniff = self.pending + [chunk], None, None
            self.mode = "skip" if root not in SHEET_ROOTS else "fast" if reads_as_utf8(chunks[0]) else "exact"
            for c in chunks:
                if self.mode == "fast":
                    self._fast(c)
        elif self.mode == "fast":
            self._fast(chunk)

    def close(self) -> None:
        if self.mode == "fast":
            self._fast(b"", last=True)
        if self.mode == "exact":
            self.scan.exact.append(("xlsx", self.name))

    def _pattern(self):
        return re.compile(_ODD_CELL + rb'|<c r="(?:(' + _greater(self.col, 65, 90, 65) + rb')[1-9][0-9]*"|[A-Z]+('
                          + _greater(self.row, 48, 57, 49) + rb')")')

    def _fast(self, chunk: bytes, last: bool = False) -> None:
        buf = self.tail + chunk
        cut = len(buf) if last else buf.rfind(b"<c ")  # cells before the last cell start are whole
        if cut < 0:
            cut = buf.rfind(b"<")  # no cell starts here: keep only a tag that may be cut off
            cut = len(buf) if cut < 0 else cut
        elif cut == 0 and len(buf) > MAX_PIECE:
            self.mode = "exact"  # one cell over 4 MB
            return
        head, self.tail = buf[:cut], buf[cut:]
        if not self._within(head):
            self.mode = "exact"
            return
        if b"#" in head or b"<f" in head:  # error values all start with '#' (#REF!), a one-byte search
            self._special(head)

    def _within(self, buf: bytes) -> bool:
        if _PREFIX_GATE.search(buf) and _PREFIXED.search(buf):
            return False  # prefixed cells (<x:c>)
        max_rows, max_cols, max_cells = self.scan.limits
        pos = 0
        while m := self.pat.search(buf, pos):
            if not (m.group(1) or m.group(2)):
                return False  # odd cell spelling
            if m.group(1):
                self.col = m.group(1)
            else:
                self.row = m.group(2)[:1] + b"9" * (len(m.group(2)) - 1)  # 50001 -> 59999
            rows, cols = int(self.row or 0), _col_number(self.col) if self.col else 0
            if rows > max_rows or cols > max_cols or rows * cols > max_cells:
                return False
            self.pat, pos = self._pattern(), m.start()  # the same cell again: it may beat the other bound too
        return True

    def _special(self, buf: bytes) -> None:
        """Cells with t="e" (an error value) or a formula with no result saved; buf holds whole canonical cells."""
        done = 0
        for m in _ANCHOR.finditer(buf):
            if m.start() < done:
                continue
            start = buf.rfind(b"<c ", 0, m.start())
            close = buf.find(b">", start) if start >= 0 else -1
            if close < 0 or buf[close - 1] == 0x2F:
                continue  # no cell, or an empty self-closing one: the anchor is not in a cell
            if m.group() == b' t="e"' and m.start() > close:
                continue  # another element's attribute
            if m.group() != b' t="e"' and (m.start() < close or buf.find(b"</c>", close, m.start()) >= 0):
                continue
            end = buf.find(b"</c>", close)
            if end < 0:
                continue
            done = end
            ref, body = _REF.match(buf, start), buf[close + 1:end]
            if ref is None:
                continue
            t = _TYPE.search(buf, start, close)
            self._judge(int(ref.group(2)), _col_number(ref.group(1)) - 1, t.group(1) if t else b"n", body)

    def _judge(self, row: int, col: int, t: bytes, body: bytes) -> None:
        v = _V.search(body)
        has_v = v is not None or b"<v/>" in body or b"<v />" in body
        formula = b"<f" in body
        if t == b"e":
            code = v.group(1).decode("utf-8", "replace") if v and v.group(1) else "#?"
            self.scan.issue(self.name, row, col, error_message(code, formula))
        elif formula and ((not has_v and b"<is>" not in body) or (has_v and not (v and v.group(1)) and t != b"str")):
            self.scan.issue(self.name, row, col, NO_VALUE)  # t="str" with <v></v> is a formula that gives ""


class _XlsxCells:
    """Exact: calamine's positions (r, or the next row / column when r is missing) of cells with a value,
    and the same error cells and formulas with no result as the fast pass."""

    def __init__(self, scan: WorkbookScan, part: str):
        self.scan, self.part, self.grid = scan, part, None
        self.row = self.col = 0
        self.cell = None
        self.in_v = False

    def start(self, tag, attrs):
        local = tag.rsplit(" ", 1)[-1]
        if self.grid is None:
            if local not in SHEET_ROOTS:
                raise _NotSheet
            self.grid = self.scan.grid(self.part)
        if local == "row":
            r = attrs.get("r")
            self.row, self.col = (int(r) if r and r.isdigit() else self.row + 1), 0
        elif local == "c":
            m = re.fullmatch(r"([A-Za-z]+)(\d+)", attrs.get("r", ""))  # calamine reads lowercase refs too
            self.col = _col_number(m.group(1)) if m else self.col + 1
            self.cell = (int(m.group(2)) if m else self.row, self.col)
            self.t, self.f, self.v, self.inline = attrs.get("t", "n"), False, None, False
        elif self.cell is not None:
            if local in ("v", "is"):
                self.grid.add(*self.cell)  # an empty <v/> counts too: t="str" with <v></v> is a value for calamine
                if local == "v":
                    self.v, self.in_v = self.v or "", True
                else:
                    self.inline = True
            elif local == "f":
                self.f = True

    def chars(self, data):
        if self.in_v:
            self.v += data

    def end(self, tag):
        local = tag.rsplit(" ", 1)[-1]
        if local == "v":
            self.in_v = False
        elif local == "c" and self.cell is not None:
            row, col = self.cell[0], self.cell[1] - 1
            if self.t == "e":
                self.scan.issue(self.part, row, col, error_message((self.v or "").strip() or "#?", self.f))
            elif self.f and ((self.v is None and not self.inline) or (self.v == "" and self.t != "str")):
                self.scan.issue(self.part, row, col, NO_VALUE)
            self.cell = None

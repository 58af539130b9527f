"""Builders for tiny hostile (and normal) workbooks: XLSX parts, ODS content.xml, XLSB records. No binary fixtures."""
from __future__ import annotations

import zipfile
from pathlib import Path

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '{sheets}</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def sheet_xml(cells: dict[str, object], dimension: str | None = None) -> str:
    """cells: {'A1': 'text' or number}; rows grouped in order."""
    import re
    rows: dict[int, list[str]] = {}
    for ref, v in cells.items():
        r = int(re.sub(r"[A-Z]+", "", ref))
        if isinstance(v, str):
            c = f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
        else:
            c = f'<c r="{ref}"><v>{v}</v></c>'
        rows.setdefault(r, []).append(c)
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>{dim}<sheetData>{body}</sheetData></worksheet>'


def make_xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """sheets: {name: worksheet xml}."""
    names = list(sheets)
    over = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   for i in range(1, len(names) + 1))
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS}><sheets>'
          + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
          + '</sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(names) + 1))
              + '</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.format(sheets=over))
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        for i, n in enumerate(names, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheets[n])
    return path


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')


def ods_cell(text: str | None = None, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if text is None:
        return f"<table:table-cell{rep}/>"
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>'


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def make_ods(path: Path, tables: dict[str, str]) -> Path:
    """tables: {name: rows xml}."""
    body = "".join(f'<table:table table:name="{n}">{rows}</table:table>' for n, rows in tables.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS}>'
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")  # stored, first
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


# ---- xlsb: [type 1-2 bytes][size 1-4 bytes][body] records (MS-XLSB 2.1.4)
import struct


def xlsb_record(typ: int, body: bytes = b"") -> bytes:
    t = bytes([typ]) if typ < 0x80 else bytes([(typ & 0x7F) | 0x80, typ >> 7])
    size, sz = len(body), bytearray()
    while True:
        b, size = size & 0x7F, size >> 7
        sz.append(b | (0x80 if size else 0))
        if not size:
            return t + bytes(sz) + body


def _wstr(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def xlsb_sheet(cells: list[tuple[int, int, object]], dim=(0, 0, 0, 0)) -> bytes:
    """cells: (row0, col0, float or str), sorted by row; dim: the BrtWsDim (rwFirst, rwLast, colFirst, colLast)."""
    out = [xlsb_record(0x81), xlsb_record(0x94, struct.pack("<4I", *dim)), xlsb_record(0x91)]
    row = None
    for r, c, v in cells:
        if r != row:
            out.append(xlsb_record(0x00, struct.pack("<IIH", r, 0, 300) + b"\x00" * 7))  # BrtRowHdr
            row = r
        if isinstance(v, str):
            out.append(xlsb_record(0x06, struct.pack("<II", c, 0) + _wstr(v)))  # BrtCellSt
        else:
            out.append(xlsb_record(0x05, struct.pack("<IId", c, 0, v)))  # BrtCellReal
    out += [xlsb_record(0x92), xlsb_record(0x82)]
    return b"".join(out)


def make_xlsb(path: Path, sheets: dict[str, bytes]) -> Path:
    names = list(sheets)
    # calamine reads BrtBundleSh records up to BrtEndBundleShs, then any record listed as 'after names'.
    wb = b"".join(xlsb_record(0x9C, struct.pack("<II", 0, i) + _wstr(f"rId{i}") + _wstr(n))
                  for i, n in enumerate(names, 1)) + xlsb_record(0x90) + xlsb_record(0x9D)
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.bin"/>'
                      for i in range(1, len(names) + 1)) + '</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.format(sheets="").replace("sheet.main+xml", "sheet.main"))
        z.writestr("_rels/.rels", RELS.replace("workbook.xml", "workbook.bin"))
        z.writestr("xl/workbook.bin", wb)
        z.writestr("xl/_rels/workbook.bin.rels", rels)
        for i, n in enumerate(names, 1):
            z.writestr(f"xl/worksheets/sheet{i}.bin", sheets[n])
    return path

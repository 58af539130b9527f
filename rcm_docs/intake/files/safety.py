"""Refuse hostile submission files before any parser sees them.

Parsers (calamine, openpyxl, csv) trust their input; a submission folder is open to anyone with a
share link, so size, zip structure, XML prologs and each sheet's used range are checked here with
bounded work, and files are read only inside their workspace.
"""
from __future__ import annotations

import copy
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from ...common.gate import UnsafeFile, size_text, too_large
from ...common.gate import inside_workspace as check_inside_workspace  # noqa: F401  (the gate's, for intake)
from .sheetscan import Findings, SheetRefused, WorkbookScan

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
MAX_UNCOMPRESSED = 200 * MB  # a 50,000-row sheet is ~50 MB of XML; four times that is not a submission
MAX_RATIO = 100  # real sheets compress 5-30:1; deflate bombs reach ~1000:1
RATIO_FLOOR = 1 * MB  # tiny members (rels, styles) can have any ratio without harm
MAX_MEMBERS = 10_000
# zipfile builds a ZipInfo for every directory entry before we can count them: ~600,000 entries fit
# in 50 MB and cost seconds and hundreds of MB, so the directory's size is bounded first.
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 256
CHUNK = 1 * MB
CSV_SNIFF = 64 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # password-protected .xlsx and old .xls are OLE files, not zips

RESAVE = "open it in Excel and save it again as .xlsx"
BOMB = "refused as a possible zip bomb; if the data is genuine, split the submission into smaller files"


def check_file(path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> None:
    """Raise UnsafeFile if `path` (or `data`, its bytes already read) is too big or hostile for the parser
    its suffix selects."""
    inspect_file(path, max_bytes, data)


def inspect_file(path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> Findings | None:
    """check_file, returning what the scan of a workbook found in its sheets (error cells, formulas with no
    saved value) so the reader can report them in the submitter's coordinates."""
    size = len(data) if data is not None else os.stat(path).st_size
    if size > max_bytes:
        raise UnsafeFile(too_large(path, size, max_bytes))
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        if data is None:
            with open(path, "rb") as f:
                head = f.read(CSV_SNIFF)
        else:
            head = data[:CSV_SNIFF]
        # UTF-16 and UTF-32 with a byte-order mark hold NULs as text; the reader decodes them and looks again.
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
            line = head.count(b"\n", 0, head.index(b"\x00")) + 1
            raise UnsafeFile(f"{path}: line {line}: looks like a binary file, not CSV text; save it as CSV UTF-8 (comma delimited)")
    elif suffix == ".xls":
        # calamine reads BIFF row and column numbers as 16-bit, so one cell can claim a 65,536 x 65,536 grid and
        # abort the process; checking that first would need an OLE reader and a BIFF walk for a format Excel
        # has not saved by default since 2007.
        raise UnsafeFile(f"{path}: old Excel 97-2003 workbooks (.xls) are not read, as they cannot be checked "
                         f"before reading; {RESAVE} (File > Save As > Excel Workbook)")
    elif suffix in (".xlsx", ".xlsm", ".xlsb", ".ods"):  # zip containers
        return _check_workbook(path, data)
    return None


def _check_workbook(path, data: bytes | None = None) -> Findings:
    def source():
        return io.BytesIO(data) if data is not None else open(path, "rb")  # used in a with below

    try:
        with source() as f:
            end = zipfile._EndRecData(f)  # the end record zipfile itself will trust, zip64 included
        if end is None:
            raise zipfile.BadZipFile("no end of central directory")
        if end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:
            raise UnsafeFile(f"{path}: the workbook's directory is {size_text(end[zipfile._ECD_SIZE])}, room for "
                             f"over {MAX_MEMBERS:,} parts; {BOMB}")
        with zipfile.ZipFile(source()) as zf:
            infos = zf.infolist()
            _check_directory(path, infos)
            scan = WorkbookScan(zf)
            total = 0
            for info in infos:
                total = _scan_member(path, zf, info, total, scan)
            return scan.finish()
    except SheetRefused as e:
        raise UnsafeFile(f"{path}: {e}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, struct.error):
        with source() as f:
            if f.read(4) == OLE_MAGIC:
                raise UnsafeFile(f"{path}: the file is password-protected or an old .xls workbook, not an .xlsx; "
                                 f"remove the password, then {RESAVE}") from None
        raise UnsafeFile(f"{path}: not a valid Excel workbook (the zip container is damaged); {RESAVE}") from None


def _check_directory(path, infos: list[zipfile.ZipInfo]) -> None:
    """What the central directory declares: cheap, and catches every honest bomb without decompressing."""
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile(f"{path}: the workbook has {len(infos):,} parts (over {MAX_MEMBERS:,}); {BOMB}")
    for info in infos:
        # bzip2 and lzma decompress without an output bound in zipfile, and Excel only ever deflates.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeFile(f"{path}: part {info.filename} uses a compression method Excel never writes "
                             f"(method {info.compress_type}); {RESAVE}")
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or name[1:2] == ":" or ".." in name.split("/"):
            raise UnsafeFile(f"{path}: the workbook has a part named {info.filename!r} that points outside it "
                             f"(path traversal); refused as unsafe; {RESAVE}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(f"{path}: part {info.filename} would expand to {size_text(info.file_size)} from "
                             f"{size_text(info.compress_size)} (over {MAX_RATIO}:1); {BOMB}")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED:
        raise UnsafeFile(f"{path}: the workbook would expand to {size_text(declared)}, over the "
                         f"{size_text(MAX_UNCOMPRESSED)} limit; {BOMB}")


class _RootReached(Exception):
    """A DTD can only come before the root element, so parsing stops there."""


class _StopAtRoot:
    def start(self, tag, attrib):
        raise _RootReached


def _scan_member(path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, scan: WorkbookScan | None = None) -> int:
    """Decompress one part in bounded chunks, counting real bytes; returns the running total.

    zipfile stops at the declared file_size, which a hostile header sets to anything; lifting it
    makes the deflate stream itself the count, and each read is still bounded by CHUNK. The same
    chunks feed the sheet scan (used range, error cells), so no part is inflated twice.
    """
    probe = copy.copy(info)
    probe.file_size = 1 << 62
    parser = None
    if info.filename.lower().endswith((".xml", ".rels")):
        parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    feeders = scan.member(info) if scan is not None else []
    done = 0
    with zf.open(probe) as f:
        while chunk := f.read(CHUNK):
            done += len(chunk)
            if total + done > MAX_UNCOMPRESSED:
                raise UnsafeFile(f"{path}: the workbook would expand to over {size_text(MAX_UNCOMPRESSED)} "
                                 f"(limit reached in part {info.filename}); {BOMB}")
            if done > RATIO_FLOOR and done > MAX_RATIO * max(info.compress_size, 1):
                raise UnsafeFile(f"{path}: part {info.filename} would expand to over {size_text(done)} from "
                                 f"{size_text(info.compress_size)} (over {MAX_RATIO}:1); {BOMB}")
            if parser is not None:
                parser = _feed(path, info.filename, parser, chunk)
            for feeder in feeders:
                feeder.feed(chunk)
    if parser is not None:
        _feed(path, info.filename, parser, None)
    for feeder in feeders:
        feeder.close()
    return total + done


def _feed(path, name: str, parser, chunk: bytes | None):
    """Feed the XML prolog to defusedxml; None once the root element starts (nothing more to check)."""
    try:
        if chunk is None:
            parser.close()
        else:
            parser.feed(chunk)
    except _RootReached:
        return None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise UnsafeFile(f"{path}: part {name} declares a DTD or XML entities, which Excel never writes; "
                         f"refused as a possible XML entity attack (billion laughs, XXE); {RESAVE}") from None
    except ParseError as e:
        raise UnsafeFile(f"{path}: part {name} is not well-formed XML ({e}); {RESAVE}") from None
    return parser

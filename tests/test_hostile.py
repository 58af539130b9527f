"""Hostile submissions are refused by rcm_docs.safety before any parser opens them.

Every hostile file is generated here in a temporary folder: no binary fixtures in the repository.
"""
import os
import shutil
import struct
import zipfile

import openpyxl
import pytest

from rcm_docs.intake.files import safety
from rcm_docs.intake.files.safety import UnsafeFile, check_file

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>
"""
XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&xxe;</workbook>
"""


def make_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Submission"
    ws.append(["organisation", "activity", "budget_usd"])
    for i in range(50):
        ws.append(["NRC", f"Activity {i}", 1000 * i])
    wb.save(path)
    return path


def replace_member(src, dest, name, data):
    """Copy a workbook with one part swapped for hostile content."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info))
    return dest


def patch_declared_size(path, name, size):
    """Make the zip headers claim `size` bytes for `name`, whatever its deflate stream really holds."""
    data = bytearray(open(path, "rb").read())
    encoded = name.encode()
    for sig, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        pos = data.find(sig)
        while data[pos + name_at:pos + name_at + len(encoded)] != encoded:
            pos = data.find(sig, pos + 1)
        data[pos + size_at:pos + size_at + 4] = struct.pack("<I", size)
    open(path, "wb").write(data)


@pytest.fixture(scope="module")
def zero_bomb(tmp_path_factory):
    """A 300 MB sheet (well-formed XML, all padding) deflated to ~300 KB, written in chunks."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    chunk = b" " * MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(SHEET, "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet>')
            for _ in range(300):
                f.write(chunk)
            f.write(b"</worksheet>")
    assert os.path.getsize(path) < 400 * 1024
    return path


def refusal(path, **kw) -> str:
    with pytest.raises(UnsafeFile) as exc:
        check_file(path, **kw)
    message = str(exc.value)
    assert message.startswith(str(path))
    return message


def test_size_limit_refuses_oversize_file_with_its_size(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 60_000)  # 240,004 bytes
    message = refusal(path, max_bytes=150 * 1024)
    assert "0.2 MB, over the 0.1 MB limit" in message
    assert "max_file_mb" in message


def test_size_limit_default_is_50_mb():
    assert safety.DEFAULT_MAX_BYTES == 50 * MB


def test_zip_bomb_refused(zero_bomb):
    message = refusal(zero_bomb)
    assert "zip bomb" in message
    assert "300.0 MB" in message


def test_zip_bomb_with_lying_header_refused_while_streaming(zero_bomb, tmp_path):
    path = tmp_path / "liar.xlsx"
    shutil.copy(zero_bomb, path)
    patch_declared_size(path, SHEET, 1000)
    with zipfile.ZipFile(path) as zf:  # the central directory now passes every declared-size check
        assert zf.getinfo(SHEET).file_size == 1000
    message = refusal(path)
    assert "zip bomb" in message
    assert "over" in message


def test_zip_budget_caught_while_streaming_when_ratio_looks_normal(tmp_path, monkeypatch):
    # Incompressible data (like an image) with a lying header: only the running byte count catches it.
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED", 1 * MB)
    path = tmp_path / "liar.xlsx"
    image = "xl/media/image1.png"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(image, os.urandom(3 * MB))
    patch_declared_size(path, image, 10)
    message = refusal(path)
    assert "would expand to over 1.0 MB (limit reached in part xl/media/image1.png)" in message


def test_zip_members_too_many_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(safety.MAX_MEMBERS + 1):
            zf.writestr(f"p{i}", b"")
    assert "parts (over 10,000)" in refusal(path)


def test_zip_directory_too_large_refused_before_listing(tmp_path):
    # Few parts but a huge central directory: bounded before zipfile builds an entry per record.
    path = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(3000):
            zf.writestr(f"{i:04d}" + "x" * 1000, b"")
    assert "directory is 3.0 MB, room for over 10,000 parts" in refusal(path)


def test_zip_compression_other_than_deflate_refused(tmp_path):
    # zipfile inflates bzip2 and lzma without an output bound; Excel never writes them.
    path = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr(SHEET, b"<worksheet/>")
    assert "compression method Excel never writes" in refusal(path)


def test_billion_laughs_refused(tmp_path):
    path = replace_member(make_workbook(tmp_path / "ok.xlsx"), tmp_path / "lol.xlsx", SHEET, LAUGHS)
    message = refusal(path)
    assert SHEET in message and "entity" in message


def test_billion_laughs_refused_after_long_comment(tmp_path):
    # A prefix scan of the first few KB would miss a DTD pushed back by a comment.
    hostile = LAUGHS.replace(b"?>\n", b"?>\n<!--" + b"x" * 100_000 + b"-->\n", 1)
    path = replace_member(make_workbook(tmp_path / "ok.xlsx"), tmp_path / "lol.xlsx", SHEET, hostile)
    assert "entity" in refusal(path)


def test_billion_laughs_refused_in_utf16(tmp_path):
    hostile = LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    path = replace_member(make_workbook(tmp_path / "ok.xlsx"), tmp_path / "lol.xlsx", SHEET, hostile)
    assert "entity" in refusal(path)


def test_xxe_refused(tmp_path):
    path = replace_member(make_workbook(tmp_path / "ok.xlsx"), tmp_path / "xxe.xlsx", "xl/workbook.xml", XXE)
    message = refusal(path)
    assert "xl/workbook.xml" in message and "XXE" in message


def test_xml_malformed_prolog_refused(tmp_path):
    path = replace_member(make_workbook(tmp_path / "ok.xlsx"), tmp_path / "bad.xlsx", "_rels/.rels", b"<?xml <!")
    assert "not well-formed XML" in refusal(path)


def test_path_traversal_member_refused(tmp_path):
    path = tmp_path / "evil.xlsx"
    shutil.copy(make_workbook(tmp_path / "ok.xlsx"), path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("../../evil", b"pwned")
    assert "path traversal" in refusal(path)


def test_absolute_member_name_refused(tmp_path):
    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/etc/evil"), b"pwned")
    assert "path traversal" in refusal(path)


def test_damaged_zip_refused(tmp_path):
    good = make_workbook(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    message = refusal(path)
    assert "not a valid Excel workbook (the zip container is damaged" in message
    assert "save it again" in message


def test_password_protected_workbook_refused_with_its_own_message(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert "password-protected" in refusal(path)


def test_csv_with_nul_bytes_refused(tmp_path):
    path = tmp_path / "PRO.csv"
    path.write_bytes("organisation,activity\nNRC,Shelter\n".encode("utf-16-le"))
    assert "looks like a binary file, not CSV text; save it as CSV UTF-8" in refusal(path)


def test_normal_workbook_passes(tmp_path):
    assert check_file(make_workbook(tmp_path / "ok.xlsm")) is None


def test_normal_csv_passes(tmp_path):
    path = tmp_path / "PRO.csv"
    path.write_text("organisation,activity,budget_usd\nNRC,Shelter,1000\nUNICEF,École,2000\n", encoding="utf-8")
    assert check_file(path) is None


def test_other_suffix_only_size_checked(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\x00" * 100)
    assert check_file(path) is None

"""CSV text, judged before the csv module reads it: which encoding the bytes prove (UTF-8, Windows-1252,
UTF-16/32 by their byte-order mark; a file mixing two is refused naming the line), NUL bytes anywhere, and a
quote that opens a value and runs away over the records after it (the csv module would silently read them
into one cell). Each refusal names the line and says what to do."""
from __future__ import annotations

import codecs
import csv
import io
import re
from typing import NamedTuple

from ...common.errors import InputError


class NotText(InputError):
    """The bytes are not one text encoding the reader can trust; the message names the line."""


# A quote that runs away over the records after it.
class Runaway(NamedTuple):
    line: int  # physical line where the quote opens
    swallowed: int  # lines after it that went into the cell
    closes: int | None  # line where it finally closes; None = never

    def message(self) -> str:
        if self.closes is None:
            return (f"line {self.line}: a quote opens a value that never closes; the next {self.swallowed} "
                    "lines were read into this one cell; add the missing \" or remove the stray one")
        return (f"line {self.line}: a quote opens a value that only closes on line {self.closes}; the next "
                f"{self.swallowed} lines were read into this one cell; add the missing \" or remove the stray one")


def _lines(text: str, a: int, b: int) -> int:
    """Line breaks in text[a:b] as csv counts them (\\n, \\r\\n, lone \\r)."""
    return text.count("\n", a, b) + text.count("\r", a, b) - text.count("\r\n", a, b)


_QUOTED = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')  # a quoted value, "" inside; possessive: no backtracking


def _quoted_spans(text: str, delimiter: str, by_find: bool | None = None):
    """Yield (start, end) of every quoted value that holds a line break; end = None if it never closes.

    Follows the csv module's default dialect: a quote opens a value only at the value's start, "" is a
    quote inside, and after the closing quote the value runs on unquoted to the next delimiter.
    Two equivalent scans (tested against csv): jumping from quote to quote with str.find costs a
    Python step per quote (~5 ms/MB on a typical export, 112 ms/MB when every value is quoted); one
    possessive regex over every value costs ~11-14 ms/MB whatever the quoting. The quote count picks.
    """
    if by_find is None:
        by_find = text.count('"') * 40 < len(text)
    pos, n, find = 0, len(text), text.find
    if by_find:
        starts = (delimiter, "\n", "\r")
        while (pos := find('"', pos)) >= 0:
            if pos and text[pos - 1] not in starts:
                pos += 1  # a quote inside an unquoted value is a character
                continue
            m = _QUOTED.match(text, pos)
            if m is None or find("\n", pos, m.end()) >= 0 or find("\r", pos, m.end()) >= 0:
                yield pos, (m.end() if m else None)
            if m is None:
                return
            pos = m.end()
        return
    d = re.escape(delimiter)
    normal = re.compile(rf'(?:"[^"\r\n]*+(?:""[^"\r\n]*+)*+"[^{d}\r\n]*+|[^"{d}\r\n][^{d}\r\n]*+|[{d}\r\n]++)*+')
    while (pos := normal.match(text, pos).end()) < n:  # stops only at a quote whose value spans lines
        m = _QUOTED.match(text, pos)
        yield pos, (m.end() if m else None)
        if not m:
            return
        pos = m.end()


_HEAD = re.compile(r"(?:[^\r\n]*+(?:\r\n|\r|\n)){0,20}")


def check_csv_records(text: str, delimiter: str = ",", max_lines: int = 50) -> Runaway | None:
    """The first quoted value that ran away, or None.

    A quoted value that holds line breaks is a runaway when
      - it never closes (the csv module then silently puts the rest of the file in one cell), or
      - a line inside it has as many delimiters as a whole record (width - 1, for files of 3+ columns):
        that is a swallowed record, not prose, or
      - it spans more than max_lines lines (catches narrow files, where a record looks like prose).
    Legitimate multi-line notes close within a few lines and rarely hold a record's worth of
    delimiters on one line. Not caught: a stray quote that closes it on the very next line, before that
    line's width-1 delimiters; the record then has the wrong cells and the row checks report it.
    """
    head = _HEAD.match(text).group()  # first 20 lines, without copying the text
    width = max((len(r) for r in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)), default=0)
    line, at = 1, 0
    for start, end in _quoted_spans(text, delimiter):
        line += _lines(text, at, start)
        at = start
        if end is None:
            return Runaway(line, _lines(text, start, len(text)) + (not text.endswith(("\n", "\r"))) - 1, None)
        inside = _lines(text, start, end)
        body = text[start + 1:end - 1].splitlines()[1:]
        if inside > max_lines or (width >= 3 and any(s.count(delimiter) >= width - 1 for s in body)):
            return Runaway(line, inside, line + inside)
    return None


# The encoding, by what the bytes prove.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# A well-formed UTF-8 multibyte sequence (RFC 3629: no overlongs, no surrogates).
_UTF8_MB = re.compile(rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
                      rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
                      rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}")
SAVE_UTF8 = "save it again as CSV UTF-8 (comma delimited)"
_MARK = bytes(b"AH"[b >= 0x80] for b in range(256))  # each byte -> A (ASCII) or H (high)


def _line_of(data: bytes, i: int) -> tuple[int, bytes]:
    start = data.rfind(b"\n", 0, i) + 1
    end = data.find(b"\n", i)
    return data.count(b"\n", 0, i) + 1, data[start:end if end >= 0 else len(data)].rstrip(b"\r")


def _fragment(line: bytes, encoding: str) -> str:
    s = line.decode(encoding, "replace")
    return s if len(s) <= 70 else s[:67] + "..."


def _utf8_evidence(data: bytes, start: int):
    """The first UTF-8 sequence that proves UTF-8, or None. Sequences lie inside runs of 2+ bytes
    >= 0x80; translate + find locate those runs in C (a regex over every byte costs 20 ns a byte)."""
    marks = data.translate(_MARK)
    high, ambiguous, valid, first = marks.count(b"H"), 0, 0, None
    p = marks.find(b"HH", start)
    while p >= 0:
        e = marks.find(b"A", p)
        e = len(data) if e < 0 else e
        for m in _UTF8_MB.finditer(data, p, e):
            if m.end() - m.start() > 2 or data[m.start()] < 0xC6:
                return m
            ambiguous, valid, first = ambiguous + 1, valid + 2, first or m
            if ambiguous > high - valid:  # outnumbers every byte that could still be invalid
                return first
        p = marks.find(b"HH", e)
    return first if ambiguous > high - valid else None


def decode_by_evidence(data: bytes) -> tuple[str, str]:
    """(text, encoding). UTF-16/32 by BOM; UTF-8 when every byte decodes; cp1252 when nothing in it is
    UTF-8; refused when UTF-8 sequences and non-UTF-8 bytes both appear (mixed), and on NUL bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom) and enc != "utf-8-sig":
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                n = data[:e.start].decode(enc, "replace").count("\n") + 1
                raise NotText(f"line {n}: broken {enc.upper()} text (the file starts with a {enc.upper()} "
                              f"byte-order mark); {SAVE_UTF8}") from None
            if (i := text.find("\x00")) >= 0:
                raise NotText(f"line {text.count(chr(10), 0, i) + 1}: a NUL character (binary data); {SAVE_UTF8}")
            return text.lstrip("\ufeff"), enc
    if (i := data.find(b"\x00")) >= 0:
        half = len(head := data[:4096]) // 2
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) > 0.4 * half and min(odd, even) < 0.05 * half:  # ASCII as UTF-16: every other byte 0
            raise NotText(f"the file looks like UTF-16 text without a byte-order mark; {SAVE_UTF8}")
        n, line = _line_of(data, i)
        col, frag = i - data.rfind(b"\n", 0, i), _fragment(line.replace(b"\x00", b"?"), "cp1252")
        raise NotText(f"line {n}: a NUL byte at character {col} (binary data, not text): {frag!r}; {SAVE_UTF8}")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data[3 if bom else 0:].decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as e:
        bad = e.start + (3 if bom else 0)
    # Evidence of UTF-8: its multibyte sequences. A 2-byte one led by 0xC6-0xDF also reads as cp1252
    # (a capital accented letter + punctuation: 'PERÚ' + NBSP is U+06A0 in UTF-8), so those count only
    # when they outnumber the bytes that are not UTF-8 (an Arabic or Cyrillic UTF-8 file with a
    # pasted line). Only files that are not UTF-8 pay for this scan.
    good = _utf8_evidence(data, 3 if bom else 0)
    if bom or good:
        n, line = _line_of(data, bad)
        if good:
            m, utf8_line = _line_of(data, good.start())
            evidence = f"line {m} is UTF-8 ({_fragment(utf8_line, 'utf-8')!r})"
        else:
            evidence = "the file starts with a UTF-8 byte-order mark"
        raise NotText(f"line {n}: byte 0x{data[bad]:02X} is not UTF-8 while {evidence}: the file mixes two "
                      f"encodings, usually from text pasted out of another file; line {n} reads "
                         f"{_fragment(line, 'cp1252')!r} in Windows-1252; retype its accented letters or {SAVE_UTF8}")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D are unassigned in cp1252; read.py's old fallback
        return data.decode("latin-1"), "latin-1"

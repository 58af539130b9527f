"""Read amount cells exactly in the submitter's locale, or say why not. Each text cell gets two
readings ('.' or ',' as decimal separator); the column's convention comes from cells with only one
valid reading, else from the file's hint (CSV delimiter). A cell whose value depends on the
convention is read only when that decision is undisputed: it is flagged, never guessed."""
from __future__ import annotations

import math
import numbers as _std_numbers  # the standard library's, not this module
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

DOT, COMMA = "dot_decimal", "comma_decimal"
_DEC = {DOT: ".", COMMA: ","}
MAX_ABS = 1e15  # larger is an ID or a typo, not an amount (and floats stop being exact near 2**53)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})  # NBSP, narrow NBSP, thin space
_CUR = r"US\$|R\$|S/\.?|\$|€|USD|EUR|COP|PEN|BRL"
_CUR_CODE = {"US$": "USD", "R$": "BRL", "S/": "PEN", "S/.": "PEN", "€": "EUR"}
# (open paren)(sign)(currency)(sign)(number)(currency)(close paren); combinations checked in _split
_CELL = re.compile(rf"(\()?([+-])?(?:({_CUR}) *)?([+-])?([0-9.,](?:[0-9., ]*[0-9.,])?)(?: *({_CUR}))?(\))?", re.I | re.A)
_TOKEN = re.compile(r"[0-9](?:[0-9., ]*[0-9])?", re.A)


def _reader(dec: str, thou: str) -> re.Pattern:
    # whole part: plain digits, or 1-3 digits (no leading zero) then groups of exactly three
    # digits, all split by the same mark (the locale's thousands separator or a space)
    return re.compile(rf"([0-9]+|[1-9][0-9]{{0,2}}([{re.escape(thou)} ])[0-9]{{3}}(?:\2[0-9]{{3}})*)?"
                      rf"(?:{re.escape(dec)}([0-9]+))?([eE][+-]?[0-9]+)?", re.A)


_READ = {DOT: _reader(".", ","), COMMA: _reader(",", ".")}


@dataclass
class ColumnParse:
    numbers: pd.Series      # float; NaN where blank, bad or ambiguous
    blank: pd.Series        # bool
    bad: pd.Series          # bool: not a number under either convention
    ambiguous: pd.Series    # bool: a number, but which one depends on a convention the file cannot decide
    convention: str | None  # DOT, COMMA, or None (no cell needed one, or undecidable)
    message: str            # why the ambiguous cells were not read ("" when none are)
    currency: pd.Series     # currency written in the cell ('USD', '$', 'EUR', 'COP', 'PEN', 'BRL') or ''


def _split(text: str) -> tuple[str, str, str] | None:
    """'USD -1.200,50' -> ('-', '1.200,50', 'USD'); None if the cell is more than a number."""
    t = text.translate(_SPACES).strip()
    t = t[1:].strip() if t.startswith("'") else t  # Excel's "stored as text" marker
    m = _CELL.fullmatch(t)
    if not m:
        return None
    op, s1, c1, s2, core, c2, cl = m.groups()
    if (s1 and s2) or (c1 and c2) or bool(op) != bool(cl) or (op and (s1 or s2)):
        return None
    cur = (c1 or c2 or "").upper()
    return ("-" if op or "-" in (s1, s2) else ""), core, _CUR_CODE.get(cur, cur)


def _plain(core: str, convention: str) -> str | None:
    """`core` read under `convention` as a plain number ('1.234,5', COMMA -> '1234.5'), or None."""
    m = _READ[convention].fullmatch(core)
    if not m or not (m[1] or m[3]) or (m[2] and m[4]):  # no digits / grouped with an exponent
        return None
    whole = re.sub(r"[^0-9]", "", m[1] or "").lstrip("0") or "0"
    frac = (m[3] or "").rstrip("0")
    return whole + ("." + frac if frac else "") + (m[4] or "").lower()


def _value(sign: str, plain: str | None) -> float:
    x = float(sign + plain) if plain is not None else math.nan
    return x if math.isfinite(x) and abs(x) <= MAX_ABS else math.nan


def _cell(text: str) -> tuple[float, float, str]:
    """(value if '.' is decimal, value if ',' is decimal, currency); NaN where a reading is invalid."""
    sign, core, cur = _split(text) or ("", "", "")
    return _value(sign, _plain(core, DOT)), _value(sign, _plain(core, COMMA)), cur


def suggest(value, convention: str | None = None) -> str:
    """The plain number to propose in a fix ('1.234,56', COMMA -> '1234.56'); '' if there is none.
    Without a convention, only a value that reads the same under both conventions gets one."""
    tokens = _TOKEN.findall(str(value).translate(_SPACES))  # '1.200 personas': the one number in it
    sign, core, _ = _split(str(value)) or ("", tokens[0].strip() if len(tokens) == 1 else "", "")
    found = {p for conv in ([convention] if convention else [DOT, COMMA])
             if (p := _plain(core, conv)) is not None and not math.isnan(_value(sign, p))}
    out = sign + found.pop() if len(found) == 1 else ""
    return "0" if out == "-0" else out


def _fast(a: np.ndarray):
    """Vectorised twin of _cell for stripped texts made only of a leading sign, digits, '.', ','
    and spaces. Returns (handled mask, dot reading, comma reading); the rest go through _cell."""
    n = len(a)
    if n == 0:
        return np.zeros(0, bool), np.empty(0), np.empty(0)
    cp = a.view(np.uint32).reshape(n, -1).copy()  # one column per character, 0 = padding
    if cp.max(initial=0) > 127:
        cp[(cp == 0xA0) | (cp == 0x202F) | (cp == 0x2009)] = 32  # every group space counts as ' '
    col, length = np.arange(cp.shape[1]), np.strings.str_len(a)
    signed = (cp[:, 0] == 43) | (cp[:, 0] == 45)
    ok = (((cp >= 48) & (cp <= 57)) | (cp == 46) | (cp == 44) | (cp == 32) | (col >= length[:, None])
          | ((col == 0) & signed[:, None])).all(1)
    norm = cp.view(a.dtype).ravel()
    count = {ch: np.strings.count(norm, ch) for ch in (".", ",", " ")}
    ok &= length - signed - count["."] - count[","] - count[" "] > 0  # at least one digit
    start = signed.astype(int)
    lead = cp[np.arange(n), np.minimum(start, cp.shape[1] - 1)]
    out = []
    for dec, thou in ((".", ","), (",", ".")):
        pos = np.where(count[dec] > 0, np.strings.find(norm, dec), length)  # where the whole part ends
        m = count[thou] + count[" "]
        valid = ok & (count[dec] <= 1) & (pos != length - 1) & ~((count[thou] > 0) & (count[" "] > 0))
        g = np.flatnonzero(valid & (m > 0))  # grouped: marks exactly every 4th place back from `pos`
        if len(g):
            p, mg, grp = pos[g, None], m[g, None], (cp[g] == ord(thou)) | (cp[g] == 32)
            expected = ((p - col) % 4 == 0) & (col < p) & (col >= p - 4 * mg)
            first = pos[g] - 4 * m[g] - start[g]  # digits before the first mark
            valid[g] = (grp == expected).all(1) & (first >= 1) & (first <= 3) & (lead[g] != 48)
        x = np.full(n, np.nan)
        if out:  # no '.' or ',' at all: the comma reading is the dot reading
            same = valid & (count["."] + count[","] == 0)
            x[same], valid = out[0][same], valid & ~same
        if valid.any():
            txt = np.strings.replace(np.strings.replace(norm[valid], thou, ""), " ", "")
            x[valid] = list(map(float, np.strings.replace(txt, ",", ".").tolist()))
        out.append(x)
    return ok, out[0], out[1]


def _plain_whole_numbers(texts: np.ndarray) -> np.ndarray | None:
    """A CSV column whose cells are all ASCII digits or empty, the usual one, read without _fast's
    per-character matrix: the same readings (no mark, so both conventions agree), in a third of the time.
    None for any other column."""
    joined = "".join(texts)
    if not (joined.isascii() and joined.isdigit()) or max(map(len, texts)) > 32:  # 32: _fast's bound
        return None
    out = np.full(len(texts), np.nan)
    filled = np.fromiter(map(bool, texts), bool, len(texts))
    out[filled] = list(map(float, texts[filled]))
    return out


def _numbers_and_empties(cells: np.ndarray) -> np.ndarray | None:
    """A workbook column of numbers and empty cells only, the usual one, as the general path reads it
    (empty cells NaN); None for any other column."""
    if not set(map(type, cells)) <= {float, str}:
        return None
    number = np.fromiter((c.__class__ is float for c in cells), bool, len(cells))
    if any(cells[~number]):  # a text that is not empty
        return None
    out = np.full(len(cells), np.nan)
    out[number] = cells[number].astype(float)
    return out


def _readings(values: pd.Series):
    """-> (dot reading, comma reading, currency, blank), positionally indexed float/obj/bool arrays."""
    n = len(values)
    d, c, currency = np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object)
    blank = values.isna().to_numpy().copy()
    if pd.api.types.is_numeric_dtype(values.dtype):  # bool dtype stays NaN: bad
        if not pd.api.types.is_bool_dtype(values.dtype):
            d[:] = c[:] = values.to_numpy(dtype=float, na_value=np.nan)
        return d, c, currency, blank
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):  # a CSV column
        plain = _plain_whole_numbers(values.to_numpy(dtype=object)) if not blank.any() else None
        if plain is not None:
            return plain, plain.copy(), currency, np.isnan(plain)
        kind = np.where(blank, "other", "str")
    else:
        read = _numbers_and_empties(values.to_numpy(dtype=object))
        if read is not None:
            return read, read.copy(), currency, blank | np.isnan(read)
        kinds = values.map(type)
        kind = kinds.map({k: "real" if issubclass(k, (_std_numbers.Real, np.integer, np.floating))
                          and not issubclass(k, (bool, np.bool_, np.timedelta64))
                          else "str" if issubclass(k, str) else "other" for k in kinds.unique()}).to_numpy()
    real = (kind == "real") & ~blank  # numbers from a workbook: no convention involved
    if real.any():
        try:
            d[real] = values[real].to_numpy(dtype=float)
        except OverflowError:  # a Python int beyond float range
            d[real] = [float(v) if abs(v) < 1e300 else math.inf for v in values[real]]
        c[real] = d[real]
    where = np.flatnonzero(kind == "str")
    a = np.strings.strip(values.iloc[where].to_numpy(dtype=str))
    quoted = np.strings.startswith(a, "'") & ~np.strings.startswith(a, "''")
    a[quoted] = np.strings.strip(np.strings.slice(a[quoted], 1, None))
    empty = np.strings.str_len(a) == 0
    blank[where[empty]] = True
    short = ~empty & (np.strings.str_len(a) <= 32)  # bounds the per-character matrix of _fast
    ok, fd, fc = _fast(a[short])
    d[where[short][ok]], c[where[short][ok]] = fd[ok], fc[ok]
    handled = empty.copy()
    handled[short] = ok
    slow = where[~handled]
    texts = values.iloc[slow].astype(str).tolist()  # currency, spaces, grouping, junk: once per text
    parsed = {t: _cell(t) for t in set(texts)}
    for i, t in zip(slow, texts):
        d[i], c[i], currency[i] = parsed[t]
    return d, c, currency, blank


def parse_column(values: pd.Series, hint: str | None = None, plain_decimals: int | None = None) -> ColumnParse:
    """Parse one column of cells (str from CSV; str/float/int/bool/datetime from XLSX).
    hint: COMMA when the CSV used ';', DOT when it used ',', None when the file says nothing.
    plain_decimals: the most decimals the column's unit is ever written with (2 for money, 0 for people);
    a cell like '125.000' or '1,200' then reads as thousands, as no one writes USD or people with three
    decimals, unless the column's own convention says otherwise (then it is flagged)."""
    if hint not in (None, DOT, COMMA):
        raise ValueError(f"hint must be {DOT!r}, {COMMA!r} or None, not {hint!r}")
    d, c, currency, blank = _readings(values)
    okd, okc = np.isfinite(d) & (np.abs(d) <= MAX_ABS), np.isfinite(c) & (np.abs(c) <= MAX_ABS)
    evidence = {DOT: okd & ~okc, COMMA: okc & ~okd}  # only one reading is a valid number
    amb = okd & okc & (d != c)                      # both valid, different values: 'n,nnn' or 'n.nnn'
    n = {k: int(v.sum()) for k, v in evidence.items()}
    if n[DOT] != n[COMMA]:
        conv = DOT if n[DOT] > n[COMMA] else COMMA  # the cells' own evidence outweighs the hint
    else:
        conv = hint if (n[DOT] or amb.any()) else None
    disputed = bool(n[DOT] and n[COMMA]) or bool(hint and conv and hint != conv and n[conv])
    thousands = np.where(np.abs(d) > np.abs(c), d, c)  # an ambiguous cell's reading with the mark as grouping
    if plain_decimals is not None and plain_decimals < 3:
        chosen = thousands if conv is None else (c if conv == COMMA else d)
        # Three decimals cannot be meant: only a column whose convention reads the cell so is in doubt.
        doubt = amb & (chosen != thousands)
        if conv is None:
            flagged = evidence[DOT] | evidence[COMMA]
            numbers = np.where((okd | okc) & ~flagged, np.where(amb, thousands, d), np.nan)
        else:
            flagged = evidence[DOT if conv == COMMA else COMMA] | doubt | (amb & disputed)
            numbers = np.where((okc if conv == COMMA else okd) & ~flagged, c if conv == COMMA else d, np.nan)
    else:
        flagged = (amb | evidence[DOT] | evidence[COMMA]) if conv is None \
            else evidence[DOT if conv == COMMA else COMMA] | (amb & disputed)
        numbers = np.where((okc if conv == COMMA else okd) & ~flagged, c if conv == COMMA else d, np.nan)
    bad = ~blank & ~flagged & np.isnan(numbers)
    s = lambda x: pd.Series(x, values.index)  # noqa: E731
    return ColumnParse(s(numbers), s(blank), s(bad), s(flagged), conv,
                       _message(values, flagged, amb, evidence, conv, hint), s(currency))


def _message(values, flagged, amb, evidence, conv, hint) -> str:
    first = lambda mask: str(values.iloc[int(np.argmax(mask))]).strip()  # noqa: E731
    says = lambda conv: f"'{_DEC[conv]}' for decimals"  # noqa: E731
    why = []
    if evidence[DOT].any() and evidence[COMMA].any():
        why.append(f"'{first(evidence[COMMA])}' implies {says(COMMA)} but '{first(evidence[DOT])}' implies {says(DOT)}")
    elif hint and conv and hint != conv and flagged.any():
        why.append(f"the file's '{';' if hint == COMMA else ','}' delimiter implies {says(hint)} "
                   f"but '{first(evidence[conv])}' implies {says(conv)}")
    if (amb & flagged).any():
        v = first(amb & flagged)
        why.append(f"'{v}' could be {suggest(v, DOT)} or {suggest(v, COMMA)}"
                   + ("" if why else ": nothing else in the column shows which of '.' and ',' is the decimal separator"))
    return "; so ".join(why) + "; write numbers without thousands separators (e.g. 1250000 or 1250000.5)" if why else ""

"""Redline two DOCX drafts: the new draft with Word tracked changes (w:ins / w:del) against the old one.

Drafts built from the same template are structurally parallel, so plain sequence alignment is enough:
blocks (paragraphs, tables) by their text, rows by their text, cells by position, then words. Moves and
formatting-only changes are not detected: a reviewer sees the text that changed, to accept or reject.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from difflib import SequenceMatcher
from pathlib import Path

from docx.oxml import OxmlElement
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T, PPR, RPR = (q(t) for t in ("p", "tbl", "tr", "tc", "r", "t", "pPr", "rPr"))
OBJ = "\ufffc"  # stands in a paragraph's text for anything that is not text: field, link, note, bookmark
TOKEN = re.compile(r"\ufffc|\s+|[^\s\ufffc]+")
CHAR_TAGS = {q("tab"): "\t", q("br"): "\n", q("cr"): "\n", q("noBreakHyphen"): "\u2011", q("softHyphen"): "\u00ad"}
RUN_CHARS = {"\t": "w:tab", "\n": "w:br", "\u2011": "w:noBreakHyphen", "\u00ad": "w:softHyphen"}
PLAIN_RUN = {RPR, T, q("lastRenderedPageBreak"), *CHAR_TAGS}
# Old content copied into the new package must not carry ids or relationships that mean something only
# in the old one (bookmarks, notes, comments, images, link targets); old SEQ fields would renumber captions.
DROP = {q(t) for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "commentReference",
                       "footnoteReference", "endnoteReference", "drawing", "pict", "object", "permStart", "permEnd")}
UNWRAP = {q(t) for t in ("hyperlink", "fldSimple", "smartTag", "customXml")}
PAIR_CUTOFF = 0.5  # in a replaced stretch of unequal length, pair blocks at least this similar
PAIR_LIMIT = 2500  # beyond this many candidate pairs, a replaced stretch is shown as deleted + inserted


def redline(old_docx, new_docx, out_docx, author: str = "rcm-docs", date: str = "2026-01-01T00:00:00Z") -> dict:
    """Write NEW with tracked changes against OLD to out_docx; the same inputs give the same bytes."""
    import docx

    from ..common.files import docx_parts, normalise_zip

    old, new = docx.Document(str(old_docx)), docx.Document(str(new_docx))
    # Revision ids share one space with bookmarks and comments: start above every id in use.
    ids = [int(v) for v in new.element.xpath("//w:*/@w:id") if v.lstrip("-").isdigit()]
    red = _Redliner(author, date, max(ids, default=0))
    for d in (old, new):
        _mark_images(d)
    red.stats["paragraphs_changed"] = red.diff_blocks(old.element.body, new.element.body)
    for blip in new.element.iter(BLIP):
        if blip.attrib.pop(DIGEST, None) is not None:
            etree.cleanup_namespaces(blip)  # its own declaration of the digest's namespace, nothing above it
    stamp = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
    normalise_zip(Path(out_docx), int((stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)).timestamp()),
                  entries=docx_parts(new))
    return red.stats


def _blocks(container) -> list:
    return [c for c in container if c.tag in (P, TBL)]


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(T))


def _pieces(p) -> list[tuple]:
    """A paragraph's content: (text, rPr, None) for each plain text run, (text, None, element) otherwise."""
    out = []
    for c in p:
        if c.tag == PPR or not isinstance(c.tag, str):
            continue
        if c.tag == R and all(e.tag in PLAIN_RUN and not (e.tag == q("br") and e.attrib) for e in c):
            out.append(("".join(e.text or "" if e.tag == T else CHAR_TAGS.get(e.tag, "") for e in c), c.find(RPR), None))
        else:
            out.append((_text(c), None, c))
    return out


BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
DIGEST = "{urn:rcm-docs:redline}digest"  # set while diffing, taken off before the redline is saved


def _mark_images(document) -> None:
    """Each picture gets the digest of its image: a chart redrawn with new figures is a changed picture
    (the two drafts' relationship ids say nothing: each package numbers its own)."""
    import hashlib

    parts = {rid: rel.target_part for rid, rel in document.part.rels.items() if not rel.is_external}
    for blip in document.element.iter(BLIP):
        part = parts.get(blip.get(EMBED))
        if part is not None:
            blip.set(DIGEST, hashlib.sha256(part.blob).hexdigest()[:16])


def _object_key(el) -> str:
    name = el.tag.rsplit("}", 1)[-1]
    if name == "fldSimple":  # captions renumber when a table is added: the field counts, not its value
        return "fld:" + el.get(q("instr"), "")
    if name in ("bookmarkStart", "bookmarkEnd", "proofErr"):
        return name
    images = ",".join(b.get(DIGEST, "") for b in el.iter(BLIP))
    return f"{name}:{'.'.join(c.tag.rsplit('}', 1)[-1] for c in el if isinstance(c.tag, str))}:{_text(el)}{images}"


def _tokens(pieces) -> list[tuple]:
    """Words and spaces as (compare key, visible text, [[piece index, text], ...])."""
    owner = [k for k, (text, _, el) in enumerate(pieces) for _ in (OBJ if el is not None else text)]
    s = "".join(OBJ if el is not None else text for text, _, el in pieces)
    out = []
    for m in TOKEN.finditer(s):
        parts = []
        for pos in range(m.start(), m.end()):
            if parts and parts[-1][0] == owner[pos]:
                parts[-1][1] += s[pos]
            else:
                parts.append([owner[pos], s[pos]])
        el = pieces[owner[m.start()]][2]
        out.append((OBJ + _object_key(el), _text(el), parts) if el is not None else (m.group(), m.group(), parts))
    return out


def _words(tokens) -> int:
    return sum(len(t[1].split()) for t in tokens)


def _key(el, memo: dict) -> str:
    """What a block is compared by: its tokens' keys joined, which for text is the text itself. Kept in
    memo: a table's key holds its rows' and cells', which the alignment one level down asks for again."""
    key = memo.get(el)
    if key is None:
        if el.tag == P:
            key = "".join(OBJ + _object_key(e) if e is not None else text for text, _, e in _pieces(el))
        elif el.tag in (TBL, TR):
            key = ("\n" if el.tag == TBL else "\t").join(_key(c, memo) for c in el.findall(TR if el.tag == TBL else TC))
        else:
            key = "\n".join(_key(b, memo) for b in _blocks(el))
        memo[el] = key
    return key


def _opcodes(a: list, b: list) -> list:
    """SequenceMatcher opcodes, with a lone space between two changes folded into them, so that
    'a b' -> 'x y' reads as one deletion and one insertion, not two interleaved pairs."""
    ops, out = SequenceMatcher(None, a, b, autojunk=False).get_opcodes(), []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" and 0 < n < len(ops) - 1 and not "".join(a[i1:i2]).strip():
            tag = "replace"  # neighbours are changes: equal stretches never touch
        if tag != "equal" and out and out[-1][0] != "equal":
            out[-1] = ("replace", out[-1][1], i2, out[-1][3], j2)
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


def _pair(olds: list, news: list, key) -> list[tuple]:
    """Pairs (i, j) of a replaced stretch, in order; (i, None) and (None, j) for blocks left unmatched.
    key(block): what a block's similarity is measured on (its text, _key)."""
    n, m = len(olds), len(news)
    if n == m and all(o.tag == b.tag for o, b in zip(olds, news)):
        return list(zip(range(n), range(m)))  # edited in place: by far the usual case between drafts
    ka, kb = ([key(b) for b in olds], [key(b) for b in news]) if n * m <= PAIR_LIMIT else ([], [])
    sim = {} if n * m > PAIR_LIMIT else {
        (i, j): SequenceMatcher(None, TOKEN.findall(ka[i]), TOKEN.findall(kb[j]), autojunk=False).ratio()
        for i in range(n) for j in range(m) if olds[i].tag == news[j].tag}

    def walk(i0, i1, j0, j1):  # the most similar pair splits the stretch, as in difflib.Differ
        best = max(((sim[i, j], i, j) for i in range(i0, i1) for j in range(j0, j1) if (i, j) in sim),
                   key=lambda c: c[0], default=(0, 0, 0))
        if best[0] < PAIR_CUTOFF:
            return [(i, None) for i in range(i0, i1)] + [(None, j) for j in range(j0, j1)]
        return walk(i0, best[1], j0, best[2]) + [best[1:]] + walk(best[1] + 1, i1, best[2] + 1, j1)
    return walk(0, n, 0, m)


def _sanitised(el) -> list:
    """A copy of old content that is safe to place in the new package."""
    holder = OxmlElement("w:p")
    holder.append(copy.deepcopy(el))
    for e in list(holder.iter()):
        if e.tag in DROP | UNWRAP:
            for c in list(e) if e.tag in UNWRAP else []:
                e.addprevious(c)
            e.getparent().remove(e)
    return list(holder)


def _run(text: str, rpr):
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for chunk in filter(None, re.split("([\t\n\u2011\u00ad])", text)):
        r.append(OxmlElement(RUN_CHARS.get(chunk, "w:t")))
        if chunk not in RUN_CHARS:
            r[-1].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r[-1].text = chunk
    return r


def _place(el, container, news: list, j: int):
    """Put an old-only block before the j-th new one, or last (before the body's sectPr)."""
    if j < len(news):
        news[j].addprevious(el)
    elif (sect := container.find(q("sectPr"))) is not None:
        sect.addprevious(el)
    else:
        container.append(el)
    return el


def _mark_of(p, kind: str):
    return p.find(f"{PPR}/{RPR}/{q(kind)}")


class _Redliner:
    def __init__(self, author: str, date: str, last_id: int):
        self.author, self.date, self.last_id = author, date, last_id
        self.stats = {"paragraphs_changed": 0, "cells_changed": 0, "insertions": 0, "deletions": 0}
        # Text keys (_pair's) are taken before any block of their stretch is rewritten, so one taken stays true.
        self.keys: dict = {}

    def rev(self, kind: str):
        self.last_id += 1
        return OxmlElement(f"w:{kind}", {q("id"): str(self.last_id), q("author"): self.author, q("date"): self.date})

    def diff_blocks(self, old, new) -> int:
        """Align the blocks of two containers (body or cell); returns the number of paragraphs changed."""
        changed = self.align(_blocks(old), _blocks(new), new)
        self.fix_last_mark(new)
        return changed

    def align(self, olds: list, news: list, container) -> int:
        """Blocks or rows: equal ones stay as they are in NEW, paired ones are diffed, the others marked."""
        # Aligned by their XML, serialised by lxml: blocks with equal XML have equal text, and taking the text
        # of every block in Python was most of a redline. Blocks that differ only in their XML (a bookmark's
        # id) are paired and diffed below, which finds their text equal and leaves them as they are.
        xa, xb = [etree.tostring(b) for b in olds], [etree.tostring(b) for b in news]
        changed = 0
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, xa, xb, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            nxt = j1  # an old-only block goes before the first new block not yet passed
            for i, j in _pair(olds[i1:i2], news[j1:j2], lambda b: _key(b, self.keys)):
                if j is not None:
                    nxt = j1 + j + 1
                if i is None:
                    changed += self.mark_block(news[j1 + j], "ins")
                elif j is None:
                    changed += self.mark_block(_place(_sanitised(olds[i1 + i])[0], container, news, nxt), "del")
                else:
                    changed += self.diff_pair(olds[i1 + i], news[j1 + j])
        return changed

    def diff_pair(self, old, new) -> int:
        if old.tag == P:
            return self.diff_paragraph(old, new)
        if old.tag == TBL:
            self.align(old.findall(TR), new.findall(TR), new)
            return 0
        # A row: cells by position. A cell only in OLD is not shown, as it would break the new table's grid.
        ocells = old.findall(TC)
        for k, cell in enumerate(new.findall(TC)):
            if k >= len(ocells):
                self.mark_block(cell, "ins")
            elif not self.diff_blocks(ocells[k], cell):
                continue
            self.stats["cells_changed"] += 1
        return 0

    def diff_paragraph(self, old, new) -> int:
        a, b = _pieces(old), _pieces(new)
        ta, tb = _tokens(a), _tokens(b)
        ka, kb = [t[0] for t in ta], [t[0] for t in tb]
        if ka == kb:
            return 0  # same text: NEW stays untouched, fields and formatting included
        for c in [c for c in new if c.tag != PPR]:
            new.remove(c)
        for tag, i1, i2, j1, j2 in _opcodes(ka, kb):
            if tag == "equal":
                new.extend(self.emit(b, tb[j1:j2]))
            else:
                deleted, inserted = self.emit(a, ta[i1:i2], "del"), self.emit(b, tb[j1:j2], "ins")
                # An old picture cannot come along (its image is in the old package): nothing is left to show.
                deleted = [d for d in deleted if any(c.tag != RPR for r in d.iter(R) for c in r)]
                glued = False
                if deleted and inserted:  # a picture has no text: nothing to glue
                    end, start = ta[i2 - 1][1][-1:], tb[j1][1][:1]
                    glued = bool(end and start) and not end.isspace() and not start.isspace()
                new.extend(deleted + ([self.separator()] if glued else []) + inserted)
        return 1

    def separator(self):
        """A space inserted and deleted again, between a deletion and the insertion that replaces it:
        '406,241,000' struck through and '406,491,000' underlined otherwise read as one number, and in a
        narrow table cell Word and LibreOffice broke that 'word' anywhere. Accepting or rejecting every
        change removes it, so neither draft gets a character it did not have."""
        ins, gone = self.rev("ins"), self.rev("del")
        text = OxmlElement("w:delText", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        text.text = " "
        run = OxmlElement("w:r")
        run.append(text)
        gone.append(run)
        ins.append(gone)
        return ins

    def emit(self, pieces, tokens, kind=None) -> list:
        """Runs for a stretch of tokens, each cut from the run it came from, so bold stays bold."""
        parts = []
        for k, text in (part for t in tokens for part in t[2]):
            if parts and parts[-1][0] == k and pieces[k][2] is None:
                parts[-1][1] += text
            else:
                parts.append([k, text])
        out = []
        for k, text in parts:
            _, rpr, el = pieces[k]
            out += [_run(text, rpr)] if el is None else _sanitised(el) if kind == "del" else [el]
        return self.wrap(out, kind, _words(tokens)) if kind and out else out

    def wrap(self, elements: list, kind: str, words: int) -> list:
        """Consecutive runs go into one w:ins/w:del; runs inside links and fields are wrapped where they are."""
        self.stats["insertions" if kind == "ins" else "deletions"] += words
        out = []
        for e in elements:
            for t in list(e.iter(T, q("instrText"))) if kind == "del" else []:
                t.tag = q("delText" if t.tag == T else "delInstrText")
            if e.tag != R:
                for r in list(e.iter(R)):
                    r.addprevious(self.rev(kind))
                    r.getprevious().append(r)
                out.append(e)
            elif out and out[-1].tag == q(kind):
                out[-1].append(e)
            else:
                out.append(self.rev(kind))
                out[-1].append(e)
        return out

    def mark_block(self, el, kind: str) -> int:
        """Mark a whole paragraph, table or cell present in one draft only; returns 1 for a paragraph."""
        for p in list(el.iter(P)):
            kids = [c for c in p if c.tag != PPR and isinstance(c.tag, str)]
            words = _words(_tokens(_pieces(p)))
            for c in kids:
                p.remove(c)
            p.extend(self.wrap(kids, kind, words))
        if el.tag == P:
            self.mark_paragraph(el, kind)
            return 1
        for tr in el.iter(TR):  # the row carries the revision, so accepting a deletion removes the row
            if (trpr := tr.find(q("trPr"))) is None:
                trpr = OxmlElement("w:trPr")
                tr.insert(1 if tr.find(q("tblPrEx")) is not None else 0, trpr)
            trpr.append(self.rev(kind))
            self.stats["cells_changed"] += len(tr.findall(TC)) if el.tag != TC else 0
        return 0

    def mark_paragraph(self, p, kind: str) -> None:
        if (ppr := p.find(PPR)) is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        if (rpr := ppr.find(RPR)) is None:
            rpr = OxmlElement("w:rPr")
            tail = [c for c in ppr if c.tag in (q("sectPr"), q("pPrChange"))]
            tail[0].addprevious(rpr) if tail else ppr.append(rpr)
        rpr.insert(1 if kind == "del" and rpr.find(q("ins")) is not None else 0, self.rev(kind))  # ins before del

    def fix_last_mark(self, container) -> None:
        """The mark that ends a cell or the document cannot go; as Word does, the revision moves to the
        mark of the paragraph before, so accepting or rejecting still merges the right text."""
        blocks = _blocks(container)
        for kind in ("del", "ins") if blocks and blocks[-1].tag == P else ():
            if (rev := _mark_of(blocks[-1], kind)) is None:
                continue
            rev.getparent().remove(rev)
            for b in reversed(blocks[:-1]):
                if b.tag != P or _mark_of(b, kind) is None:
                    if b.tag == P:
                        self.mark_paragraph(b, kind)
                    break

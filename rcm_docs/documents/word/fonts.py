"""The house font embedded in a DOCX, so that an office PC without Lato shows the document as it was made.

ECMA-376 Part 1, 17.8.1 and 17.8.3.3: each face is a part word/fonts/fontN.odttf whose first 32 bytes are
XORed with a key GUID, named by the font's entry in fontTable.xml (w:embedRegular, w:embedBold, ...,
with w:fontKey), and settings.xml asks Word to keep them (w:embedTrueTypeFonts). Word and LibreOffice
read them. The key is derived from the font's bytes, so equal documents stay byte-identical. Only the
faces a document uses are embedded (about 75 KB each), of the fonts the build ships (typeset.font_dirs)
and whose licence allows embedding (OS/2 fsType). No well-kept Python library does this (python-docx
drops embedded fonts when it saves), hence this module, applied to the saved zip.
"""
from __future__ import annotations

import functools
import hashlib
import struct
import uuid
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# (bold, italic) -> the file's face name and fontTable's element for it, in the schema's order
FACES = {(False, False): ("Regular", "embedRegular"), (True, False): ("Bold", "embedBold"),
         (False, True): ("Italic", "embedItalic"), (True, True): ("BoldItalic", "embedBoldItalic")}
# settings.xml children that come before embedTrueTypeFonts (CT_Settings is a sequence)
_SETTINGS_BEFORE = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                    "printFractionalCharacterWidth", "printFormsData")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _on(el) -> bool | None:
    """A w:b or w:i toggle: None when absent; on unless w:val says 0, false or off."""
    if el is None:
        return None
    return el.get(_w("val"), "true").lower() not in ("0", "false", "off")


def faces_used(doc) -> dict[str, set[tuple[bool, bool]]]:
    """{font family: {(bold, italic)}} over the body's, headers' and footers' runs, with bold and italic
    as the paragraph style, the character style and the run's own properties leave them."""
    styles = {s.get(_w("styleId")): s for s in doc.styles.element.iter(_w("style"))}

    @functools.cache
    def style(style_id: str | None, depth: int = 0) -> tuple:
        """(bold, italic, family) a style gives, through its basedOn chain."""
        el = styles.get(style_id)
        if el is None or depth > 20:
            return None, None, None
        based = el.find(_w("basedOn"))
        parent = style(based.get(_w("val")), depth + 1) if based is not None else (None, None, None)
        own = _props(el.find(_w("rPr")))
        return tuple(o if o is not None else p for o, p in zip(own, parent))

    default = _props(doc.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}"))[2]
    parts = [doc.element.body] + [h._element for s in doc.sections
                                  for h in (s.header, s.footer, s.first_page_header, s.first_page_footer)
                                  if not h.is_linked_to_previous]
    used: dict[str, set] = {}
    for part in parts:
        for p in part.iter(_w("p")):
            p_style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            pb, pi, pf = style(p_style.get(_w("val")) if p_style is not None else "Normal")
            for r in p.iter(_w("r")):
                if r.find(_w("t")) is None:
                    continue
                rpr = r.find(_w("rPr"))
                r_style = rpr.find(_w("rStyle")) if rpr is not None else None
                cb, ci, cf = style(r_style.get(_w("val"))) if r_style is not None else (None, None, None)
                db, di, df = _props(rpr)
                bold = next((v for v in (db, cb, pb) if v is not None), False)
                italic = next((v for v in (di, ci, pi) if v is not None), False)
                family = df or cf or pf or default
                if family:
                    used.setdefault(family, set()).add((bold, italic))
    return used


def _props(rpr) -> tuple:
    if rpr is None:
        return None, None, None
    fonts = rpr.find(_w("rFonts"))
    return _on(rpr.find(_w("b"))), _on(rpr.find(_w("i"))), fonts.get(_w("ascii")) if fonts is not None else None


def shipped(family: str, face: str) -> Path | None:
    from ..typeset.compiler import font_dirs

    return next((p for d in font_dirs() if (p := Path(d) / f"{family}-{face}.ttf").is_file()), None)


def embeddable(data: bytes) -> bool:
    """The font's OS/2 fsType allows embedding in an editable document (not 'restricted licence' alone)."""
    try:
        for i in range(struct.unpack(">H", data[4:6])[0]):
            tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
            if tag == b"OS/2":
                fs_type = struct.unpack(">H", data[offset + 8:offset + 10])[0]
                return not (fs_type & 0x0002 and not fs_type & 0x000C)
    except struct.error:
        pass
    return False  # no OS/2 table (or not a TrueType file): not ours to embed


@functools.lru_cache(maxsize=16)
def obfuscated(path: Path) -> tuple[str, bytes] | None:
    """(fontKey, .odttf bytes) for a font file, the key a GUID from its SHA-256; None if not embeddable."""
    data = path.read_bytes()
    if not embeddable(data):
        return None
    key = uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])
    mask = key.bytes[::-1]  # the GUID's bytes as its string writes them, in reverse order
    return "{" + str(key).upper() + "}", bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embed(used: dict[str, set[tuple[bool, bool]]]):
    """An edit for files.normalise_zip: the faces in `used` that the build ships, embedded."""
    def edit(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        fonts = []  # (family, element name, key, part name, bytes)
        for family in sorted(used):
            for combo, (face, element) in FACES.items():
                path = shipped(family, face) if combo in used[family] else None
                found = obfuscated(path) if path else None
                if found:
                    fonts.append((family, element, found[0], f"word/fonts/font{len(fonts) + 1}.odttf", found[1]))
        if not fonts:
            return entries
        parts = dict(entries)
        parts["word/fontTable.xml"] = _font_table(parts["word/fontTable.xml"], fonts)
        parts["word/_rels/fontTable.xml.rels"] = _font_rels(fonts)
        parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
        parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
        added = {name: data for *_, name, data in fonts}  # a document embedded twice keeps one copy
        out = [(n, parts[n]) for n, _ in entries if n not in added]
        out += [(n, parts[n]) for n in ("word/_rels/fontTable.xml.rels",) if n not in dict(entries)]
        return out + list(added.items())

    return edit


def _xml(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font_table(xml: bytes, fonts) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    for i, (family, element, key, *_) in enumerate(fonts, start=1):
        font = next((f for f in root.iter(_w("font")) if f.get(_w("name")) == family), None)
        if font is None:
            font = etree.SubElement(root, _w("font"), {_w("name"): family})
            for tag, val in (("charset", "00"), ("family", "swiss"), ("pitch", "variable")):
                etree.SubElement(font, _w(tag), {_w("val"): val})
        for old in font.findall(_w(element)):
            font.remove(old)
        etree.SubElement(font, _w(element), {f"{{{R}}}id": f"rIdFont{i}", _w("fontKey"): key})
    return _xml(root)


def _font_rels(fonts) -> bytes:
    rels = "".join(f'<Relationship Id="rIdFont{i}" Type="{FONT_REL}" Target="{name[len("word/"):]}"/>'
                   for i, (*_, name, _) in enumerate(fonts, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_RELS}">{rels}</Relationships>').encode()


def _settings(xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    for old in root.findall(_w("embedSystemFonts")) + root.findall(_w("embedTrueTypeFonts")):
        root.remove(old)  # system fonts (Times New Roman, Courier New) are on every PC: not embedded
    before = [c for c in root if c.tag in {_w(t) for t in _SETTINGS_BEFORE}]
    root.insert(root.index(before[-1]) + 1 if before else 0, etree.Element(_w("embedTrueTypeFonts")))
    return _xml(root)


def _content_types(xml: bytes) -> bytes:
    from lxml import etree

    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    root = etree.fromstring(xml)
    if not any(d.get("Extension") == "odttf" for d in root.iter(f"{{{ns}}}Default")):
        root.insert(0, etree.Element(f"{{{ns}}}Default", Extension="odttf", ContentType=ODTTF))
    return _xml(root)

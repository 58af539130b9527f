"""Writing files so that readers never see half a file and equal inputs give equal bytes."""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write beside the target and rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def normalise_zip(path: str | Path, epoch: int, edit=None, entries: list[tuple[str, bytes]] | None = None) -> None:
    """Rewrite a zip (DOCX/XLSX) with fixed entry timestamps so equal inputs give equal bytes. `edit`, if
    given, takes and returns the [(name, bytes)] entries: parts added or changed in the same rewrite.
    `entries`, if given, are the zip's parts already in hand (docx_parts): written to `path`, not read."""
    import datetime as dt

    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
    iso = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    if entries is None:
        with zipfile.ZipFile(path) as z:
            entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    # Writers stamp the save time into the core properties; the plan's date replaces it.
    entries = [(n, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + iso + rb"\g<2>", d))
               if n == "docProps/core.xml" else (n, d) for n, d in entries]
    if edit is not None:
        entries = edit(entries)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            level = _zip_level(name)
            info.compress_type = zipfile.ZIP_STORED if level is None else zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=level)
    Path(path).write_bytes(buf.getvalue())


# Images are compressed already: deflating them again saved 2-3% of a chapter's DOCX (8 KB) for a third of
# the time spent zipping it.
# An embedded font (~75 KB) shrinks nearly as much at level 1 as at 6 (+3 KB), at a third of the time.
_STORED = (".png", ".jpg", ".jpeg", ".gif")
_FAST = (".odttf", ".ttf", ".otf")


def _zip_level(name: str) -> int | None:
    """The deflate level for a zip member (None: stored as it is)."""
    lower = name.lower()
    if lower.endswith(_STORED):
        return None
    return 1 if lower.endswith(_FAST) else 6


def docx_parts(document) -> list[tuple[str, bytes]]:
    """A python-docx Document's parts as its save would zip them, in the same order, without zipping:
    normalise_zip then deflates each part once, instead of inflating what a save deflated (a quarter
    of the time a document's DOCX and its redline spend being written)."""
    try:
        from docx.opc.pkgwriter import PackageWriter

        class Parts:
            def __init__(self):
                self.entries = []

            def write(self, pack_uri, blob):
                self.entries.append((pack_uri.membername, blob))

        package, out = document.part.package, Parts()
        for part in package.parts:
            part.before_marshal()  # as OpcPackage.save does
        PackageWriter._write_content_types_stream(out, package.parts)
        PackageWriter._write_pkg_rels(out, package.rels)
        PackageWriter._write_parts(out, package.parts)
        return out.entries
    except AttributeError:  # python-docx moved its writer's internals: save, and read the parts back
        buf = io.BytesIO()
        document.save(buf)
        with zipfile.ZipFile(buf) as z:
            return [(i.filename, z.read(i.filename)) for i in z.infolist()]


# The mark of a document the last build could not make again: build/lastgood.py puts its last good version
# back with this mtime (1980-01-01, the zip epoch: older than any input, so the next run rebuilds it), and
# build/stale.json says why. Snakemake keeps a directory output's mtime on this file inside it.
STALE_MTIME = 315532800
DIRECTORY_STAMP = ".snakemake_timestamp"


def is_stale(path: str | Path) -> bool:
    """A restored document keeps its 1980 mtime until a run rebuilds it."""
    path = Path(path)
    stamp = path / DIRECTORY_STAMP if path.is_dir() else path
    try:
        return int(stamp.stat().st_mtime) == STALE_MTIME
    except OSError:
        return False


def stale_documents(build: str | Path) -> dict[str, dict]:
    """A build folder's stale.json, less the documents rebuilt since: {'build/<path>': {step, log, why, since}}."""
    import json

    build = Path(build)
    try:
        recorded = json.loads((build / "stale.json").read_text(encoding="utf-8")).get("documents", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {k: v for k, v in recorded.items()
            if isinstance(v, dict) and is_stale(build / str(k).split("/", 1)[-1] if str(k).startswith("build/") else build / k)}

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


def normalise_zip(path: str | Path, epoch: int, edit=None) -> None:
    """Rewrite a zip (DOCX/XLSX) with fixed entry timestamps so equal inputs give equal bytes. `edit`, if
    given, takes and returns the [(name, bytes)] entries: parts added or changed in the same rewrite."""
    import datetime as dt

    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
    iso = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
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
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    Path(path).write_bytes(buf.getvalue())

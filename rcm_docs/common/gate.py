"""The one way a workspace file is opened: plan.yaml, submissions, registries, narratives, key messages,
highlights, preparedness files, issued documents, templates, boundaries.

A file is read once, whole: its real location must lie inside its workspace (a symbolic link to /etc/shadow
dropped into inputs/ is refused, never read), it must be under its size limit, and it must not change while
it is read. What it hands out is hashed, and each hash is kept for the process (`reads()`), so a build can
tell a file saved while it ran from the bytes it read. Text is UTF-8 (a byte-order mark allowed), checked
strictly: a file in another encoding is refused naming the byte, never read as mojibake.

Parsers trust their input: size, zip and XML structure and the sheets' used range are judged after this,
by intake/files before a parser sees the bytes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import InputError

MB = 1024 * 1024
TEXT_MAX_BYTES = 1 * MB  # plan.yaml, a narrative, a template: a long one is tens of KB

_reads: dict[str, str] = {}  # real path -> SHA-256 of the bytes handed out, in this process


class UnsafeFile(InputError):
    """The file is refused before parsing; the message says why and what to do."""


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n:,} bytes"


def too_large(path, size: int, max_bytes: int) -> str:
    return (f"{path}: the file is {size_text(size)}, over the {size_text(max_bytes)} limit; "
            "split the submission or ask the coordinator to raise max_file_mb")


def inside_workspace(path) -> Path:
    """The path's real location, which must lie inside its workspace: the folder holding the `inputs/` (or
    `templates/`) the path is under, or, when that folder is itself a link the coordinator made, the folder it
    leads to. A path under neither (a file named on the command line) is the caller's choice and not checked."""
    here = Path(os.path.abspath(path))
    real = Path(os.path.realpath(here))
    top = next((p for p in here.parents if p.name in ("inputs", "templates")
                and (p.name == "inputs" or (p.parent / "inputs").is_dir())), None)
    if top is None:
        return real
    allowed = (Path(os.path.realpath(top.parent)), Path(os.path.realpath(top)))
    if not any(real == a or real.is_relative_to(a) for a in allowed):
        raise UnsafeFile(f"{path}: leads through a symbolic link to {real}, outside the workspace "
                         f"({top.parent}); files outside the workspace are never read; copy the file into the "
                         "folder instead of linking to it")
    return real


def read_bytes(path, max_bytes: int, shown: str | None = None) -> bytes:
    """The file's bytes, read once, so that what is checked, parsed and hashed is the same. Refused: a link
    out of the workspace, a file over max_bytes, one saved again while it is read (half old, half new)."""
    shown = shown or str(path)
    real = inside_workspace(path)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            before = os.fstat(f.fileno())
            if before.st_size > max_bytes:
                raise UnsafeFile(too_large(shown, before.st_size, max_bytes))
            data = f.read(max_bytes + 1)
            after = os.fstat(f.fileno())
    except OSError as e:
        raise UnsafeFile(f"{shown}: cannot be read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise UnsafeFile(too_large(shown, len(data), max_bytes))
    if (before.st_mtime_ns, before.st_size) != (after.st_mtime_ns, after.st_size) or len(data) != after.st_size:
        raise UnsafeFile(f"{shown}: the file changed while it was being read; run the build again")
    _reads[str(real)] = hashlib.sha256(data).hexdigest()
    return data


def read_text(path, max_bytes: int = TEXT_MAX_BYTES, shown: str | None = None) -> str:
    """A text file of the workspace, read through read_bytes, as UTF-8 (a byte-order mark dropped)."""
    shown = shown or str(path)
    data = read_bytes(path, max_bytes, shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnsafeFile(f"{shown}: not UTF-8 text (byte {e.start + 1}). Save it as UTF-8 (in Word: Save As, "
                         "Plain Text, Unicode (UTF-8)), then build again.") from None


def reads() -> dict[str, str]:
    """Every file this process read through the gate: real path -> SHA-256 of the bytes it handed out."""
    return dict(_reads)

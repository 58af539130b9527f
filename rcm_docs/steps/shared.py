"""What every build step shares: the gate on rejected inputs, workspace-relative paths, JSON outputs."""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from ..common.errors import InputError
from ..common.files import atomic_write_text


class IncompleteError(InputError):
    """A document would be built from partial data: a submission it depends on was rejected."""


def rel(root, path) -> str:
    """A path as the workspace-relative name reports, status files and the manifest show."""
    try:
        return printable(Path(path).resolve().relative_to(_resolved(os.getcwd(), str(root))).as_posix())
    except ValueError:
        return printable(str(path))


@functools.lru_cache(maxsize=8)
def _resolved(cwd: str, root: str) -> Path:
    """The workspace folder, resolved once: the manifest names some 700 files relative to it."""
    return Path(cwd, root).resolve()


def printable(name: str) -> str:
    """A file name as text that can be written out: bytes that are not UTF-8 (which Python keeps as lone
    surrogates, and no UTF-8 file can hold) as \\xNN. Any UTF-8 name is returned as it is."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def write_json(path, data) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n")


def gate(statuses: list[dict], allow_incomplete: bool, what: str) -> list[str]:
    rejected = [(f, s) for st in statuses for f in st["rejected"]
                for s in st["submissions"] if s["file"] == f]
    if rejected and not allow_incomplete:
        lines = "\n".join(f"  - {f}: {s['errors']} error(s); see {s['report']}" for f, s in rejected)
        raise IncompleteError(
            f"{what}: not built, because it depends on rejected file(s):\n{lines}\n"
            "Fix them and run snakemake again, or build drafts anyway with --config allow_incomplete=true.")
    return [f for f, _ in rejected]


def declarable(paths) -> list[str]:
    """The paths Snakemake can take as a step's inputs. Snakemake reads `{name}` in any input path as a
    wildcard, with no way to escape it: one file called `x {y}.txt` anywhere under inputs/ stopped the
    whole DAG; a name that is not UTF-8 crashes its lock file, and a line break in one its bookkeeping.
    Such paths are left out (the steps find their files themselves, and the manifest hashes every
    input); `undeclared` keeps the step rerunning when one of them changes."""
    return [str(p) for p in paths if not _undeclarable(p)]


def undeclared(paths) -> str:
    """A short hash of the contents of the paths `declarable` leaves out ('' when none), for a step's
    params: a change in params reruns the step, as a change in an input would."""
    import hashlib

    h = hashlib.sha256()
    left_out = sorted(str(p) for p in paths if _undeclarable(p))
    if not left_out:
        return ""
    for p in left_out:
        h.update(p.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            h.update(b"\0unreadable")
        h.update(b"\0")
    return h.hexdigest()[:16]


def _undeclarable(path) -> bool:
    name = str(path)  # a closing brace alone (`a}b.csv`) is no wildcard: Snakemake takes it
    return "{" in name or "\n" in name or "\r" in name or printable(name) != name

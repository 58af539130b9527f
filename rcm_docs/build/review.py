"""Review steps: the manifest (every input and output with its hash) and build/index.html."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.files import atomic_write_text
from ..common.plan import workspace_plan
from .steps import rel, write_json


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(root, outputs: list, out_json) -> dict:
    """Every input and output with its hash, and the tool versions: what a draft was made from."""
    from importlib.metadata import version

    import pypandoc

    from .. import __version__

    root = Path(root)
    inputs = sorted(p for p in (root / "inputs").rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    manifest = {
        "versions": {"rcm-docs": __version__, "pandoc": pypandoc.get_pandoc_version(), "typst": version("typst")},
        "inputs": {rel(root, p): _sha256(p) for p in inputs},
        "outputs": {rel(root, p): _sha256(Path(p)) for p in sorted(map(str, outputs))},
    }
    write_json(out_json, manifest)
    return manifest


def write_index(root, status_jsons: list, out, previous: str | None = None) -> None:
    """build/index.html; with previous (an earlier build folder), what changed since it first."""
    from ..review.diff import figure_changes, row_changes
    from ..review.page import index_html

    build = Path(out).parent
    statuses = [json.loads(Path(p).read_text()) for p in status_jsons]
    changes = None
    if previous:
        prev = Path(previous)
        changes = (previous, figure_changes(prev, build), row_changes(prev, build))
    atomic_write_text(out, index_html(build, workspace_plan(root), statuses, changes))

"""What every build step shares: the gate on rejected inputs, workspace-relative paths, JSON outputs."""
from __future__ import annotations

import json
from pathlib import Path

from ..common.files import atomic_write_text


class IncompleteError(Exception):
    """A document would be built from partial data: a submission it depends on was rejected."""


def rel(root, path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


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

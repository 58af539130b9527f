"""The last good documents: a failed build never leaves reviewers with fewer documents than the one before.

Snakemake deletes a step's outputs before it runs it, and again when it fails: a template error or a
narrative pandoc cannot convert used to take the country's chapter (DOCX, PDF and Markdown) away. After
each successful document step, `keep` hard-links its outputs under build/.last-good/ (same relative paths;
no copy is made, and since every step writes new files the links keep the old bytes). When a build fails,
`restore` puts back each document the failed run removed, and marks stale those and the documents
whose step did not run: build/stale.json says why (the failing step's log), the file gets an mtime of
1980-01-01 (the mark of a stale document: it is stale as long as it carries it) and loses Snakemake's
record of its last run, so the next run rebuilds it, silently, once it can. Its Markdown twin opens
with a line saying it is stale; the DOCX, PDF and XLSX are the last good bytes, unchanged.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..common.files import (
    DIRECTORY_STAMP as TIMESTAMP,  # Snakemake's mtime carrier of a directory output
)
from ..common.files import STALE_MTIME, atomic_write_text, is_stale, stale_documents  # noqa: F401  (is_stale: API)

BUILD = "build"
LAST_GOOD = ".last-good"
STALE_JSON = "stale.json"


def _kept(root, output: str) -> Path:
    rel = Path(output)
    if rel.parts and rel.parts[0] == BUILD:
        rel = Path(*rel.parts[1:])
    return Path(root) / BUILD / LAST_GOOD / rel


def keep(outputs, log: str | None = None, root=".") -> None:
    """After a step succeeded: its outputs (files, or directories of files) become the last good ones.
    Best effort: a copy that cannot be kept (disk full) must not fail the step that made the document."""
    import sys

    outputs = [str(o) for o in outputs]
    try:
        for out in outputs:
            src, dst = Path(root) / out, _kept(root, out)
            _remove(dst)
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, copy_function=link_or_copy, ignore=shutil.ignore_patterns(TIMESTAMP, ".*.tmp"))
            elif src.is_file():
                link_or_copy(src, dst)
        atomic_write_text(_record(root, outputs), json.dumps({"outputs": outputs, "log": log}, indent=1) + "\n")
    except OSError as e:
        print(f"rcm-docs: could not keep {', '.join(outputs)} as the last good version: {e}", file=sys.stderr)


def _record(root, outputs: list[str]) -> Path:
    key = hashlib.sha256("\0".join(outputs).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(root) / BUILD / LAST_GOOD / ".steps" / f"{key}.json"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def prune(root, expected: list[str]) -> None:
    """After a successful build: forget the kept copies of outputs the plan no longer makes (a country
    or a period taken out), so no later failure can bring them back."""
    expected = set(map(str, expected))
    for record in (Path(root) / BUILD / LAST_GOOD / ".steps").glob("*.json"):
        try:
            outputs = list(json.loads(record.read_text(encoding="utf-8"))["outputs"])
        except (OSError, ValueError, KeyError, TypeError):
            record.unlink(missing_ok=True)
            continue
        if not expected.intersection(outputs):
            for out in outputs:
                _remove(_kept(root, out))
            record.unlink(missing_ok=True)


def link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def stale(root=".") -> dict[str, dict]:
    """build/stale.json, less the documents rebuilt since: {output path: {step, log, why, since}}."""
    return stale_documents(Path(root) / BUILD)


def write_stale(root, documents: dict) -> None:
    """build/stale.json when a document is stale; no file at all when none is."""
    path = Path(root) / BUILD / STALE_JSON
    if documents:
        atomic_write_text(path, json.dumps({"documents": dict(sorted(documents.items()))}, indent=1,
                                           ensure_ascii=False) + "\n")
    else:
        path.unlink(missing_ok=True)


def restore(root, expected: list[str], unfinished: list[dict] = (), forget=None) -> dict[str, dict]:
    """After a failed build, for each expected document output: put back its last good version if the
    failed run removed it; mark it stale if its step did not finish (it failed, or the build stopped
    before it: it no longer matches the inputs). unfinished: {outputs, log, upstream} of each step that
    needed to run and did not finish, upstream the logs of its unfinished steps upstream. forget(path):
    drops Snakemake's record of the path's last run. Snakemake records a failed job as if it had run,
    input checksums and all, so a restored output would count as up to date, however old; without the
    record, its 1980 mtime makes the next run rebuild it. -> the stale documents, those of earlier
    failures still stale included; build/stale.json records them."""
    import datetime as dt

    documents = stale(root)
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    kept_by = {}
    for record in sorted((Path(root) / BUILD / LAST_GOOD / ".steps").glob("*.json")):
        try:
            step = json.loads(record.read_text(encoding="utf-8"))
            kept_by.update({o: step.get("log") for o in step["outputs"]})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    pending = {str(o): job for job in unfinished for o in job.get("outputs", [])}
    for out in sorted(set(map(str, expected))):
        path, job = Path(root) / out, pending.get(out)
        log = (job.get("log") or [None])[0] if job else kept_by.get(out)
        if not path.exists():
            if not _kept(root, out).exists():
                continue  # never built: nothing to put back
            why = _why(root, log, job)
            _put_back(root, out, why)
        elif job is not None:
            why = _why(root, log, job)
            _mark(path, why)
        else:
            continue
        documents[out] = {"step": _step_name(log), "log": log, "why": why, "since": since}
        if forget is not None:
            try:
                forget(out)
            except Exception:  # noqa: BLE001  no record to drop: the mtime alone reruns the step
                pass
    write_stale(root, documents)
    return documents


def _put_back(root, out: str, why: str) -> None:
    src, dst = _kept(root, out), Path(root) / out
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=link_or_copy)
    elif dst.suffix != ".md":
        link_or_copy(src, dst)
    else:
        atomic_write_text(dst, src.read_text(encoding="utf-8"))
    _mark(dst, why)


def _mark(path: Path, why: str) -> None:
    """Stale: an mtime of 1980 (so the next run rebuilds it), and a Markdown twin that says so first."""
    if path.is_dir():
        (path / TIMESTAMP).touch()
        os.utime(path / TIMESTAMP, (STALE_MTIME, STALE_MTIME))
    elif path.suffix == ".md":
        # A new file, not the last good copy's inode: the note must not reach the copy itself.
        text = path.read_text(encoding="utf-8")
        if text.startswith(NOTE):
            text = text.split("\n\n", 1)[-1]
        atomic_write_text(path, f"{NOTE} the last build could not make this document again ({_first(why)}); "
                                f"this is the last good version. See build/stale.json.\n\n{text}")
    os.utime(path, (STALE_MTIME, STALE_MTIME))


NOTE = "> **STALE**:"


def _why(root, log: str | None, job: dict | None = None) -> str:
    """What the step's log says of its failure; or, for a step that did not run, what failed upstream."""
    own = _failure(root, log)
    if own:
        return own
    for upstream in (job or {}).get("upstream", []):
        if failure := _failure(root, upstream):
            return f"not rebuilt, because an earlier step failed ({upstream}):\n{failure}"
    return "not rebuilt: the build stopped before this document was made again (see the Snakemake log)"


def _failure(root, log: str | None) -> str | None:
    """The message of the failure a step's log records (errors.step_record); None if it did not fail."""
    from ..common.errors import read_step_record

    if not log:
        return None
    try:
        record = read_step_record((Path(root) / log).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    if not record or record.get("outcome") != "failed":
        return None
    return str(record.get("message") or record.get("error") or "failed")[-2000:]


def _first(why: str) -> str:
    """The failure's own message, on one line."""
    lines = [ln.strip() for ln in why.strip().splitlines() if ln.strip()] or [""]
    if lines[0].startswith("not rebuilt, because") and len(lines) > 1:
        return f"not rebuilt: {lines[1]}"[:300]
    return lines[0][:300]


def _step_name(log: str | None) -> str:
    """build/logs/render_rrp/KEN.log -> render_rrp."""
    if not log:
        return ""
    parts = Path(log).parts
    return parts[2] if len(parts) > 3 else Path(log).stem

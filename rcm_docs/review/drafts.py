"""The whole draft against the last one: every document that changed, redlined in Word's tracked changes
under the build's own folders; documents added and removed; the figures that moved and why."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

# Not documents a reader receives: annotated copies of submissions, and the build's redlines.
NOT_DOCUMENTS = ("reports/", "review/")


def documents(build: Path) -> dict[str, Path]:
    """Every DOCX of a build, by its path inside the build. Hidden files and folders are the build's own
    bookkeeping (build/.last-good keeps the last good copy of every document): never a document."""
    out = {}
    for p in sorted(build.rglob("*.docx")):
        rel = p.relative_to(build)
        if not rel.as_posix().startswith(NOT_DOCUMENTS) and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p
    return out


def count_line(counts: dict) -> str:
    """Words inserted and deleted, tables changed, in a sentence a reviewer reads."""
    parts = [f"{counts['insertions']:,} word{'s' if counts['insertions'] != 1 else ''} inserted",
             f"{counts['deletions']:,} deleted"]
    if counts.get("cells_changed"):
        parts.append(f"{counts['cells_changed']:,} table cell{'s' if counts['cells_changed'] != 1 else ''} changed")
    return ", ".join(parts)


def _redline_one(args: tuple[str, str, str]) -> dict:
    from .redline import redline

    old, new, out = args
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    return redline(old, new, out)


def _redline_or_why(args: tuple[str, str, str]) -> dict | str:
    """The counts, or why there is no redline: one document's redline failing must not take the page and
    the other redlines with it (the page says so beside the document)."""
    try:
        return _redline_one(args)
    except Exception as e:  # noqa: BLE001  any failure of python-docx or lxml on one document
        Path(args[2]).unlink(missing_ok=True)
        return f"{type(e).__name__}: {e}"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# Below this much DOCX to redline (about 2 s in one process), starting processes costs more than they save:
# the 14 redlines of a one-number change in the example plan (1 MB) take 0.5 s in one.
POOL_BYTES = 4_000_000


def made_record(target: Path) -> Path:
    """Beside each redline, hidden: the pair of drafts it was made from and its counts."""
    return target.with_name(f".{target.name[:-len('.docx')]}.json")


def _kept(target: Path, pair: list[str]) -> dict | None:
    """The counts of the redline at target if it was made from this pair of drafts, else None."""
    try:
        made = json.loads(made_record(target).read_text(encoding="utf-8"))
        return made["counts"] if made.get("pair") == pair and target.is_file() else None
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None


def _record(target: Path, pair: list[str], counts: dict) -> None:
    from ..common.files import atomic_write_text

    atomic_write_text(made_record(target), json.dumps({"pair": pair, "counts": counts}, sort_keys=True) + "\n")


def redline_pair(old: Path, new: Path, out: Path, doc: str) -> dict | None:
    """The redline of one document (doc: its path in the build) at OUT/<doc>.redline.docx -> its counts,
    or None when the two drafts are the same bytes. One made before from the same two drafts is kept.
    A render step calls this right after making its document, against the last build's copy."""
    if old.read_bytes() == new.read_bytes():
        return None
    target, pair = out / doc.replace(".docx", ".redline.docx"), [_sha256(old), _sha256(new)]
    counts = _kept(target, pair)
    if counts is None:
        counts = _redline_one((str(old), str(new), str(target)))
        _record(target, pair, counts)
    return counts


def redline_all(old_build: Path, new_build: Path, out: Path, parallel: bool = True) -> tuple[dict[str, dict], list[str], list[str]]:
    """Redline every document both builds have whose bytes differ -> ({path: counts, or why there is no
    redline}, added, removed). Identical documents get no redline: a reviewer opens only what changed. A
    redline OUT already holds for the same two drafts is kept, not made again."""
    old, new = documents(old_build), documents(new_build)
    both = sorted(set(old) & set(new))
    changed = [d for d in both if old[d].read_bytes() != new[d].read_bytes()]
    target = {d: out / d.replace(".docx", ".redline.docx") for d in changed}
    pairs = {d: [_sha256(old[d]), _sha256(new[d])] for d in changed}
    counts = {d: c for d in changed if (c := _kept(target[d], pairs[d])) is not None}
    todo = [d for d in changed if d not in counts]
    work = sum(new[d].stat().st_size for d in todo)
    if parallel and len(todo) > 2 and work > POOL_BYTES and (os.cpu_count() or 1) > 1:
        import concurrent.futures
        import multiprocessing

        # python-docx is pure Python: many documents are redlined side by side in processes, one per core.
        with concurrent.futures.ProcessPoolExecutor(min(os.cpu_count() or 1, len(todo)),
                                                    mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_redline_or_why, [(str(old[d]), str(new[d]), str(target[d])) for d in todo]))
    else:
        results = [_redline_or_why((str(old[d]), str(new[d]), str(target[d]))) for d in todo]
    for d, c in zip(todo, results):
        if isinstance(c, dict):
            _record(target[d], pairs[d], c)
        counts[d] = c
    _prune_redlines(out, set(target.values()))
    return {d: counts[d] for d in changed}, sorted(set(new) - set(old)), sorted(set(old) - set(new))


def _prune_redlines(out: Path, current: set[Path]) -> None:
    """Redlines left in OUT by an earlier comparison (this one's pair made no change there) would read as
    changes of this draft: they go, with their records. Files OUT holds that this tool did not make stay."""
    for old in out.rglob("*.redline.docx"):
        if old not in current and made_record(old).is_file():
            old.unlink()
            made_record(old).unlink()


@dataclass
class DraftChanges:
    """What changed from one draft to the next: what both review pages (OUT/index.html of rcm-docs diff,
    build/index.html) open on, and changes.md / changes.xlsx list."""
    old: str  # the earlier draft, as the reader knows it
    documents: list[tuple[str, str, str]]  # (path in the build, changed | added | removed, words changed)
    figures: object  # DataFrame: diff.figure_changes
    rows: object  # DataFrame: diff.row_changes
    inputs: list[tuple[str, str]]  # (input path, added | removed | modified)


def compare_drafts(old_build: Path, new_build: Path, out: Path, label: str | None = None,
                   parallel: bool = True, inputs: dict | None = None) -> DraftChanges:
    """Redlines of every changed document under OUT (the build's folders kept), and what moved. inputs:
    NEW's input hashes, where its manifest.json may be behind."""
    from .diff import changed_inputs, figure_changes, row_changes

    redlines, added, removed = redline_all(old_build, new_build, out, parallel)
    docs = ([(d, "changed", count_line(c)) if isinstance(c, dict) else (d, "changed, no redline", f"no redline ({c})")
             for d, c in redlines.items()] + [(d, "added", "") for d in added] + [(d, "removed", "") for d in removed])
    return DraftChanges(label or str(old_build), docs, figure_changes(old_build, new_build),
                        row_changes(old_build, new_build), changed_inputs(old_build, new_build, inputs))


def diff_builds(old_build: Path, new_build: Path, out: Path, fmt: str = "text") -> str:
    """rcm-docs diff OLD NEW -o OUT: redlines, changes.md / changes.xlsx, and OUT/index.html."""
    import pandas as pd

    from ..common.files import atomic_write_text
    from ..common.sheets import write_xlsx
    from .diff import summary_markdown
    from .page import review_html

    out.mkdir(parents=True, exist_ok=True)
    ch = compare_drafts(old_build, new_build, out)
    docs, figs, rows = ch.documents, ch.figures, ch.rows
    atomic_write_text(out / "changes.md", summary_markdown(figs, rows, ch.inputs, str(old_build), str(new_build), docs))
    write_xlsx({"documents": pd.DataFrame(docs, columns=["document", "change", "words"]), "figures": figs, "rows": rows,
                "inputs": pd.DataFrame(ch.inputs, columns=["path", "change"])}, out / "changes.xlsx", 315532800)
    atomic_write_text(out / "index.html", review_html(ch, str(new_build), new_build))
    if fmt == "json":
        return json.dumps({"documents": [{"document": d, "change": c, "words": w} for d, c, w in docs],
                           "figures_moved": len(figs), "rows_changed": len(rows)}, indent=1)
    changed = [d for d, c, _ in docs if c.startswith("changed")]
    added, removed = [d for d, c, _ in docs if c == "added"], [d for d, c, _ in docs if c == "removed"]
    lines = [f"{d}: {w}" for d, c, w in docs if c.startswith("changed")]
    lines += [f"{d}: only in {new_build}" for d in added] + [f"{d}: only in {old_build}" for d in removed]
    lines.append(f"{len(changed)} document(s) changed, {len(added)} added, {len(removed)} removed; "
                 f"{len(figs)} figure(s) and {len(rows)} submission value(s) moved: see {out / 'changes.md'} and {out / 'index.html'}")
    return "\n".join(lines)

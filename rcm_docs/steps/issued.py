"""Issued sitreps: once a month's situation reports have gone out, `rcm-docs issue PERIOD` keeps them as sent
(documents, charts and figures under inputs/issued/sitreps/<period>/) and the build copies them back instead
of rendering them, so a later budget or progress change never alters what readers already have. Re-issuing is
an explicit act (`rcm-docs issue PERIOD --reopen "why"`), logged in inputs/issued/log.csv, which the review page shows."""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from ..common.errors import UsageError
from ..common.files import atomic_write_text
from ..common.plan import workspace_plan
from ..common.workspace import (
    ISSUE_LOG,
    ISSUE_LOG_COLUMNS,
    ISSUED,
    issue_log,
    sitrep_periods,
)


class IssueError(UsageError):
    """The period cannot be issued as asked; the message says why and what to do."""


def _sources(build: Path, period: str, doc: str) -> list[tuple[Path, str]]:
    """(file in the build, its name under the issued folder) for one document of the period."""
    out = [(build / "sitreps" / period / f"{doc}.{ext}", f"{doc}.{ext}") for ext in ("md", "docx", "pdf")]
    out.append((build / "figures" / "sitreps" / period / f"{doc}.json", f"figures/{doc}.json"))
    charts = build / "charts" / f"sitreps-{period}-{doc}"
    out += [(p, f"charts/{doc}/{p.name}") for p in sorted(charts.glob("*")) if p.is_file()]
    return out


def issue(root, period: str, reopen: str | None = None, today: dt.date | None = None) -> str:
    """Copy the period's built sitreps into inputs/issued/sitreps/<period>/ and log it -> what was done. With
    `reopen` (the reason), an issued period is opened again instead: the next build renders it from today's
    inputs, the drafter reviews it, and issuing it again logs a re-issue."""
    root = Path(root)
    plan = workspace_plan(root)
    when = (today or dt.date.today()).isoformat()
    target = root / ISSUED / period
    if reopen:
        if not target.exists():
            raise IssueError(f"{period} is not issued: there is nothing to re-open.")
        shutil.rmtree(target)
        _log(root, period, "re-opened", when, reopen)
        return (f"Re-opened the {period} situation reports: the next build renders them from the current inputs. "
                f"Review them, then issue them again with: rcm-docs issue {period}")
    if period not in sitrep_periods(root):
        raise IssueError(f"{period}: no situation report is written for this month (inputs/sitreps/{period}/ needs "
                         "highlights/ or figures.csv); months with sitreps: " + (", ".join(sitrep_periods(root)) or "none"))
    if target.exists():
        raise IssueError(f"{period} is already issued and kept as sent. To change what readers have: "
                         f'rcm-docs issue {period} --reopen "why", build and review, then issue it again.')
    docs = plan.country_codes + ["regional"]
    build = root / "build"
    files = [(src, name) for d in docs for src, name in _sources(build, period, d)]
    missing = [str(src.relative_to(root)) for src, _ in files if not src.is_file()]
    if missing:
        raise IssueError(f"{period}: build the sitreps first (snakemake --cores 2); missing: {', '.join(missing[:5])}"
                         + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    stage = target.with_name(f".{period}.new")
    shutil.rmtree(stage, ignore_errors=True)
    for src, name in files:
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, stage / name)
    stage.rename(target)
    again = any(r["period"] == period and r["action"] in ("issued", "re-issued") for r in issue_log(root))
    _log(root, period, "re-issued" if again else "issued", when, "")
    return (f"{'Re-issued' if again else 'Issued'} the {period} situation reports ({len(docs)} documents) into "
            f"{target.relative_to(root)}/; later builds copy them as they are.")


def _log(root: Path, period: str, action: str, date: str, reason: str) -> None:
    rows = issue_log(root)
    rows.append({"period": period, "action": action, "date": date, "reason": reason})
    buf = io.StringIO()
    w = csv.DictWriter(buf, ISSUE_LOG_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(root / ISSUE_LOG, buf.getvalue())


def keep(*, root, period: str, doc: str, out_md=None, out_docx=None, out_pdf=None, out_figures=None,
         charts_dir=None) -> None:
    """Put an issued sitrep back in the build exactly as it was sent."""
    src = Path(root) / ISSUED / period
    for name, out in ((f"{doc}.md", out_md), (f"{doc}.docx", out_docx), (f"{doc}.pdf", out_pdf),
                      (f"figures/{doc}.json", out_figures)):
        if out is None:
            continue
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / name, out)
    if charts_dir is not None:
        charts = Path(charts_dir)
        shutil.rmtree(charts, ignore_errors=True)
        charts.mkdir(parents=True)
        for p in sorted((src / "charts" / doc).glob("*")):
            shutil.copy2(p, charts / p.name)

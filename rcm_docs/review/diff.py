"""What changed between two builds: figures that moved, and the submission rows that moved them."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROW_KEY = ["country", "sector", "organisation", "activity", "indicator", "admin1"]
COMPARED = ["budget_usd", "cva_usd", "in_kind_usd"]  # plus every target_* column


def _flatten(fig: dict) -> dict[tuple[str, str, str], float]:
    """(level, item, measure) -> value for one document's figures."""
    where = fig["name"]
    out = {("total", where, "requirements"): fig["requirements"], ("total", where, "people targeted"): fig["targeted"],
           ("total", where, "partners"): fig["partners"]}
    for s in fig["sectors"]:
        out[("sector", f"{where}: {s['name']}", "requirements")] = s["requirements"]
        out[("sector", f"{where}: {s['name']}", "people targeted")] = s["targeted"]
    for t in fig["org_types"]:
        out[("organisation type", f"{where}: {t['type']}", "requirements")] = t["requirements"]
    for p in fig["partner_annex"]:
        out[("partner", f"{where}: {p['organisation']}", "requirements")] = p["total"]
    return out


def figure_changes(old_build: Path, new_build: Path) -> pd.DataFrame:
    """Every figure that differs between the two builds' figures/*.json."""
    rows = []
    names = sorted({p.name for p in (old_build / "figures").glob("*.json")} | {p.name for p in (new_build / "figures").glob("*.json")})
    for name in names:
        old = _flatten(json.loads((old_build / "figures" / name).read_text())) if (old_build / "figures" / name).exists() else {}
        new = _flatten(json.loads((new_build / "figures" / name).read_text())) if (new_build / "figures" / name).exists() else {}
        for key in sorted(set(old) | set(new), key=lambda k: list(new).index(k) if k in new else len(new)):
            a, b = old.get(key, 0), new.get(key, 0)
            if a != b:
                rows.append({"level": key[0], "item": key[1], "measure": key[2], "old": a, "new": b, "change": b - a,
                             "change_pct": (b - a) / a if a else None})
    return pd.DataFrame(rows, columns=["level", "item", "measure", "old", "new", "change", "change_pct"])


def row_changes(old_build: Path, new_build: Path) -> pd.DataFrame:
    """Submission rows added, removed or modified, matched on organisation x activity x indicator x admin1."""
    from ..model.merge import read_rows_csv

    old, new = (read_rows_csv(b / "plan" / "plan_rows.csv") for b in (old_build, new_build))
    if old.empty and new.empty:
        return pd.DataFrame(columns=["change", "file", "row", "key", "column", "old", "new"])
    values = COMPARED + sorted(c for c in set(old.columns) | set(new.columns) if c.startswith("target_"))
    merged = old.merge(new, on=ROW_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    out = []
    for _, r in merged.iterrows():
        key = " / ".join(str(r[k]) for k in ROW_KEY)
        if r["_merge"] == "left_only":
            out.append({"change": "removed", "file": r["source_file_old"], "row": r["source_row_old"], "key": key,
                        "column": "", "old": r["budget_usd_old"], "new": None})
        elif r["_merge"] == "right_only":
            out.append({"change": "added", "file": r["source_file_new"], "row": r["source_row_new"], "key": key,
                        "column": "", "old": None, "new": r["budget_usd_new"]})
        else:
            for c in values:
                a, b = r.get(f"{c}_old"), r.get(f"{c}_new")
                if not (pd.isna(a) and pd.isna(b)) and a != b:
                    out.append({"change": "modified", "file": r["source_file_new"], "row": r["source_row_new"],
                                "key": key, "column": c, "old": a, "new": b})
    df = pd.DataFrame(out, columns=["change", "file", "row", "key", "column", "old", "new"])
    return df.sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)


def changed_inputs(old_build: Path, new_build: Path) -> list[tuple[str, str]]:
    """(path, added/removed/modified) from the two manifests' input hashes."""
    def inputs(b):
        m = b / "manifest.json"
        return json.loads(m.read_text())["inputs"] if m.exists() else {}

    a, b = inputs(old_build), inputs(new_build)
    return sorted([(p, "removed") for p in a.keys() - b.keys()] + [(p, "added") for p in b.keys() - a.keys()]
                  + [(p, "modified") for p in a.keys() & b.keys() if a[p] != b[p]])


def _num(x) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    return f"{x:+,.0f}" if isinstance(x, (int, float)) and x < 0 else f"{x:,.0f}" if isinstance(x, (int, float)) else str(x)


def _section(title: str, empty: str, head: str, rows: list[str]) -> list[str]:
    return [f"## {title}", ""] + ([head, *rows] if rows else [empty]) + [""]


def summary_markdown(figs: pd.DataFrame, rows: pd.DataFrame, inputs: list[tuple[str, str]], old: str, new: str) -> str:
    from ..intake.report import _cell

    lines = [f"# What changed: {old} -> {new}", ""]
    lines += ["## Input files", ""] + ([f"- {c}: `{p}`" for p, c in inputs] or ["No input file changed (or no manifests)."]) + [""]
    lines += _section("Figures", "No figure changed.", "| Level | Item | Measure | Old | New | Change |\n|---|---|---|--:|--:|--:|",
                      [f"| {r.level} | {_cell(r.item)} | {r.measure} | {_num(r.old)} | {_num(r.new)} | {r.change:+,.0f}"
                       + (f" ({r.change_pct:+.1%})" if r.change_pct is not None and not pd.isna(r.change_pct) else "") + " |"
                       for r in figs.itertuples()])
    lines += _section("Submission rows behind them", "No submission row changed.",
                      "| Change | File | Row | Organisation / activity | Column | Old | New |\n|---|---|--:|---|---|--:|--:|",
                      [f"| {r.change} | `{r.file}` | {_num(r.row)} | {_cell(r.key)} | {r.column} | {_num(r.old)} | {_num(r.new)} |"
                       for r in rows.itertuples()])
    return "\n".join(lines)

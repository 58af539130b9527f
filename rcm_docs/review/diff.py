"""What changed between two builds: figures that moved, and the submission rows that moved them."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROW_KEY = ["country", "sector", "organisation", "activity", "indicator", "admin1"]
COMPARED = ["budget_usd", "cva_usd", "in_kind_usd"]  # plus every target_* column


# How a figure is named in changes.md: its key in the figures files, in the plan's words.
MEASURES = {"requirements": "requirements", "targeted": "people targeted", "partners": "partners", "cva": "cash and vouchers",
            "cva_share": "cash and voucher share", "local_share": "localisation share", "local_requirements":
            "requirements of national and local actors", "local_partners": "national and local partners",
            "share": "share of requirements", "targeted_refugees": "people targeted (refugees)", "targeted_host":
            "people targeted (host community)", "population_current": "population (current)", "population_planned":
            "population planning figure", "pin": "people in need", "coverage": "coverage (targeted / in need)",
            "funded": "funding received", "pledged": "pledges", "percent": "% funded", "gap": "funding gap",
            "unearmarked": "funding not earmarked to a sector", "regional_only": "funding to regional activities",
            "reached": "people reached", "percent_reached": "% of target reached", "target": "target",
            "value": "value", "activities": "activities", "sectors_submitted": "sectors with submissions",
            "total": "requirements"}
RATIOS = ("share", "%", "coverage")  # measures that are fractions: shown as percentages
SKIPPED = {"countries", "history", "incomplete", "submissions", "reports", "checks", "coordination", "top_areas",
           "population", "local_actors", "organisations", "population_as_of", "population_sources"}
LEVELS = {"sectors": "sector", "org_types": "organisation type", "partner_annex": "partner", "by_sector": "sector",
          "by_org_type": "organisation type", "donors": "donor", "indicators": "indicator", "strategic": "objective",
          "key_figures": "key figure"}
_ID_KEYS = ("name", "code", "organisation", "type", "donor", "figure", "admin1")


def _label(item: dict) -> str:
    if "indicator" in item and "code" in item:
        return f"{item['code']} {item['indicator']}"
    if "text" in item and "code" in item:
        return f"{item['code']} {item['text']}"
    return str(next((item[k] for k in _ID_KEYS if k in item), "?"))


def _walk(node, where: str, level: str, measure: str, out: dict) -> None:
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, (int, float)):
        out[(level, where, MEASURES.get(measure, measure.replace("_", " ")))] = node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in SKIPPED:
                continue
            if isinstance(v, dict) and k in ("targets", "pin_by_group", "reached_by_group"):
                for g, x in v.items():
                    _walk(x, where, level, f"{MEASURES.get(k.split('_by_')[0], k)}: {g}" if "_by_" in k else f"people targeted: {g}", out)
            elif isinstance(v, dict) and k == "by_sector":  # a partner's requirements per sector
                for code, x in v.items():
                    _walk(x, where, level, f"requirements: {code}", out)
            elif isinstance(v, list):
                for item in v:
                    if isinstance(item, dict):
                        _walk(item, f"{where}: {_label(item)}", LEVELS.get(k, k.replace("_", " ")), measure, out)
            elif isinstance(v, dict) and k == "sectors":  # needs per sector code
                for code, x in v.items():
                    _walk(x, f"{where}: {code}", "sector", measure, out)
            elif isinstance(v, dict) and k in ("objectives", "indicators"):
                for code, items in v.items():
                    for item in items if isinstance(items, list) else []:
                        _walk(item, f"{where}: {_label(item)}", "objective" if k == "objectives" else "indicator", measure, out)
                if k == "objectives":
                    _walk({"strategic": v.get("strategic", [])}, where, level, measure, out)
            elif isinstance(v, dict):
                _walk(v, where, level, k if k not in ("needs", "progress", "funding") else measure, out)
            else:
                _walk(v, where, level, k, out)


def _flatten(fig: dict, where: str | None = None) -> dict[tuple[str, str, str], float]:
    """(level, item, measure) -> value for every number in one figures file: totals, shares, % funded,
    gaps, coverage, people in need, indicator targets, objectives, reach."""
    out: dict = {}
    _walk(fig, where or fig["name"], "total", "", out)
    return out


def _figure_files(build: Path) -> dict[str, Path]:
    return {p.relative_to(build / "figures").as_posix(): p for p in sorted((build / "figures").rglob("*.json"))}


def _where(rel: str, names: dict[str, str]) -> str:
    """figures/<doc>.json -> 'Kenya'; funding/<doc>.json -> 'Kenya, funding'; sitreps/<P>/<doc>.json -> 'Kenya, sitrep <P>'."""
    parts = rel[:-5].split("/")
    doc = names.get(parts[-1], parts[-1])
    return doc if len(parts) == 1 else f"{doc}, funding" if parts[0] == "funding" else f"{doc}, sitrep {parts[1]}"


def _inputs_behind(rel: str, measure: str, changed: list[str]) -> str:
    """The changed input files a figure is computed from: its document's submissions (all of them for the
    region), and the files its kind of figure reads (needs, population, partners, indicators, funding, progress)."""
    parts = rel[:-5].split("/")
    doc = parts[-1]
    own = ("inputs/submissions/" if doc == "regional" else f"inputs/submissions/{doc}/",)
    feeds = {"people in need": ("inputs/needs.csv",), "coverage": ("inputs/needs.csv",),
             "population": ("inputs/population.csv",), "localisation": ("inputs/partners.csv",),
             "national and local": ("inputs/partners.csv",), "target": ("inputs/indicators.csv",)}
    extra = tuple(f for key, files in feeds.items() if key in measure for f in files)
    if parts[0] == "funding":
        extra += ("inputs/funding/",)
    if parts[0] == "sitreps":
        extra += (f"inputs/sitreps/{parts[1]}/", "inputs/funding/")
    return ", ".join(c for c in changed if c.startswith(own + extra) or c == "inputs/plan.yaml")


def figure_changes(old_build: Path, new_build: Path) -> pd.DataFrame:
    """Every figure, derived ones included, that differs between the two builds' figures files, with the
    changed input files behind it."""
    old_files, new_files = _figure_files(old_build), _figure_files(new_build)
    names = {}
    for files in (old_files, new_files):
        for rel, path in files.items():
            if "/" not in rel:
                names[rel[:-5]] = json.loads(path.read_text()).get("name", rel[:-5])
    changed = [p for p, _ in changed_inputs(old_build, new_build)]
    rows = []
    for rel in sorted(set(old_files) | set(new_files), key=lambda r: (r.count("/"), r)):
        where = _where(rel, names)
        old = _flatten(json.loads(old_files[rel].read_text()), where) if rel in old_files else {}
        new = _flatten(json.loads(new_files[rel].read_text()), where) if rel in new_files else {}
        order = {k: i for i, k in enumerate(new)}
        for key in sorted(set(old) | set(new), key=lambda k: order.get(k, len(order))):
            a, b = old.get(key, 0), new.get(key, 0)
            if a != b:
                rows.append({"level": key[0], "item": key[1], "measure": key[2], "old": a, "new": b, "change": b - a,
                             "change_pct": (b - a) / a if a else None, "inputs": _inputs_behind(rel, key[2], changed)})
    return pd.DataFrame(rows, columns=["level", "item", "measure", "old", "new", "change", "change_pct", "inputs"])


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


def _num(x, ratio: bool = False) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    if ratio and isinstance(x, (int, float)):
        return f"{x:.1%}"
    return f"{x:+,.0f}" if isinstance(x, (int, float)) and x < 0 else f"{x:,.0f}" if isinstance(x, (int, float)) else str(x)


def _change(r) -> str:
    if any(k in r.measure for k in RATIOS):
        points = 100 * r.change
        return f"{points:+.1f} points" if abs(points) >= 0.05 else f"{points:+.3f} points"
    pct = f" ({r.change_pct:+.1%})" if r.change_pct is not None and not pd.isna(r.change_pct) else ""
    return f"{r.change:+,.0f}{pct}"


def _section(title: str, empty: str, head: str, rows: list[str]) -> list[str]:
    return [f"## {title}", ""] + ([head, *rows] if rows else [empty]) + [""]


def summary_markdown(figs: pd.DataFrame, rows: pd.DataFrame, inputs: list[tuple[str, str]], old: str, new: str,
                     docs: list[tuple[str, str, str]] = ()) -> str:
    from ..intake.report import _cell

    lines = [f"# What changed: {old} -> {new}", ""]
    lines += _section("Documents", "No document changed.", "| Document | Change |\n|---|---|",
                      [f"| `{d}` | {words or change} |" for d, change, words in docs])
    lines += ["## Input files", ""] + ([f"- {c}: `{p}`" for p, c in inputs] or ["No input file changed (or no manifests)."]) + [""]
    ratio = lambda r: any(k in r.measure for k in RATIOS)  # noqa: E731
    lines += _section("Figures", "No figure changed.",
                      "| Level | Item | Measure | Old | New | Change | Inputs behind it |\n|---|---|---|--:|--:|--:|---|",
                      [f"| {r.level} | {_cell(r.item)} | {r.measure} | {_num(r.old, ratio(r))} | {_num(r.new, ratio(r))} "
                       f"| {_change(r)} | {_cell(r.inputs)} |" for r in figs.itertuples()])
    lines += _section("Submission rows behind them", "No submission row changed.",
                      "| Change | File | Row | Organisation / activity | Column | Old | New |\n|---|---|--:|---|---|--:|--:|",
                      [f"| {r.change} | `{r.file}` | {_num(r.row)} | {_cell(r.key)} | {r.column} | {_num(r.old)} | {_num(r.new)} |"
                       for r in rows.itertuples()])
    return "\n".join(lines)

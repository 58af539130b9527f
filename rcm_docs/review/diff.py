"""What changed between two builds: figures that moved, and the submission rows that moved them."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROW_KEY = ["country", "sector", "organisation", "objective", "activity", "indicator", "admin1", "implementing_partner"]
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
                names[rel[:-5]] = json.loads(path.read_text(encoding="utf-8")).get("name", rel[:-5])
    changed = [p for p, _ in changed_inputs(old_build, new_build)]
    rows = []
    for rel in sorted(set(old_files) | set(new_files), key=lambda r: (r.count("/"), r)):
        if rel in old_files and rel in new_files and old_files[rel].read_bytes() == new_files[rel].read_bytes():
            continue  # the same bytes: nothing in it moved (most files, after a one-number change)
        where = _where(rel, names)
        old = _flatten(json.loads(old_files[rel].read_text(encoding="utf-8")), where) if rel in old_files else {}
        new = _flatten(json.loads(new_files[rel].read_text(encoding="utf-8")), where) if rel in new_files else {}
        order = {k: i for i, k in enumerate(new)}
        for key in sorted(set(old) | set(new), key=lambda k: order.get(k, len(order))):
            a, b = old.get(key, 0), new.get(key, 0)
            if a != b:
                rows.append({"level": key[0], "item": key[1], "measure": key[2], "old": a, "new": b, "change": b - a,
                             "change_pct": (b - a) / a if a else None, "inputs": _inputs_behind(rel, key[2], changed)})
    return pd.DataFrame(rows, columns=["level", "item", "measure", "old", "new", "change", "change_pct", "inputs"])


def _rows_that_differ(old_csv: Path, new_csv: Path) -> tuple:
    """The two merged-rows CSVs to compare, less the rows both have to the byte: a row the same in both
    builds cannot have changed, and 50,000 rows are parsed in a second where a one-number change leaves
    one row to compare. Whole files where a row may run over lines (a quoted line break) or headers differ."""
    import io

    try:
        a, b = (p.read_text(encoding="utf-8") for p in (old_csv, new_csv))
    except (OSError, UnicodeDecodeError):
        return old_csv, new_csv
    la, lb = a.split("\n"), b.split("\n")
    if la[0] != lb[0] or any(line.count('"') % 2 for line in la) or any(line.count('"') % 2 for line in lb):
        return old_csv, new_csv
    sa, sb = set(la[1:]), set(lb[1:])
    return (io.StringIO("\n".join([la[0]] + [x for x in la[1:] if x and x not in sb]) + "\n"),
            io.StringIO("\n".join([lb[0]] + [x for x in lb[1:] if x and x not in sa]) + "\n"))


def row_changes(old_build: Path, new_build: Path) -> pd.DataFrame:
    """Submission rows added, removed or modified, matched as duplicate-row matches them within a file: the
    same organisation, objective, activity, indicator, admin1 and implementing partner (in one country
    and sector). Rows that differ in objective alone are two rows, never one row modified."""
    from ..model.merge import read_rows_csv

    columns = ["change", "file", "row", "key", "column", "old", "new"]
    old, new = (read_rows_csv(t) for t in _rows_that_differ(old_build / "plan" / "plan_rows.csv",
                                                            new_build / "plan" / "plan_rows.csv"))
    if old.empty and new.empty:
        return pd.DataFrame(columns=columns)
    if not old.columns.size:  # no rows at all before (or after): every row added (or removed)
        old = new.iloc[0:0]
    if not new.columns.size:
        new = old.iloc[0:0]
    key = [k for k in ROW_KEY if k in old.columns and k in new.columns]
    values = [c for c in COMPARED + sorted(c for c in set(old.columns) | set(new.columns) if c.startswith("target_"))
              if c in old.columns and c in new.columns]
    merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    differs = {c: (~(merged[f"{c}_old"].isna() & merged[f"{c}_new"].isna())
                   & (merged[f"{c}_old"] != merged[f"{c}_new"])).to_numpy() for c in values}
    shown = (merged["_merge"] != "both").to_numpy()
    for mask in differs.values():
        shown = shown | mask  # only rows with something to say are walked, one by one
    out = []
    for pos in shown.nonzero()[0]:
        r = merged.iloc[pos]
        label = " / ".join(str(r[k]) for k in key if str(r[k]))
        if r["_merge"] == "left_only":
            out.append({"change": "removed", "file": r["source_file_old"], "row": r["source_row_old"], "key": label,
                        "column": "", "old": r["budget_usd_old"], "new": None})
        elif r["_merge"] == "right_only":
            out.append({"change": "added", "file": r["source_file_new"], "row": r["source_row_new"], "key": label,
                        "column": "", "old": None, "new": r["budget_usd_new"]})
        else:
            out += [{"change": "modified", "file": r["source_file_new"], "row": r["source_row_new"], "key": label,
                     "column": c, "old": r[f"{c}_old"], "new": r[f"{c}_new"]} for c in values if differs[c][pos]]
    df = pd.DataFrame(out, columns=columns)
    return df.sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)


def changed_inputs(old_build: Path, new_build: Path, new_inputs: dict | None = None) -> list[tuple[str, str]]:
    """(path, added/removed/modified) from the two manifests' input hashes; new_inputs, the input hashes
    of NEW when its manifest may be behind (a failed build does not make it again)."""
    def inputs(b):
        m = b / "manifest.json"
        return json.loads(m.read_text(encoding="utf-8"))["inputs"] if m.exists() else {}

    a, b = inputs(old_build), inputs(new_build) if new_inputs is None else new_inputs
    return sorted([(p, "removed") for p in a.keys() - b.keys()] + [(p, "added") for p in b.keys() - a.keys()]
                  + [(p, "modified") for p in a.keys() & b.keys() if a[p] != b[p]])


def shown_number(x, ratio: bool = False) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    if ratio and isinstance(x, (int, float)):
        return f"{x:.1%}"
    return f"{x:+,.0f}" if isinstance(x, (int, float)) and x < 0 else f"{x:,.0f}" if isinstance(x, (int, float)) else str(x)


def shown_change(r) -> str:
    if any(k in r.measure for k in RATIOS):
        points = 100 * r.change
        return f"{points:+.1f} points" if abs(points) >= 0.05 else f"{points:+.3f} points"
    pct = f" ({r.change_pct:+.1%})" if r.change_pct is not None and not pd.isna(r.change_pct) else ""
    return f"{r.change:+,.0f}{pct}"


def _section(title: str, empty: str, head: str, rows: list[str]) -> list[str]:
    return [f"## {title}", ""] + ([head, *rows] if rows else [empty]) + [""]


def summary_markdown(figs: pd.DataFrame, rows: pd.DataFrame, inputs: list[tuple[str, str]], old: str, new: str,
                     docs: list[tuple[str, str, str]] = ()) -> str:
    from ..intake.tables.report import markdown_cell

    lines = [f"# What changed: {old} -> {new}", ""]
    lines += _section("Documents", "No document changed.", "| Document | Change |\n|---|---|",
                      [f"| `{d}` | {words or change} |" for d, change, words in docs])
    lines += ["## Input files", ""] + ([f"- {c}: `{p}`" for p, c in inputs] or ["No input file changed (or no manifests)."]) + [""]
    ratio = lambda r: any(k in r.measure for k in RATIOS)  # noqa: E731
    lines += _section("Figures", "No figure changed.",
                      "| Level | Item | Measure | Old | New | Change | Inputs behind it |\n|---|---|---|--:|--:|--:|---|",
                      [f"| {r.level} | {markdown_cell(r.item)} | {r.measure} | {shown_number(r.old, ratio(r))} | {shown_number(r.new, ratio(r))} "
                       f"| {shown_change(r)} | {markdown_cell(r.inputs)} |" for r in figs.itertuples()])
    lines += _section("Submission rows behind them", "No submission row changed.",
                      "| Change | File | Row | Organisation / activity | Column | Old | New |\n|---|---|--:|---|---|--:|--:|",
                      [f"| {r.change} | `{r.file}` | {shown_number(r.row)} | {markdown_cell(r.key)} | {r.column} | {shown_number(r.old)} | {shown_number(r.new)} |"
                       for r in rows.itertuples()])
    return "\n".join(lines)

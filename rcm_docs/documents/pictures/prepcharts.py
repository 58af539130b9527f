"""Charts of the preparedness documents, drawn like every chart (templates/chart.typ; charts.py writes and
rasterises them): the risk matrix of a contingency plan, and partner capacity against people targeted."""
from __future__ import annotations

from pathlib import Path

from ...common import fmt
from .charts import chart_call, draw

LIKELIHOOD = ("Very unlikely", "Unlikely", "Possible", "Likely", "Very likely")
IMPACT = ("Negligible", "Minor", "Moderate", "Severe", "Critical")


def risk_matrix_call(fig: dict, title: str, source: str) -> tuple[str, str]:
    """-> (the Typst call of the risk matrix, its alt text, every scenario in words)."""
    from ..typeset.compiler import literal

    risk, t = fig["risk"], fig["thresholds"]
    scenarios = [{"code": s["code"], "name": s["name"], "likelihood": s["likelihood"], "impact": s["impact"],
                  "text": f"Likelihood {s['likelihood']} x impact {s['impact']}: risk {s['risk']}, {s['level']}"
                          + ("; the planning scenario" if s["planning"] else "")} for s in risk["scenarios"]]
    spec = {"title": None, "subtitle": "Likelihood and impact, each from 1 to 5; risk is their product",  # captioned
            "source": source, "likelihoods": list(LIKELIHOOD), "impacts": list(IMPACT),
            "axis_likelihood": "Likelihood", "axis_impact": "Impact", "high": t["high"], "medium": t["medium"],
            "levels": [f"Low risk (1 to {t['medium'] - 1})", f"Medium risk ({t['medium']} to {t['high'] - 1})",
                       f"High risk ({t['high']} to 25)"], "scenarios": scenarios}
    alt = f"Risk matrix: {title[:1].lower() + title[1:]}; " + "; ".join(
        f"{s['code']} {s['name']}: likelihood {s['likelihood']}, impact {s['impact']}, risk {s['risk']} ({s['level']})"
        for s in risk["scenarios"]) + "."
    return f"rcm-risk-matrix({literal(spec)})", alt


def preparedness_charts(plan, fig: dict, out_dir: Path, kind: str, chart_library: str) -> dict[str, dict]:
    """A contingency plan's charts: the risk matrix and capacity against people targeted by sector. A dashboard
    stays one page of figures: no chart. -> {chart_id: {"typ", "png", "alt", "title"}}"""
    if kind != "contingency":
        return {}
    analysed = f"Source: inter-agency risk analysis, {fmt.date(fig['risk']['analysis_date'])}"
    charts = {"risk_matrix": ("Risk analysis: scenarios by likelihood and impact",
                              lambda title: risk_matrix_call(fig, title, analysed))}
    sectors = [s for s in fig["capacity"]["sectors"] if s["need"] or s["capacity"]]
    if sectors:
        source = (f"Source: contingency submissions (people targeted) and partner capacity mapping (capacity, in the "
                  f"people it serves), as of {fmt.date(plan.as_of)}")
        charts["capacity"] = ("Partner capacity against people targeted by sector", lambda title: chart_call(
            "Grouped bar chart", [s["name"] for s in sectors],
            {"People targeted": [s["need"] for s in sectors], "Capacity (people served)": [s["capacity"] for s in sectors]},
            title, "people", source, titled=False))  # captioned
    out = {}
    for chart_id, (title, make) in charts.items():
        call, alt = make(title)
        typ, png = draw(call, Path(out_dir) / f"chart-{chart_id}", chart_library)
        out[chart_id] = {"typ": typ, "png": png, "alt": alt, "title": title}
    return out

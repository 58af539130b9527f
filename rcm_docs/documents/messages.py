"""The figures a drafter's key messages name (intake/readers/messages.FIGURES), formatted for running text from the
same figures files every document reads, so a message says what the tables say."""
from __future__ import annotations

from ..common import fmt
from ..intake.readers import messages as intake


def values(plan, fig: dict, funding: dict | None) -> dict[str, str]:
    """{name: formatted value} for every name in intake.messages.FIGURES."""
    cur = plan.currency
    f = funding or {}
    needs = fig.get("needs") or {}
    pin = needs.get("pin")
    out = {
        "requirements": fmt.money_short(fig["requirements"], cur),
        "funded": fmt.money_short(f.get("funded", 0), cur),
        "percent_funded": fmt.percent(f["percent"], 0) if f.get("percent") is not None else "not yet known",
        "funding_gap": fmt.money_short(f.get("gap", fig["requirements"]), cur),
        "pledged": fmt.money_short(f.get("pledged", 0), cur),
        "people_in_need": fmt.people_short(pin) if pin is not None else "not provided",
        "people_targeted": fmt.people_short(fig["targeted"]),
        "population_targeted": fmt.people_short(fig["targeted_refugees"]),
        "host_targeted": fmt.people_short(fig["targeted_host"]),
        "coverage": fmt.percent(needs["coverage"], 0) if needs.get("coverage") is not None else "not provided",
        "population": fmt.people_short(fig["population_current"]),
        "planning_figure": fmt.people_short(fig["population_planned"]),
        "partners": fmt.number(fig["partners"]),
        "local_partners": fmt.number(fig["local_partners"]),
        "local_share": fmt.percent(fig["local_share"], 0),
        "cash_share": fmt.percent(fig["cva_share"], 0),
        "countries": fmt.number(len(fig.get("countries") or [])),
    }
    assert out.keys() == intake.FIGURES.keys()
    return {k: fmt.md(v) for k, v in out.items()}


def key_messages(plan, fig: dict, funding: dict | None, written: list[tuple[int, str]] | None) -> list[str] | None:
    """The drafter's messages with their figures inserted, or None when none are written. Without funding
    figures (a chapter is the plan's requirements; funding moves monthly and lives in key points and
    funding updates) the messages that name a funding figure are left to those documents."""
    if written is None:
        return None
    filled = values(plan, fig, funding)
    return [intake.fill(text, filled) for _, text in written
            if funding is not None or not intake.names(text) & intake.FUNDING]

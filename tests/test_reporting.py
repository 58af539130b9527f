"""Sitreps, the funding update, key messages and packs as their readers act on them (issue 12): cumulative
reach by hand, tables that add up, issued sitreps that stay as sent, packs only where their reader exists."""
import json
import re
import shutil

import pandas as pd
import pytest
from conftest import FIXTURE, snakemake

from rcm_docs.common.plan import load_plan, parse_plan
from rcm_docs.intake.readers.messages import FIGURES, parse
from rcm_docs.intake.readers.narratives import NarrativeError
from rcm_docs.model.funding import funding_figures
from rcm_docs.model.progress import cumulative_rows, monthly_reached, progress_figures

GROUPS = ["refugees", "host_community"]


def progress(*items):
    cols = ["country", "sector", "organisation", "activity", "indicator", "indicator_code", "indicator_type", "unit",
            "admin1", "reached", "reached_refugees", "reached_host_community"]
    return pd.DataFrame([dict(zip(cols, i)) for i in items])


def test_reach_since_the_start_adds_up_months_per_activity_then_consolidates_across_partners(plan):
    jan = progress(("KEN", "PRO", "UNICEF", "Case management", "PR1", "PR1", "people", "people", "Turkana", 100, 80, 20),
                   ("KEN", "PRO", "NRC", "Legal aid", "PR1", "PR1", "people", "people", "Turkana", 150, 150, 0))
    feb = progress(("KEN", "PRO", "UNICEF", "Case management", "PR1", "PR1", "people", "people", "Turkana", 120, 100, 20),
                   ("KEN", "PRO", "NRC", "Legal aid", "PR1", "PR1", "people", "people", "Garissa", 40, 40, 0),
                   # trainings are not people: they never enter people reached
                   ("KEN", "PRO", "NRC", "Training", "PR3", "PR3", "capacity building", "officials", "Turkana", 900, None, None))
    fig = {"targeted": 1000, "sectors": [{"code": "PRO", "targeted": 1000}, {"code": "EDU", "targeted": 0}],
           "indicators": {"PRO": [{"code": "PR1", "indicator": "# people", "type": "people", "unit": "people", "key": True,
                                   "target": 800},
                                  {"code": "PR3", "indicator": "# officials trained", "type": "capacity building",
                                   "unit": "officials", "key": True, "target": 1200}], "EDU": []}}
    total = progress_figures(plan, "KEN", cumulative_rows([jan, feb]), fig)
    # Turkana: UNICEF 100 + 120 = 220 against NRC 150 -> 220 (highest per area); Garissa: NRC 40. 260, not 410.
    assert total["reached"] == 260 and total["sectors"][0]["reached"] == 260
    month = progress_figures(plan, "KEN", feb, fig)
    assert month["reached"] == 160  # February alone: Turkana 120 + Garissa 40
    key = {i["code"]: i for i in total["indicators"]}
    assert (key["PR1"]["achieved"], key["PR1"]["percent"]) == (260, 32.5)
    assert (key["PR3"]["achieved"], key["PR3"]["unit"], key["PR3"]["percent"]) == (900, "officials", 75.0)


def test_monthly_trend_has_every_month_and_a_gap_where_no_report_came(plan):
    jan = progress(("KEN", "PRO", "UNICEF", "A", "PR1", "PR1", "people", "people", "Turkana", 100, 100, 0))
    mar = progress(("KEN", "PRO", "UNICEF", "A", "PR1", "PR1", "people", "people", "Turkana", 70, 70, 0),
                   ("UGA", "PRO", "UNICEF", "A", "PR1", "PR1", "people", "people", "Adjumani", 999, 999, 0))
    trend = monthly_reached(plan, "KEN", {"2026-01": jan, "2026-03": mar}, "2026-04")
    assert trend == [{"month": "2026-01", "reached": 100}, {"month": "2026-02", "reached": None},
                     {"month": "2026-03", "reached": 70}, {"month": "2026-04", "reached": None}]


def _contributions(*rows):
    return pd.DataFrame(rows, columns=["donor", "organisation", "country", "sector", "organisation_type", "amount_usd",
                                       "date", "status"])


def test_every_funding_table_adds_up_to_its_total_with_unearmarked_and_overfunded_lines(plan):
    rows = _contributions(
        ("Germany", "UNHCR", "KEN", "PRO", "UN", 500_000.0, "2026-02-01", "paid"),  # PRO over its 400,000
        ("EU", "NRC", "KEN", "", "INGO", 100_000.0, "2026-02-15", "committed"),  # no sector
        ("Japan", "UNHCR", "KEN", "EDU", "UN", 50_000.0, "2026-03-01", "pledged"),
        ("Canada", "NRC", "UGA", "EDU", "INGO", 30_000.0, "2026-01-20", "paid"),
        ("Norway", "UNHCR", "regional", "", "UN", 20_000.0, "2026-03-10", "paid"),
    )
    ken = {"requirements": 1_000_000.0, "sectors": [{"code": "PRO", "name": "Protection", "requirements": 400_000.0},
                                                    {"code": "EDU", "name": "Education", "requirements": 600_000.0}],
           "org_types": [{"type": "UN", "requirements": 700_000.0}, {"type": "INGO", "requirements": 300_000.0}]}
    uga = {"requirements": 200_000.0, "sectors": [{"code": "PRO", "name": "Protection", "requirements": 0.0},
                                                  {"code": "EDU", "name": "Education", "requirements": 200_000.0}],
           "org_types": [{"type": "INGO", "requirements": 200_000.0}]}
    regional = {"requirements": 1_200_000.0, "countries": [{"code": "KEN", "name": "Kenya", "requirements": 1_000_000.0},
                                                           {"code": "UGA", "name": "Uganda", "requirements": 200_000.0}],
                "sectors": [{"code": "PRO", "name": "Protection", "requirements": 400_000.0},
                            {"code": "EDU", "name": "Education", "requirements": 800_000.0}],
                "org_types": [{"type": "UN", "requirements": 700_000.0}, {"type": "INGO", "requirements": 500_000.0}]}
    f = funding_figures(plan, rows, {"KEN": ken, "UGA": uga, "regional": regional})
    k = f["KEN"]
    # By hand: funded 500,000 + 100,000 = 600,000 (the pledge is apart); gap 1,000,000 - 600,000 = 400,000.
    assert (k["funded"], k["pledged"], k["gap"]) == (600_000, 50_000, 400_000)
    assert [s["gap"] for s in k["by_sector"]] == [-100_000, 600_000] and k["unearmarked"] == 100_000
    assert sum(s["gap"] for s in k["by_sector"]) - k["unearmarked"] == k["gap"]
    assert sum(s["funded"] for s in k["by_sector"]) + k["unearmarked"] == k["funded"]
    assert sum(t["funded"] for t in k["by_org_type"]) == k["funded"]
    assert sum(t["gap"] for t in k["by_org_type"]) == k["gap"]
    r = f["regional"]
    assert (r["funded"], r["gap"]) == (650_000, 550_000)
    assert [(c["code"], c["funded"], c["gap"]) for c in r["by_country"]] == [("KEN", 600_000, 400_000),
                                                                            ("UGA", 30_000, 170_000)]
    assert sum(c["gap"] for c in r["by_country"]) - r["regional_only"] == r["gap"]
    assert sum(d["funded"] for d in r["donors"]) == r["funded"]
    assert [d["donor"] for d in r["donors"]] == ["Germany", "EU", "Canada", "Norway"]  # largest first
    assert r["pledges"] == [{"donor": "Japan", "pledged": 50_000}]


def test_packs_go_only_where_their_reader_exists():
    p = parse_plan({
        "title": "T", "situation": "T", "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "countries": ["KEN", "UGA", "SSD"], "sectors": [{"code": "PRO", "name": "Protection"}],
        "population_groups": [{"code": "refugees", "name": "Refugees"}],
        "coordination": {"KEN": {"forum": "RCF", "hct": False}, "SSD": {"forum": "RCF", "hct": True},
                         "UGA": {"forum": "RCF", "rc_unct": False}},
    })
    assert p.pack_documents("hc_hct") == ["SSD"]  # no HCT in Kenya or Uganda, none regional
    assert p.pack_documents("rc_unct") == ["KEN", "SSD"]  # an RC everywhere unless the plan says not
    assert p.pack_documents("donors") == ["KEN", "UGA", "SSD", "regional"]
    p2 = parse_plan({**{k: v for k, v in {
        "title": "T", "situation": "T", "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "countries": ["KEN"], "sectors": [{"code": "PRO", "name": "Protection"}],
        "population_groups": [{"code": "refugees", "name": "Refugees"}]}.items()},
        "coordination": {"regional": {"forum": "Regional RCF", "hct": True}}})
    assert p2.pack_documents("hc_hct") == ["regional"]  # the plan says a regional HCT exists


def test_key_message_naming_an_unknown_figure_is_refused_with_its_line():
    text = "1. Partners appeal for {requirements}.\n2. They target\n   {people_targetted} people.\n"
    with pytest.raises(NarrativeError) as e:
        parse(text, "inputs/narratives/KEN/key_messages.md")
    msg = str(e.value)
    assert "inputs/narratives/KEN/key_messages.md, line 3" in msg and "{people_targetted}" in msg
    assert "Did you mean {people_targeted}?" in msg
    assert parse("1. A {{literal}} brace and {funded}.\n", "x") == [(1, "A {{literal}} brace and {funded}.")]
    with pytest.raises(NarrativeError, match="line 2: key messages are a numbered list"):
        parse("1. One.\nNot numbered.\n", "x")
    assert "requirements" in FIGURES


@pytest.fixture(scope="module")
def reporting(tmp_path_factory):
    """The fixture workspace with an earlier progress-only month, key messages, built once."""
    ws = tmp_path_factory.mktemp("reporting") / "ws"
    shutil.copytree(FIXTURE, ws)
    feb = ws / "inputs" / "sitreps" / "2026-02" / "progress"
    feb.mkdir(parents=True)
    march = (ws / "inputs/sitreps/2026-03/progress").glob("*")
    for f in march:
        shutil.copy(f, feb / f.name)  # February reported exactly what March did: since January = 2 x March
    (ws / "inputs/narratives/KEN/key_messages.md").write_text(
        "1. Partners in Kenya appeal for {requirements} and have received {percent_funded} of it.\n"
        "2. The plan targets {people_targeted} people.\n", encoding="utf-8")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    return ws


def test_sitrep_shows_the_month_and_reach_since_the_start_and_says_which(reporting):
    fig = json.loads((reporting / "build/figures/sitreps/2026-03/KEN.json").read_text(encoding="utf-8"))
    p = fig["progress"]
    assert p["cumulative"]["months"] == ["2026-02", "2026-03"]
    assert p["cumulative"]["reached"] > p["reached"] > 0
    md = (reporting / "build/sitreps/2026-03/KEN.md").read_text(encoding="utf-8")
    assert f"| People reached in March 2026 | {p['reached']:,} |" in md
    assert f"| People reached since January 2026 | {p['cumulative']['reached']:,} |" in md
    assert "February 2026, March 2026" in md and "the figure is a floor" in md  # January sent no report
    assert "Issue No. 1, March 2026" in md
    assert [t["reached"] is None for t in p["trend"]] == [True, False, False]


def test_key_points_carry_the_drafters_messages_with_computed_figures(reporting):
    md = (reporting / "build/keypoints/KEN.md").read_text(encoding="utf-8")
    fund = json.loads((reporting / "build/figures/funding/KEN.json").read_text(encoding="utf-8"))
    fig = json.loads((reporting / "build/figures/KEN.json").read_text(encoding="utf-8"))
    assert f"1. Partners in Kenya appeal for USD {fig['requirements'] / 1e6:.1f} million and have received " \
           f"{round(fund['percent'] * 100)}% of it." in md
    assert f"2. The plan targets {fig['targeted']:,} people." in md


def test_funding_update_adds_up_and_names_donors_largest_first(reporting):
    md = (reporting / "build/funding/regional.md").read_text(encoding="utf-8")
    fund = json.loads((reporting / "build/figures/funding/regional.json").read_text(encoding="utf-8"))
    section = md.split("# Contributions by donor")[1]
    donors = [[c.strip() for c in l.strip("|").split("|")] for l in section.splitlines()
              if l.startswith("| ") and "Total" not in l and "Donor" not in l]
    # Funders largest first, then donors that have only pledged (Japan), whose pledge is apart, not funding.
    assert [d[0] for d in donors] == [d["donor"] for d in fund["donors"]] + ["Japan"] and donors[0][0] == "Germany"
    assert donors[-1] == ["Japan", "-", "-", "50,000"]
    assert "Pledges are announced but not yet committed" in section
    table = [[c.strip() for c in l.strip("|").split("|")] for l in
             md.split("# Funding by sector")[1].split("# ")[0].splitlines() if l.startswith("| ")]
    body, total = table[1:-1], table[-1]
    assert body[-1][0] == "Not earmarked to a sector"
    value = lambda c: int(c.strip("*").replace(",", "") or 0)  # noqa: E731
    for col in (2, 4):  # funded and gap columns add up to their totals
        assert sum(value(r[col]) for r in body) == value(total[col])
    assert value(total[4]) == round(fund["gap"])
    assert (reporting / "build/funding/KEN.pdf").stat().st_size > 0


def test_no_pack_for_a_reader_who_does_not_exist_and_the_index_links_only_what_was_built(reporting):
    build = reporting / "build"
    plan = load_plan(reporting / "inputs/plan.yaml")
    assert not (build / "packs/hc_hct").exists()  # the fixture plan says no HCT anywhere
    assert sorted(p.stem for p in (build / "packs/rc_unct").glob("*.docx")) == sorted(plan.pack_documents("rc_unct"))
    page = (build / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r"href=[\"']([^\"']+\.(?:docx|pdf|xlsx))[\"']", page))
    written = {str(p.relative_to(build)) for ext in ("docx", "pdf", "xlsx") for p in build.rglob(f"*.{ext}")
               if not any(part.startswith(".") for part in p.relative_to(build).parts) and "reports" not in p.parts
               and "review" not in p.parts}  # kept copies (.last-good, .previous) and redlines are not documents
    assert linked == written


def test_no_sentence_reads_generated(reporting):
    for md in (reporting / "build").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        assert "information for the" not in text, md
        assert not re.search(r"\b1 (sector submissions|partners|donors|countries)\b", text), md
        assert not re.search(r"\b0(\.0)?% of the requirements \(USD 0\)", text), md


def test_an_issued_sitrep_keeps_its_bytes_after_a_later_budget_change(tmp_path):
    from rcm_docs.steps.issued import issue

    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws)
    assert snakemake(ws).returncode == 0
    print(issue(ws, "2026-03", today=__import__("datetime").date(2026, 4, 5)))
    before = {p: (ws / "build/sitreps/2026-03" / p).read_bytes() for p in ("KEN.docx", "KEN.pdf", "regional.docx")}
    chapter = (ws / "build/rrp/KEN.docx").read_bytes()
    sub = ws / "inputs/submissions/KEN/PRO.csv"
    text = sub.read_text(encoding="utf-8")
    sub.write_text(text.replace("500000", "650000", 1), encoding="utf-8")
    assert text != sub.read_text(encoding="utf-8")
    stray = ws / "build/packs/hc_hct/KEN.docx"  # left by a plan that once had an HCT in Kenya
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"old briefing")
    result = snakemake(ws)
    assert not stray.exists()  # a document the plan no longer makes is not left to be sent by mistake
    assert result.returncode == 0, result.stderr[-2000:]
    assert (ws / "build/rrp/KEN.docx").read_bytes() != chapter  # the plan moved ...
    for p, data in before.items():
        assert (ws / "build/sitreps/2026-03" / p).read_bytes() == data, p  # ... what was sent did not
    with pytest.raises(Exception, match="already issued"):
        issue(ws, "2026-03")
    issue(ws, "2026-03", "Corrected Protection budget", today=__import__("datetime").date(2026, 4, 9))
    assert snakemake(ws).returncode == 0
    assert (ws / "build/sitreps/2026-03/KEN.docx").read_bytes() != before["KEN.docx"]  # re-rendered, for review
    assert "Re-issued" in issue(ws, "2026-03", today=__import__("datetime").date(2026, 4, 10))
    assert snakemake(ws).returncode == 0
    page = (ws / "build/index.html").read_text(encoding="utf-8")
    assert "re-opened" in page and "Corrected Protection budget" in page and "re-issued" in page


def test_requirements_funding_and_progress_each_carry_their_own_date(reporting):
    """Funding is recorded to its own date, progress to its period's end: neither is printed as of the plan's."""
    from rcm_docs.common.fmt import date

    plan = load_plan(reporting / "inputs/plan.yaml")
    fund = json.loads((reporting / "build/figures/funding/KEN.json").read_text(encoding="utf-8"))
    assert fund["as_of"] and fund["as_of"] != str(plan.as_of)  # the fixture records funding earlier than the plan
    want = (f"sector submissions (people targeted, requirements), as of {date(plan.as_of)}",
            f"contributions recorded as committed or paid (funding), as of {date(fund['as_of'])}")
    for doc in ("keypoints/KEN.md", "packs/donors/KEN.md"):
        md = " ".join((reporting / "build" / doc).read_text(encoding="utf-8").split())
        assert all(w in md for w in want), doc
        assert f"Plan figures as of {date(plan.as_of)}; funding recorded up to {date(fund['as_of'])}." in md, doc
    pack = " ".join((reporting / "build/packs/donors/KEN.md").read_text(encoding="utf-8").split())
    assert "partners' monthly progress reports (people reached), to 31 March 2026" in pack

"""The example plan (inputs/) is what `rcm-docs demo` writes, reproducibly, and it reads like a real one:
submissions speak the plan's framework, needs exceed targets, narratives are not a template repeated."""
import csv
import filecmp
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from rcm_docs.common.plan import load_plan
from rcm_docs.demo import generate
from rcm_docs.intake.tables.contract import columns_for, header_lookup, normalise_header
from rcm_docs.intake.tables.read import read_submission

EXAMPLE = ROOT / "inputs"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("demo")) / "inputs"


def test_same_arguments_give_the_same_bytes(fresh, tmp_path):
    again = _files(generate(tmp_path / "again") / "inputs")
    assert again == _files(fresh)
    assert any(name.endswith(".xlsx") for name in again)  # workbooks included, not only text


def test_the_shipped_example_is_the_demo_with_default_arguments(fresh):
    # inputs/ is regenerated, never edited by hand: rm -rf inputs && rcm-docs demo DIR && cp -r DIR/inputs inputs
    shipped, made = _files(EXAMPLE), _files(fresh)
    assert sorted(shipped) == sorted(made)
    assert [n for n in made if shipped[n] != made[n]] == []


def _sentences(text: str) -> set[str]:
    flat = " ".join(text.split())
    return {s.strip(" .-*") for s in flat.split(". ") if len(s.split()) >= 4}


def sector_narratives(inputs: Path, sectors: list[str]) -> dict[str, str]:
    return {p.relative_to(inputs / "narratives").as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((inputs / "narratives").glob("*/*.md")) if p.stem in sectors}


def _repeated(narratives: dict[str, str]) -> dict[str, int]:
    seen = Counter(s for text in narratives.values() for s in _sentences(text))
    return {s: n for s, n in seen.items() if n >= 3}


def test_no_sentence_repeats_across_the_example_sector_narratives():
    sectors = [s["code"] for s in yaml.safe_load((EXAMPLE / "plan.yaml").read_text(encoding="utf-8"))["sectors"]]
    narratives = sector_narratives(EXAMPLE, sectors)
    assert len(narratives) >= 40  # country x sector, missing a few on purpose, and the regional strategies
    assert _repeated(narratives) == {}


def test_a_larger_demo_still_writes_specific_narratives(tmp_path):
    inputs = generate(tmp_path, countries=9, sectors=12, rows=1200) / "inputs"
    narratives = sector_narratives(inputs, ["PRO", "EDU", "HEA", "FSC", "WSH", "SHE", "INT", "BNE", "NUT", "HTR", "CCS", "CPR"])
    assert _repeated({k: v for k, v in narratives.items() if not k.startswith("regional/")}) == {}
    argentina = {k: v for k, v in narratives.items() if k.startswith("ARG/")}
    assert len(argentina) >= 10 and all("Argentina" in text for text in argentina.values())
    assert len(set(argentina.values())) == len(argentina)


def _rows(path: Path) -> list[dict]:
    """A submission's rows as {contract column: cell}, read as the pipeline reads them."""
    lookup = header_lookup(columns_for(load_plan(EXAMPLE / "plan.yaml")))
    table = read_submission(path, set(lookup))
    names = [lookup.get(normalise_header(h), h) for h in table.headers]
    return [dict(zip(names, row)) for row in table.rows]


def test_submissions_speak_the_plan_framework():
    plan = yaml.safe_load((EXAMPLE / "plan.yaml").read_text(encoding="utf-8"))
    objectives = {s["code"]: {o["text"] for o in s["objectives"]} | {o["code"] for o in s["objectives"]}
                  for s in plan["sectors"]}
    with (EXAMPLE / "indicators.csv").open(encoding="utf-8") as f:
        framework = list(csv.DictReader(f))
    indicators = {}
    for i in framework:
        indicators.setdefault(i["sector"], {})[i["code"]] = i
        indicators[i["sector"]][i["indicator"]] = i
    assert {i["type"] for i in framework} - {"people"} >= {"Capacity Building", "Campaign", "Infrastructure"}
    files = sorted((EXAMPLE / "submissions").glob("*/*.*"))
    assert {p.suffix for p in files} == {".csv", ".xlsx"}
    for path in files:
        sector = path.stem
        for row in _rows(path):
            assert row["objective"] in objectives[sector], (path, row["objective"])
            indicator = indicators[sector].get(str(row["indicator"]))
            assert indicator is not None, (path, row["indicator"])
            targets = [row[k] for k in row if k.startswith("target_") and row[k] not in (None, "")]
            if indicator["type"] == "people":
                assert sum(float(t) for t in targets) > 0 and row.get("output") in (None, ""), (path, row)
            else:
                assert not targets and float(row["output"]) > 0, (path, row)


def test_people_in_need_sit_between_the_targets_and_the_population():
    def table(name):
        with (EXAMPLE / name).open(encoding="utf-8") as f:
            return list(csv.DictReader(f))

    needs, population = table("needs.csv"), table("population.csv")
    planned = {(r["country"], r["population_group"]): float(r["planned"]) for r in population}
    assert {r["source"] for r in needs} and all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["as_of"]) for r in needs + population)
    for (country, group), people in planned.items():
        sector_pin = Counter()
        for r in needs:
            if (r["country"], r["population_group"]) == (country, group) and r["sector"] != "intersectoral":
                sector_pin[r["sector"]] += float(r["people_in_need"])
        assert max(sector_pin.values()) < people, (country, group)
    assert len({r["country"] for r in needs if r["sector"] == "intersectoral"}) == 2
    assert any(r["admin1"] == "" and r["sector"] != "intersectoral" for r in needs)


def test_national_partners_appeal_only_where_they_are_registered():
    with (EXAMPLE / "partners.csv").open(encoding="utf-8") as f:
        partners = list(csv.DictReader(f))
    home = {}
    for p in partners:
        if p["scope"] == "national":
            assert p["countries"], p
            home[p["organisation"]] = home[p["acronym"] or p["organisation"]] = set(p["countries"].split())
    for path in sorted((EXAMPLE / "submissions").glob("*/*.*")):
        for row in _rows(path):
            assert path.parent.name in home.get(row["organisation"], {path.parent.name}), (path, row["organisation"])


def test_the_demo_writes_the_whole_contract(fresh):
    for name in ("plan.yaml", "partners.csv", "population.csv", "needs.csv", "indicators.csv", "coordination.csv",
                 "gazetteer.csv", "funding/contributions.csv", "narratives/regional/overview.md"):
        assert (fresh / name).is_file(), name
    assert not filecmp.dircmp(fresh / "sitreps", EXAMPLE / "sitreps").diff_files

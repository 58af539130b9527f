import pytest

from rcm_docs.common.plan import PlanError, load_plan, parse_plan

BASE = {
    "title": "T", "situation": "S", "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-12-31"},
    "countries": ["COL", "PER"], "sectors": [{"code": "PRO", "name": "Protection"}],
    "population_groups": [{"code": "refugees", "name": "Refugees"}],
}


def with_(**changes):
    return {**BASE, **changes}


def test_plan_derives_country_names_from_iso_codes_and_takes_overrides():
    plan = parse_plan(with_(countries=["COL", "BOL"], country_names={"BOL": "Bolivia"}))
    assert [c.name for c in plan.countries] == ["Colombia", "Bolivia"]


def test_plan_unknown_key_is_named():
    with pytest.raises(PlanError, match=r"unknown key 'sector_list'"):
        parse_plan(with_(sector_list=[]))


def test_plan_unknown_nested_key_is_named_with_its_path():
    with pytest.raises(PlanError, match=r"sectors\[0\]: unknown key 'lead'"):
        parse_plan(with_(sectors=[{"code": "PRO", "name": "Protection", "lead": "UNHCR"}]))


def test_plan_bad_country_code_is_named():
    with pytest.raises(PlanError, match=r"countries\[1\]: 'XYZ' is not an ISO 3166-1 alpha-3 country code"):
        parse_plan(with_(countries=["COL", "XYZ"]))


def test_plan_lists_every_problem_at_once():
    with pytest.raises(PlanError) as e:
        parse_plan(with_(currency="dollars", countries=["co"]))
    assert "currency" in str(e.value) and "countries[0]" in str(e.value)


@pytest.mark.parametrize("key,items", [
    ("sectors", [{"code": "PRO", "name": "A"}, {"code": "pro", "name": "B"}]),
    ("population_groups", [{"code": "refugees", "name": "A"}, {"code": "refugees", "name": "B"}]),
])
def test_plan_duplicate_codes_refused(key, items):
    with pytest.raises(PlanError, match=rf"{key}\[1\].code: .* is listed twice"):
        parse_plan(with_(**{key: items}))


def test_plan_end_before_start_refused():
    with pytest.raises(PlanError, match="before period.start"):
        parse_plan(with_(period={"start": "2026-12-31", "end": "2026-01-01"}))


def test_plan_missing_file_says_what_is_needed(tmp_path):
    with pytest.raises(PlanError, match="a workspace needs inputs/plan.yaml"):
        load_plan(tmp_path / "plan.yaml")


def test_plan_as_of_defaults_to_period_start():
    assert str(parse_plan(BASE).as_of) == "2026-01-01"

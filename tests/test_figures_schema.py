"""build/figures/**/*.json against rcm_docs/common/schemas/figures.schema.json: every file of real builds (the
fixture plan, the shipped example, the fixture plan with Tanzania preparing) fits its kind's schema, and a
figures dict with a key removed, a key renamed or a number turned into text is refused with the file's name and
the JSON path of the violation."""
import copy
import json
import math

import jsonschema
import pytest
from conftest import snakemake
from test_preparedness import prep_workspace

from rcm_docs.common.figures_schema import (
    KINDS,
    FiguresSchemaError,
    check_figures,
    check_file,
    check_tree,
    kind_of,
    load_schema,
)


@pytest.fixture(scope="module")
def prep_built(tmp_path_factory):
    """The fixture plan with Tanzania preparing, built only as far as the preparedness figures: its scenario
    has no `current` figure and its checks are not empty, which the example's are."""
    ws = prep_workspace(tmp_path_factory.mktemp("figures-schema-prep") / "ws")
    result = snakemake(ws, "build/figures/preparedness/regional.json")
    assert result.returncode == 0, result.stderr[-3000:]
    return ws


def _check_build(ws) -> dict[str, list[str]]:
    """Check every figures file of a build; -> kind -> the files of that kind."""
    figures = ws / "build" / "figures"
    by_kind: dict[str, list[str]] = {}
    for path in check_tree(figures):
        by_kind.setdefault(kind_of(path.relative_to(figures)), []).append(path.relative_to(figures).as_posix())
    return by_kind


def test_schema_is_valid_2020_12_and_has_every_kind():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(KINDS) <= set(schema["$defs"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_fixture_build_fits(built):
    by_kind = _check_build(built)
    assert by_kind == {
        "country": ["KEN.json", "UGA.json"], "regional": ["regional.json"],
        "funding_country": ["funding/KEN.json", "funding/UGA.json"], "funding_regional": ["funding/regional.json"],
        "sitrep_country": ["sitreps/2026-03/KEN.json", "sitreps/2026-03/UGA.json"],
        "sitrep_regional": ["sitreps/2026-03/regional.json"],
    }


def test_example_build_fits(example_built):
    by_kind = _check_build(example_built)
    assert set(by_kind) == set(KINDS)  # the example exercises every kind, preparedness included
    assert len(by_kind["sitrep_country"]) >= 2 * len(by_kind["country"])  # two periods


def test_preparedness_fixture_build_fits(prep_built):
    by_kind = _check_build(prep_built)
    assert by_kind == {"preparedness_country": ["preparedness/TZA.json"],
                       "preparedness_regional": ["preparedness/regional.json"]}
    tza = json.loads((prep_built / "build/figures/preparedness/TZA.json").read_text(encoding="utf-8"))
    assert tza["checks"] and tza["risk"]["planning"]["planning_figure"]["current"] is None


@pytest.mark.parametrize("rel, kind", [
    ("KEN.json", "country"), ("regional.json", "regional"),
    ("funding/KEN.json", "funding_country"), ("funding/regional.json", "funding_regional"),
    ("sitreps/2026-03/KEN.json", "sitrep_country"), ("sitreps/2026-03/regional.json", "sitrep_regional"),
    ("preparedness/TZA.json", "preparedness_country"), ("preparedness/regional.json", "preparedness_regional"),
    ("/tmp/ws/build/figures/sitreps/2026-03/UGA.json", "sitrep_country"),
])
def test_kind_of_path(rel, kind):
    assert kind_of(rel) == kind


@pytest.mark.parametrize("rel", ["KENYA.json", "funding/KEN.csv", "sitreps/KEN.json", "preparedness/x/TZA.json",
                                 "inputs/issued/sitreps/2026-03/figures/KEN.json"])
def test_kind_of_refuses_other_paths(rel):
    with pytest.raises(ValueError, match="not a figures file the build writes"):
        kind_of(rel)


def _figures(ws, rel):
    return json.loads((ws / "build" / "figures" / rel).read_text(encoding="utf-8"))


def _refused(data, rel) -> FiguresSchemaError:
    with pytest.raises(FiguresSchemaError) as e:
        check_figures(data, kind_of(rel), f"build/figures/{rel}")
    return e.value


# (file, where in it, key): one place per kind of file, nested ones included
PLACES = [
    ("KEN.json", ["sectors", 0], "requirements"),
    ("regional.json", ["countries", 1], "targeted"),
    ("funding/KEN.json", [], "funded"),
    ("funding/regional.json", ["by_country", 0], "gap"),
    ("sitreps/2026-03/KEN.json", ["progress", "cumulative"], "reached"),
    ("sitreps/2026-03/regional.json", ["funding"], "requirements"),
]


def _at(data, where):
    for k in where:
        data = data[k]
    return data


def _path(where, key):
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where) + f".{key}"


@pytest.mark.parametrize("rel, where, key", PLACES)
def test_a_removed_key_is_refused(built, rel, where, key):
    data = _figures(built, rel)
    check_figures(data, kind_of(rel))
    del _at(data, where)[key]
    e = _refused(data, rel)
    parent = _path(where, key).rsplit(".", 1)[0]
    assert f"build/figures/{rel}" in str(e) and e.json_path == parent
    assert f"at {parent}: '{key}' is a required property" in str(e)


@pytest.mark.parametrize("rel, where, key", PLACES)
def test_a_renamed_key_is_refused(built, rel, where, key):
    data = _figures(built, rel)
    place = _at(data, where)
    place[key + "_usd"] = place.pop(key)
    e = _refused(data, rel)
    assert f"build/figures/{rel}" in str(e) and e.json_path == _path(where, key).rsplit(".", 1)[0]
    # both halves of a rename: what is missing and what came instead
    assert f"'{key}' is a required property" in str(e) and f"'{key}_usd' was unexpected" in str(e)


@pytest.mark.parametrize("rel, where, key", PLACES)
def test_a_number_as_text_is_refused(built, rel, where, key):
    data = _figures(built, rel)
    place = _at(data, where)
    place[key] = f"{place[key]:,}"
    e = _refused(data, rel)
    assert e.json_path == _path(where, key)
    assert f"build/figures/{rel}" in str(e) and f"at {_path(where, key)}: " in str(e)
    assert "is not of type" in str(e) and "the value there is a str" in str(e)


def test_nested_preparedness_figures_are_closed(prep_built):
    data = _figures(prep_built, "preparedness/TZA.json")
    bad = copy.deepcopy(data)
    bad["requirements"]["sectors"][1]["cash"] = bad["requirements"]["sectors"][1].pop("cva")
    e = _refused(bad, "preparedness/TZA.json")
    assert e.json_path == "$.requirements.sectors[1]" and "'cash' was unexpected" in str(e)
    bad = copy.deepcopy(data)
    bad["capacity"]["sectors"][0]["days"]["median"] = "5"
    assert _refused(bad, "preparedness/TZA.json").json_path == "$.capacity.sectors[0].days.median"
    bad = _figures(prep_built, "preparedness/regional.json")
    del bad["actions"]["overdue"][0]["country"]
    e = _refused(bad, "preparedness/regional.json")
    assert e.json_path == "$.actions.overdue[0]" and "'country' is a required property" in str(e)


def test_null_only_where_the_code_writes_none(built):
    data = _figures(built, "funding/KEN.json")
    data["by_sector"][0]["percent"] = None  # a sector with no requirements: no percentage
    check_figures(data, "funding_country")
    data["by_sector"][0]["funded"] = None  # funding is a sum: never None
    assert _refused(data, "funding/KEN.json").json_path == "$.by_sector[0].funded"


def test_people_are_whole_numbers_and_nan_is_refused(built, tmp_path):
    data = _figures(built, "KEN.json")
    data["targeted"] = float(data["targeted"])
    e = _refused(data, "KEN.json")
    assert e.json_path == "$.targeted" and "is not of type 'integer'" in str(e)
    data = _figures(built, "KEN.json")
    data["sectors"][1]["cva"] = math.nan
    path = tmp_path / "build" / "figures" / "KEN.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")  # json.dumps writes NaN, which is not JSON
    with pytest.raises(FiguresSchemaError) as e:
        check_file(path)
    assert str(path) in str(e.value) and e.value.json_path == "$.sectors[1].cva" and "NaN" in str(e.value)


def test_an_anyof_names_the_branch_meant(built):
    data = _figures(built, "regional.json")
    data["needs"]["pin_by_group"] = {"refugees": "12"}  # an object or null: the object's error, not 'not null'
    e = _refused(data, "regional.json")
    assert e.json_path == "$.needs.pin_by_group.refugees" and "'12' is not of type 'integer'" in str(e)

"""The input guards, each on its own: the sheet scan's bounds on a workbook's used range (XLSX/XLSM, ODS, XLSB),
plan.yaml's alias bombs, CSV quotes that run away, and encodings judged by evidence. Every hostile file is
built tiny in tmp_path (tests/hostile_files.py); timings belong to bench/, not here."""
from __future__ import annotations

import pytest
import yaml

from rcm_docs.common.plan import PlanError, safe_yaml_load


# ---- plan.yaml ---------------------------------------------------------------------------------------------
def laughs(levels: int, width: int, word: str = "lol") -> str:
    lines = [f'a0: &a0 [{", ".join([repr(word)] * width)}]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_refused_with_clear_message():
    bomb = laughs(10, 9, "lol" * 23)  # 9**10 = 3.5 billion values
    assert 1000 < len(bomb) < 1300
    with pytest.raises(PlanError) as e:
        safe_yaml_load(bomb)
    assert "plan.yaml uses 81 aliases (&anchor/*alias)" in str(e.value) and "write the values out" in str(e.value)


def test_alias_count_bound():
    text = "base: &b [1]\n" + "".join(f"k{i}: *b\n" for i in range(101))
    with pytest.raises(PlanError, match=r"plan.yaml uses over 100 aliases \(&anchor/\*alias\); write the values out"):
        safe_yaml_load(text)


def test_alias_to_itself_refused():
    with pytest.raises(PlanError, match="refers to a value that contains it"):
        safe_yaml_load("a: &a [1, *a]\n")


def test_plan_with_a_few_anchors_and_a_merge_key_loads_as_safe_load():
    plan = """
title: Regional RMRP 2026
period: {start: '2026-01-01', end: '2026-12-31'}
countries: [COL, PER, ECU]
defaults: &pack
  sections: [key_figures, gaps, localisation]
audiences:
  donors: {<<: *pack, name: Donors}
  rc_unct: {<<: *pack, name: RC and UNCT}
  hc_hct:
    name: HC and HCT
    sections: &hrp [key_figures, hrp_sectors]
  extra: {name: Extra, sections: *hrp}
"""
    assert safe_yaml_load(plan) == yaml.safe_load(plan)
    assert safe_yaml_load("") is None


def test_oversize_and_deep_nesting_refused():
    with pytest.raises(PlanError, match="over the 262,144-byte limit"):
        safe_yaml_load("x: " + "a" * 300_000)
    with pytest.raises(PlanError, match="nested too deeply"):
        safe_yaml_load("[" * 50_000 + "]" * 50_000)


def test_yaml_syntax_errors_pass_through_for_the_caller():
    with pytest.raises(yaml.YAMLError):
        safe_yaml_load("a: [1, 2\n")

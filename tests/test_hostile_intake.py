"""Issue 11: hostile or careless submissions, each class through the path the build takes (read_submission,
validate_file, the three validators, load_plan, the registries, the CLI). Every hostile file is built tiny here.

1 grid bound   2 plan.yaml alias bomb   3 runaway quote   4 encodings and NULs   5 Excel error cells
6 which sheet   7 blank headers, over-long text   8 hash of what was read   9 links out of the workspace
10 fix suggestions
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import FIXTURE, copy_fixture

from rcm_docs.common.plan import PlanError, load_plan
from rcm_docs.intake.checks import Registry
from rcm_docs.intake.contract import Reason
from rcm_docs.intake.registries import read_partners
from rcm_docs.intake.validate import validate_file

PLAN = load_plan(FIXTURE / "inputs/plan.yaml")
REGISTRY = Registry(read_partners(FIXTURE / "inputs/partners.csv"))
COLUMNS = ["organisation", "objective", "activity", "indicator", "admin1", "budget_usd", "target_refugees",
           "target_host_community"]
HEAD = ",".join(COLUMNS)
KNOWN = {"organisation", "objective", "activity", "indicator", "admin1", "budgetusd", "targetrefugees"}


def row(i: int, budget="1000", refugees="10", host="5") -> list:
    return ["UNHCR", "Access to asylum", f"Activity {i}", "# registered", "Turkana", budget, refugees, host]


@pytest.fixture
def ws(tmp_path):
    return copy_fixture(tmp_path / "ws")


def drop(ws, name: str, data: bytes | str, country: str = "KEN"):
    p = ws / "inputs" / "submissions" / country / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def check(path, sector: str | None = None):
    return validate_file(path, PLAN, REGISTRY, path.parent.name, sector or path.stem, f"inputs/submissions/KEN/{path.name}")


def problems(result, reason: Reason) -> list:
    return [p for p in result.problems if p.reason is reason]


# ---- 2. plan.yaml alias bomb --------------------------------------------------------------------------------------
def test_plan_alias_bomb_stops_at_parse_time_naming_plan_yaml(ws):
    levels = [f'a0: &a0 [{", ".join([repr("lol" * 23)] * 9)}]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**10 values
    bomb = "\n".join(levels) + "\n"
    assert 1000 < len(bomb) < 1300
    (ws / "inputs" / "plan.yaml").write_text(bomb)
    # In a child with a timeout: before the fix the schema check walked 3.5 billion values.
    run = subprocess.run([sys.executable, "-c", ("import sys\nfrom rcm_docs.common.plan import PlanError, load_plan\n"
                          "try:\n    load_plan(sys.argv[1])\nexcept PlanError as e:\n    print(e)\n"),
                          str(ws / "inputs" / "plan.yaml")], capture_output=True, text=True, timeout=60, check=False)
    assert "plan.yaml uses 81 aliases (&anchor/*alias)" in run.stdout and "write the values out" in run.stdout
    with pytest.raises(PlanError, match="plan.yaml"):
        load_plan(ws / "inputs" / "plan.yaml")

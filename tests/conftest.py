import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rcm_docs.common.plan import parse_plan
from rcm_docs.intake.tables.checks import Registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "ws"


@pytest.fixture
def plan():
    return parse_plan({
        "title": "Test plan", "situation": "Test", "currency": "USD",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "countries": ["KEN", "UGA"],
        "sectors": [{"code": "PRO", "name": "Protection"}, {"code": "EDU", "name": "Education"}],
        "population_groups": [{"code": "refugees", "name": "Refugees"},
                              {"code": "host_community", "name": "Host community", "host_community": True}],
    })


@pytest.fixture
def registry():
    return Registry(pd.DataFrame({
        "organisation": ["United Nations Children's Fund", "Norwegian Refugee Council", "Refugee Voices Network"],
        "acronym": ["UNICEF", "NRC", ""],
        "type": ["UN", "INGO", "Refugee-led organisation"],
    }))


def table_with_caption(path, caption: str) -> list[list[str]]:
    """The cells of the Word table under the caption 'Table N: <caption>', wherever it is (a table may sit in
    a cell of the at-a-glance page's layout)."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    for p in d.element.body.iter(qn("w:p")):
        para = Paragraph(p, d.part)
        if para.style is not None and para.style.name == "Table Caption" and para.text.split(": ", 1)[-1] == caption:
            table = p.getnext()
            while table is not None and table.tag != qn("w:tbl"):
                table = table.getnext()
            return [[c.text for c in r.cells] for r in Table(table, d.part).rows]
    raise KeyError(f"no table captioned {caption!r} in {path}")


def copy_fixture(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    return dest


def snakemake(workspace: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workspace), "--cores", "2", *extra],
        capture_output=True, text=True, encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture workspace, built once for every end-to-end test that only reads."""
    ws = copy_fixture(tmp_path_factory.mktemp("built") / "ws")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    return ws


@pytest.fixture(scope="session")
def example_built(tmp_path_factory):
    """The shipped example plan (inputs/), built once for the tests that read its documents."""
    ws = tmp_path_factory.mktemp("example") / "example"
    shutil.copytree(ROOT / "inputs", ws / "inputs")
    result = snakemake(ws)
    assert result.returncode == 0, result.stderr[-3000:]
    return ws

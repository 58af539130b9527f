"""The README stays true: every contract column and reason code is documented."""
from pathlib import Path

import pytest

from rcm_docs.intake.contract import BASE_COLUMNS, Reason

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.mark.parametrize("column", [c.name for c in BASE_COLUMNS])
def test_readme_documents_every_contract_column(column):
    assert f"`{column}`" in README


@pytest.mark.parametrize("reason", [r.value for r in Reason])
def test_readme_documents_every_reason_code(reason):
    assert f"`{reason}`" in README

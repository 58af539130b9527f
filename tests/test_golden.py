"""Golden files: the Markdown twin of each fixture document, compared with a committed expectation.

Refresh on purpose, after a deliberate change of wording or layout:
    RCM_UPDATE_GOLDEN=1 pytest tests/test_golden.py
and review the diff of tests/golden/ like any other change.
"""
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("doc", ["KEN", "UGA", "regional"])
def test_rendered_markdown_matches_golden(built, doc):
    got = (built / "build" / "rrp" / f"{doc}.md").read_text(encoding="utf-8")
    path = GOLDEN / f"{doc}.md"
    if os.environ.get("RCM_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{doc}.md differs from {path}; see the module docstring"

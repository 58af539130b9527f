"""Hostile and ordinary narratives and plan values never hang the build, leak a file, break a document or
turn into markup or code (issue 11, the documents side).

Every hostile input is made here; nothing hostile is stored in the repository.
"""
import time

import pytest

from conftest import ROOT

TYPST_TEMPLATE = ROOT / "templates" / "rrp.typ"
REFERENCE_DOCX = ROOT / "templates" / "reference.docx"
VARIABLES = {"header": "h", "header-right": "r", "as-of": "a", "year": "2026", "month": "1", "day": "1"}
BRACKETS_14 = "[" * 14 + "x" + "]" * 14  # 30 bytes: minutes of pandoc and gigabytes of memory


def pdf_text(path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return " ".join(" ".join(page.get_text() for page in doc).split())


# ---- 1. Never hang, never blow up ----

def test_a_stuck_pandoc_is_stopped_after_the_time_bound_and_the_next_request_works(monkeypatch):
    """Whatever slips past the narrative checks, no conversion holds a build step longer than the bound."""
    from rcm_docs.documents import pandoc

    monkeypatch.setattr(pandoc, "PANDOC_TIMEOUT_S", 2)
    pandoc.warm()
    t = time.perf_counter()
    with pytest.raises(pandoc.RenderError, match=r"more than 2 s.*simplify.*nested brackets"):
        pandoc._pandoc(BRACKETS_14, "typst")
    assert time.perf_counter() - t < 10
    assert "#strong[after]" in pandoc._pandoc("**after**", "typst")  # a fresh server answers


def test_a_pandoc_that_runs_out_of_its_memory_bound_is_reported_and_replaced(monkeypatch):
    from rcm_docs.documents import pandoc

    monkeypatch.setattr(pandoc, "PANDOC_MEMORY_BYTES", 300 * 1024**2)
    pandoc._server.ask({"md": "", "from": pandoc.PANDOC_FROM, "to": "typst"})  # a request in flight cannot be
    pandoc._server.proc.kill()  # stopped: start a server under the new bound for the next one
    pandoc._server.proc.wait()
    hog = "[" * 3000 + "x" + "]" * 3000  # fills 300 MB in a few seconds
    with pytest.raises(pandoc.RenderError, match="out of memory .limit 300 MB.*simplify"):
        pandoc._pandoc(hog, "typst")
    monkeypatch.undo()
    assert "#emph[fine]" in pandoc._pandoc("*fine*", "typst")

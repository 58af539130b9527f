"""Reviewers: what changed between two drafts, traced to the submission row that moved it."""
import shutil

import pytest

from conftest import snakemake
from rcm_docs.cli import main
from rcm_docs.review.diff import figure_changes, row_changes


@pytest.fixture(scope="module")
def drafts(built, tmp_path_factory):
    """Draft 1 is the fixture build; draft 2 after one sector lead changes one number."""
    ws2 = tmp_path_factory.mktemp("draft2") / "ws"
    shutil.copytree(built, ws2)
    p = ws2 / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text().replace("80000", "95000"))
    assert snakemake(ws2).returncode == 0
    return built / "build", ws2 / "build"


def test_one_number_moves_exactly_the_totals_it_feeds(drafts):
    figs = figure_changes(*drafts)
    moved = {(r.level, r.item, r.measure): (r.old, r.new) for r in figs.itertuples()}
    assert {k: v for k, v in moved.items() if k[2] == "requirements" and ", " not in k[1]} == {
        ("total", "Uganda", "requirements"): (480000, 495000),
        ("sector", "Uganda: Protection", "requirements"): (480000, 495000),
        ("organisation type", "Uganda: Red Cross/Red Crescent", "requirements"): (80000, 95000),
        ("partner", "Uganda: Uganda Red Cross Society", "requirements"): (80000, 95000),
        ("total", "Regional", "requirements"): (1775000, 1790000),
        ("sector", "Regional: Protection", "requirements"): (1355000, 1370000),
        ("organisation type", "Regional: Red Cross/Red Crescent", "requirements"): (80000, 95000),
        ("partner", "Regional: Uganda Red Cross Society", "requirements"): (80000, 95000),
    }


def test_derived_figures_that_moved_are_listed_with_the_inputs_behind_them(drafts):
    figs = figure_changes(*drafts)
    moved = {(r.item, r.measure): (r.old, r.new, r.inputs) for r in figs.itertuples()}
    # URCS is a national society (partners.csv scope): Uganda's localisation share moves with it.
    assert moved[("Uganda", "localisation share")][:2] == (80000 / 480000, 95000 / 495000)
    assert moved[("Uganda", "localisation share")][2] == "inputs/submissions/UGA/PRO.csv"
    assert moved[("Uganda, funding", "funding gap")][:2] == (480000 - 40000, 495000 - 40000)
    assert moved[("Uganda, funding", "% funded")][:2] == (40000 / 480000, 40000 / 495000)
    assert moved[("Regional, funding", "funding gap")][2] == "inputs/submissions/UGA/PRO.csv"
    assert ("Uganda: Protection", "share of requirements") not in moved  # still all of Uganda's requirements
    assert not [k for k in moved if k[0].startswith("Kenya")]  # Kenya's figures did not move


def test_a_redline_for_every_document_whose_bytes_changed_and_none_for_the_others(drafts, tmp_path):
    from rcm_docs.review.drafts import documents

    out = tmp_path / "review"
    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(out)]) == 0
    old, new = documents(drafts[0]), documents(drafts[1])
    changed = {d for d in old if old[d].read_bytes() != new[d].read_bytes()}
    assert {"rrp/UGA.docx", "rrp/regional.docx", "keypoints/UGA.docx", "packs/donors/regional.docx",
            "sitreps/2026-03/UGA.docx"} <= changed and "rrp/KEN.docx" not in changed
    written = {p.relative_to(out).as_posix().replace(".redline.docx", ".docx") for p in out.rglob("*.redline.docx")}
    assert written == changed
    # The build's last good copies (build/.last-good/) are bookkeeping, not documents: no redline, not listed.
    assert (drafts[1] / ".last-good/rrp/UGA.docx").exists() and not [w for w in written if w.startswith(".")]
    assert ".last-good" not in (out / "changes.md").read_text()
    page = (out / "index.html").read_text()
    assert "Situation reports" in page and "sitreps/2026-03/UGA.redline.docx" in page
    assert "localisation share" in (out / "changes.md").read_text()


def test_two_documents_compared_directly_print_one_line_in_words(drafts, tmp_path, capsys):
    import json

    old, new = drafts[0] / "rrp/UGA.docx", drafts[1] / "rrp/UGA.docx"
    assert main(["diff", str(old), str(new), "-o", str(tmp_path / "x.docx")]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{new}: ") and "word" in line and "inserted" in line and "{" not in line
    assert main(["diff", str(old), str(new), "-o", str(tmp_path / "y.docx"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["insertions"] >= 1 and data["deletions"] >= 1 and data["redline"].endswith("y.docx")


def test_the_change_is_traced_to_its_submission_row(drafts):
    rows = row_changes(*drafts)
    assert rows[["change", "file", "row", "column", "old", "new"]].values.tolist() == [
        ["modified", "inputs/submissions/UGA/PRO.csv", 3, "budget_usd", 80000, 95000]]


def test_diff_command_writes_redlines_and_a_summary_naming_the_file(drafts, tmp_path, capsys):
    from docx.oxml.ns import qn
    import docx

    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(tmp_path / "review")]) == 0
    summary = (tmp_path / "review/changes.md").read_text()
    assert "- modified: `inputs/submissions/UGA/PRO.csv`" in summary
    assert "| modified | `inputs/submissions/UGA/PRO.csv` | 3 |" in summary
    assert ("| total | Regional | requirements | 1,775,000 | 1,790,000 | +15,000 (+0.8%) | "
            "inputs/submissions/UGA/PRO.csv |") in summary
    body = docx.Document(str(tmp_path / "review/rrp/UGA.redline.docx")).element.body
    deleted = {"".join(t.text for t in d.iter(qn("w:delText"))) for d in body.iter(qn("w:del"))}
    inserted = {"".join(t.text for t in i.iter(qn("w:t"))) for i in body.iter(qn("w:ins"))}
    assert "480,000" in deleted and "495,000" in inserted
    assert not (tmp_path / "review/rrp/KEN.redline.docx").exists()  # Kenya's chapter did not change: no redline


def test_review_page_shows_what_changed_since_a_previous_build(drafts):
    ws2 = drafts[1].parent
    assert snakemake(ws2, "--config", f"previous={drafts[0]}").returncode == 0
    page = (ws2 / "build/index.html").read_text()
    assert "What changed since" in page
    assert "<td>inputs/submissions/UGA/PRO.csv</td><td>3</td>" in page
    assert "<td>budget_usd</td><td>80,000</td><td>95,000</td>" in page

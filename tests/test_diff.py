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
    p.write_text(p.read_text(encoding="utf-8").replace("80000", "95000"), encoding="utf-8")
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
    assert ".last-good" not in (out / "changes.md").read_text(encoding="utf-8")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Situation reports" in page and "sitreps/2026-03/UGA.redline.docx" in page
    assert "localisation share" in (out / "changes.md").read_text(encoding="utf-8")


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
    import docx
    from docx.oxml.ns import qn

    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(tmp_path / "review")]) == 0
    summary = (tmp_path / "review/changes.md").read_text(encoding="utf-8")
    assert "- modified: `inputs/submissions/UGA/PRO.csv`" in summary
    assert "| modified | `inputs/submissions/UGA/PRO.csv` | 3 |" in summary
    assert ("| total | Regional | requirements | 1,775,000 | 1,790,000 | +15,000 (+0.8%) | "
            "inputs/submissions/UGA/PRO.csv |") in summary
    body = docx.Document(str(tmp_path / "review/rrp/UGA.redline.docx")).element.body
    deleted = {"".join(t.text for t in d.iter(qn("w:delText"))) for d in body.iter(qn("w:del"))}
    inserted = {"".join(t.text for t in i.iter(qn("w:t"))) for i in body.iter(qn("w:ins"))}
    assert "480,000" in deleted and "495,000" in inserted
    assert not (tmp_path / "review/rrp/KEN.redline.docx").exists()  # Kenya's chapter did not change: no redline


def _changed_documents(page: str) -> dict[str, str]:
    """document -> its change in words, from a review page's document tables (links taken off)."""
    import re

    plain = re.sub(r"<a [^>]*>|</a>", "", page)
    return dict(re.findall(r"<tr><td>([\w./-]+\.docx)[^<]*</td><td>([^<]*)</td><td>(?:redline)?</td></tr>", plain))


def _section(page: str, title: str) -> str:
    start = page.index(f"<h3>{title}")
    return page[start:min(i for i in (page.find(m, start + 4) for m in ("<h3>", "<h2", "</body>")) if i > 0)]


def test_the_build_page_opens_on_what_changed_since_the_last_build_as_the_diff_page_shows_it(drafts, tmp_path):
    import re

    build = drafts[1]
    page = (build / "index.html").read_text(encoding="utf-8")
    # The first section is what changed: nothing (no verdict table, no document list) comes before it.
    assert re.findall(r"<h2[^>]*>([^<]*)</h2>", page)[0] == "What changed since the last build"
    assert "<li>modified: <code>inputs/submissions/UGA/PRO.csv</code></li>" in page
    changed = _changed_documents(page)
    assert {"rrp/UGA.docx", "rrp/regional.docx", "keypoints/UGA.docx", "sitreps/2026-03/UGA.docx",
            "packs/donors/regional.docx"} <= set(changed) and "rrp/KEN.docx" not in changed
    assert "<h3>Chapters and regional plan</h3>" in page and "<h3>Situation reports</h3>" in page
    for doc in changed:  # each changed document links its redline, which is there
        assert f"href='review/{doc.replace('.docx', '.redline.docx')}'" in page
        assert (build / "review" / doc.replace(".docx", ".redline.docx")).is_file()
    assert not (build / "review/rrp/KEN.redline.docx").exists()
    figures = _section(page, "Figures moved")
    assert "<td>Uganda</td><td>requirements</td><td class='n'>480,000</td><td class='n'>495,000</td>" in figures
    assert "<td>Uganda</td><td>localisation share</td>" in figures

    # rcm-docs diff of the same two drafts: the same documents, words and figures.
    out = tmp_path / "review"
    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(out)]) == 0
    other = (out / "index.html").read_text(encoding="utf-8")
    assert _changed_documents(other) == changed
    assert _section(other, "Figures moved") == figures
    assert _section(other, "Submission rows behind them") == _section(page, "Submission rows behind them")


def test_the_page_of_a_first_build_says_there_is_nothing_to_compare_with_yet(built):
    page = (built / "build/index.html").read_text(encoding="utf-8")
    assert "This is the first build of this folder" in page and "review/" not in page
    assert (built / "build/.previous/rrp/KEN.docx").read_bytes() == (built / "build/rrp/KEN.docx").read_bytes()


def test_a_redline_made_for_the_same_two_drafts_is_kept_not_made_again(drafts, tmp_path):
    from rcm_docs.review.drafts import redline_all

    out = tmp_path / "review"
    first, _, _ = redline_all(drafts[0], drafts[1], out, parallel=False)
    made = {p: p.stat().st_mtime_ns for p in out.rglob("*.redline.docx")}
    again, _, _ = redline_all(drafts[0], drafts[1], out, parallel=False)
    assert again == first and {p: p.stat().st_mtime_ns for p in out.rglob("*.redline.docx")} == made
    # Another earlier draft: the pair differs, so the redline is made again.
    other, _, _ = redline_all(drafts[1], drafts[0], out, parallel=False)
    assert (out / "rrp/UGA.redline.docx").stat().st_mtime_ns != made[out / "rrp/UGA.redline.docx"]
    assert other["rrp/UGA.docx"]["insertions"] == first["rrp/UGA.docx"]["deletions"]


def test_a_review_folder_used_again_holds_only_this_comparisons_redlines(drafts, tmp_path):
    from rcm_docs.review.drafts import made_record

    out = tmp_path / "review"
    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(out)]) == 0
    # A redline left by an earlier review (Kenya changed then) and a reviewer's own notes in the folder.
    stale = out / "rrp/KEN.redline.docx"
    shutil.copy(out / "rrp/UGA.redline.docx", stale)
    shutil.copy(made_record(out / "rrp/UGA.redline.docx"), made_record(stale))
    (out / "rrp/notes.redline.docx").write_bytes(b"mine")
    assert main(["diff", str(drafts[0]), str(drafts[1]), "-o", str(out)]) == 0
    assert not stale.exists() and not made_record(stale).exists()
    assert (out / "rrp/notes.redline.docx").read_bytes() == b"mine" and (out / "rrp/UGA.redline.docx").exists()


def test_review_page_shows_what_changed_since_a_previous_build(drafts):
    ws2 = drafts[1].parent
    assert snakemake(ws2, "--config", f"previous={drafts[0]}").returncode == 0
    page = (ws2 / "build/index.html").read_text(encoding="utf-8")
    assert "What changed since" in page
    assert "<td>inputs/submissions/UGA/PRO.csv</td><td>3</td>" in page
    assert "<td>budget_usd</td><td>80,000</td><td>95,000</td>" in page


def test_an_activity_under_two_objectives_is_two_rows_and_only_the_one_changed_is_listed(tmp_path):
    import pandas as pd

    from rcm_docs.model.merge import write_rows_csv

    def build(name, budgets, order=(0, 1)):
        rows = [{"country": "COL", "sector": "HEA", "organisation": "PAHO", "objective": objective,
                 "activity": "Mental health services", "indicator": "# consultations", "admin1": "Nariño",
                 "implementing_partner": "", "budget_usd": budget, "target_refugees": 100.0,
                 "source_file": "inputs/submissions/COL/HEA.csv", "source_row": row}
                for objective, budget, row in (("Camps", budgets[0], 2), ("Urban areas", budgets[1], 3))]
        write_rows_csv(pd.DataFrame([rows[i] for i in order]), tmp_path / name / "plan" / "plan_rows.csv")
        return tmp_path / name

    old = build("old", (259000.0, 1080000.0))
    same = build("same", (259000.0, 1080000.0), order=(1, 0))
    assert row_changes(old, same).empty  # the same two rows, in another order
    moved = row_changes(old, build("new", (259000.0, 1090000.0)))
    assert moved[["change", "row", "column", "old", "new"]].values.tolist() == [
        ["modified", 3, "budget_usd", 1080000.0, 1090000.0]]
    assert "Urban areas" in moved["key"].iat[0]
    gone = row_changes(old, build("gone", (259000.0, 1080000.0), order=(0,)))
    assert gone[["change", "row", "old"]].values.tolist() == [["removed", 3, 1080000.0]]


def test_rows_compared_are_the_rows_that_differ_with_the_same_answer_as_all_rows(tmp_path, monkeypatch):
    import pandas as pd

    from rcm_docs.model.merge import write_rows_csv
    from rcm_docs.review import diff

    def row(n, budget, activity=None, description="Cash for rent, utilities and food"):
        return {"country": "COL", "sector": "PRO", "organisation": f"Org {n % 7}", "objective": "Protection",
                "activity": activity or f"Activity {n}", "indicator": "# people", "admin1": "Nariño",
                "implementing_partner": "", "budget_usd": budget, "target_refugees": float(n), "description": description,
                "source_file": "inputs/submissions/COL/PRO.csv", "source_row": n + 2}

    before = [row(n, 1000.0 * n) for n in range(400)]
    after = [dict(r) for r in before]
    after[10]["budget_usd"] = 1.0  # modified
    after[20]["activity"] = "Activity twenty, renamed"  # a key changed: one row removed, one added
    del after[30]  # removed
    after.append(row(999, 5.0))  # added
    quoted = [dict(r) for r in after]
    quoted[40]["description"] = 'Said "cash first", then\nwrote it down'  # a quoted line break: every row compared

    def builds(old_rows, new_rows, name):
        for side, rows in (("old", old_rows), ("new", new_rows)):
            write_rows_csv(pd.DataFrame(rows), tmp_path / name / side / "plan" / "plan_rows.csv")
        return tmp_path / name / "old", tmp_path / name / "new"

    for name, pair in (("lines", (before, after)), ("multiline", (before, quoted))):
        old, new = builds(*pair, name)
        quick = diff.row_changes(old, new)
        compared = diff._rows_that_differ(old / "plan/plan_rows.csv", new / "plan/plan_rows.csv")
        if name == "lines":  # four rows each side, not 400
            assert [len(t.getvalue().splitlines()) for t in compared] == [1 + 3, 1 + 3]
        else:
            assert compared == (old / "plan/plan_rows.csv", new / "plan/plan_rows.csv")
        with monkeypatch.context() as m:
            m.setattr(diff, "_rows_that_differ", lambda a, b: (a, b))
            assert quick.equals(diff.row_changes(old, new))
        assert sorted(set(quick["change"])) == ["added", "modified", "removed"]
        assert quick[quick["change"] == "modified"][["row", "column", "new"]].values.tolist()[0] == [12, "budget_usd", 1.0]


def test_a_document_whose_redline_fails_is_listed_with_why_and_the_others_get_theirs(drafts, tmp_path, monkeypatch):
    from rcm_docs.review import drafts as review_drafts
    from rcm_docs.review.page import review_html

    real = review_drafts._redline_one

    def broken_for_ugandas_key_points(args):
        if args[1].endswith("keypoints/UGA.docx"):
            raise ValueError("unreadable table")
        return real(args)

    monkeypatch.setattr(review_drafts, "_redline_one", broken_for_ugandas_key_points)
    ch = review_drafts.compare_drafts(drafts[0], drafts[1], tmp_path / "review", parallel=False)
    docs = {d: (c, w) for d, c, w in ch.documents}
    assert docs["keypoints/UGA.docx"] == ("changed, no redline", "no redline (ValueError: unreadable table)")
    assert docs["rrp/UGA.docx"][0] == "changed" and (tmp_path / "review/rrp/UGA.redline.docx").is_file()
    assert not (tmp_path / "review/keypoints/UGA.redline.docx").exists()
    page = review_html(ch, str(drafts[1]))
    assert "no redline (ValueError: unreadable table)" in page and "keypoints/UGA.redline.docx" not in page

"""A country whose one submission changed checks that file alone, and what it writes is what a full check writes."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import copy_fixture

from rcm_docs.intake.tables import validate as intake
from rcm_docs.steps import validate as steps


def _run(ws, country, out):
    return steps.validate_country(root=ws, country=country, rows_out=out / f"{country}.rows.csv",
                                  status_out=out / f"{country}.status.json", reports_dir=out / "reports" / country)


def _verdicts(out):
    status = json.loads((out / "KEN.status.json").read_text(encoding="utf-8"))
    return [{k: v for k, v in s.items() if k != "report"} for s in status["submissions"]], status["unmapped"]


def _counting(monkeypatch):
    checked = []
    real = intake.validate_file

    def validate_file(path, *a, **k):
        checked.append(path.name)
        return real(path, *a, **k)

    monkeypatch.setattr(intake, "validate_file", validate_file)
    return checked


def test_one_changed_file_is_checked_alone_and_the_country_reads_as_a_full_check(tmp_path, monkeypatch):
    ws = copy_fixture(tmp_path / "ws")
    files = sorted(p.name for p in (ws / "inputs/submissions/KEN").iterdir())
    checked = _counting(monkeypatch)
    _run(ws, "KEN", tmp_path / "first")
    assert sorted(checked) == files
    checked.clear()
    _run(ws, "KEN", tmp_path / "again")
    assert checked == []
    assert (tmp_path / "again/KEN.rows.csv").read_bytes() == (tmp_path / "first/KEN.rows.csv").read_bytes()

    changed = ws / "inputs/submissions/KEN/PRO.csv"
    first_row = changed.read_text(encoding="utf-8").splitlines()[1].split(",")
    first_row[2] = "Legal counselling"  # a new activity of the same partner
    with changed.open("a", encoding="utf-8") as f:
        f.write(",".join(first_row) + "\n")
    _run(ws, "KEN", tmp_path / "kept")
    assert checked == ["PRO.csv"]
    assert "Legal counselling" in (tmp_path / "kept/KEN.rows.csv").read_text(encoding="utf-8")
    (ws / "build").rename(tmp_path / "cache-of-kept")  # a cold check, with nothing kept
    _run(ws, "KEN", tmp_path / "cold")
    assert (tmp_path / "kept/KEN.rows.csv").read_bytes() == (tmp_path / "cold/KEN.rows.csv").read_bytes()
    assert _verdicts(tmp_path / "kept") == _verdicts(tmp_path / "cold")
    for report in sorted((tmp_path / "cold/reports/KEN").iterdir()):
        assert (tmp_path / "kept/reports/KEN" / report.name).read_bytes() == report.read_bytes(), report.name


def test_a_changed_partner_registry_checks_every_file_again(tmp_path, monkeypatch):
    ws = copy_fixture(tmp_path / "ws")
    _run(ws, "UGA", tmp_path / "first")
    registry = ws / "inputs/partners.csv"
    registry.write_text("\n".join(line for line in registry.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("Uganda Red Cross Society")) + "\n", encoding="utf-8")
    checked = _counting(monkeypatch)
    status = _run(ws, "UGA", tmp_path / "after")
    assert len(checked) == len(list((ws / "inputs/submissions/UGA").iterdir()))
    report = json.loads((tmp_path / "after/UGA.status.json").read_text(encoding="utf-8"))
    assert "rejected" in [s["verdict"] for s in report["submissions"]], status
    assert "Uganda Red Cross Society" in (tmp_path / "after/reports/UGA/PRO.csv.md").read_text(encoding="utf-8")


def test_an_unreadable_kept_check_is_made_again(tmp_path, monkeypatch):
    ws = copy_fixture(tmp_path / "ws")
    _run(ws, "UGA", tmp_path / "first")
    kept = sorted((ws / steps.CHECKS_KEPT / "UGA").glob("*.pickle"))
    assert kept
    for f in kept:
        f.write_bytes(b"not a check")
    checked = _counting(monkeypatch)
    _run(ws, "UGA", tmp_path / "again")
    assert len(checked) == len(kept)
    assert (tmp_path / "again/UGA.rows.csv").read_bytes() == (tmp_path / "first/UGA.rows.csv").read_bytes()


def test_a_kept_check_is_not_used_after_the_readers_are_upgraded(tmp_path, monkeypatch):
    ws = copy_fixture(tmp_path / "ws")
    _run(ws, "KEN", tmp_path / "first")
    monkeypatch.setattr(steps, "_reader_versions", lambda: "pandas=99.0")  # what `pip install -U pandas` changes
    checked = _counting(monkeypatch)
    _run(ws, "KEN", tmp_path / "upgraded")
    assert sorted(checked) == sorted(p.name for p in (ws / "inputs/submissions/KEN").iterdir())


def test_a_refused_file_is_not_kept_so_the_same_bytes_saved_properly_are_accepted(tmp_path, monkeypatch):
    ws = copy_fixture(tmp_path / "ws")
    monkeypatch.chdir(ws)  # as the build runs: from the workspace, which names files the same whatever they are
    target = ws / "inputs/submissions/UGA/PRO.csv"
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)  # a link out of the workspace: refused, whatever its bytes
    _run(Path("."), "UGA", tmp_path / "linked")
    assert json.loads((tmp_path / "linked/UGA.status.json").read_text(encoding="utf-8"))["rejected"] == ["inputs/submissions/UGA/PRO.csv"]
    target.unlink()
    target.write_bytes(outside.read_bytes())  # what the report says to do: the same bytes, as a file
    _run(Path("."), "UGA", tmp_path / "copied")
    assert json.loads((tmp_path / "copied/UGA.status.json").read_text(encoding="utf-8"))["rejected"] == []
    assert not list((ws / steps.CHECKS_KEPT / "UGA").glob(".*.tmp"))

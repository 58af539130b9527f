"""The sector-lead commands, run as a user runs them: through the console script's main()."""
import json
import shutil

import openpyxl
import pytest
from conftest import FIXTURE, copy_fixture

from rcm_docs.cli import main
from rcm_docs.common.plan import load_plan


@pytest.fixture
def ws(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    with open(ws / "inputs/submissions/KEN/PRO.csv", "a", encoding="utf-8") as f:
        f.write('UNHCF,Access,Legal aid,# aided,Dadaab,"about 1,200",10,0\n')
        f.write("NRC,Access,Legal aid,# aided,Dadaab,100,-5,0\n")
    return ws


def test_validate_workspace_prints_verdicts_grouped_rules_and_exits_1(ws, capsys):
    assert main(["validate", str(ws)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "inputs/submissions/KEN/PRO.csv: REJECTED (3 error(s), 0 warning(s) in 6 row(s))" in out
    assert "  error [not-a-number] 1 row(s): not a number" in out
    assert ("    - line 6, column 6 (budget_usd): 'about 1,200' is not a number; write the number alone, without currency, units or "
            "thousands separators: did you mean 1200?") in out
    assert any('did you mean "United Nations High Commissioner for Refugees"?' in line for line in out)
    assert out[-1] == "3 file(s): 2 accepted, 1 rejected"


def test_validate_clean_file_exits_0(capsys):
    assert main(["validate", str(FIXTURE / "inputs/submissions/KEN/EDU.xlsx")]) == 0
    assert capsys.readouterr().out.startswith("inputs/submissions/KEN/EDU.xlsx: ACCEPTED")


def test_validate_shows_first_examples_then_a_count(ws, capsys):
    with open(ws / "inputs/submissions/KEN/PRO.csv", "a", encoding="utf-8") as f:
        for i in range(6):
            f.write(f"NRC,Access,Outreach {i},# reached,Dadaab,100,-{i + 1},0\n")
    main(["validate", str(ws / "inputs/submissions/KEN/PRO.csv"), "--examples", "2"])
    out = capsys.readouterr().out
    assert "  error [negative-number] 7 row(s): negative number" in out and "    + 5 more" in out


def test_validate_json_lists_every_problem_with_cell_and_fix(ws, capsys):
    assert main(["validate", str(ws), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    pro = next(r for r in data if r["file"].endswith("KEN/PRO.csv"))
    assert sorted((p["reason"], p["cell"], p["severity"], p["row"]) for p in pro["problems"]) == [
        ("negative-number", "line 7, column 7", "error", 7), ("not-a-number", "line 6, column 6", "error", 6),
        ("unknown-organisation", "line 6, column 1", "error", 6)]


def test_validate_annotated_copy_marks_each_bad_cell(ws, tmp_path):
    main(["validate", str(ws / "inputs/submissions/KEN/PRO.csv"), "--annotate", str(tmp_path / "out")])
    wb = openpyxl.load_workbook(tmp_path / "out/PRO.annotated.xlsx")
    sheet = wb["Submission"]
    assert sheet["F6"].value == "about 1,200" and "did you mean 1200?" in sheet["F6"].comment.text
    assert sheet["G7"].fill.start_color.rgb.endswith("FFC7CE")
    assert sheet["A2"].comment is None  # good rows untouched
    assert [c.value for c in wb["Problems"][1]][:4] == ["Severity", "Sheet", "Row", "Cell"]
    assert wb["Problems"].max_row == 4


def test_fixed_annotated_copy_validates_clean_when_dropped_again(ws, tmp_path, capsys):
    main(["validate", str(ws / "inputs/submissions/KEN/PRO.csv"), "--annotate", str(tmp_path / "out")])
    wb = openpyxl.load_workbook(tmp_path / "out/PRO.annotated.xlsx")
    sheet = wb["Submission"]
    sheet["A6"], sheet["F6"], sheet["G7"] = "UNHCR", "1200", "5"
    (ws / "inputs/submissions/KEN/PRO.csv").unlink()
    wb.save(ws / "inputs/submissions/KEN/PRO.xlsx")
    assert main(["validate", str(ws / "inputs/submissions/KEN/PRO.xlsx")]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["validate", "no/such.csv"], "no/such.csv: no such file or folder"),
    (["validate", "/tmp"], "not inside a workspace"),
])
def test_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_init_makes_a_workspace_that_builds_its_checks(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new"), "--countries", "sdn", "TCD"]) == 0
    plan = load_plan(tmp_path / "new/inputs/plan.yaml")
    assert plan.country_codes == ["SDN", "TCD"] and [c.name for c in plan.countries] == ["Sudan", "Chad"]
    assert (tmp_path / "new/inputs/submissions/TCD").is_dir()
    assert "# ISO 3166-1 alpha-3 codes" in (tmp_path / "new/inputs/plan.yaml").read_text(encoding="utf-8")
    assert main(["init", str(tmp_path / "new"), "--countries", "SDN"]) == 2  # never overwrites


def test_two_files_for_one_sector_stop_the_build_before_any_job(tmp_path):
    from conftest import snakemake

    ws = copy_fixture(tmp_path / "ws")
    shutil.copy(ws / "inputs/submissions/UGA/PRO.csv", ws / "inputs/submissions/UGA/pro.xlsx")
    result = snakemake(ws, "-n")
    assert result.returncode != 0 and "is the same sector's submission" in result.stdout + result.stderr


def test_sector_lead_flow_template_fill_validate_drop_build(tmp_path, capsys):
    """What a sector lead does: get the template, fill it, check it, drop it, see it in the chapter."""
    from conftest import snakemake

    ws = copy_fixture(tmp_path / "ws")
    (ws / "inputs/gazetteer.csv").write_text("country,admin1\nUGA,Adjumani\nUGA,Yumbe\nKEN,Turkana\nKEN,Garissa\nKEN,Dadaab\n", encoding="utf-8")
    out = tmp_path / "WASH.xlsx"
    assert main(["template", "--workspace", str(ws), "--country", "UGA", "--sector", "wash", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    sheet = wb["Submission"]
    headers = [c.value for c in sheet[3]]
    row = {"organisation": "URCS", "objective": "Safe water", "activity": "Water trucking", "indicator": "# with water",
           "admin1": "Yumbe", "budget_usd": 64000, "target_refugees": 9000, "target_host_community": 1000}
    sheet.append([row.get(h) for h in headers])
    wb.save(out)
    capsys.readouterr()
    assert main(["validate", str(out), "--workspace", str(ws), "--country", "UGA", "--sector", "WASH"]) == 0
    assert "ACCEPTED" in capsys.readouterr().out
    shutil.copy(out, ws / "inputs/submissions/UGA/WASH.xlsx")
    assert snakemake(ws).returncode == 0
    from conftest import table_with_caption

    table = table_with_caption(ws / "build/rrp/UGA.docx", "People targeted and requirements by sector")
    assert table[3] == ["Water, Sanitation and Hygiene", "1", "10,000", "64,000", "11.8%"]


def test_last_good_documents_survive_a_rejected_resubmission(tmp_path):
    from conftest import snakemake

    ws = copy_fixture(tmp_path / "ws")
    assert snakemake(ws).returncode == 0
    good = (ws / "build/rrp/UGA.docx").read_bytes()
    p = ws / "inputs/submissions/UGA/PRO.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("80000", "eighty thousand"), encoding="utf-8")
    assert snakemake(ws, "--keep-going").returncode != 0
    assert (ws / "build/rrp/UGA.docx").read_bytes() == good
    assert "1 rejected" in (ws / "build/reports/summary.md").read_text(encoding="utf-8")


def _all_user_errors():
    import importlib
    import pkgutil

    import rcm_docs
    from rcm_docs.common.errors import RcmError

    for m in pkgutil.walk_packages(rcm_docs.__path__, "rcm_docs."):
        if not m.name.endswith("__main__"):
            importlib.import_module(m.name)
    seen, todo = [], [RcmError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo += cls.__subclasses__()
    return sorted(seen, key=lambda c: c.__qualname__)


def test_every_error_a_user_can_cause_exits_with_its_documented_code(monkeypatch, capsys):
    from rcm_docs import cli
    from rcm_docs.common.errors import INPUT, USAGE

    errors = _all_user_errors()
    names = {c.__name__ for c in errors}
    # the errors the command line used to report as 'unexpected' (exit 3) are among them
    assert {"UnsafeFile", "ReadError", "NarrativeError", "BoundariesError", "TypesetError", "PlanError"} <= names
    for cls in errors:
        def boom(args, cls=cls):
            raise cls(f"inputs/x.csv: what {cls.__name__} says")
        monkeypatch.setattr(cli, "run", boom)
        code = cli.main(["validate", "x"])
        err = capsys.readouterr().err
        assert code == cls.exit_code in (INPUT, USAGE), cls
        assert err == f"rcm-docs: inputs/x.csv: what {cls.__name__} says\n", cls


def test_a_broken_plan_exits_1_naming_the_file(tmp_path, capsys):
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws)
    (ws / "inputs/plan.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(ws)]) == 1
    err = capsys.readouterr().err
    assert "plan.yaml" in err and "unexpected" not in err and len(err.strip().splitlines()) == 1


def test_a_bug_exits_3_and_says_how_to_see_it(monkeypatch, capsys):
    from rcm_docs import cli

    monkeypatch.setattr(cli, "run", lambda args: {}["missing"])
    assert cli.main(["validate", "x"]) == 3
    assert "unexpected KeyError" in capsys.readouterr().err

"""One gate at the door: every workspace file is opened by rcm_docs.common.gate, which refuses a link out of
the workspace, caps the size and hashes what it hands out; workspace templates cannot reach Python."""
import ast
from pathlib import Path

import pytest
from conftest import copy_fixture

from rcm_docs.common.errors import InputError
from rcm_docs.common.plan import load_plan

PKG = Path(__file__).resolve().parents[1] / "rcm_docs"
SECRET = "root:x:0:0:the secret outside the workspace"


@pytest.fixture
def ws(tmp_path):
    ws = copy_fixture(tmp_path / "ws")
    (tmp_path / "outside.txt").write_text(SECRET + "\n", encoding="utf-8")
    return ws


def _link(ws: Path, rel: str) -> Path:
    path = ws / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    path.symlink_to(ws.parent / "outside.txt")
    return path


def _refused(call, error=InputError):
    with pytest.raises(error) as e:
        call()
    assert "outside the workspace" in str(e.value) and SECRET not in str(e.value)
    return str(e.value)


def test_a_narrative_key_messages_or_highlight_linking_out_is_refused_never_read(ws):
    from rcm_docs.intake.readers import messages, narratives
    from rcm_docs.intake.readers.markdown import NarrativeError

    plan = load_plan(ws / "inputs/plan.yaml")
    _link(ws, "inputs/narratives/KEN/overview.md")
    msg = _refused(lambda: narratives.narratives(ws, plan, "KEN")["overview"], NarrativeError)
    assert "inputs/narratives/KEN/overview.md" in msg
    _link(ws, "inputs/narratives/KEN/key_messages.md")
    _refused(lambda: messages.read(ws, "KEN"), NarrativeError)
    _link(ws, "inputs/sitreps/2026-03/highlights/KEN/PRO.md")
    _refused(lambda: narratives.highlights(ws, plan, "KEN", "2026-03"), NarrativeError)


def test_plan_yaml_and_registries_linking_out_are_refused(ws):
    from rcm_docs.intake.readers.registries import read_registry_csv

    _link(ws, "inputs/partners.csv")
    _refused(lambda: read_registry_csv(ws / "inputs/partners.csv", ["organisation"]))
    _link(ws, "inputs/plan.yaml")
    _refused(lambda: load_plan(ws / "inputs/plan.yaml"))


def test_a_scenario_linking_out_is_a_problem_naming_the_file_not_its_text(ws):
    from rcm_docs.intake.readers.preparedness import validate_scenario

    plan = load_plan(ws / "inputs/plan.yaml")
    path = _link(ws, "inputs/preparedness/TZA/scenario.yaml")
    data, problems = validate_scenario(path, plan, display="inputs/preparedness/TZA/scenario.yaml")
    assert data is None and len(problems) == 1
    assert "outside the workspace" in problems[0].message and SECRET not in problems[0].message


def test_workspace_templates_linking_out_are_refused(ws):
    from rcm_docs.common.gate import UnsafeFile
    from rcm_docs.documents.pictures.charts import library
    from rcm_docs.documents.render import RenderError, environment

    _link(ws, "templates/keypoints.md.j2")
    env = environment([ws / "templates"])
    _refused(lambda: env.get_template("keypoints.md.j2"), RenderError)
    _link(ws, "templates/chart.typ")
    _refused(lambda: library(ws / "templates/chart.typ"), UnsafeFile)


def test_a_workspace_template_cannot_run_python(tmp_path):
    from rcm_docs.documents.render import RenderError, environment, render_markdown

    (tmp_path / "templates").mkdir()
    (tmp_path / "inputs").mkdir()
    (tmp_path / "templates" / "keypoints.md.j2").write_text(
        "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}\n", encoding="utf-8")
    env = environment([tmp_path / "templates"])
    with pytest.raises(RenderError, match="keypoints.md.j2") as e:
        render_markdown(env, "keypoints.md.j2", {})
    assert "pwned" not in str(e.value)


def test_the_gate_hashes_what_it_hands_out(ws):
    import hashlib

    from rcm_docs.common import gate

    data = gate.read_bytes(ws / "inputs/partners.csv", 1 << 20)
    assert gate.reads()[str((ws / "inputs/partners.csv").resolve())] == hashlib.sha256(data).hexdigest()
    with pytest.raises(gate.UnsafeFile, match="over the"):
        gate.read_bytes(ws / "inputs/partners.csv", 10)


# Every place that opens a file, and why it may: the gate opens workspace inputs; the others open what the
# build itself wrote (build/), what the package ships (schemas, geo, fonts) or a zip's parts of bytes the gate
# read. A new opener fails this test until it goes through the gate or is listed here with its reason.
ALLOWED = {
    "common/gate.py": {"read_bytes", "read_text"},  # the gate itself
    "common/figures_schema.py": {"load_schema", "check_file"},  # the package's schema; build/figures
    "common/files.py": {"normalise_zip", "docx_parts", "stale_documents"},  # outputs being written; build/
    "common/plan.py": {"_schema"},  # the package's schema
    "common/workspace.py": {"_hash_package"},  # the package's own files
    "documents/pictures/charts.py": {"draw"},  # the build's chart cache
    "documents/render.py": {"chart_alt"},  # build/charts
    "documents/typeset/pandoc.py": {"server_cpu_seconds"},  # /proc
    "documents/typeset/pdf.py": {"markdown_to_pdf"},  # build/charts
    "documents/word/finish.py": {"_png_width_cm"},  # build/charts
    "documents/word/fonts.py": {"obfuscated"},  # the package's font
    "intake/files/safety.py": {"inspect_file", "_check_workbook", "_check_workbook.source", "_scan_member"},
    "intake/files/sheetparts.py": {"chunks"},  # a zip's parts
    "intake/readers/places.py": {"countries", "label_points"},  # the package's geo data
    "intake/readers/preparedness.py": {"_schema"},  # the package's schema
    "intake/readers/registries.py": {"read_registry_csv"},  # read_csv of the gate's bytes
    "intake/tables/annotate.py": {"_kept_workbook"},  # openpyxl on the gate's bytes
    "intake/tables/read.py": {"read_csv", "read_submission"},  # parsers of the gate's bytes
    "model/merge.py": {"read_table_csv", "read_rows_csv"},  # build/data
    "review/diff.py": {"figure_changes", "_rows_that_differ", "changed_inputs.inputs"},  # two builds
    "review/drafts.py": {"_sha256", "_kept", "redline_pair", "redline_all"},  # two builds
    "review/page.py": {"_build_state", "_plan_checks"},  # build/
    "steps/figures.py": "*",  # build/data, build/figures
    "steps/lastgood.py": "*",  # build/
    "steps/merge.py": "*",
    "steps/preparedness.py": "*",
    "steps/render.py": "*",
    "steps/review.py": "*",  # build/; hashes for the manifest
    "steps/shared.py": {"undeclared"},  # hashes of declared inputs
    "steps/validate.py": "*",  # build/, the check cache
}
OPENERS = {"open", "read_text", "read_bytes", "fdopen", "load_workbook", "read_csv", "read_excel", "ZipFile",
           "CalamineWorkbook", "parse"}


def _openers(source: str) -> list[tuple[int, str, str]]:
    """(line, enclosing function, call) of every call that opens a file."""
    out = []

    def walk(node, fn):
        for child in ast.iter_child_nodes(node):
            name = fn
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{fn}.{child.name}" if fn else child.name
            if isinstance(child, ast.Call):
                f = child.func
                called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
                is_gate = isinstance(f, ast.Name) and called in ("read_text", "read_bytes")  # the gate's functions
                if called in OPENERS and not is_gate and not (called == "parse" and not isinstance(f, ast.Attribute)):
                    if called != "parse" or ast.unparse(f.value) in ("ET", "etree", "minidom"):
                        out.append((child.lineno, fn, called))
            walk(child, name)

    walk(ast.parse(source), "")
    return out


def test_every_file_is_opened_through_the_gate_or_an_allowed_opener():
    found = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith("demo/"):  # writes the example workspace, reads its own package data
            continue
        allowed = ALLOWED.get(rel, set())
        for line, fn, called in _openers(path.read_text(encoding="utf-8")):
            if allowed != "*" and fn not in allowed:
                found.append(f"rcm_docs/{rel}:{line} {fn or '<module>'} calls {called}")
    assert found == []


def test_the_opener_walk_sees_a_plain_open_and_lets_the_gate_through():
    src = ("from ..common.gate import read_text\n\ndef narrative(p):\n    return p.read_text(encoding='utf-8')\n\n"
           "def message(p):\n    return read_text(p)\n\ndef table(p):\n    with open(p, 'rb') as f:\n        return f\n")
    assert _openers(src) == [(4, "narrative", "read_text"), (10, "table", "open")]

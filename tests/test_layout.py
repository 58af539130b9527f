"""The package shows the pipeline's stages, and no stage reaches up into a later one."""
import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "rcm_docs"
STAGES = ["common", "intake", "model", "documents", "review", "build"]  # in the order the data flows
COMMANDS = {"cli", "commands", "promote", "demo", "__main__"}  # the commands, on top of every stage
TOP = len(STAGES)


def _stage(module: str) -> int:
    """rcm_docs.<stage>.x -> the stage's rank; the commands rank above every stage, the package root below."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return TOP if len(parts) > 1 and parts[1] in COMMANDS else 0


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    """Every rcm_docs module a module of `package` imports, at any depth (function-level imports too)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            out += [(node.lineno, t) for t in targets if t.startswith("rcm_docs")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("rcm_docs")]
    return out


def test_no_module_imports_a_later_stage():
    upward = []
    for path in sorted(PKG.rglob("*.py")):
        me = _module_name(path)
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
        for line, target in _imports(path.read_text(encoding="utf-8"), package):
            if _stage(target) > _stage(me):
                upward.append(f"{path.relative_to(PKG.parent)}:{line} ({STAGES[_stage(me)] if _stage(me) < TOP else 'top'}) "
                              f"imports {target}")
    assert upward == []


def test_the_walk_sees_an_upward_import():
    # The check above would pass vacuously if the walk found nothing: it must see a function-level one.
    found = _imports("import os\n\ndef f():\n    from ..build import workers\n    from . import fmt\n", "rcm_docs.common")
    assert found == [(4, "rcm_docs.build"), (5, "rcm_docs.common.fmt")]
    assert _stage("rcm_docs.build") > _stage("rcm_docs.common.plan") > _stage("rcm_docs.__version__") - 1
    assert _stage("rcm_docs.cli") > _stage("rcm_docs.build")


def test_importing_the_package_loads_no_stage():
    out = subprocess.run([sys.executable, "-c", "import sys, rcm_docs; print(sorted(m for m in sys.modules if m.startswith('rcm_docs')))"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['rcm_docs']"


def test_every_stage_says_what_enters_and_what_leaves():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PKG / stage / "__init__.py").read_text()))
        assert doc and len(doc) > 120, stage


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py") if (n := len(p.read_text().splitlines())) > 450}
    assert long == {}


def test_each_rules_file_has_its_build_module():
    rules = Path(__file__).resolve().parents[1] / "workflow" / "rules"
    for smk in rules.glob("*.smk"):
        if smk.stem == "common":
            continue
        assert (PKG / "build" / f"{smk.stem}.py").is_file(), smk.name
        assert f"from rcm_docs.build import {smk.stem} as" in smk.read_text()

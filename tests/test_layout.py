"""The package shows the pipeline's stages, and no stage reaches up into a later one."""
import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "rcm_docs"
STAGES = ["common", "intake", "model", "documents", "review", "steps"]  # in the order the data flows
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
    found = _imports("import os\n\ndef f():\n    from ..steps import workers\n    from . import fmt\n", "rcm_docs.common")
    assert found == [(4, "rcm_docs.steps"), (5, "rcm_docs.common.fmt")]
    assert _stage("rcm_docs.steps") > _stage("rcm_docs.common.plan") > _stage("rcm_docs.__version__") - 1
    assert _stage("rcm_docs.cli") > _stage("rcm_docs.steps")


def test_importing_the_package_loads_no_stage():
    out = subprocess.run([sys.executable, "-c", "import sys, rcm_docs; print(sorted(m for m in sys.modules if m.startswith('rcm_docs')))"],
                         capture_output=True, text=True, check=True, encoding="utf-8").stdout
    assert out.strip() == "['rcm_docs']"


def test_every_stage_says_what_enters_and_what_leaves():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PKG / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 120, stage


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def test_each_rules_file_has_its_build_module():
    rules = Path(__file__).resolve().parents[1] / "workflow" / "rules"
    for smk in rules.glob("*.smk"):
        if smk.stem == "common":
            continue
        assert (PKG / "steps" / f"{smk.stem}.py").is_file(), smk.name
        assert f"from rcm_docs.steps import {smk.stem} as" in smk.read_text(encoding="utf-8")


def _module_graph() -> dict[str, set[str]]:
    """Module -> the rcm_docs modules it imports, at any depth; a name imported from a module counts as
    that module."""
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph = {}
    for me, path in files.items():
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
        targets = set()
        for _, target in _imports(path.read_text(encoding="utf-8"), package):
            while target not in files and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != me:
                targets.add(target)
        graph[me] = targets
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: its strongly connected components of two modules or more (Tarjan,
    iterative)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_circle_between_modules():
    assert _circles(_module_graph()) == []


def test_the_circle_finder_sees_a_circle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    # one made of an import inside a function, as the walk reports it
    lazy = _imports("def f():\n    from .b import x\n", "rcm_docs.common")
    assert lazy == [(2, "rcm_docs.common.b")]


def _private_uses(source: str, package: str) -> list[str]:
    """'from m import _x' and 'm._x' on an imported rcm_docs module: a module's private name used by another."""
    tree = ast.parse(source)
    modules, out = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("rcm_docs")):
            for a in node.names:
                if a.name.startswith("_") and not a.name.startswith("__"):
                    out.append(f"line {node.lineno}: imports {a.name}")
                modules.add(a.asname or a.name)  # may be a module (from . import fmt)
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("rcm_docs")}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            out.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}")
    return out


def test_no_private_name_is_used_across_modules():
    used = {}
    for path in sorted(PKG.rglob("*.py")):
        me = _module_name(path)
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
        if found := _private_uses(path.read_text(encoding="utf-8"), package):
            used[str(path.relative_to(PKG))] = found
    assert used == {}


def test_the_private_name_check_sees_both_forms():
    src = "from .checks import _key, text_key\nfrom . import workers\n\ndef f():\n    return workers._pool\n"
    assert _private_uses(src, "rcm_docs.intake") == ["line 1: imports _key", "line 5: uses workers._pool"]


def test_rooms_stay_small_and_none_is_named_like_an_output_folder():
    big = {}
    for init in PKG.rglob("__init__.py"):
        modules = [p for p in init.parent.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > 12:
            big[str(init.parent.relative_to(PKG.parent))] = len(modules)
        assert init.parent.name not in {"build", "inputs", "output", "outputs", "dist", "tmp"}, init.parent
    assert big == {}


def _text_io_without_encoding(source: str) -> list[int]:
    """Lines that read or write text in the locale's encoding: read_text/write_text, open() in text mode and
    subprocess text=True, without encoding=. A machine whose locale is not UTF-8 gets UnicodeDecodeError there."""
    out = []
    for n in ast.walk(ast.parse(source)):
        if not isinstance(n, ast.Call) or any(k.arg in ("encoding", None) for k in n.keywords):
            continue
        f = n.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        mode = next((k.value.value for k in n.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)), None)
        if name == "open" and isinstance(f, ast.Name):  # builtin open(path, mode)
            if len(n.args) >= 2 and isinstance(n.args[1], ast.Constant):
                mode = n.args[1].value
            text = "b" not in str(mode or "")
        elif name == "open":  # Path.open(mode); a zip member's open() is bytes
            if n.args and isinstance(n.args[0], ast.Constant):
                mode = n.args[0].value
            text = mode is not None and "b" not in str(mode)
        else:
            # Path.read_text/write_text (a method); the gate's read_text() function is UTF-8 by itself
            text = (name in ("read_text", "write_text") and isinstance(f, ast.Attribute)) or (
                name in ("run", "Popen", "check_output") and any(k.arg in ("text", "universal_newlines") for k in n.keywords))
        if text:
            out.append(n.lineno)
    return out


def test_text_is_read_and_written_as_utf8_whatever_the_locale():
    tests = PKG.parent / "tests"
    found = {}
    for path in sorted([*PKG.rglob("*.py"), *tests.glob("*.py")]):
        if lines := _text_io_without_encoding(path.read_text(encoding="utf-8")):
            found[str(path.relative_to(PKG.parent))] = lines
    assert found == {}


def test_the_encoding_check_sees_each_form():
    src = ('p.read_text()\np.write_text("x")\nopen(p, "w")\nopen(p, "rb")\np.open("r")\n'
           'subprocess.run(["x"], text=True)\np.read_text(encoding="utf-8")\nzf.open(name)\nread_text(p)\n')
    assert _text_io_without_encoding(src) == [1, 2, 3, 5, 6]

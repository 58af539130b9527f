"""The rules call their job functions by keyword: every rcm_docs.steps.<stage> function a workflow file calls
(through workers.logged, or directly in a run: block or a handler) takes keyword-only parameters, and every
call names each argument after a parameter of the function it calls. Snakemake's `run:` blocks are seen by no
checker, so this test is the one that reads them: a positional argument, a misspelt or missing one fails here,
not half-way through a build."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "workflow" / "rules"
WORKFLOW_FILES = [ROOT / "Snakefile", *sorted(RULES.glob("*.smk"))]
# The stage modules: one per rules file of the same name (test_layout); workers, lastgood and shared are the
# machinery the rules use, not job functions.
STAGES = sorted(p.stem for p in RULES.glob("*.smk") if p.stem != "common")


def _parse_at(text: str, start: int, mode: str, ends: str) -> ast.AST:
    """The shortest piece of text from start, ending just before or at one of the `ends` characters, that
    Python parses: one call (mode eval) or one import statement (mode exec) out of a .smk file."""
    for i in range(start, len(text)):
        if text[i] in ends:
            piece = text[start:i + 1] if text[i] == ")" else text[start:i]
            try:
                return ast.parse(piece, mode=mode)
            except SyntaxError:
                continue
    raise AssertionError(f"no complete Python from offset {start}: {text[start:start + 80]!r}")


def stage_aliases(text: str) -> dict[str, str]:
    """{name the workflow uses: stage module}, from `from rcm_docs.steps import <stage> [as <alias>]`."""
    out = {}
    for m in re.finditer(r"^from rcm_docs\.steps import ", text, re.MULTILINE):
        for alias in _parse_at(text, m.start(), "exec", "\n").body[0].names:
            if alias.name in STAGES:
                out[alias.asname or alias.name] = alias.name
    return out


def job_calls(text: str, aliases: dict[str, str]) -> list[tuple[int, bool, str, str, ast.Call]]:
    """Every call of a stage function in a workflow file -> (line, through workers.logged?, module, function,
    the arguments it is given, as a call of the function itself). `workers.logged(log, module.function, ...)`
    counts as a call of module.function with the arguments after the function; `alias.function(...)` as
    itself. A logged call whose job is not <stage alias>.<function> comes with module "" (problems() says so)."""
    out = []
    for m in re.finditer(r"\bworkers\.logged\(", text):
        call = _parse_at(text, m.start(), "eval", ")").body
        line = text.count("\n", 0, m.start()) + 1
        fn = call.args[1] if len(call.args) > 1 else None
        if not (isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and fn.value.id in aliases):
            out.append((line, True, "", ast.unparse(fn) if fn is not None else "", call))
            continue
        job = ast.Call(func=fn, args=call.args[2:], keywords=call.keywords)  # the arguments after log, function
        out.append((line, True, aliases[fn.value.id], fn.attr, job))
    if aliases:
        direct = r"\b(" + "|".join(map(re.escape, aliases)) + r")\.(\w+)\("
        for m in re.finditer(direct, text):
            call = _parse_at(text, m.start(), "eval", ")").body
            out.append((text.count("\n", 0, m.start()) + 1, False, aliases[m.group(1)], m.group(2), call))
    return sorted(out, key=lambda c: c[0])


def _stage_function(module: str, name: str):
    return getattr(importlib.import_module(f"rcm_docs.steps.{module}"), name, None)


def problems(text: str, aliases: dict[str, str] | None = None, resolve=_stage_function) -> list[str]:
    """What is wrong with the stage calls of one workflow file's text, each as "line N: ...". aliases: the
    stage modules imported by the workflow's other files (Snakemake's includes share one namespace)."""
    from rcm_docs.steps import workers

    aliases = {**(aliases or {}), **stage_aliases(text)}
    logged_own = [p for p, v in inspect.signature(workers.logged).parameters.items()
                  if v.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]  # log, step
    out = []
    for line, logged, module, name, call in job_calls(text, aliases):
        if not module:
            out.append(f"line {line}: workers.logged must be given the log and the job as <stage module alias>."
                       f"<function>{', not ' + name if name else ''}")
            continue
        where = f"line {line}: {module}.{name}"
        fn = resolve(module, name)
        if fn is None:
            out.append(f"{where}: no such function in rcm_docs.steps.{module}")
            continue
        params = inspect.signature(fn).parameters
        not_keyword_only = [p for p, v in params.items() if v.kind is not inspect.Parameter.KEYWORD_ONLY]
        if not_keyword_only:
            out.append(f"{where}: takes parameters that are not keyword-only: {', '.join(not_keyword_only)} "
                       f"(declare it def {name}(*, ...))")
        for a in call.args:
            out.append(f"{where}: positional argument {ast.unparse(a)}: pass it by keyword")
        for k in call.keywords:
            if k.arg is None:
                out.append(f"{where}: **{ast.unparse(k.value)} hides the argument names: pass each by keyword")
            elif k.arg not in params:
                out.append(f"{where}: {k.arg}= is not a parameter of {name} ({', '.join(params)})")
            elif logged and k.arg in logged_own:
                out.append(f"{where}: {k.arg}= is workers.logged's own parameter: rename it in {name}")
        if not call.args and all(k.arg for k in call.keywords):
            given = {k.arg for k in call.keywords}
            missing = [p for p, v in params.items() if v.default is inspect.Parameter.empty
                       and v.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
                       and p not in given]
            if missing:
                out.append(f"{where}: missing {', '.join(missing)}")
    return out


def _workflow_aliases() -> dict[str, str]:
    out = {}
    for f in WORKFLOW_FILES:
        out.update(stage_aliases(f.read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_job_function_is_keyword_only_and_called_by_keyword(path):
    assert problems(path.read_text(encoding="utf-8"), _workflow_aliases()) == []


def test_every_step_of_the_rules_is_seen():
    """The checker reads every workers.logged call and every stage module: a pattern that stopped matching
    would pass everything."""
    aliases = _workflow_aliases()
    assert sorted(set(aliases.values())) == STAGES
    seen, logged = set(), 0
    for f in WORKFLOW_FILES:
        text = f.read_text(encoding="utf-8")
        calls = job_calls(text, aliases)
        seen |= {module for _, _, module, _, _ in calls}
        assert len([c for c in calls if c[1]]) == text.count("workers.logged("), f.name
        logged += text.count("workers.logged(")
    assert seen == set(STAGES)
    assert logged >= 20


# ---- the checker itself, on small workflow texts ----

GOOD = '''
from rcm_docs.steps import figures as figure_jobs
from rcm_docs.steps import lastgood, workers

rule figures_regional:
    run:
        workers.logged(log[0], figure_jobs.regional_figures, root=".", country_jsons=input.countries,
                    out_json=output[0])  # a comment (with parentheses)
        lastgood.keep(output, log[0])
'''


def test_the_checker_passes_a_call_by_keyword():
    assert problems(GOOD) == []
    [(line, logged, module, name, call)] = job_calls(GOOD, stage_aliases(GOOD))
    assert (line, logged, module, name) == (7, True, "figures", "regional_figures")
    assert [k.arg for k in call.keywords] == ["root", "country_jsons", "out_json"]


def test_the_checker_fails_a_positional_argument():
    text = GOOD.replace('root=".", country_jsons=input.countries', '".", input.countries')
    assert problems(text) == [
        "line 7: figures.regional_figures: positional argument '.': pass it by keyword",
        "line 7: figures.regional_figures: positional argument input.countries: pass it by keyword",
    ]


def test_the_checker_fails_a_keyword_the_function_does_not_take_and_one_left_out():
    text = GOOD.replace("out_json=output[0]", "out=output[0]")
    assert problems(text) == [
        "line 7: figures.regional_figures: out= is not a parameter of regional_figures (root, country_jsons, out_json)",
        "line 7: figures.regional_figures: missing out_json",
    ]


def test_the_checker_fails_a_direct_call_by_position_and_a_job_given_otherwise():
    text = GOOD + '''
rule keep_issued_figures:
    run:
        issued_jobs.keep(".", wildcards.period, doc=wildcards.doc, out_figures=output[0])
        workers.logged(log[0], regional_figures, root=".")
'''
    assert problems(text, {"issued_jobs": "issued"}) == [
        "line 13: issued.keep: positional argument '.': pass it by keyword",
        "line 13: issued.keep: positional argument wildcards.period: pass it by keyword",
        ("line 14: workers.logged must be given the log and the job as <stage module alias>.<function>, not "
         "regional_figures"),
    ]


def test_the_checker_fails_a_job_function_with_positional_parameters_or_one_named_like_logged_s_own():
    def positional(root, country_jsons, *, out_json, log=None):  # the old way
        return None

    assert problems(GOOD.replace("out_json=output[0]", "out_json=output[0], log=None"),
                    resolve=lambda module, name: positional) == [
        ("line 7: figures.regional_figures: takes parameters that are not keyword-only: root, country_jsons "
         "(declare it def regional_figures(*, ...))"),
        "line 7: figures.regional_figures: log= is workers.logged's own parameter: rename it in regional_figures",
    ]

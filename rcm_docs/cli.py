"""Command line for sector leads, reviewers and maintainers; the build itself is `snakemake`."""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rcm-docs", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check submission files the way the build does, and say how to fix them",
                       description="Validate submission files, several, or whole workspaces. Exit code 0 when "
                       "nothing is rejected, 1 when something is, 2 for a usage error.")
    v.add_argument("paths", nargs="+", metavar="PATH", help="a submission file, or a workspace folder")
    v.add_argument("--workspace", help="the workspace (default: the folder above PATH holding inputs/plan.yaml)")
    v.add_argument("--country", help="ISO3 code, when the file is not in inputs/submissions/<ISO3>/")
    v.add_argument("--sector", help="sector code, when the file name is not <SECTOR>.xlsx/.csv")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--annotate", metavar="DIR", help="write <name>.annotated.xlsx copies with each bad cell marked")
    v.add_argument("--examples", type=int, default=3, help="examples shown per rule (default 3)")

    t = sub.add_parser("template", help="write the Excel submission template for one country and sector")
    t.add_argument("--workspace", default=".", help="the plan workspace (default: here)")
    t.add_argument("--country", required=True, metavar="ISO3")
    t.add_argument("--sector", required=True, metavar="CODE")
    t.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    df = sub.add_parser("diff", help="what changed between two drafts: redline DOCX and a figures change summary",
                        description="OLD and NEW are two build folders (or two DOCX files). Writes a redline DOCX "
                        "with Word tracked changes for every document whose bytes changed (under the build's own "
                        "folders), changes.md / changes.xlsx naming the documents, the figures that moved (derived ones "
                        "too) with the inputs behind them and the submission rows, and index.html to open first.")
    df.add_argument("old")
    df.add_argument("new")
    df.add_argument("-o", "--output", required=True, metavar="DIR")
    df.add_argument("--format", choices=["text", "json"], default="text", dest="fmt")

    s = sub.add_parser("issue", help="mark a month's sitreps as issued: later builds keep them as sent",
                       description="Copies the built sitreps of PERIOD (YYYY-MM), their charts and figures into "
                       "inputs/issued/sitreps/PERIOD/ and logs it in inputs/issued/log.csv; from then on the build "
                       "copies them instead of rendering them, so later input changes do not alter what was sent.")
    s.add_argument("period", metavar="PERIOD")
    s.add_argument("--workspace", default=".", help="the plan workspace (default: here)")
    s.add_argument("--reopen", metavar="REASON", help="open an issued month again, saying why: the next build "
                   "renders it from the current inputs; review it, then issue it again (a re-issue)")

    i = sub.add_parser("init", help="start a new plan workspace")
    i.add_argument("dir")
    i.add_argument("--countries", nargs="+", required=True, metavar="ISO3")
    i.add_argument("--title", default="Regional Refugee Response Plan")

    pr = sub.add_parser("promote", help="turn a country's contingency plan into the starting inputs of its chapter",
                        description="After an influx: adds the country to plan.yaml's countries, copies its contingency "
                        "submissions to inputs/submissions/<ISO3>/, writes its population planning rows from the "
                        "scenario's planning figure (and people in need, if the scenario gives them), and copies its "
                        "sector response strategies as sector narratives. Refuses to replace existing chapter inputs "
                        "unless --force.")
    pr.add_argument("country", metavar="ISO3")
    pr.add_argument("--workspace", default=".", help="the plan workspace (default: here)")
    pr.add_argument("--force", action="store_true", help="replace the country's existing submissions, planning rows and narratives")

    d = sub.add_parser("demo", help="write a synthetic plan workspace (for trials and benchmarks)")
    d.add_argument("dir")
    d.add_argument("--countries", type=int, default=5)
    d.add_argument("--sectors", type=int, default=8)
    d.add_argument("--partners", type=int, default=46)
    d.add_argument("--rows", type=int, default=600)
    d.add_argument("--seed", type=int, default=2026)

    r = sub.add_parser("reference-docx", help="rebuild the branded reference.docx")
    r.add_argument("out", nargs="?", default="templates/reference.docx")
    return p


def run(args) -> int:
    from . import commands

    if args.command == "validate":
        code, out = commands.validate(args.paths, args.workspace, args.country, args.sector, args.format,
                                      args.annotate, args.examples)
        print(out)
        return code
    if args.command == "template":
        print(commands.template(args.workspace, args.country, args.sector, args.output))
        return 0
    if args.command == "diff":
        print(commands.diff(args.old, args.new, args.output, args.fmt))
        return 0
    if args.command == "issue":
        from .steps.issued import issue

        print(issue(args.workspace, args.period, args.reopen))
        return 0
    if args.command == "promote":
        from .promote import promote

        print(promote(args.workspace, args.country, args.force))
        return 0
    if args.command == "init":
        print(commands.init(args.dir, args.countries, args.title))
        return 0

    if args.command == "demo":
        from .demo import generate

        generate(args.dir, args.countries, args.sectors, args.partners, args.rows, args.seed)
        print(f"wrote a plan workspace in {args.dir}/inputs")
        return 0
    if args.command == "reference-docx":
        from .documents.word.reference import build

        build(args.out)
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def main(argv: list[str] | None = None) -> int:
    """Exit codes (common/errors.py): 0 done, 1 an input cannot be used, 2 a usage error, 3 unexpected."""
    import os

    from .common.errors import UNEXPECTED, exit_code, one_line

    args = _parser().parse_args(argv)
    try:
        return run(args)
    except Exception as e:  # a user sees one line, not a traceback; RCM_DEBUG=1 shows it
        code = exit_code(e)
        if code == UNEXPECTED and os.environ.get("RCM_DEBUG"):
            raise
        hint = " (run with RCM_DEBUG=1 for details)" if code == UNEXPECTED else ""
        print(f"rcm-docs: {one_line(e)}{hint}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())

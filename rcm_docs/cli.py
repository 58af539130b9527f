"""Command line: `rcm-docs job ...` runs one build step (the Snakefile calls these); `rcm-docs demo`
writes a synthetic workspace; `rcm-docs reference-docx` rebuilds the branded reference.docx."""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rcm-docs", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    job = sub.add_parser("job", help="run one build step (used by the Snakefile)")
    jobs = job.add_subparsers(dest="job", required=True)
    j = jobs.add_parser("validate-country")
    j.add_argument("--workspace", default=".")
    j.add_argument("--country", required=True)
    j.add_argument("--rows", required=True)
    j.add_argument("--status", required=True)
    j.add_argument("--reports", required=True)
    j = jobs.add_parser("country-figures")
    j.add_argument("--workspace", default=".")
    j.add_argument("--country", required=True)
    j.add_argument("--rows", required=True)
    j.add_argument("--status", required=True)
    j.add_argument("--out", required=True)
    j.add_argument("--allow-incomplete", action="store_true")
    j = jobs.add_parser("regional-figures")
    j.add_argument("--workspace", default=".")
    j.add_argument("--out", required=True)
    j.add_argument("countries", nargs="+")
    j = jobs.add_parser("merge-plan")
    j.add_argument("--workspace", default=".")
    j.add_argument("--rows", nargs="+", required=True)
    j.add_argument("--status", nargs="+", required=True)
    j.add_argument("--csv", required=True)
    j.add_argument("--xlsx", required=True)
    j.add_argument("--allow-incomplete", action="store_true")
    j = jobs.add_parser("render")
    j.add_argument("--workspace", default=".")
    j.add_argument("--doc", required=True)
    j.add_argument("--figures", required=True)
    j.add_argument("--md", required=True)
    j.add_argument("--docx", required=True)
    j.add_argument("--pdf", required=True)
    j.add_argument("--templates", nargs="+", required=True)
    j = jobs.add_parser("summary")
    j.add_argument("--workspace", default=".")
    j.add_argument("--md", required=True)
    j.add_argument("--html", required=True)
    j.add_argument("status", nargs="+")

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


def run(args) -> None:
    from . import jobs

    if args.command == "demo":
        from .demo import generate

        generate(args.dir, args.countries, args.sectors, args.partners, args.rows, args.seed)
        print(f"wrote a plan workspace in {args.dir}/inputs")
        return
    if args.command == "reference-docx":
        from .reference_docx import build

        build(args.out)
        return
    j = args.job
    if j == "validate-country":
        jobs.validate_country(args.workspace, args.country, args.rows, args.status, args.reports)
    elif j == "country-figures":
        jobs.country_figures(args.workspace, args.country, args.rows, args.status, args.out, args.allow_incomplete)
    elif j == "regional-figures":
        jobs.regional_figures(args.workspace, args.countries, args.out)
    elif j == "merge-plan":
        jobs.merge_plan(args.workspace, args.rows, args.status, args.csv, args.xlsx, args.allow_incomplete)
    elif j == "render":
        jobs.render_document(args.workspace, args.doc, args.figures, args.md, args.docx, args.pdf, args.templates)
    elif j == "summary":
        jobs.validation_summary(args.workspace, args.status, args.md, args.html)


def main(argv: list[str] | None = None) -> int:
    from .jobs import IncompleteError
    from .plan import PlanError
    from .read import RegistryError
    from .render import RenderError

    args = _parser().parse_args(argv)
    try:
        run(args)
    except (PlanError, RegistryError, IncompleteError, RenderError, FileNotFoundError) as e:
        print(f"rcm-docs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

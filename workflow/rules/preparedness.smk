# Preparedness: each country at risk's scenario, actions, capacity and contingency submissions checked, its figures,
# its contingency plan and dashboard, and the regional dashboard -> build/preparedness, build/reports/preparedness.
# A rejected preparedness file blocks only these documents: no chapter reads them.
from rcm_docs.steps import preparedness as preparedness_jobs
from rcm_docs.common.workspace import preparedness_inputs, stray_preparedness

PREPARING = PLAN.preparedness_codes
_stray_prep = stray_preparedness(".", PREPARING)
if _stray_prep:
    raise WorkflowError("Files under inputs/preparedness would not be read:\n" + "\n".join(f"  - {s}" for s in _stray_prep))


wildcard_constraints:
    pcountry="|".join(PREPARING) or "(?!)",
    pdoc="|".join(PREPARING + ["regional"]) if PREPARING else "(?!)",


def get_preparedness_inputs(wildcards):
    return [str(p) for p in preparedness_inputs(".", wildcards.pcountry)]


def get_contingency_narratives(wildcards):
    return [p for p in get_preparedness_inputs(wildcards) if p.endswith(".md")]


def preparedness_documents():
    """The preparedness documents the plan makes: get_documents() in common.smk adds them to the build's targets."""
    if not PREPARING:
        return []
    return (expand("build/preparedness/contingency/{pcountry}.{ext}", pcountry=PREPARING, ext=["md", "docx", "pdf"])
            + expand("build/preparedness/dashboard/{pdoc}.{ext}", pdoc=PREPARING + ["regional"], ext=["md", "docx", "pdf"]))


def preparedness_chart_dirs():
    return expand("build/charts/contingency-{pcountry}", pcountry=PREPARING)


def preparedness_statuses():
    return expand("build/data/preparedness/{pcountry}.status.json", pcountry=PREPARING)


rule validate_preparedness:
    input:
        files=declared(get_preparedness_inputs),
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        framework=get_framework,
    output:
        rows="build/data/preparedness/{pcountry}.rows.csv",
        data="build/data/preparedness/{pcountry}.json",
        status="build/data/preparedness/{pcountry}.status.json",
        reports=directory("build/reports/preparedness/{pcountry}"),
    log:
        "build/logs/validate_preparedness/{pcountry}.log",
    params:
        code=CODE,
        unlisted=unlisted(get_preparedness_inputs),
    threads: 1
    run:
        workers.logged(log[0], preparedness_jobs.validate_preparedness, root=".", country=wildcards.pcountry,
                    rows_out=output.rows, data_out=output.data, status_out=output.status, reports_dir=output.reports)

rule figures_preparedness:
    input:
        rows="build/data/preparedness/{pcountry}.rows.csv",
        data="build/data/preparedness/{pcountry}.json",
        status="build/data/preparedness/{pcountry}.status.json",
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        framework=get_framework,
    output:
        "build/figures/preparedness/{pcountry}.json",
    log:
        "build/logs/figures_preparedness/{pcountry}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    run:
        workers.logged(log[0], preparedness_jobs.preparedness_figures, root=".", country=wildcards.pcountry,
                    rows_csv=input.rows, data_json=input.data, status_json=input.status, out_json=output[0],
                    allow_incomplete=params.incomplete)

rule figures_preparedness_regional:
    input:
        countries=expand("build/figures/preparedness/{pcountry}.json", pcountry=PREPARING),
        plan="inputs/plan.yaml",
    output:
        "build/figures/preparedness/regional.json",
    log:
        "build/logs/figures_preparedness/regional.log",
    params:
        code=CODE,
    threads: 1
    run:
        workers.logged(log[0], preparedness_jobs.regional_figures, root=".", country_jsons=input.countries,
                    out_json=output[0])

rule render_contingency:
    input:
        figures="build/figures/preparedness/{pcountry}.json",
        narratives=declared(get_contingency_narratives),
        plan="inputs/plan.yaml",
        template=get_template("contingency.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/preparedness/contingency/{pcountry}.md",
        docx="build/preparedness/contingency/{pcountry}.docx",
        pdf="build/preparedness/contingency/{pcountry}.pdf",
        charts=directory("build/charts/contingency-{pcountry}"),
    log:
        "build/logs/render_contingency/{pcountry}.log",
    params:
        code=CODE,
        unlisted=unlisted(get_contingency_narratives),
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        workers.logged(log[0], preparedness_jobs.render, root=".", kind="contingency", doc=wildcards.pcountry,
                    figures_json=input.figures, out_md=output.md, out_docx=output.docx, out_pdf=output.pdf,
                    template_dirs=params.templates)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

rule render_preparedness_dashboard:
    input:
        figures="build/figures/preparedness/{pdoc}.json",
        plan="inputs/plan.yaml",
        template=get_template("preparedness.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/preparedness/dashboard/{pdoc}.md",
        docx="build/preparedness/dashboard/{pdoc}.docx",
        pdf="build/preparedness/dashboard/{pdoc}.pdf",
    log:
        "build/logs/render_preparedness_dashboard/{pdoc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        workers.logged(log[0], preparedness_jobs.render, root=".", kind="preparedness", doc=wildcards.pdoc,
                    figures_json=input.figures, out_md=output.md, out_docx=output.docx, out_pdf=output.pdf,
                    template_dirs=params.templates)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

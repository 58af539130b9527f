# Validation: every submission, funding file and reporting period checked, with reports -> build/data, build/reports.
from rcm_docs.steps import validate as validate_jobs


rule validate_submissions:
    input:
        submissions=declared(get_submissions),
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        framework=get_framework,
        places=get_places,
    output:
        rows="build/data/{country}.rows.csv",
        status="build/data/{country}.status.json",
        reports=directory("build/reports/{country}"),
    log:
        "build/logs/validate_submissions/{country}.log",
    params:
        code=CODE,
        unlisted=unlisted(get_submissions),
    threads: 1
    resources:
        mem_mb=1000,
    run:
        workers.logged(log[0], validate_jobs.validate_country, root=".", country=wildcards.country,
                    rows_out=output.rows, status_out=output.status, reports_dir=output.reports)

rule validate_funding:
    input:
        funding=declared(get_funding),
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
    output:
        rows="build/data/funding.rows.csv",
        status="build/data/funding.status.json",
        reports=directory("build/reports/funding"),
    log:
        "build/logs/validate_funding.log",
    params:
        code=CODE,
        unlisted=unlisted(get_funding),
    threads: 1
    run:
        workers.logged(log[0], validate_jobs.validate_funding, root=".", rows_out=output.rows, status_out=output.status,
                    reports_dir=output.reports)

rule validate_sitrep:
    input:
        progress=declared(get_sitrep_inputs),
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        gazetteer=get_gazetteer,
        indicators=get_indicators,
    output:
        # each country's rows alone, <ISO3>.rows.csv: one folder, not a file per country, for Snakemake to track
        rows=directory("build/data/sitreps/{period}"),
        figures="build/data/sitreps/{period}.figures.csv",
        status="build/data/sitreps/{period}.status.json",
        reports=directory("build/reports/sitreps/{period}"),
    log:
        "build/logs/validate_sitrep/{period}.log",
    params:
        code=CODE,
        unlisted=unlisted(get_sitrep_inputs),
    threads: 1
    run:
        workers.logged(log[0], validate_jobs.validate_sitrep, root=".", period=wildcards.period, rows_dir=output.rows,
                    figures_out=output.figures, status_out=output.status, reports_dir=output.reports)

rule validate_summary:
    input:
        # preparedness_statuses (preparedness.smk, included later) is called when the DAG is built
        status=lambda wildcards: expand("build/data/{country}.status.json", country=COUNTRIES)
        + ["build/data/funding.status.json"] + preparedness_statuses(),
        narratives=declared(get_all_narratives),
        plan="inputs/plan.yaml",
    output:
        md="build/reports/summary.md",
        html="build/reports/summary.html",
    log:
        "build/logs/validate_summary.log",
    params:
        code=CODE,
        unlisted=unlisted(get_all_narratives),
    threads: 1
    run:
        workers.logged(log[0], validate_jobs.validation_summary, root=".", status_jsons=input.status, out_md=output.md,
                    out_html=output.html)

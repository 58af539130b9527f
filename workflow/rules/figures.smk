# Figures: each document's figures computed once from the validated rows -> build/figures/*.json.
from rcm_docs.steps import figures as figure_jobs


rule figures_country:
    input:
        rows="build/data/{country}.rows.csv",
        status="build/data/{country}.status.json",
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        population="inputs/population.csv",
        framework=get_framework,
    output:
        "build/figures/{country}.json",
    log:
        "build/logs/figures_country/{country}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    priority: 5  # before the other figures: the chapters wait on them (render_rrp)
    resources:
        mem_mb=1000,
    run:
        workers.logged(log[0], figure_jobs.country_figures, root=".", country=wildcards.country, rows_csv=input.rows,
                    status_json=input.status, out_json=output[0], allow_incomplete=params.incomplete)

rule figures_regional:
    input:
        countries=expand("build/figures/{country}.json", country=COUNTRIES),
        plan="inputs/plan.yaml",
        framework=get_framework,
    output:
        "build/figures/regional.json",
    log:
        "build/logs/figures_regional.log",
    params:
        code=CODE,
    threads: 1
    priority: 5  # before the other figures: the chapters wait on them (render_rrp)
    run:
        workers.logged(log[0], figure_jobs.regional_figures, root=".", country_jsons=input.countries,
                    out_json=output[0])

rule figures_funding:
    input:
        rows="build/data/funding.rows.csv",
        status="build/data/funding.status.json",
        figures="build/figures/{doc}.json",
    output:
        "build/figures/funding/{doc}.json",
    log:
        "build/logs/figures_funding/{doc}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    run:
        workers.logged(log[0], figure_jobs.funding_figures, root=".", rows_csv=input.rows, status_json=input.status,
                    figures_json=input.figures, out_json=output[0], allow_incomplete=params.incomplete)

rule figures_sitrep:
    wildcard_constraints:
        period=OPEN_PERIOD,
    input:
        rows="build/data/sitreps/{period}",
        figures="build/data/sitreps/{period}.figures.csv",
        history=get_earlier_figures,
        earlier=get_earlier_rows,
        status="build/data/sitreps/{period}.status.json",
        funding="build/data/funding.rows.csv",
        funding_status="build/data/funding.status.json",
        plan_figures="build/figures/{country}.json",
    output:
        "build/figures/sitreps/{period}/{country}.json",
    log:
        "build/logs/figures_sitrep/{period}/{country}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    run:
        workers.logged(log[0], figure_jobs.sitrep_figures, root=".", period=wildcards.period, country=wildcards.country,
                    rows_dir=input.rows, figures_csv=input.figures, status_json=input.status,
                    funding_rows_csv=input.funding, funding_status_json=input.funding_status,
                    figures_json=input.plan_figures, out_json=output[0], allow_incomplete=params.incomplete,
                    earlier_rows=list(input.earlier))

rule figures_sitrep_regional:
    wildcard_constraints:
        period=OPEN_PERIOD,
    input:
        countries=expand("build/figures/sitreps/{{period}}/{country}.json", country=COUNTRIES),
        figures="build/data/sitreps/{period}.figures.csv",
        history=get_earlier_figures,
        status="build/data/sitreps/{period}.status.json",
        funding="build/data/funding.rows.csv",
        funding_status="build/data/funding.status.json",
        plan_figures="build/figures/regional.json",
    output:
        "build/figures/sitreps/{period}/regional.json",
    log:
        "build/logs/figures_sitrep/{period}/regional.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    run:
        workers.logged(log[0], figure_jobs.sitrep_regional, root=".", period=wildcards.period,
                    country_jsons=input.countries, figures_csv=input.figures, status_json=input.status,
                    funding_rows_csv=input.funding, funding_status_json=input.funding_status,
                    regional_json=input.plan_figures, out_json=output[0], allow_incomplete=params.incomplete)

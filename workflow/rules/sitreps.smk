rule validate_sitrep:
    input:
        progress=get_sitrep_inputs,
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        gazetteer=get_gazetteer,
    output:
        rows="build/data/sitreps/{period}.rows.csv",
        figures="build/data/sitreps/{period}.figures.csv",
        status="build/data/sitreps/{period}.status.json",
        reports=directory("build/reports/sitreps/{period}"),
    log:
        "build/logs/validate_sitrep/{period}.log",
    params:
        code=CODE,
    threads: 1
    run:
        jobs.logged(log[0], jobs.validate_sitrep, ".", wildcards.period, output.rows, output.figures, output.status,
                    output.reports)


rule figures_sitrep:
    input:
        rows="build/data/sitreps/{period}.rows.csv",
        figures="build/data/sitreps/{period}.figures.csv",
        history=get_earlier_figures,
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
        jobs.logged(log[0], jobs.sitrep_figures, ".", wildcards.period, wildcards.country, input.rows, input.figures,
                    input.status, input.funding, input.funding_status, input.plan_figures, output[0], params.incomplete)


rule figures_sitrep_regional:
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
        jobs.logged(log[0], jobs.sitrep_regional, ".", wildcards.period, input.countries, input.figures, input.status,
                    input.funding, input.funding_status, input.plan_figures, output[0], params.incomplete)


rule render_sitrep:
    input:
        figures="build/figures/{doc}.json",
        sitrep="build/figures/sitreps/{period}/{doc}.json",
        highlights=get_highlights,
        plan="inputs/plan.yaml",
        template=get_template("sitrep.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/sitreps/{period}/{doc}.md",
        docx="build/sitreps/{period}/{doc}.docx",
        pdf="build/sitreps/{period}/{doc}.pdf",
        charts=directory("build/charts/sitreps-{period}-{doc}"),
    log:
        "build/logs/render_sitrep/{period}/{doc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        jobs.logged(log[0], jobs.render_document, ".", wildcards.doc, input.figures, output.md, output.docx,
                    output.pdf, params.templates, "sitrep", None, input.sitrep)

rule figures_country:
    input:
        rows="build/data/{country}.rows.csv",
        status="build/data/{country}.status.json",
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        population="inputs/population.csv",
    output:
        "build/figures/{country}.json",
    log:
        "build/logs/figures_country/{country}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    resources:
        mem_mb=1000,
    run:
        jobs.logged(log[0], jobs.country_figures, ".", wildcards.country, input.rows, input.status, output[0],
                    params.incomplete)


rule figures_regional:
    input:
        countries=expand("build/figures/{country}.json", country=COUNTRIES),
        plan="inputs/plan.yaml",
    output:
        "build/figures/regional.json",
    log:
        "build/logs/figures_regional.log",
    params:
        code=CODE,
    threads: 1
    run:
        jobs.logged(log[0], jobs.regional_figures, ".", input.countries, output[0])

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
        incomplete=INCOMPLETE,
    resources:
        mem_mb=1000,
    shell:
        '"{PY}" -m rcm_docs job country-figures --country {wildcards.country} --rows {input.rows}'
        " --status {input.status} --out {output} {params.incomplete} 2>&1 | tee {log}"


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
    shell:
        '"{PY}" -m rcm_docs job regional-figures --out {output} {input.countries} 2>&1 | tee {log}'

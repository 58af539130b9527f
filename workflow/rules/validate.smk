rule validate_submissions:
    input:
        submissions=get_submissions,
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
        gazetteer=get_gazetteer,
    output:
        rows="build/data/{country}.rows.csv",
        status="build/data/{country}.status.json",
        reports=directory("build/reports/{country}"),
    log:
        "build/logs/validate_submissions/{country}.log",
    resources:
        mem_mb=1000,
    params:
        code=CODE,
    shell:
        '"{PY}" -m rcm_docs job validate-country --country {wildcards.country} --rows {output.rows}'
        " --status {output.status} --reports {output.reports} 2>&1 | tee {log}"


rule validate_summary:
    input:
        status=expand("build/data/{country}.status.json", country=COUNTRIES),
        narratives=get_all_narratives,
        plan="inputs/plan.yaml",
    output:
        md="build/reports/summary.md",
        html="build/reports/summary.html",
    log:
        "build/logs/validate_summary.log",
    params:
        code=CODE,
    shell:
        '"{PY}" -m rcm_docs job summary --md {output.md} --html {output.html} {input.status} 2>&1 | tee {log}'

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
    params:
        code=CODE,
    threads: 1
    resources:
        mem_mb=1000,
    run:
        jobs.logged(log[0], jobs.validate_country, ".", wildcards.country, output.rows, output.status, output.reports)


rule validate_summary:
    input:
        status=expand("build/data/{country}.status.json", country=COUNTRIES) + ["build/data/funding.status.json"],
        narratives=get_all_narratives,
        plan="inputs/plan.yaml",
    output:
        md="build/reports/summary.md",
        html="build/reports/summary.html",
    log:
        "build/logs/validate_summary.log",
    params:
        code=CODE,
    threads: 1
    run:
        jobs.logged(log[0], jobs.validation_summary, ".", input.status, output.md, output.html)
